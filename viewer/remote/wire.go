// Package remote carries a display's feed over the network, so that a
// viewer in another process, or on another machine, presents a display
// server's screen and drives it as if it were in the same process.
//
// The server side is Handler, an http.Handler the display server mounts
// (at /feed) behind its token authentication. The viewer side is Dial,
// which returns a *Conn implementing feed.Source: any viewer that presents
// a feed.Source presents a remote display through it.
//
// # Wire format
//
// The feed is a WebSocket (RFC 6455, github.com/coder/websocket on both
// sides) with the subprotocol xfar-feed/1:
//
//	GET /feed HTTP/1.1
//	Connection: Upgrade
//	Upgrade: websocket
//	Sec-WebSocket-Protocol: xfar-feed/1
//	Authorization: Bearer <token>
//	Xfar-Codecs: zstd, none          (the viewer's preference, optional)
//
// The server answers "101 Switching Protocols" with the chosen codec in
// Xfar-Codec and the viewer's rights ("full" or "view") in Xfar-Access;
// anything else (401, 403, 426 for a request that is not a WebSocket
// upgrade, 400 without the subprotocol) is an error with a text body.
// From then on each direction is a stream carried in binary messages; a
// message boundary means nothing to the streams below (the server sends
// one message per update, the viewer one per batch of input). A viewer
// that breaks the rules below is closed with status 1008 (policy
// violation) and the reason.
//
// Server to viewer: one compressed stream (the negotiated codec from the
// compress package; its history spans the whole connection and it is
// flushed after each message) of messages, each a 1-byte type and a 4-byte
// little-endian payload length, then the payload: msgCursor (cursor.go)
// or msgUpdate:
//
//	seq u64, width u16, height u16, flags u8 (bit 0: full), nrects u32,
//	then nrects times: x u16, y u16, w u16, h u16, w*h pixels as u32
//	0x00RRGGBB, little-endian, rows top to bottom.
//
// The first update is the whole screen. Unknown types are skipped, so
// that a newer server can add messages.
//
// Viewer to server: uncompressed (input is a few bytes, a handful of times
// a second), messages of a 1-byte type and a 2-byte little-endian payload
// length. The only type is msgInput:
//
//	kind u8, x i32, y i32, button u8 (for key kinds: the keycode, see
//	feed.InputEvent.Keycode), keysym u32, mods u16, text (the rest,
//	UTF-8, at most MaxText bytes).
//
// Every length is bounded; a message that breaks a bound, or any rule
// above, ends that viewer's connection and no other. The WebSocket layer
// adds no limit of its own (coder/websocket's NetConn reads messages as a
// stream, without buffering one whole).
package remote

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"unicode/utf8"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
)

// Subprotocol is the feed's WebSocket subprotocol name.
const Subprotocol = "xfar-feed/1"

// Message types.
const (
	msgUpdate = 1
	msgInput  = 2
)

// Bounds on what a peer may send.
const (
	// MaxText bounds the text of one input event.
	MaxText = 256
	// maxRects bounds the rectangles of one update; the display server's
	// damage tracking merges long before this.
	maxRects = 1 << 16
	// maxSkip bounds the payload of a message type this side does not
	// know, which it reads and drops.
	maxSkip = 1 << 20
	// maxPixels bounds the screen a server may announce (8K by 4K), and
	// with it the memory one update can make a viewer allocate.
	maxPixels = 8192 * 4096
	// inputFixed is the size of an input payload without its text.
	inputFixed = 1 + 4 + 4 + 1 + 4 + 2
	// updateFixed is the size of an update payload's header.
	updateFixed = 8 + 2 + 2 + 1 + 4
	// rectHeader is the size of one rectangle's geometry.
	rectHeader = 8
)

// errProtocol marks a peer that broke the wire format.
var errProtocol = errors.New("remote: protocol violation")

func protoErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errProtocol, fmt.Sprintf(format, args...))
}

// appendInput encodes one input event as a complete viewer message.
func appendInput(b []byte, ev feed.InputEvent) []byte {
	text := ev.Text
	if len(text) > MaxText {
		text = ""
	}
	b = append(b, msgInput)
	b = binary.LittleEndian.AppendUint16(b, uint16(inputFixed+len(text)))
	b = append(b, byte(ev.Kind))
	b = binary.LittleEndian.AppendUint32(b, uint32(int32(ev.X)))
	b = binary.LittleEndian.AppendUint32(b, uint32(int32(ev.Y)))
	if ev.Kind == feed.KeyDown || ev.Kind == feed.KeyUp {
		b = append(b, ev.Keycode)
	} else {
		b = append(b, byte(ev.Button))
	}
	b = binary.LittleEndian.AppendUint32(b, ev.Keysym)
	b = binary.LittleEndian.AppendUint16(b, ev.Mods)
	return append(b, text...)
}

