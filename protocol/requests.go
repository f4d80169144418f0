package protocol

import (
	"fmt"
	"unicode/utf8"
)

// Request is any message a client sends after the handshake. Each request
// type documents its body layout; offsets are in bytes, all integers are
// little-endian.
type Request interface {
	// Opcode is the request's type byte.
	Opcode() Opcode
	// AppendBody appends the request's body (without header).
	AppendBody(b []byte) []byte
}

// AppendRequest appends r's header and body to b. It fails if the body does
// not fit the 24-bit length field.
func AppendRequest(b []byte, r Request) ([]byte, error) {
	start := len(b)
	b = AppendHeader(b, uint8(r.Opcode()), 0)
	b = r.AppendBody(b)
	n := len(b) - start - HeaderSize
	if n > MaxBody {
		return b[:start], fmt.Errorf("encode %v: %d-byte body: %w", r.Opcode(), n, ErrTooLong)
	}
	b[start+1], b[start+2], b[start+3] = byte(n), byte(n>>8), byte(n>>16)
	return b, nil
}

// Geometry types shared by requests, as on the wire: X's 16-bit coordinates.

// Point is a position in a drawable.
type Point struct{ X, Y int16 }

// Rect is a rectangle: its top-left corner and size.
type Rect struct {
	X, Y int16
	W, H uint16
}

// Segment is a line from (X1,Y1) to (X2,Y2).
type Segment struct{ X1, Y1, X2, Y2 int16 }

// Arc is the part of the ellipse inscribed in the rectangle (X,Y,W,H) from
// Angle1 through Angle2 more, in 64ths of a degree, counter-clockwise from
// three o'clock, as in X.
type Arc struct {
	X, Y           int16
	W, H           uint16
	Angle1, Angle2 int16
}

// CreateWindow creates an unmapped window.
//
//	0 u32 window (client-allocated ID)   4 u32 parent
//	8 i16 x   10 i16 y   12 u16 width   14 u16 height
//	16 u16 border width   18 u16 flags (OverrideRedirect, BackgroundNone)
//	20 u32 background pixel   24 u32 border pixel   28 u32 event mask
type CreateWindow struct {
	Window, Parent uint32
	X, Y           int16
	Width, Height  uint16
	BorderWidth    uint16
	Flags          uint16
	Background     uint32
	BorderPixel    uint32
	EventMask      uint32
}

// Opcode implements Request.
func (*CreateWindow) Opcode() Opcode { return OpCreateWindow }

// AppendBody implements Request.
func (r *CreateWindow) AppendBody(b []byte) []byte {
	b = putU32(b, r.Window)
	b = putU32(b, r.Parent)
	b = putI16(b, r.X)
	b = putI16(b, r.Y)
	b = putU16(b, r.Width)
	b = putU16(b, r.Height)
	b = putU16(b, r.BorderWidth)
	b = putU16(b, r.Flags)
	b = putU32(b, r.Background)
	b = putU32(b, r.BorderPixel)
	return putU32(b, r.EventMask)
}

// ChangeWindowAttributes changes the attributes named by ValueMask (CW*);
// the other fields are present but ignored.
//
//	0 u32 window   4 u32 value mask   8 u32 background pixel
//	12 u32 border pixel   16 u32 flags   20 u32 event mask
type ChangeWindowAttributes struct {
	Window      uint32
	ValueMask   uint32
	Background  uint32
	BorderPixel uint32
	Flags       uint32
	EventMask   uint32
}

// Opcode implements Request.
func (*ChangeWindowAttributes) Opcode() Opcode { return OpChangeWindowAttributes }

// AppendBody implements Request.
func (r *ChangeWindowAttributes) AppendBody(b []byte) []byte {
	b = putU32(b, r.Window)
	b = putU32(b, r.ValueMask)
	b = putU32(b, r.Background)
	b = putU32(b, r.BorderPixel)
	b = putU32(b, r.Flags)
	return putU32(b, r.EventMask)
}

// IDRequest is the body shared by requests that name only one resource:
// DestroyWindow, MapWindow, UnmapWindow, SetInputFocus, FreeGC and
// FreePixmap (whose ID is a GC or pixmap), GetGeometry (a drawable),
// QueryTree and QueryPointer.
//
//	0 u32 id
type IDRequest struct {
	Op Opcode
	ID uint32
}

