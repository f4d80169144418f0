package protocol

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// DecodeError explains why a request body could not be decoded. Code is the
// X error the server reports: BadRequest for an unknown opcode (the stream
// can no longer be trusted, so the server disconnects), BadLength for a body
// whose size does not fit its layout, BadValue for a field out of range.
type DecodeError struct {
	Op   Opcode
	Code ErrorCode
	Err  error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("decode %v: %v: %v", e.Op, e.Code, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// ErrUnknownOpcode is wrapped by the DecodeError for an opcode this version
// does not define.
var ErrUnknownOpcode = errors.New("unknown opcode")

// DecodeRequest decodes the body of a request of type op. The result never
// aliases body. Field ranges are checked here (sizes, enumerations, counts),
// so the server only checks what needs its state (IDs, matching screens).
func DecodeRequest(op Opcode, body []byte) (Request, error) {
	t := op.requestType()
	if t == nil {
		return nil, &DecodeError{Op: op, Code: BadRequest, Err: ErrUnknownOpcode}
	}
	d := &decoder{b: body}
	r, verr := t.decode(op, d)
	if err := d.done(); err != nil {
		return nil, &DecodeError{Op: op, Code: BadLength, Err: fmt.Errorf("%d-byte body: %w", len(body), err)}
	}
	if verr != nil {
		return nil, &DecodeError{Op: op, Code: BadValue, Err: verr}
	}
	return r, nil
}

// The decode functions below are requestTypes' decode entries, one per
// body type: each returns the decoded request and a value error, and d
// records a layout error.

func decodeCreateWindow(_ Opcode, d *decoder) (Request, error) {
	r := &CreateWindow{Window: d.u32(), Parent: d.u32(), X: d.i16(), Y: d.i16(),
		Width: d.u16(), Height: d.u16(), BorderWidth: d.u16(), Flags: d.u16(),
		Background: d.u32(), BorderPixel: d.u32(), EventMask: d.u32()}
	if err := checkSize(r.Width, r.Height); err != nil {
		return r, err
	}
	if r.BorderWidth > MaxDimension {
		return r, fmt.Errorf("border width %d", r.BorderWidth)
	}
	if r.Flags&^windowFlagsAll != 0 {
		return r, fmt.Errorf("flags %#x", r.Flags)
	}
	return r, checkEventMask(r.EventMask)
}

func decodeChangeWindowAttributes(_ Opcode, d *decoder) (Request, error) {
	r := &ChangeWindowAttributes{Window: d.u32(), ValueMask: d.u32(), Background: d.u32(),
		BorderPixel: d.u32(), Flags: d.u32(), EventMask: d.u32()}
	if r.ValueMask&^cwAll != 0 {
		return r, fmt.Errorf("value mask %#x", r.ValueMask)
	}
	if r.ValueMask&CWFlags != 0 && r.Flags&^uint32(windowFlagsAll) != 0 {
		return r, fmt.Errorf("flags %#x", r.Flags)
	}
	if r.ValueMask&CWEventMask != 0 {
		return r, checkEventMask(r.EventMask)
	}
	return r, nil
}

func decodeIDRequest(op Opcode, d *decoder) (Request, error) {
	return &IDRequest{Op: op, ID: d.u32()}, nil
}

func decodeConfigureWindow(_ Opcode, d *decoder) (Request, error) {
	r := &ConfigureWindow{Window: d.u32(), ValueMask: d.u16(), StackMode: d.u8()}
	d.skip(1)
	r.X, r.Y, r.Width, r.Height, r.BorderWidth = d.i16(), d.i16(), d.u16(), d.u16(), d.u16()
	d.skip(2)
	r.Sibling = d.u32()
	switch {
	case r.ValueMask&^configAll != 0:
		return r, fmt.Errorf("value mask %#x", r.ValueMask)
	case r.ValueMask&ConfigStackMode != 0 && r.StackMode > StackBelow:
		return r, fmt.Errorf("stack mode %d", r.StackMode)
	case r.ValueMask&ConfigSibling != 0 && r.ValueMask&ConfigStackMode == 0:
		return r, errors.New("sibling without stack mode")
	case r.ValueMask&ConfigWidth != 0 && (r.Width == 0 || r.Width > MaxDimension),
		r.ValueMask&ConfigHeight != 0 && (r.Height == 0 || r.Height > MaxDimension):
		return r, fmt.Errorf("size %dx%d", r.Width, r.Height)
	case r.ValueMask&ConfigBorderWidth != 0 && r.BorderWidth > MaxDimension:
		return r, fmt.Errorf("border width %d", r.BorderWidth)
	}
	return r, nil
}

func decodeSetTitle(_ Opcode, d *decoder) (Request, error) {
	r := &SetTitle{Window: d.u32()}
	n := d.rest()
	if n > MaxTitle {
		d.skip(n)
		return r, fmt.Errorf("title of %d bytes, limit %d", n, MaxTitle)
	}
	t := d.bytes(n)
	if !validUTF8(t) {
		return r, errors.New("title is not UTF-8")
	}
	r.Title = string(t)
	return r, nil
}

func decodeSelectInput(_ Opcode, d *decoder) (Request, error) {
	r := &SelectInput{Window: d.u32(), EventMask: d.u32()}
	return r, checkEventMask(r.EventMask)
}

func decodeCreateGC(_ Opcode, d *decoder) (Request, error) {
	r := &CreateGC{GC: d.u32(), Drawable: d.u32()}
	r.Values.decode(d)
	return r, r.Values.validate()
}

func decodeChangeGC(_ Opcode, d *decoder) (Request, error) {
	r := &ChangeGC{GC: d.u32()}
	r.Values.decode(d)
	return r, r.Values.validate()
}

func decodeSetClipRectangles(_ Opcode, d *decoder) (Request, error) {
	r := &SetClipRectangles{GC: d.u32(), X: d.i16(), Y: d.i16()}
	r.Rects = decodeRects(d)
	return r, nil
}

func decodeSetDashes(_ Opcode, d *decoder) (Request, error) {
	r := &SetDashes{GC: d.u32(), Offset: d.u16()}
	d.skip(2)
	n := d.rest()
	if n > MaxDashes {
		d.skip(n)
		return r, fmt.Errorf("%d dashes, limit %d", n, MaxDashes)
	}
	r.Dashes = d.bytes(n)
	if n == 0 {
		return r, errors.New("no dashes")
	}
	for _, v := range r.Dashes {
		if v == 0 {
			return r, errors.New("zero dash length")
		}
	}
	return r, nil
}

func decodeCreatePixmap(_ Opcode, d *decoder) (Request, error) {
	r := &CreatePixmap{Pixmap: d.u32(), Drawable: d.u32(), Width: d.u16(), Height: d.u16()}
	return r, checkSize(r.Width, r.Height)
}

func decodeClearArea(_ Opcode, d *decoder) (Request, error) {
	r := &ClearArea{Window: d.u32(), X: d.i16(), Y: d.i16(), W: d.u16(), H: d.u16()}
	e := d.u8()
	d.skip(3)
	r.Exposures = e != 0
	if e > 1 {
		return r, fmt.Errorf("exposures %d", e)
	}
	return r, nil
}

func decodeCopyArea(_ Opcode, d *decoder) (Request, error) {
	return &CopyArea{Src: d.u32(), Dst: d.u32(), GC: d.u32(), SrcX: d.i16(), SrcY: d.i16(),
		DstX: d.i16(), DstY: d.i16(), W: d.u16(), H: d.u16()}, nil
}

func decodePolyPoint(op Opcode, d *decoder) (Request, error) {
	r := &PolyPoint{Op: op, Drawable: d.u32(), GC: d.u32(), CoordMode: d.u8()}
	d.skip(3)
	r.Points = decodePoints(d)
	if r.CoordMode > CoordModePrevious {
		return r, fmt.Errorf("coordinate mode %d", r.CoordMode)
	}
	return r, nil
}

func decodePolySegment(_ Opcode, d *decoder) (Request, error) {
	r := &PolySegment{Drawable: d.u32(), GC: d.u32()}
	src := d.items(8)
	r.Segments = make([]Segment, len(src)/8)
	for i := range r.Segments {
		b := src[8*i : 8*i+8]
		r.Segments[i] = Segment{int16(le.Uint16(b)), int16(le.Uint16(b[2:])), int16(le.Uint16(b[4:])), int16(le.Uint16(b[6:]))}
	}
	return r, nil
}

func decodePolyRect(op Opcode, d *decoder) (Request, error) {
	r := &PolyRect{Op: op, Drawable: d.u32(), GC: d.u32()}
	r.Rects = decodeRects(d)
	return r, nil
}

func decodeFillPoly(_ Opcode, d *decoder) (Request, error) {
	r := &FillPoly{Drawable: d.u32(), GC: d.u32(), Shape: d.u8(), CoordMode: d.u8()}
	d.skip(2)
	r.Points = decodePoints(d)
	if r.Shape > ShapeConvex {
		return r, fmt.Errorf("shape %d", r.Shape)
	}
	if r.CoordMode > CoordModePrevious {
		return r, fmt.Errorf("coordinate mode %d", r.CoordMode)
	}
	return r, nil
}

func decodePolyArcs(op Opcode, d *decoder) (Request, error) {
	r := &PolyArcs{Op: op, Drawable: d.u32(), GC: d.u32()}
	src := d.items(12)
	r.Arcs = make([]Arc, len(src)/12)
	for i := range r.Arcs {
		b := src[12*i : 12*i+12]
		r.Arcs[i] = Arc{int16(le.Uint16(b)), int16(le.Uint16(b[2:])), le.Uint16(b[4:]), le.Uint16(b[6:]),
			int16(le.Uint16(b[8:])), int16(le.Uint16(b[10:]))}
	}
	return r, nil
}

func decodePutImage(_ Opcode, d *decoder) (Request, error) {
	r := &PutImage{Drawable: d.u32(), GC: d.u32(), X: d.i16(), Y: d.i16(), W: d.u16(), H: d.u16(), Format: d.u8()}
	d.skip(3)
	if d.err != nil {
		return r, nil
	}
	// In int64: 4*W*H overflows a 32-bit int.
	n := int64(r.W) * int64(r.H)
	switch r.Format {
	case FormatBGRX:
		if int64(d.rest()) != 4*n {
			d.err = fmt.Errorf("%dx%d image needs %d bytes, have %d", r.W, r.H, 4*n, d.rest())
			return r, nil
		}
		r.Pix = d.pixels(int(n), true)
		return r, nil
	case FormatPalette, FormatFiltered, FormatJPEG:
		if n > MaxEncodedPixels {
			d.off = len(d.b)
			return r, fmt.Errorf("%dx%d encoded image above %d pixels", r.W, r.H, MaxEncodedPixels)
		}
		var err error
		switch r.Format {
		case FormatPalette:
			r.Pix, err = decodePalette(d, int(r.W), int(r.H))
		case FormatFiltered:
			r.Pix, err = decodeFiltered(d, int(r.W), int(r.H))
		default:
			r.Pix, err = decodeJPEG(d, int(r.W), int(r.H))
		}
		if err != nil {
			d.off = len(d.b) // the value is what is wrong, not the length
		}
		return r, err
	}
	// An unknown format's length is checked as FormatBGRX's, so that a
	// short body is reported as such.
	if int64(d.rest()) != 4*n {
		d.err = fmt.Errorf("%dx%d image needs %d bytes, have %d", r.W, r.H, 4*n, d.rest())
		return r, nil
	}
	d.off = len(d.b)
	return r, fmt.Errorf("image format %d", r.Format)
}

func decodeGetImage(_ Opcode, d *decoder) (Request, error) {
	r := &GetImage{Drawable: d.u32(), X: d.i16(), Y: d.i16(), W: d.u16(), H: d.u16()}
	if err := checkSize(r.W, r.H); err != nil {
		return r, err
	}
	// The reply is one message: 8 bytes of reply header, 4 of size,
	// 4 per pixel, all within the 24-bit length.
	if n := 12 + 4*int64(r.W)*int64(r.H); n > MaxBody {
		return r, fmt.Errorf("%dx%d image needs a %d-byte reply, limit %d", r.W, r.H, n, MaxBody)
	}
	return r, nil
}

func decodeDrawText(_ Opcode, d *decoder) (Request, error) {
	r := &DrawText{Drawable: d.u32(), GC: d.u32(), X: d.i16(), Y: d.i16()}
	f := d.u8()
	d.skip(3)
	r.Image = f&1 != 0
	n := d.rest()
	if n > MaxText {
		d.skip(n)
		return r, fmt.Errorf("text of %d bytes, limit %d", n, MaxText)
	}
	t := d.bytes(n)
	r.Text = string(t)
	if f&^1 != 0 {
		return r, fmt.Errorf("text flags %#x", f)
	}
	if !validUTF8(t) {
		return r, errors.New("text is not UTF-8")
	}
	return r, nil
}

func decodeSync(Opcode, *decoder) (Request, error) {
	return &Sync{}, nil
}

var errRagged = errors.New("body is not a whole number of items")

var le = binary.LittleEndian

func decodePoints(d *decoder) []Point {
	src := d.items(4)
	pts := make([]Point, len(src)/4)
	for i := range pts {
		b := src[4*i : 4*i+4]
		pts[i] = Point{int16(le.Uint16(b)), int16(le.Uint16(b[2:]))}
	}
	return pts
}

func decodeRects(d *decoder) []Rect {
	src := d.items(8)
	rs := make([]Rect, len(src)/8)
	for i := range rs {
		b := src[8*i : 8*i+8]
		rs[i] = Rect{int16(le.Uint16(b)), int16(le.Uint16(b[2:])), le.Uint16(b[4:]), le.Uint16(b[6:])}
	}
	return rs
}

func checkSize(w, h uint16) error {
	if w == 0 || h == 0 || w > MaxDimension || h > MaxDimension {
		return fmt.Errorf("size %dx%d out of range 1..%d", w, h, MaxDimension)
	}
	return nil
}

func checkEventMask(m uint32) error {
	if m&^AllEventsMask != 0 {
		return fmt.Errorf("event mask bits %#x", m&^AllEventsMask)
	}
	return nil
}
