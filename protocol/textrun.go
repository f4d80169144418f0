package protocol

import "fmt"

// Requests of minor version 2 that make the X11 bridge's (xbridge
// --native) stream smaller: a self-contained image-text run with one byte
// a character, and a request that does nothing, which stands in for a
// drawing request the client withdrew before sending (a later one painted
// over it), so that both sides still count the same sequence numbers.
const (
	OpNoOperation Opcode = 110
	OpImageGlyph8 Opcode = 111
)

// MaxImageGlyph8 bounds an ImageGlyph8's codes, as X's ImageText8 is
// bounded by its one-byte count.
const MaxImageGlyph8 = 255

// NoOperation does nothing (X's NoOperation).
//
//	empty body
type NoOperation struct{}

// Opcode implements Request.
func (*NoOperation) Opcode() Opcode { return OpNoOperation }

// AppendBody implements Request.
func (*NoOperation) AppendBody(b []byte) []byte { return b }

func decodeNoOperation(Opcode, *decoder) (Request, error) { return &NoOperation{}, nil }

// ImageGlyph8 draws a run of glyphs as X's ImageText8 draws a string: the
// box from (X, Y−Ascent) to (X+width, Y+Descent), width the sum of the
// glyphs' advances, is filled with Background, then the glyphs are drawn
// in Foreground, both with function copy through the GC's plane mask and
// clip (the GC's function, fill and colours are not used). Codes are one
// byte; a code the set lacks draws nothing and does not move the pen.
//
//	0 u32 drawable   4 u32 gc   8 u32 glyph set   12 i16 x   14 i16 y
//	16 u32 foreground   20 u32 background (0x00RRGGBB)
//	24 u8 ascent   25 u8 descent   26 u16 count
//	28 u8 codes (count ≤ 255), padded to 4
type ImageGlyph8 struct {
	Drawable, GC, Set      uint32
	X, Y                   int16
	Foreground, Background uint32
	Ascent, Descent        uint8
	Codes                  []byte
}

// Opcode implements Request.
func (*ImageGlyph8) Opcode() Opcode { return OpImageGlyph8 }

// AppendBody implements Request.
func (r *ImageGlyph8) AppendBody(b []byte) []byte {
	b = putU32(b, r.Drawable)
	b = putU32(b, r.GC)
	b = putU32(b, r.Set)
	b = putI16(b, r.X)
	b = putI16(b, r.Y)
	b = putU32(b, r.Foreground)
	b = putU32(b, r.Background)
	b = append(b, r.Ascent, r.Descent)
	b = putU16(b, uint16(len(r.Codes)))
	b = append(b, r.Codes...)
	return pad(b, (4-len(r.Codes)%4)%4)
}

func decodeImageGlyph8(_ Opcode, d *decoder) (Request, error) {
	r := &ImageGlyph8{Drawable: d.u32(), GC: d.u32(), Set: d.u32(), X: d.i16(), Y: d.i16(),
		Foreground: d.u32(), Background: d.u32(), Ascent: d.u8(), Descent: d.u8()}
	n := int(d.u16())
	padded := n + (4-n%4)%4
	if padded != d.rest() {
		// The count must say exactly what the body holds.
		d.skip(d.rest() + 1)
		return r, nil
	}
	r.Codes = d.bytes(n)
	d.skip(padded - n)
	if n > MaxImageGlyph8 {
		return r, fmt.Errorf("%d codes, at most %d", n, MaxImageGlyph8)
	}
	if r.Foreground > 0xffffff || r.Background > 0xffffff {
		return r, fmt.Errorf("colour %#x/%#x above 24 bits", r.Foreground, r.Background)
	}
	return r, nil
}