// Opcode implements Request.
func (r *IDRequest) Opcode() Opcode { return r.Op }

// AppendBody implements Request.
func (r *IDRequest) AppendBody(b []byte) []byte { return putU32(b, r.ID) }

// ConfigureWindow moves, resizes, restacks or re-borders a window; ValueMask
// (Config*) says which fields apply.
//
//	0 u32 window   4 u16 value mask   6 u8 stack mode   7 pad
//	8 i16 x   10 i16 y   12 u16 width   14 u16 height
//	16 u16 border width   18 pad 2   20 u32 sibling
type ConfigureWindow struct {
	Window        uint32
	ValueMask     uint16
	StackMode     uint8
	X, Y          int16
	Width, Height uint16
	BorderWidth   uint16
	Sibling       uint32
}

// Opcode implements Request.
func (*ConfigureWindow) Opcode() Opcode { return OpConfigureWindow }

// AppendBody implements Request.
func (r *ConfigureWindow) AppendBody(b []byte) []byte {
	b = putU32(b, r.Window)
	b = putU16(b, r.ValueMask)
	b = append(b, r.StackMode, 0)
	b = putI16(b, r.X)
	b = putI16(b, r.Y)
	b = putU16(b, r.Width)
	b = putU16(b, r.Height)
	b = putU16(b, r.BorderWidth)
	b = pad(b, 2)
	return putU32(b, r.Sibling)
}

// SetTitle sets a window's title (X's WM_NAME), shown by the window
// manager's title bar.
//
//	0 u32 window   4 ... UTF-8 title (at most MaxTitle bytes)
type SetTitle struct {
	Window uint32
	Title  string
}

// Opcode implements Request.
func (*SetTitle) Opcode() Opcode { return OpSetTitle }

// AppendBody implements Request.
func (r *SetTitle) AppendBody(b []byte) []byte {
	b = putU32(b, r.Window)
	return append(b, r.Title...)
}

// SelectInput replaces the calling client's event mask on a window. As in
// X, several clients may select on one window, each with its own mask.
//
//	0 u32 window   4 u32 event mask
type SelectInput struct {
	Window    uint32
	EventMask uint32
}

// Opcode implements Request.
func (*SelectInput) Opcode() Opcode { return OpSelectInput }

// AppendBody implements Request.
func (r *SelectInput) AppendBody(b []byte) []byte {
	b = putU32(b, r.Window)
	return putU32(b, r.EventMask)
}

// GCValues are the graphics-context fields; ValueMask (GC*) says which
// apply. On the wire, 36 bytes:
//
//	0 u32 value mask   4 u8 function   5 u8 line style   6 u8 cap style
//	7 u8 join style   8 u8 fill rule   9 u8 arc mode   10 u8 font
//	11 u8 graphics exposures   12 u32 foreground   16 u32 background
//	20 u16 line width   22 u16 font size   24 u16 dash offset   26 u8 dashes
//	27 pad   28 i16 clip x origin   30 i16 clip y origin   32 u32 plane mask
type GCValues struct {
	ValueMask         uint32
	Function          uint8
	LineStyle         uint8
	CapStyle          uint8
	JoinStyle         uint8
	FillRule          uint8
	ArcMode           uint8
	Font              uint8
	GraphicsExposures uint8
	Foreground        uint32
	Background        uint32
	LineWidth         uint16
	FontSize          uint16
	DashOffset        uint16
	Dashes            uint8
	ClipX, ClipY      int16
	PlaneMask         uint32
}

const gcValuesSize = 36

func (v *GCValues) append(b []byte) []byte {
	b = putU32(b, v.ValueMask)
	b = append(b, v.Function, v.LineStyle, v.CapStyle, v.JoinStyle, v.FillRule, v.ArcMode, v.Font, v.GraphicsExposures)
	b = putU32(b, v.Foreground)
	b = putU32(b, v.Background)
	b = putU16(b, v.LineWidth)
	b = putU16(b, v.FontSize)
	b = putU16(b, v.DashOffset)
	b = append(b, v.Dashes, 0)
	b = putI16(b, v.ClipX)
	b = putI16(b, v.ClipY)
	return putU32(b, v.PlaneMask)
}

