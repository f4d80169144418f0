package protocol

import (
	"errors"
	"fmt"
)

// Event is every event the server sends; which fields mean something depends
// on Code (see SPEC.md). On the wire the header's type byte is Code and the
// body is 40 fixed bytes followed by Text:
//
//	0 u8 detail   1 pad   2 u16 state   4 u32 sequence   8 u32 time (ms)
//	12 u32 window   16 u32 child   20 i16 x   22 i16 y   24 i16 root x
//	26 i16 root y   28 u16 width   30 u16 height   32 u32 keysym
//	36 u16 count   38 u16 border width   40 UTF-8 text (at most MaxEventText)
type Event struct {
	Code EventCode
	// Detail is the button for button events, the override-redirect flag
	// for MapNotify and ConfigureNotify, and X's detail for Enter, Leave,
	// FocusIn and FocusOut.
	Detail uint8
	// State holds modifier and button bits (ShiftMask ... Button5Mask) as
	// they were just before the event.
	State uint16
	// Seq is the sequence number of the last request the server had
	// handled from this client when it sent the event.
	Seq  uint32
	Time uint32
	// Window is the window the event is reported on.
	Window uint32
	// Child is the child of Window that contains the pointer, or for
	// ConfigureNotify the sibling just below, or 0.
	Child         uint32
	X, Y          int16
	RootX, RootY  int16
	Width, Height uint16
	Keysym        uint32
	// Count, for Expose, is how many more Expose events follow for the
	// same window.
	Count       uint16
	BorderWidth uint16
	// Text is what a KeyPress types (UTF-8), possibly empty.
	Text string
}

const eventFixedSize = 40

// AppendEvent appends an event message (header and body).
func AppendEvent(b []byte, e *Event) []byte {
	text := truncateUTF8(e.Text, MaxEventText)
	b = AppendHeader(b, uint8(e.Code), eventFixedSize+len(text))
	b = append(b, e.Detail, 0)
	b = putU16(b, e.State)
	b = putU32(b, e.Seq)
	b = putU32(b, e.Time)
	b = putU32(b, e.Window)
	b = putU32(b, e.Child)
	b = putI16(b, e.X)
	b = putI16(b, e.Y)
	b = putI16(b, e.RootX)
	b = putI16(b, e.RootY)
	b = putU16(b, e.Width)
	b = putU16(b, e.Height)
	b = putU32(b, e.Keysym)
	b = putU16(b, e.Count)
	b = putU16(b, e.BorderWidth)
	return append(b, text...)
}

