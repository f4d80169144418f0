package protocol

// Version of the protocol this package speaks. A server accepts a client
// whose major version equals its own; the minor version tells a client
// which requests it may use. Minor 1 added glyph sets (requests 105–108),
// which xbridge --native draws all its text with; minor 2 added
// WarpPointer (request 120), NoOperation and ImageGlyph8 (110, 111),
// the last two to make the native bridge's stream smaller.
const (
	MajorVersion = 1
	MinorVersion = 2
)

// Limits. Every length and count read from the network is checked against
// one of these before anything is allocated for it.
const (
	// HeaderSize is the size of every message header in both directions.
	HeaderSize = 4
	// MaxBody is the largest body the 24-bit length field can carry.
	MaxBody = 1<<24 - 1
	// DefaultMaxRequest is the largest request body a server accepts unless
	// configured otherwise; it fits a full 1920x1080 PutImage. Clients
	// split larger images.
	DefaultMaxRequest = 8 << 20
	// MaxTitle bounds SetTitle.
	MaxTitle = 1024
	// MaxText bounds DrawText.
	MaxText = 4096
	// MaxEventText bounds the text carried by a KeyPress event.
	MaxEventText = 64
	// MaxErrorMessage bounds the human-readable part of an error.
	MaxErrorMessage = 256
	// MaxAuth bounds the auth cookie in the handshake.
	MaxAuth = 256
	// MaxCodecList bounds the codec list in the handshake.
	MaxCodecList = 256
	// MaxReason bounds the failure reason in the handshake.
	MaxReason = 1024
	// MaxDashes bounds SetDashes.
	MaxDashes = 255
	// MaxDimension bounds window, pixmap and image sizes (X's 16-bit limit,
	// but positive and sane).
	MaxDimension = 16384
)