func (v *GCValues) decode(d *decoder) {
	v.ValueMask = d.u32()
	v.Function, v.LineStyle, v.CapStyle, v.JoinStyle = d.u8(), d.u8(), d.u8(), d.u8()
	v.FillRule, v.ArcMode, v.Font, v.GraphicsExposures = d.u8(), d.u8(), d.u8(), d.u8()
	v.Foreground = d.u32()
	v.Background = d.u32()
	v.LineWidth = d.u16()
	v.FontSize = d.u16()
	v.DashOffset = d.u16()
	v.Dashes = d.u8()
	d.skip(1)
	v.ClipX, v.ClipY = d.i16(), d.i16()
	v.PlaneMask = d.u32()
}

// validate checks the enumerations of the fields the mask selects.
func (v *GCValues) validate() error {
	m := v.ValueMask
	switch {
	case m&^gcAll != 0:
		return fmt.Errorf("unknown GC mask bits %#x", m&^gcAll)
	case m&GCFunction != 0 && v.Function > 15:
		return fmt.Errorf("function %d", v.Function)
	case m&GCLineStyle != 0 && v.LineStyle > LineDoubleDash:
		return fmt.Errorf("line style %d", v.LineStyle)
	case m&GCCapStyle != 0 && v.CapStyle > CapProjecting:
		return fmt.Errorf("cap style %d", v.CapStyle)
	case m&GCJoinStyle != 0 && v.JoinStyle > JoinBevel:
		return fmt.Errorf("join style %d", v.JoinStyle)
	case m&GCFillRule != 0 && v.FillRule > WindingRule:
		return fmt.Errorf("fill rule %d", v.FillRule)
	case m&GCArcMode != 0 && v.ArcMode > ArcPieSlice:
		return fmt.Errorf("arc mode %d", v.ArcMode)
	case m&GCFont != 0 && v.Font > maxFont:
		return fmt.Errorf("font %d", v.Font)
	case m&GCGraphicsExposures != 0 && v.GraphicsExposures > 1:
		return fmt.Errorf("graphics exposures %d", v.GraphicsExposures)
	case m&GCDashes != 0 && v.Dashes == 0:
		return fmt.Errorf("dashes 0")
	case m&GCLineWidth != 0 && v.LineWidth > MaxDimension:
		return fmt.Errorf("line width %d", v.LineWidth)
	}
	return nil
}

// CreateGC creates a graphics context usable on drawables of the same
// screen as Drawable.
//
//	0 u32 gc (client-allocated ID)   4 u32 drawable   8 GCValues (36 bytes)
type CreateGC struct {
	GC, Drawable uint32
	Values       GCValues
}

// Opcode implements Request.
func (*CreateGC) Opcode() Opcode { return OpCreateGC }

// AppendBody implements Request.
func (r *CreateGC) AppendBody(b []byte) []byte {
	b = putU32(b, r.GC)
	b = putU32(b, r.Drawable)
	return r.Values.append(b)
}

// ChangeGC changes the fields of a GC that Values.ValueMask selects.
//
//	0 u32 gc   4 GCValues (36 bytes)
type ChangeGC struct {
	GC     uint32
	Values GCValues
}

// Opcode implements Request.
func (*ChangeGC) Opcode() Opcode { return OpChangeGC }

// AppendBody implements Request.
func (r *ChangeGC) AppendBody(b []byte) []byte {
	b = putU32(b, r.GC)
	return r.Values.append(b)
}

// SetClipRectangles restricts drawing with a GC to the union of Rects,
// offset by the clip origin (X, Y). No rectangles means nothing is drawn.
// ChangeGC with GCClipNone removes the restriction.
//
//	0 u32 gc   4 i16 clip x origin   6 i16 clip y origin   8 Rect[] (8 bytes each)
type SetClipRectangles struct {
	GC    uint32
	X, Y  int16
	Rects []Rect
}

// Opcode implements Request.
func (*SetClipRectangles) Opcode() Opcode { return OpSetClipRectangles }

// AppendBody implements Request.
func (r *SetClipRectangles) AppendBody(b []byte) []byte {
	b = putU32(b, r.GC)
	b = putI16(b, r.X)
	b = putI16(b, r.Y)
	return appendRects(b, r.Rects)
}

