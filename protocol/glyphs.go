package protocol

import (
	"errors"
	"fmt"
)

// Glyph sets: bitmap glyphs a client uploads once and then draws by
// reference, as X's core fonts and RENDER's glyph sets do. The X11 bridge
// (xbridge --native) uploads the glyphs of the X program's core fonts, so
// that a line of text costs two bytes a character on the link.
const (
	OpCreateGlyphSet Opcode = 105
	OpFreeGlyphSet   Opcode = 106
	OpAddGlyphs      Opcode = 107
	OpPolyGlyph      Opcode = 108
)

// Limits of glyph sets.
const (
	// MaxGlyphSize bounds a glyph's width and height in pixels.
	MaxGlyphSize = 255
	// MaxGlyphBytes bounds the bitmap bytes a client may keep in all its
	// glyph sets together; AddGlyphs beyond it is BadAlloc.
	MaxGlyphBytes = 8 << 20
)

// GlyphSetID creates (OpCreateGlyphSet) or frees (OpFreeGlyphSet) a glyph
// set; the ID is client-allocated, as for every resource.
//
//	0 u32 glyph set
type GlyphSetID struct {
	Op  Opcode
	Set uint32
}

// Opcode implements Request.
func (r *GlyphSetID) Opcode() Opcode { return r.Op }

// AppendBody implements Request.
func (r *GlyphSetID) AppendBody(b []byte) []byte { return putU32(b, r.Set) }

func decodeGlyphSetID(op Opcode, d *decoder) (Request, error) {
	return &GlyphSetID{Op: op, Set: d.u32()}, nil
}

// Glyph is one bitmap glyph: W×H pixels, rows of (W+7)/8 bytes, the most
// significant bit leftmost; a set bit is drawn in the GC's foreground.
// The bitmap's top-left corner is at (pen x + X, pen y + Y), and the pen
// then moves Advance pixels right, as X's CHARINFO describes a glyph (X =
// left bearing, Y = −ascent).
type Glyph struct {
	Code    uint16
	W, H    uint8
	X, Y    int8
	Advance int16
	Bits    []byte
}

// glyphBytes is the size of a W×H bitmap.
func glyphBytes(w, h uint8) int { return (int(w) + 7) / 8 * int(h) }

// AddGlyphs adds glyphs to a glyph set (replacing any with the same code).
//
//	0 u32 glyph set   4 u16 count   6 pad 2
//	then count glyphs: u16 code, u8 width, u8 height, i8 x, i8 y,
//	i16 advance, the bitmap ((width+7)/8 × height bytes), padded to 4
type AddGlyphs struct {
	Set    uint32
	Glyphs []Glyph
}

// Opcode implements Request.
func (*AddGlyphs) Opcode() Opcode { return OpAddGlyphs }

// AppendBody implements Request.
func (r *AddGlyphs) AppendBody(b []byte) []byte {
	b = putU32(b, r.Set)
	b = putU16(b, uint16(len(r.Glyphs)))
	b = pad(b, 2)
	for _, g := range r.Glyphs {
		b = putU16(b, g.Code)
		b = append(b, g.W, g.H, byte(g.X), byte(g.Y))
		b = putI16(b, g.Advance)
		n := glyphBytes(g.W, g.H)
		bits := g.Bits
		if len(bits) > n {
			bits = bits[:n]
		}
		b = append(b, bits...)
		b = pad(b, n-len(bits)+(4-n%4)%4)
	}
	return b
}

func decodeAddGlyphs(_ Opcode, d *decoder) (Request, error) {
	r := &AddGlyphs{Set: d.u32()}
	n := int(d.u16())
	d.skip(2)
	// Each glyph takes at least 8 bytes: the count cannot claim more than
	// the body holds.
	if n > d.rest()/8 {
		d.skip(d.rest() + 1)
		return r, nil
	}
	r.Glyphs = make([]Glyph, n)
	var verr error
	for i := range r.Glyphs {
		g := &r.Glyphs[i]
		g.Code = d.u16()
		g.W, g.H = d.u8(), d.u8()
		g.X, g.Y = int8(d.u8()), int8(d.u8())
		g.Advance = d.i16()
		size := glyphBytes(g.W, g.H)
		g.Bits = d.bytes(size)
		d.skip((4 - size%4) % 4)
		if (g.W == 0) != (g.H == 0) && verr == nil {
			verr = fmt.Errorf("glyph %d: size %dx%d", g.Code, g.W, g.H)
		}
	}
	if n == 0 {
		return r, errors.New("no glyphs")
	}
	return r, verr
}

// PolyGlyph draws glyphs of a glyph set with a GC's foreground, function,
// plane mask and clip, the pen starting at (X, Y) (the baseline origin).
// A code with no glyph in the set draws nothing and does not move the
// pen.
//
//	0 u32 drawable   4 u32 gc   8 u32 glyph set   12 i16 x   14 i16 y
//	16 u16 codes, padded to 4
type PolyGlyph struct {
	Drawable, GC, Set uint32
	X, Y              int16
	Codes             []uint16
}

// Opcode implements Request.
func (*PolyGlyph) Opcode() Opcode { return OpPolyGlyph }

// AppendBody implements Request.
func (r *PolyGlyph) AppendBody(b []byte) []byte {
	b = putU32(b, r.Drawable)
	b = putU32(b, r.GC)
	b = putU32(b, r.Set)
	b = putI16(b, r.X)
	b = putI16(b, r.Y)
	for _, c := range r.Codes {
		b = putU16(b, c)
	}
	if len(r.Codes)%2 != 0 {
		b = putU16(b, 0xffff)
	}
	return b
}

// NoGlyph pads a PolyGlyph's code list to 4 bytes; it never names a glyph.
const NoGlyph = 0xffff

func decodePolyGlyph(_ Opcode, d *decoder) (Request, error) {
	r := &PolyGlyph{Drawable: d.u32(), GC: d.u32(), Set: d.u32(), X: d.i16(), Y: d.i16()}
	src := d.items(4)
	r.Codes = make([]uint16, 0, len(src)/2)
	for i := 0; i+1 < len(src); i += 2 {
		r.Codes = append(r.Codes, le.Uint16(src[i:]))
	}
	// Only the last code can be the list's pad; a NoGlyph elsewhere
	// stays, and draws nothing, as any code the set lacks.
	if n := len(r.Codes); n > 0 && r.Codes[n-1] == NoGlyph {
		r.Codes = r.Codes[:n-1]
	}
	return r, nil
}
