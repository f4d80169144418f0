package xclient

import (
	"fmt"

	"github.com/xfar/xfar/protocol"
)

// GlyphSet is a set of bitmap glyphs uploaded once and drawn by code
// (protocol §20).
type GlyphSet uint32

// Glyph is one bitmap glyph (see protocol.Glyph).
type Glyph = protocol.Glyph

// glyphFixed is AddGlyphs' fixed part and one glyph's header.
const (
	addGlyphsFixed = 8
	glyphHeader    = 8
	polyGlyphFixed = 16
)

// CreateGlyphSet creates an empty glyph set. The ID is allocated locally.
func (c *Conn) CreateGlyphSet() (GlyphSet, error) {
	id, err := c.NewID()
	if err != nil {
		return 0, fmt.Errorf("create glyph set: %w", err)
	}
	if _, err := c.send(&protocol.GlyphSetID{Op: protocol.OpCreateGlyphSet, Set: id}); err != nil {
		c.ids.release(id)
		return 0, fmt.Errorf("create glyph set: %w", err)
	}
	return GlyphSet(id), nil
}

// FreeGlyphSet frees a glyph set.
func (c *Conn) FreeGlyphSet(s GlyphSet) error {
	if _, err := c.send(&protocol.GlyphSetID{Op: protocol.OpFreeGlyphSet, Set: uint32(s)}); err != nil {
		return fmt.Errorf("free glyph set %d: %w", s, err)
	}
	c.ids.release(uint32(s))
	return nil
}

// AddGlyphs uploads glyphs into a set, in as many requests as the
// server's maximum request size needs.
func (c *Conn) AddGlyphs(s GlyphSet, glyphs []Glyph) error {
	for _, g := range glyphs {
		if (g.W == 0) != (g.H == 0) || len(g.Bits) < (int(g.W)+7)/8*int(g.H) {
			return fmt.Errorf("add glyphs to set %d: glyph %d: %dx%d with %d bytes", s, g.Code, g.W, g.H, len(g.Bits))
		}
	}
	for len(glyphs) > 0 {
		size, n := addGlyphsFixed, 0
		for n < len(glyphs) && n < 0xffff {
			gs := glyphHeader + ((int(glyphs[n].W)+7)/8*int(glyphs[n].H)+3)&^3
			if n > 0 && size+gs > c.MaxRequest() {
				break
			}
			size += gs
			n++
		}
		if _, err := c.send(&protocol.AddGlyphs{Set: uint32(s), Glyphs: glyphs[:n]}); err != nil {
			return fmt.Errorf("add glyphs to set %d: %w", s, err)
		}
		glyphs = glyphs[n:]
	}
	return nil
}

// PolyGlyph draws glyphs of set s by code with gc's foreground, the pen
// starting at (x, y) on the baseline, as X's PolyText draws core-font
// text.
func (c *Conn) PolyGlyph(d Drawable, gc GC, s GlyphSet, x, y int, codes []uint16) error {
	var a args
	r := protocol.PolyGlyph{Drawable: did(d), GC: uint32(gc), Set: uint32(s), X: a.i16("x", x), Y: a.i16("y", y)}
	if a.err != nil {
		return drawErr("poly glyph", d, a.err)
	}
	if per := c.perRequest(polyGlyphFixed, 2); len(codes) > per {
		// A second request would need the pen where the first left it,
		// which only the server knows: callers split long strings.
		return drawErr("poly glyph", d, fmt.Errorf("%d codes, at most %d fit one request", len(codes), per))
	}
	r.Codes = codes
	if _, err := c.send(&r); err != nil {
		return drawErr("poly glyph", d, err)
	}
	return nil
}

// ImageGlyph8 draws glyphs of set s by one-byte code as X's ImageText8
// draws a string: the box from (x, y-ascent) to the pen's end at
// y+descent is filled with bg, then the glyphs are drawn in fg, both with
// function copy (gc gives the plane mask and clip). It needs a display
// server of protocol 1.2 or later (ServerVersion). Consecutive calls for
// one drawable, GC, set and colours, and the ClearAreas between them, go
// out as one request (overdraw.go), so that a screen of text costs little
// more than its characters.
func (c *Conn) ImageGlyph8(d Drawable, gc GC, s GlyphSet, x, y int, fg, bg uint32, ascent, descent int, codes []byte) error {
	var a args
	it := protocol.GlyphItem{Kind: protocol.GlyphItemText, X: a.i16("x", x), Y: a.i16("y", y), Codes: codes}
	r := protocol.ImageGlyph8{Drawable: did(d), GC: uint32(gc), Set: uint32(s),
		Foreground: fg & 0xffffff, Background: bg & 0xffffff}
	if ascent < 0 || ascent > 255 || descent < 0 || descent > 255 {
		a.err = fmt.Errorf("ascent %d, descent %d: each 0..255", ascent, descent)
	}
	if len(codes) > protocol.MaxImageGlyph8 {
		a.err = fmt.Errorf("%d codes, at most %d", len(codes), protocol.MaxImageGlyph8)
	}
	if a.err != nil {
		return drawErr("image glyphs", d, a.err)
	}
	r.Ascent, r.Descent = uint8(ascent), uint8(descent)
	r.Items = []protocol.GlyphItem{it}
	if _, err := c.send(&r); err != nil {
		return drawErr("image glyphs", d, err)
	}
	return nil
}