// SetDashes sets a GC's dash pattern: alternating on/off lengths in pixels,
// none zero, at most MaxDashes.
//
//	0 u32 gc   4 u16 dash offset   6 pad 2   8 u8[] dashes
type SetDashes struct {
	GC     uint32
	Offset uint16
	Dashes []uint8
}

// Opcode implements Request.
func (*SetDashes) Opcode() Opcode { return OpSetDashes }

// AppendBody implements Request.
func (r *SetDashes) AppendBody(b []byte) []byte {
	b = putU32(b, r.GC)
	b = putU16(b, r.Offset)
	b = pad(b, 2)
	return append(b, r.Dashes...)
}

// CreatePixmap creates an off-screen image of the given size, initially
// black.
//
//	0 u32 pixmap (client-allocated ID)   4 u32 drawable (for the screen)
//	8 u16 width   10 u16 height
type CreatePixmap struct {
	Pixmap, Drawable uint32
	Width, Height    uint16
}

// Opcode implements Request.
func (*CreatePixmap) Opcode() Opcode { return OpCreatePixmap }

// AppendBody implements Request.
func (r *CreatePixmap) AppendBody(b []byte) []byte {
	b = putU32(b, r.Pixmap)
	b = putU32(b, r.Drawable)
	b = putU16(b, r.Width)
	return putU16(b, r.Height)
}

// ClearArea paints a window's area with its background; a zero width or
// height extends to the window's edge, as in X. Exposures asks for Expose
// events for the area.
//
//	0 u32 window   4 i16 x   6 i16 y   8 u16 width   10 u16 height
//	12 u8 exposures   13 pad 3
type ClearArea struct {
	Window    uint32
	X, Y      int16
	W, H      uint16
	Exposures bool
}

// Opcode implements Request.
func (*ClearArea) Opcode() Opcode { return OpClearArea }

// AppendBody implements Request.
func (r *ClearArea) AppendBody(b []byte) []byte {
	b = putU32(b, r.Window)
	b = putI16(b, r.X)
	b = putI16(b, r.Y)
	b = putU16(b, r.W)
	b = putU16(b, r.H)
	return pad(append(b, boolByte(r.Exposures)), 3)
}

// CopyArea copies a rectangle between drawables (or within one) through a
// GC's function and clip.
//
//	0 u32 src   4 u32 dst   8 u32 gc   12 i16 src x   14 i16 src y
//	16 i16 dst x   18 i16 dst y   20 u16 width   22 u16 height
type CopyArea struct {
	Src, Dst, GC uint32
	SrcX, SrcY   int16
	DstX, DstY   int16
	W, H         uint16
}

// Opcode implements Request.
func (*CopyArea) Opcode() Opcode { return OpCopyArea }

// AppendBody implements Request.
func (r *CopyArea) AppendBody(b []byte) []byte {
	b = putU32(b, r.Src)
	b = putU32(b, r.Dst)
	b = putU32(b, r.GC)
	b = putI16(b, r.SrcX)
	b = putI16(b, r.SrcY)
	b = putI16(b, r.DstX)
	b = putI16(b, r.DstY)
	b = putU16(b, r.W)
	return putU16(b, r.H)
}

// PolyPoint draws points; PolyLine draws a connected line through them
// (Op tells which). CoordModePrevious makes each point relative to the one
// before.
//
//	0 u32 drawable   4 u32 gc   8 u8 coordinate mode   9 pad 3   12 Point[] (4 bytes each)
type PolyPoint struct {
	Op           Opcode // OpPolyPoint or OpPolyLine
	Drawable, GC uint32
	CoordMode    uint8
	Points       []Point
}

// Opcode implements Request.
func (r *PolyPoint) Opcode() Opcode { return r.Op }

// AppendBody implements Request.
func (r *PolyPoint) AppendBody(b []byte) []byte {
	b = putU32(b, r.Drawable)
	b = putU32(b, r.GC)
	b = pad(append(b, r.CoordMode), 3)
	return appendPoints(b, r.Points)
}

// PolySegment draws unconnected lines.
//
//	0 u32 drawable   4 u32 gc   8 Segment[] (8 bytes each)
type PolySegment struct {
	Drawable, GC uint32
	Segments     []Segment
}

// Opcode implements Request.
func (*PolySegment) Opcode() Opcode { return OpPolySegment }

