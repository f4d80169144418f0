package displayserver

import (
	"image"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/render"
)

// glyphSet is a client's uploaded bitmap glyphs (protocol §20), by code.
type glyphSet struct {
	id     uint32
	glyphs map[uint16]*render.Bitmap
	bytes  int
}

// glyphBytes is what c's glyph sets hold together, for the limit.
func glyphBytes(c *client) int {
	n := 0
	for _, r := range c.resources {
		if g, ok := r.(*glyphSet); ok {
			n += g.bytes
		}
	}
	return n
}

func (st *state) lookupGlyphSet(c *client, seq uint32, op protocol.Opcode, id uint32) (*glyphSet, *protocol.Error) {
	if g, ok := c.resources[id].(*glyphSet); ok {
		return g, nil
	}
	return nil, errorf(seq, op, protocol.BadValue, id, "no glyph set %#x of this client", id)
}

// handleGlyphs applies the glyph-set requests.
func (st *state) handleGlyphs(c *client, seq uint32, req protocol.Request) *protocol.Error {
	op := req.Opcode()
	switch r := req.(type) {
	case *protocol.GlyphSetID:
		if op == protocol.OpCreateGlyphSet {
			if e := st.newID(c, seq, op, r.Set); e != nil {
				return e
			}
			c.resources[r.Set] = &glyphSet{id: r.Set, glyphs: map[uint16]*render.Bitmap{}}
			return nil
		}
		if _, e := st.lookupGlyphSet(c, seq, op, r.Set); e != nil {
			return e
		}
		delete(c.resources, r.Set)
	case *protocol.AddGlyphs:
		set, e := st.lookupGlyphSet(c, seq, op, r.Set)
		if e != nil {
			return e
		}
		total := glyphBytes(c)
		for _, g := range r.Glyphs {
			total += len(g.Bits)
		}
		if total > protocol.MaxGlyphBytes {
			return errorf(seq, op, protocol.BadAlloc, r.Set, "glyph sets would hold %d bytes, limit %d", total, protocol.MaxGlyphBytes)
		}
		for _, g := range r.Glyphs {
			if old := set.glyphs[g.Code]; old != nil {
				set.bytes -= len(old.Bits)
			}
			set.glyphs[g.Code] = &render.Bitmap{W: int(g.W), H: int(g.H), X: int(g.X), Y: int(g.Y),
				Advance: int(g.Advance), Bits: g.Bits}
			set.bytes += len(g.Bits)
		}
	case *protocol.PolyGlyph:
		img, w, gc, set, e := st.glyphTarget(c, seq, op, r.Drawable, r.GC, r.Set)
		if e != nil {
			return e
		}
		gs := make([]*render.Bitmap, len(r.Codes))
		for i, code := range r.Codes {
			if code != protocol.NoGlyph { // names no glyph, even if one was added with it
				gs[i] = set.glyphs[code]
			}
		}
		damage := img.PolyGlyph(gc, int(r.X), int(r.Y), gs)
		if w != nil {
			st.damageInside(w, damage)
		}
	case *protocol.ImageGlyph8:
		img, w, gc, set, e := st.glyphTarget(c, seq, op, r.Drawable, r.GC, r.Set)
		if e != nil {
			return e
		}
		for _, it := range r.Items {
			if it.Kind == protocol.GlyphItemClear && w == nil {
				return errorf(seq, op, protocol.BadMatch, r.Drawable, "clear item on pixmap %#x", r.Drawable)
			}
		}
		// X's ImageText: the GC's plane mask and clip, function copy.
		ig := *gc
		ig.Function = render.GXcopy
		var gs []*render.Bitmap
		for _, it := range r.Items {
			x, y := int(it.X), int(it.Y)
			if it.Kind == protocol.GlyphItemClear {
				a := image.Rect(x, y, x+int(it.W), y+int(it.H))
				if it.W == 0 {
					a.Max.X = w.w
				}
				if it.H == 0 {
					a.Max.Y = w.h
				}
				if a = a.Intersect(w.img.Bounds()); !a.Empty() && w.flags&protocol.BackgroundNone == 0 {
					w.img.Fill(a, w.bg)
					st.damageInside(w, a)
				}
				continue
			}
			gs = gs[:0]
			width := 0
			for _, code := range it.Codes {
				if g := set.glyphs[uint16(code)]; g != nil {
					gs = append(gs, g)
					width += g.Advance
				}
			}
			damage := image.Rectangle{}
			if box := image.Rect(x, y-int(r.Ascent), x+width, y+int(r.Descent)); width > 0 && !box.Empty() {
				ig.Foreground = r.Background
				damage = img.PolyFillRectangle(&ig, []image.Rectangle{box})
			}
			ig.Foreground = r.Foreground
			damage = damage.Union(img.PolyGlyph(&ig, x, y, gs))
			if w != nil {
				st.damageInside(w, damage)
			}
		}
	}
	return nil
}

// glyphTarget looks up what a glyph-drawing request names: the drawable
// (and its window, if it is one), the GC and the glyph set.
func (st *state) glyphTarget(c *client, seq uint32, op protocol.Opcode, drawable, gcID, setID uint32) (*render.Image, *window, *render.GC, *glyphSet, *protocol.Error) {
	img, w, e := st.lookupDrawable(c, seq, op, drawable)
	if e != nil {
		return nil, nil, nil, nil, e
	}
	gc, e := st.lookupGC(c, seq, op, gcID)
	if e != nil {
		return nil, nil, nil, nil, e
	}
	set, e := st.lookupGlyphSet(c, seq, op, setID)
	if e != nil {
		return nil, nil, nil, nil, e
	}
	return img, w, gc, set, nil
}