// readInput reads one viewer message. It returns ok=false for a message
// of a type it does not know (already skipped).
func readInput(r io.Reader, buf []byte) (ev feed.InputEvent, ok bool, err error) {
	var hdr [3]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return ev, false, err
	}
	n := int(binary.LittleEndian.Uint16(hdr[1:]))
	if hdr[0] != msgInput {
		_, err := io.CopyN(io.Discard, r, int64(n))
		return ev, false, err
	}
	if n < inputFixed || n > inputFixed+MaxText {
		return ev, false, protoErr("input message of %d bytes", n)
	}
	p := buf[:n]
	if _, err := io.ReadFull(r, p); err != nil {
		return ev, false, fmt.Errorf("read input message: %w", err)
	}
	ev.Kind = feed.InputKind(p[0])
	ev.X = int(int32(binary.LittleEndian.Uint32(p[1:])))
	ev.Y = int(int32(binary.LittleEndian.Uint32(p[5:])))
	if ev.Kind == feed.KeyDown || ev.Kind == feed.KeyUp {
		ev.Keycode = p[9]
	} else {
		ev.Button = int(p[9])
	}
	ev.Keysym = binary.LittleEndian.Uint32(p[10:])
	ev.Mods = binary.LittleEndian.Uint16(p[14:])
	ev.Text = string(p[16:])
	switch {
	case ev.Kind < feed.PointerMove || ev.Kind > feed.ReleaseAll:
		return ev, false, protoErr("input kind %d", ev.Kind)
	case ev.Button > 7:
		return ev, false, protoErr("button %d", ev.Button)
	case !utf8.ValidString(ev.Text):
		return ev, false, protoErr("input text is not UTF-8")
	}
	return ev, true, nil
}

// writeUpdate encodes one update onto w, converting pixels through
// scratch (which it may grow and returns).
func writeUpdate(w io.Writer, up *feed.Update, scratch []byte) ([]byte, error) {
	size := updateFixed
	for _, r := range up.Rects {
		size += rectHeader + 4*r.Dx()*r.Dy()
	}
	b := scratch[:0]
	b = append(b, msgUpdate)
	b = binary.LittleEndian.AppendUint32(b, uint32(size))
	b = binary.LittleEndian.AppendUint64(b, up.Seq)
	b = binary.LittleEndian.AppendUint16(b, uint16(up.Width))
	b = binary.LittleEndian.AppendUint16(b, uint16(up.Height))
	var flags byte
	if up.Full {
		flags = 1
	}
	b = append(b, flags)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(up.Rects)))
	for _, r := range up.Rects {
		b = binary.LittleEndian.AppendUint16(b, uint16(r.Min.X))
		b = binary.LittleEndian.AppendUint16(b, uint16(r.Min.Y))
		b = binary.LittleEndian.AppendUint16(b, uint16(r.Dx()))
		b = binary.LittleEndian.AppendUint16(b, uint16(r.Dy()))
		// Pixels go out in chunks so that the scratch buffer stays small
		// whatever the rectangle's size.
		pix := r.Pix
		for len(pix) > 0 {
			n := min(len(pix), 16<<10)
			for _, p := range pix[:n] {
				b = binary.LittleEndian.AppendUint32(b, p)
			}
			pix = pix[n:]
			if len(b) >= 64<<10 {
				if _, err := w.Write(b); err != nil {
					return b[:0], err
				}
				b = b[:0]
			}
		}
	}
	if len(b) > 0 {
		if _, err := w.Write(b); err != nil {
			return b[:0], err
		}
	}
	return b[:0], nil
}

// wireRect is one rectangle of a decoded update, its pixels still in wire
// order (little-endian 0x00RRGGBB).
type wireRect struct {
	r   image.Rectangle
	pix []byte
}

// wireUpdate is a decoded update message.
type wireUpdate struct {
	cursor *feed.Cursor // a msgCursor message was read instead (cursor.go)
	seq    uint64
	w, h   int
	full   bool
	rects  []wireRect
	pixbuf []byte
}