// AppendBody implements Request.
func (r *PolySegment) AppendBody(b []byte) []byte {
	b = putU32(b, r.Drawable)
	b = putU32(b, r.GC)
	for _, s := range r.Segments {
		b = putI16(b, s.X1)
		b = putI16(b, s.Y1)
		b = putI16(b, s.X2)
		b = putI16(b, s.Y2)
	}
	return b
}

// PolyRect draws rectangle outlines (OpPolyRectangle) or fills rectangles
// (OpPolyFillRectangle). As in X, an outline of a W x H rectangle covers
// W+1 x H+1 pixels; a fill covers W x H.
//
//	0 u32 drawable   4 u32 gc   8 Rect[] (8 bytes each)
type PolyRect struct {
	Op           Opcode // OpPolyRectangle or OpPolyFillRectangle
	Drawable, GC uint32
	Rects        []Rect
}

// Opcode implements Request.
func (r *PolyRect) Opcode() Opcode { return r.Op }

// AppendBody implements Request.
func (r *PolyRect) AppendBody(b []byte) []byte {
	b = putU32(b, r.Drawable)
	b = putU32(b, r.GC)
	return appendRects(b, r.Rects)
}

// FillPoly fills a polygon by the GC's fill rule.
//
//	0 u32 drawable   4 u32 gc   8 u8 shape   9 u8 coordinate mode   10 pad 2
//	12 Point[] (4 bytes each)
type FillPoly struct {
	Drawable, GC uint32
	Shape        uint8
	CoordMode    uint8
	Points       []Point
}

// Opcode implements Request.
func (*FillPoly) Opcode() Opcode { return OpFillPoly }

// AppendBody implements Request.
func (r *FillPoly) AppendBody(b []byte) []byte {
	b = putU32(b, r.Drawable)
	b = putU32(b, r.GC)
	b = pad(append(b, r.Shape, r.CoordMode), 2)
	return appendPoints(b, r.Points)
}

// PolyArcs draws arc outlines (OpPolyArc) or fills them (OpPolyFillArc,
// by the GC's arc mode).
//
//	0 u32 drawable   4 u32 gc   8 Arc[] (12 bytes each: i16 x, i16 y,
//	u16 width, u16 height, i16 angle1, i16 angle2)
type PolyArcs struct {
	Op           Opcode // OpPolyArc or OpPolyFillArc
	Drawable, GC uint32
	Arcs         []Arc
}

// Opcode implements Request.
func (r *PolyArcs) Opcode() Opcode { return r.Op }

// AppendBody implements Request.
func (r *PolyArcs) AppendBody(b []byte) []byte {
	b = putU32(b, r.Drawable)
	b = putU32(b, r.GC)
	for _, a := range r.Arcs {
		b = putI16(b, a.X)
		b = putI16(b, a.Y)
		b = putU16(b, a.W)
		b = putU16(b, a.H)
		b = putI16(b, a.Angle1)
		b = putI16(b, a.Angle2)
	}
	return b
}

// PutImage writes pixels into a drawable through a GC.
//
//	0 u32 drawable   4 u32 gc   8 i16 x   10 i16 y   12 u16 width
//	14 u16 height   16 u8 format   17 pad 3
//	20 pixels: FormatBGRX: width*height*4 bytes, rows top to bottom, no
//	padding; FormatPalette, FormatFiltered: see encodings.go
type PutImage struct {
	Drawable, GC uint32
	X, Y         int16
	W, H         uint16
	// Format is how Pix travels (FormatBGRX, FormatPalette only when Pix
	// has at most 256 colours, FormatFiltered, FormatJPEG); ChooseFormat
	// picks a lossless one.
	Format uint8
	// Quality is the JPEG quality (1-100; 0 means 85) when Format is
	// FormatJPEG. It does not travel.
	Quality uint8
	// Pix holds W*H pixels, 0x00RRGGBB.
	Pix []uint32
}

// Opcode implements Request.
func (*PutImage) Opcode() Opcode { return OpPutImage }

