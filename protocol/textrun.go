package protocol

import (
	"errors"
	"fmt"
)

// Requests of minor version 2 that make the X11 bridge's (xbridge
// --native) stream smaller: image text as runs of one-byte codes with the
// colours inline and positions relative to the run before, and a request
// that does nothing, which stands in for a drawing request the client
// withdrew or merged into another before sending, so that both sides
// still count the same sequence numbers.
const (
	OpNoOperation Opcode = 110
	OpImageGlyph8 Opcode = 111
)

// Limits of ImageGlyph8.
const (
	// MaxImageGlyph8 bounds one text item's codes, as X's ImageText8 is
	// bounded by its one-byte count.
	MaxImageGlyph8 = 255
	// MaxImageGlyph8Body bounds an ImageGlyph8's body.
	MaxImageGlyph8Body = 64 << 10
)

// Kinds of ImageGlyph8 items.
const (
	// GlyphItemText draws a run of codes as ImageText8 draws a string.
	GlyphItemText = 0
	// GlyphItemClear clears an area of the window to its background, as
	// ClearArea without exposures.
	GlyphItemClear = 1
)

// NoOperation does nothing (X's NoOperation).
//
//	empty body
type NoOperation struct{}

// Opcode implements Request.
func (*NoOperation) Opcode() Opcode { return OpNoOperation }

// AppendBody implements Request.
func (*NoOperation) AppendBody(b []byte) []byte { return b }

func decodeNoOperation(Opcode, *decoder) (Request, error) { return &NoOperation{}, nil }

// GlyphItem is one item of an ImageGlyph8: a text run at (X, Y) (the pen
// on the baseline) or, with Kind GlyphItemClear, the W×H area at (X, Y)
// cleared (0 extends to the window's edge, as ClearArea). Positions are
// absolute here; on the wire each is relative to the item before.
type GlyphItem struct {
	Kind  uint8
	X, Y  int16
	W, H  uint16
	Codes []byte
}

// ImageGlyph8 draws runs of glyphs as X's ImageText8 draws strings: for
// a text item the box from (X, Y−Ascent) to (X+width, Y+Descent), width
// the sum of the glyphs' advances, is filled with Background, then the
// glyphs are drawn in Foreground, both with function copy through the
// GC's plane mask and clip (the GC's function, fill and colours are not
// used). Codes are one byte; a code the set lacks draws nothing and does
// not move the pen. A clear item clears like ClearArea (no exposures).
//
//	0 u32 drawable   4 u32 gc   8 u32 glyph set
//	12 u32 foreground   16 u32 background (0x00RRGGBB)
//	20 u8 ascent   21 u8 descent   22 u16 item count
//	24 items: u8 kind, u8 n, i16 dx, i16 dy, then
//	   text (kind 0): n codes;  clear (kind 1, n 0): u16 width, u16 height
//	the body padded to 4 with zero bytes
//
// dx, dy are relative to the item before (the first: to 0, 0).
type ImageGlyph8 struct {
	Drawable, GC, Set      uint32
	Foreground, Background uint32
	Ascent, Descent        uint8
	Items                  []GlyphItem
}

// Opcode implements Request.
func (*ImageGlyph8) Opcode() Opcode { return OpImageGlyph8 }

// AppendBody implements Request.
func (r *ImageGlyph8) AppendBody(b []byte) []byte {
	start := len(b)
	b = putU32(b, r.Drawable)
	b = putU32(b, r.GC)
	b = putU32(b, r.Set)
	b = putU32(b, r.Foreground)
	b = putU32(b, r.Background)
	b = append(b, r.Ascent, r.Descent)
	b = putU16(b, uint16(len(r.Items)))
	var px, py int16
	for _, it := range r.Items {
		n := 0
		if it.Kind == GlyphItemText {
			n = len(it.Codes)
		}
		b = append(b, it.Kind, byte(n))
		b = putI16(b, it.X-px)
		b = putI16(b, it.Y-py)
		px, py = it.X, it.Y
		if it.Kind == GlyphItemText {
			b = append(b, it.Codes...)
		} else {
			b = putU16(b, it.W)
			b = putU16(b, it.H)
		}
	}
	return pad(b, (4-(len(b)-start)%4)%4)
}

var errGlyphItems = errors.New("items do not fill the body")

func decodeImageGlyph8(_ Opcode, d *decoder) (Request, error) {
	r := &ImageGlyph8{Drawable: d.u32(), GC: d.u32(), Set: d.u32(),
		Foreground: d.u32(), Background: d.u32(), Ascent: d.u8(), Descent: d.u8()}
	n := int(d.u16())
	// Each item takes at least 6 bytes: the count cannot claim more than
	// the body holds.
	if n > d.rest()/6 {
		d.err = errGlyphItems
		return r, nil
	}
	r.Items = make([]GlyphItem, n)
	var verr error
	var px, py int16
	for i := range r.Items {
		it := &r.Items[i]
		it.Kind = d.u8()
		cn := int(d.u8())
		px += d.i16()
		py += d.i16()
		it.X, it.Y = px, py
		switch it.Kind {
		case GlyphItemText:
			it.Codes = d.bytes(cn)
		case GlyphItemClear:
			it.W, it.H = d.u16(), d.u16()
			if cn != 0 && verr == nil {
				verr = fmt.Errorf("item %d: clear with %d codes", i, cn)
			}
		default:
			// The item's size is unknown: nothing after it can be read.
			d.skip(d.rest())
			r.Items = r.Items[:i]
			return r, fmt.Errorf("item %d: kind %d", i, it.Kind)
		}
	}
	// Up to 3 zero bytes of padding, then nothing.
	if rest := d.rest(); rest > 3 || (d.off+rest)%4 != 0 {
		d.err = errGlyphItems
		return r, verr
	}
	d.skip(d.rest())
	if n == 0 && verr == nil {
		verr = errors.New("no items")
	}
	if (r.Foreground > 0xffffff || r.Background > 0xffffff) && verr == nil {
		verr = fmt.Errorf("colour %#x/%#x above 24 bits", r.Foreground, r.Background)
	}
	return r, verr
}