// readUpdate reads the next server message into u, reusing its buffers.
// It returns ok=false for a message of a type it does not know (already
// skipped). Every field is checked before it is trusted: the screen size,
// each rectangle against the screen, the total against the payload length.
func readUpdate(r io.Reader, u *wireUpdate) (ok bool, err error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return false, err
	}
	n := int64(binary.LittleEndian.Uint32(hdr[1:]))
	if hdr[0] == msgCursor { // cursor.go
		c, err := readCursor(r, n)
		if err != nil {
			return false, err
		}
		u.cursor = &c
		return false, nil
	}
	if hdr[0] != msgUpdate {
		if n > maxSkip {
			return false, protoErr("message type %d of %d bytes", hdr[0], n)
		}
		_, err := io.CopyN(io.Discard, r, n)
		return false, err
	}
	if n < updateFixed {
		return false, protoErr("update of %d bytes", n)
	}
	var fixed [updateFixed]byte
	if _, err := io.ReadFull(r, fixed[:]); err != nil {
		return false, fmt.Errorf("read update: %w", err)
	}
	u.seq = binary.LittleEndian.Uint64(fixed[0:])
	u.w = int(binary.LittleEndian.Uint16(fixed[8:]))
	u.h = int(binary.LittleEndian.Uint16(fixed[10:]))
	u.full = fixed[12]&1 != 0
	nr := int64(binary.LittleEndian.Uint32(fixed[13:]))
	if u.w < 1 || u.h < 1 || u.w > protocol.MaxDimension || u.h > protocol.MaxDimension || u.w*u.h > maxPixels {
		return false, protoErr("screen size %dx%d", u.w, u.h)
	}
	if nr > maxRects || updateFixed+nr*rectHeader > n {
		return false, protoErr("update with %d rectangles in %d bytes", nr, n)
	}
	// The rectangles are disjoint parts of the screen, so their pixels
	// never exceed the screen's: that bounds the buffer a peer can make us
	// allocate.
	if pixBytes := n - updateFixed - nr*rectHeader; pixBytes > 4*int64(u.w)*int64(u.h) {
		return false, protoErr("update of %d pixel bytes for a %dx%d screen", pixBytes, u.w, u.h)
	}
	u.rects = u.rects[:0]
	left := n - updateFixed
	screen := image.Rect(0, 0, u.w, u.h)
	var g [rectHeader]byte
	type span struct {
		r        image.Rectangle
		off, len int
	}
	spans := make([]span, 0, nr)
	total := 0
	// Rectangle headers and pixels interleave, so read each header, check
	// it, then read its pixels into one shared buffer.
	u.pixbuf = u.pixbuf[:0]
	for i := int64(0); i < nr; i++ {
		if left < rectHeader {
			return false, protoErr("update truncated at rectangle %d", i)
		}
		if _, err := io.ReadFull(r, g[:]); err != nil {
			return false, fmt.Errorf("read update: %w", err)
		}
		left -= rectHeader
		x, y := int(binary.LittleEndian.Uint16(g[0:])), int(binary.LittleEndian.Uint16(g[2:]))
		rw, rh := int(binary.LittleEndian.Uint16(g[4:])), int(binary.LittleEndian.Uint16(g[6:]))
		rect := image.Rect(x, y, x+rw, y+rh)
		if rw == 0 || rh == 0 || !rect.In(screen) {
			return false, protoErr("rectangle %v outside the %dx%d screen", rect, u.w, u.h)
		}
		bytes := 4 * rw * rh
		total += rw * rh
		if int64(bytes) > left || total > u.w*u.h {
			return false, protoErr("rectangle %v does not fit the update", rect)
		}
		off := len(u.pixbuf)
		u.pixbuf = growTo(u.pixbuf, off+bytes)
		if _, err := io.ReadFull(r, u.pixbuf[off:off+bytes]); err != nil {
			return false, fmt.Errorf("read update pixels: %w", err)
		}
		left -= int64(bytes)
		spans = append(spans, span{rect, off, bytes})
	}
	if left != 0 {
		return false, protoErr("update has %d bytes beyond its rectangles", left)
	}
	for _, s := range spans {
		u.rects = append(u.rects, wireRect{r: s.r, pix: u.pixbuf[s.off : s.off+s.len]})
	}
	return true, nil
}

// growTo returns b resliced to n bytes, reallocating (and keeping its
// contents) when its capacity is short.
func growTo(b []byte, n int) []byte {
	if n <= cap(b) {
		return b[:n]
	}
	nb := make([]byte, n, max(n, 2*cap(b)))
	copy(nb, b)
	return nb
}