// AppendBody implements Request.
func (r *PutImage) AppendBody(b []byte) []byte {
	b = putU32(b, r.Drawable)
	b = putU32(b, r.GC)
	b = putI16(b, r.X)
	b = putI16(b, r.Y)
	b = putU16(b, r.W)
	b = putU16(b, r.H)
	b = pad(append(b, r.Format), 3)
	switch r.Format {
	case FormatPalette:
		return appendPalette(b, r.Pix, int(r.W), int(r.H))
	case FormatFiltered:
		return appendFiltered(b, r.Pix, int(r.W), int(r.H))
	case FormatJPEG:
		return appendJPEG(b, r.Pix, int(r.W), int(r.H), int(r.Quality))
	}
	return appendPixels(b, r.Pix)
}

// GetImage asks for a drawable's pixels; see ImageReply.
//
//	0 u32 drawable   4 i16 x   6 i16 y   8 u16 width   10 u16 height
type GetImage struct {
	Drawable uint32
	X, Y     int16
	W, H     uint16
}

// Opcode implements Request.
func (*GetImage) Opcode() Opcode { return OpGetImage }

// AppendBody implements Request.
func (r *GetImage) AppendBody(b []byte) []byte {
	b = putU32(b, r.Drawable)
	b = putI16(b, r.X)
	b = putI16(b, r.Y)
	b = putU16(b, r.W)
	return putU16(b, r.H)
}

// DrawText draws UTF-8 text with the GC's font and size, its baseline
// starting at (X, Y). Image text fills the text's box with the background
// first, like XDrawImageString.
//
//	0 u32 drawable   4 u32 gc   8 i16 x   10 i16 y   12 u8 flags (bit 0:
//	image text)   13 pad 3   16 UTF-8 text (at most MaxText bytes)
type DrawText struct {
	Drawable, GC uint32
	X, Y         int16
	Image        bool
	Text         string
}

// Opcode implements Request.
func (*DrawText) Opcode() Opcode { return OpDrawText }

// AppendBody implements Request.
func (r *DrawText) AppendBody(b []byte) []byte {
	b = putU32(b, r.Drawable)
	b = putU32(b, r.GC)
	b = putI16(b, r.X)
	b = putI16(b, r.Y)
	b = pad(append(b, boolByte(r.Image)), 3)
	return append(b, r.Text...)
}

// Sync does nothing but answer with an empty reply, so a client knows the
// server has handled everything it sent before (X's GetInputFocus trick,
// made explicit).
//
//	empty body
type Sync struct{}

// Opcode implements Request.
func (*Sync) Opcode() Opcode { return OpSync }

// AppendBody implements Request.
func (*Sync) AppendBody(b []byte) []byte { return b }

func appendPoints(b []byte, pts []Point) []byte {
	for _, p := range pts {
		b = putI16(b, p.X)
		b = putI16(b, p.Y)
	}
	return b
}

func appendRects(b []byte, rs []Rect) []byte {
	for _, r := range rs {
		b = putI16(b, r.X)
		b = putI16(b, r.Y)
		b = putU16(b, r.W)
		b = putU16(b, r.H)
	}
	return b
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

func validUTF8(s []byte) bool { return utf8.Valid(s) }

// DrawRequest is a request that draws with a GC on a drawable; a server
// resolves both before drawing.
type DrawRequest interface {
	Request
	// Target returns the drawable drawn on and the GC drawn with.
	Target() (drawable, gc uint32)
}

// Target implements DrawRequest (the destination, for CopyArea).
func (r *CopyArea) Target() (uint32, uint32) { return r.Dst, r.GC }

// Target implements DrawRequest.
func (r *PolyPoint) Target() (uint32, uint32) { return r.Drawable, r.GC }

// Target implements DrawRequest.
func (r *PolySegment) Target() (uint32, uint32) { return r.Drawable, r.GC }

// Target implements DrawRequest.
func (r *PolyRect) Target() (uint32, uint32) { return r.Drawable, r.GC }

// Target implements DrawRequest.
func (r *FillPoly) Target() (uint32, uint32) { return r.Drawable, r.GC }

// Target implements DrawRequest.
func (r *PolyArcs) Target() (uint32, uint32) { return r.Drawable, r.GC }

// Target implements DrawRequest.
func (r *PutImage) Target() (uint32, uint32) { return r.Drawable, r.GC }

// Target implements DrawRequest.
func (r *DrawText) Target() (uint32, uint32) { return r.Drawable, r.GC }