// Error is an asynchronous error: the request with sequence number Seq
// failed. The client stays connected.
//
//	0 u32 sequence   4 u8 code   5 u8 major opcode   6 pad 2   8 u32 bad value
//	12 UTF-8 message (at most MaxErrorMessage)
type Error struct {
	Seq      uint32
	Code     ErrorCode
	Op       Opcode
	BadValue uint32
	Message  string
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%v in %v (sequence %d, value %#x)", e.Code, e.Op, e.Seq, e.BadValue)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// AppendError appends an error message (header and body).
func AppendError(b []byte, e *Error) []byte {
	msg := truncateUTF8(e.Message, MaxErrorMessage)
	b = AppendHeader(b, KindError, 12+len(msg))
	b = putU32(b, e.Seq)
	b = append(b, uint8(e.Code), uint8(e.Op), 0, 0)
	b = putU32(b, e.BadValue)
	return append(b, msg...)
}

// Reply answers the request with sequence number Seq and opcode Op. Data is
// the reply-specific part, decoded by the matching Decode...Reply.
//
//	0 u32 sequence   4 u8 opcode   5 pad 3   8 data
type Reply struct {
	Seq  uint32
	Op   Opcode
	Data []byte
}

// AppendReplyHeader starts a reply whose data is n bytes; the caller appends
// exactly n bytes of data after it. It lets a server write large image
// replies without an intermediate copy.
func AppendReplyHeader(b []byte, seq uint32, op Opcode, n int) []byte {
	if n < 0 || n > MaxBody-8 {
		// The 24-bit length would wrap and desynchronise the client;
		// callers must bound replies (DecodeRequest does for GetImage).
		panic(fmt.Sprintf("protocol: %v reply with %d bytes of data exceeds MaxBody", op, n))
	}
	b = AppendHeader(b, KindReply, 8+n)
	b = putU32(b, seq)
	return append(b, uint8(op), 0, 0, 0)
}

// DecodeServerMessage decodes one message from the server: an *Event, an
// *Error or a *Reply. The result never aliases body.
func DecodeServerMessage(h Header, body []byte) (any, error) {
	d := &decoder{b: body}
	switch {
	case h.Type == KindError:
		e := &Error{Seq: d.u32(), Code: ErrorCode(d.u8()), Op: Opcode(d.u8())}
		d.skip(2)
		e.BadValue = d.u32()
		if d.err == nil {
			n := d.rest()
			if n > MaxErrorMessage {
				return nil, fmt.Errorf("error message of %d bytes: %w", n, ErrTooLong)
			}
			e.Message = string(d.bytes(n))
		}
		return e, d.done()
	case h.Type == KindReply:
		r := &Reply{Seq: d.u32(), Op: Opcode(d.u8())}
		d.skip(3)
		if d.err == nil {
			r.Data = d.bytes(d.rest())
		}
		return r, d.done()
	case isSelectionEvent(h.Type):
		return decodeSelectionEvent(h, body)
	case h.Type <= maxEventCode:
		e := &Event{Code: EventCode(h.Type), Detail: d.u8()}
		d.skip(1)
		e.State = d.u16()
		e.Seq, e.Time, e.Window, e.Child = d.u32(), d.u32(), d.u32(), d.u32()
		e.X, e.Y, e.RootX, e.RootY = d.i16(), d.i16(), d.i16(), d.i16()
		e.Width, e.Height = d.u16(), d.u16()
		e.Keysym = d.u32()
		e.Count, e.BorderWidth = d.u16(), d.u16()
		if d.err == nil {
			n := d.rest()
			if n > MaxEventText {
				return nil, fmt.Errorf("event text of %d bytes: %w", n, ErrTooLong)
			}
			e.Text = string(d.bytes(n))
		}
		return e, d.done()
	}
	return nil, fmt.Errorf("unknown server message type %d", h.Type)
}

// GeometryReply answers GetGeometry.
//
//	0 u32 root   4 u32 parent   8 i16 x   10 i16 y   12 u16 width
//	14 u16 height   16 u16 border width   18 u8 depth   19 u8 mapped
type GeometryReply struct {
	Root, Parent  uint32
	X, Y          int16
	Width, Height uint16
	BorderWidth   uint16
	Depth         uint8
	Mapped        bool
}

// AppendGeometryReply appends a whole GetGeometry reply message.
func AppendGeometryReply(b []byte, seq uint32, r *GeometryReply) []byte {
	b = AppendReplyHeader(b, seq, OpGetGeometry, 20)
	b = putU32(b, r.Root)
	b = putU32(b, r.Parent)
	b = putI16(b, r.X)
	b = putI16(b, r.Y)
	b = putU16(b, r.Width)
	b = putU16(b, r.Height)
	b = putU16(b, r.BorderWidth)
	return append(b, r.Depth, boolByte(r.Mapped))
}

// DecodeGeometryReply decodes a GetGeometry reply's data.
func DecodeGeometryReply(data []byte) (*GeometryReply, error) {
	d := &decoder{b: data}
	r := &GeometryReply{Root: d.u32(), Parent: d.u32(), X: d.i16(), Y: d.i16(),
		Width: d.u16(), Height: d.u16(), BorderWidth: d.u16(), Depth: d.u8(), Mapped: d.u8() != 0}
	return r, wrapReply(OpGetGeometry, d.done())
}

// TreeReply answers QueryTree. Children are in stacking order, bottom first.
//
//	0 u32 root   4 u32 parent   8 u32[] children
type TreeReply struct {
	Root, Parent uint32
	Children     []uint32
}

// AppendTreeReply appends a whole QueryTree reply message.
func AppendTreeReply(b []byte, seq uint32, r *TreeReply) []byte {
	b = AppendReplyHeader(b, seq, OpQueryTree, 8+4*len(r.Children))
	b = putU32(b, r.Root)
	b = putU32(b, r.Parent)
	for _, c := range r.Children {
		b = putU32(b, c)
	}
	return b
}

// DecodeTreeReply decodes a QueryTree reply's data.
func DecodeTreeReply(data []byte) (*TreeReply, error) {
	d := &decoder{b: data}
	r := &TreeReply{Root: d.u32(), Parent: d.u32()}
	if d.err == nil && d.rest()%4 == 0 {
		r.Children = make([]uint32, d.rest()/4)
		for i := range r.Children {
			r.Children[i] = d.u32()
		}
	}
	return r, wrapReply(OpQueryTree, d.done())
}

// PointerReply answers QueryPointer.
//
//	0 u32 root   4 u32 child   8 i16 root x   10 i16 root y   12 i16 window x
//	14 i16 window y   16 u16 state   18 u8 same screen   19 pad
type PointerReply struct {
	Root, Child  uint32
	RootX, RootY int16
	X, Y         int16
	State        uint16
	SameScreen   bool
}

// AppendPointerReply appends a whole QueryPointer reply message.
func AppendPointerReply(b []byte, seq uint32, r *PointerReply) []byte {
	b = AppendReplyHeader(b, seq, OpQueryPointer, 20)
	b = putU32(b, r.Root)
	b = putU32(b, r.Child)
	b = putI16(b, r.RootX)
	b = putI16(b, r.RootY)
	b = putI16(b, r.X)
	b = putI16(b, r.Y)
	b = putU16(b, r.State)
	return append(b, boolByte(r.SameScreen), 0)
}

// DecodePointerReply decodes a QueryPointer reply's data.
func DecodePointerReply(data []byte) (*PointerReply, error) {
	d := &decoder{b: data}
	r := &PointerReply{Root: d.u32(), Child: d.u32(), RootX: d.i16(), RootY: d.i16(),
		X: d.i16(), Y: d.i16(), State: d.u16(), SameScreen: d.u8() != 0}
	d.skip(1)
	return r, wrapReply(OpQueryPointer, d.done())
}

// ImageReply answers GetImage: the pixels, rows top to bottom, 0x00RRGGBB.
// Pixels outside the drawable are 0.
//
//	0 u16 width   2 u16 height   4 pixels: width*height*4 bytes (FormatBGRX)
type ImageReply struct {
	W, H uint16
	Pix  []uint32
}

// AppendImageReply appends a whole GetImage reply message.
func AppendImageReply(b []byte, seq uint32, w, h uint16, pix []uint32) []byte {
	b = AppendReplyHeader(b, seq, OpGetImage, 4+4*len(pix))
	b = putU16(b, w)
	b = putU16(b, h)
	return appendPixels(b, pix)
}

// DecodeImageReply decodes a GetImage reply's data.
func DecodeImageReply(data []byte) (*ImageReply, error) {
	d := &decoder{b: data}
	r := &ImageReply{W: d.u16(), H: d.u16()}
	if d.err == nil {
		n := int64(r.W) * int64(r.H)
		if int64(d.rest()) != 4*n {
			return nil, wrapReply(OpGetImage, fmt.Errorf("%dx%d image in %d bytes", r.W, r.H, d.rest()))
		}
		r.Pix = d.pixels(int(n), false)
	}
	return r, wrapReply(OpGetImage, d.done())
}

// AppendSyncReply appends a whole Sync reply message.
func AppendSyncReply(b []byte, seq uint32) []byte {
	return AppendReplyHeader(b, seq, OpSync, 0)
}

// ErrBadReply is wrapped by errors decoding a malformed reply.
var ErrBadReply = errors.New("malformed reply")

func wrapReply(op Opcode, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%v reply: %w: %v", op, ErrBadReply, err)
}
