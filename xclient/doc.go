// Package xclient is the library xfar applications link: it dials a display
// server, allocates resource IDs, sends requests, matches replies and
// delivers events and errors. It is to xfar what Xlib is to X.
//
// # Requests are asynchronous
//
// Every drawing or window request is encoded into an output buffer and
// returns at once. The buffer goes to the server on Flush, automatically
// before any wait (a Reply, NextEvent, PollEvent with an empty queue), and
// whenever it passes 64 KiB, as in Xlib. Resource IDs are allocated by the
// client from the range the server granted at the handshake, so creating a
// window, a GC or a pixmap needs no round trip either: a program that never
// asks a question never waits for the network.
//
// Sequence numbers are implicit: the n-th request after the handshake has
// sequence number n, starting at 1. LastSequence tells the caller the
// number of the request it just queued, so that an asynchronous error can
// be traced to the call that caused it.
//
// # Replies
//
// Requests that ask a question (GetGeometry, QueryTree, QueryPointer,
// GetImage, Sync) have two forms: an ...Async form that queues the request
// and returns a Cookie whose Reply method flushes and waits, and a blocking
// form that does both. A protocol error answering such a request is returned
// by Reply as a *protocol.Error.
//
// # Events and errors
//
// NextEvent blocks for the next event; PollEvent returns one if it is
// already queued. Both return asynchronous protocol errors (a request that
// failed on the server) as their error value, a *protocol.Error, with the
// connection still usable. When the connection is gone they return an
// error for which errors.Is(err, ErrClosed) is true; it also wraps the
// cause (io.EOF when the server hung up), so errors.Is(err, io.EOF) works
// too.
//
// Events and asynchronous errors share one queue of bounded size
// (DefaultEventQueue unless WithEventQueue says otherwise). When it is
// full, a MotionNotify for the same window as the newest queued
// MotionNotify replaces it (motion is coalesced, as the newest position is
// what matters); any other event makes the reader goroutine wait until the
// application takes an event. While it waits it reads nothing, so replies
// are not delivered either and the server sees a client that does not read,
// which it may disconnect: an application that selects events must read
// them.
//
// # The clipboard
//
// CLIPBOARD and PRIMARY take one call each way: SetClipboardText or
// SetSelection to copy, ClipboardText or ReadSelection to paste,
// WatchSelections to hear about owner changes (short text comes with the
// change). Selection messages bypass the event queue: the reader goroutine
// answers the server's requests for this client's content on goroutines of
// its own and hands transfers to their readers, so the clipboard works
// whether or not the application reads events. OpenSelection streams
// content of up to protocol.MaxSelectionSize; OfferSelection produces it
// on demand.
//
// # Concurrency
//
// A Conn is safe for use by several goroutines. One mutex guards the output
// buffer and the sequence counter, so requests from different goroutines
// are serialised in the order they take it. One reader goroutine, started
// by Dial and ended by Close or by a broken connection, owns the input side.
package xclient
