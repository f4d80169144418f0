// Package protocol is the xfar wire format in one readable place: message
// types, their little-endian fixed layouts, encoding and decoding, the
// handshake, display names and the hard limits on every length.
//
// The format is X11's, modernised. Clients allocate resource IDs themselves,
// so creating a window costs no round trip; requests carry implicit sequence
// numbers; events and errors arrive asynchronously; only requests that ask a
// question get a reply. The handshake negotiates a version, an auth cookie
// and a compression codec (package compress), after which each direction is
// one compressed stream.
//
// The package does no I/O policy and starts no goroutines: it turns bytes
// into typed values and back. Every decoder validates lengths against the
// limits below before it allocates, and never keeps a reference to the
// buffer it decoded from, so callers may reuse their read buffers.
//
// SPEC.md beside this file is the normative description; this package is
// its reference implementation.
//
// Each request type is described once, in requestTypes (table.go). Adding
// a request means: an opcode constant, a body type with Opcode, AppendBody
// and a decode function, one requestTypes entry, a handler in
// displayserver, and a row in SPEC.md §8 (a test compares the two).
package protocol
