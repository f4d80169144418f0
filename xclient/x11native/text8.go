package x11native

import (
	"image"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// The compact text path: ImageText8 as one ImageGlyph8 request (protocol
// 1.2) with the colours inline and a byte a character, instead of four
// requests (ChangeGC, PolyFillRectangle, ChangeGC, PolyGlyph). Its glyphs
// live in a second glyph set per font whose codes are the string's bytes,
// so the request carries the X string as it came.

// imageGlyphMinor is the display's protocol minor that has ImageGlyph8
// and NoOperation.
const imageGlyphMinor = 2

// glyph8 fits a font's glyph for byte b into the code-by-byte set: the
// glyph index, or -1 when the string skips the byte (no glyph and no
// default), and whether it fits a glyph set's limits.
func glyph8(f *coreFont, b byte) (gi int, fits bool) {
	gi = f.glyphOrDefault(0, b)
	if gi < 0 {
		return -1, true
	}
	m := f.metrics[gi]
	w, h := int(m.rsb-m.lsb), int(m.ascent+m.descent)
	return gi, w >= 0 && h >= 0 && w <= protocol.MaxGlyphSize && h <= protocol.MaxGlyphSize &&
		m.lsb >= -128 && m.lsb <= 127 && m.ascent >= -127 && m.ascent <= 128
}

// imageText8 draws an ImageText8 string with ImageGlyph8 and tells the
// connection what it inked and covered (MarkDrawn), so that a line drawn
// again later in the same batch withdraws this one. It returns false when
// the display is older than 1.2 or the font does not fit the request;
// the caller then draws the long way.
func (s *Server) imageText8(d xclient.Drawable, g *gcState, f *coreFont, x, y int, chars []byte) bool {
	if _, minor := s.xc.ServerVersion(); minor < imageGlyphMinor || len(chars) > protocol.MaxImageGlyph8 ||
		f.ascent < 0 || f.ascent > 255 || f.descent < 0 || f.descent > 255 {
		return false
	}
	fg := s.glyphSets[f]
	if fg == nil {
		fg = &fontGlyphs{have: make([]bool, len(f.metrics))}
		s.glyphSets[f] = fg
	}
	var add []xclient.Glyph
	pen := x
	ink := image.Rectangle{}
	for _, b := range chars {
		gi, fits := glyph8(f, b)
		if !fits {
			return false
		}
		if gi < 0 {
			continue
		}
		m := f.metrics[gi]
		if !fg.have8[b] {
			w, h := int(m.rsb-m.lsb), int(m.ascent+m.descent)
			if w == 0 || h == 0 {
				w, h = 0, 0
			}
			add = append(add, xclient.Glyph{Code: uint16(b), W: uint8(w), H: uint8(h), X: int8(m.lsb),
				Y: int8(-m.ascent), Advance: m.width, Bits: f.bitmaps[gi]})
		}
		ink = ink.Union(image.Rect(pen+int(m.lsb), y-int(m.ascent), pen+int(m.rsb), y+int(m.descent)))
		pen += int(m.width)
	}
	if !fg.made8 {
		set, err := s.xc.CreateGlyphSet()
		if err != nil {
			s.log.Warn("x11native: create glyph set", "err", err)
			return false
		}
		fg.set8, fg.made8 = set, true
	}
	if len(add) > 0 {
		if err := s.xc.AddGlyphs(fg.set8, add); err != nil {
			s.log.Warn("x11native: upload glyphs", "err", err)
			return false
		}
		for _, gl := range add {
			fg.have8[gl.Code] = true
		}
	}
	fgc, bgc := g.vals[gcForeground]&0xffffff, g.vals[gcBackground]&0xffffff
	if err := s.xc.ImageGlyph8(d, xclient.GC(g.xfar), fg.set8, x, y, fgc, bgc, f.ascent, f.descent, chars); err != nil {
		s.log.Warn("x11native: text", "err", err)
		return true
	}
	box := image.Rect(x, y-f.ascent, pen, y+f.descent)
	ink = ink.Union(box)
	if w, ok := d.(xclient.Window); ok {
		var covers []image.Rectangle
		if g.opaque() {
			covers = append(covers, box)
		}
		s.xc.MarkDrawn(protocol.OpImageGlyph8, w, ink, covers...)
	}
	return true
}

// opaque reports whether drawing through g with function copy paints
// every pixel of its area: the full plane mask and no clip.
func (g *gcState) opaque() bool {
	return g.vals[gcPlaneMask]&0xffffff == 0xffffff && g.vals[gcClipMask] == 0 && !g.rectClip
}

// markCleared tells the connection what a ClearArea of w painted: with a
// background pixel, the whole area whatever was there. One that asks for
// Expose events is never withdrawn (ink empty), only covers.
func (s *Server) markCleared(w *window, x, y, width, height int, exposures bool) {
	if width == 0 {
		width = w.w - x
	}
	if height == 0 {
		height = w.h - y
	}
	area := image.Rect(x, y, x+width, y+height).Intersect(image.Rect(0, 0, w.w, w.h))
	ink := area
	if exposures {
		ink = image.Rectangle{}
	}
	var covers []image.Rectangle
	if !w.bgNone {
		covers = append(covers, area)
	}
	s.xc.MarkDrawn(protocol.OpClearArea, xclient.Window(w.xfar), ink, covers...)
}

// maxCoverRects bounds the rectangles of one fill that are offered as
// covers (each is checked against every mark).
const maxCoverRects = 16

// markFilled tells the connection what a solid PolyFillRectangle on a
// window inked and, with function copy through an opaque GC, covered.
func (s *Server) markFilled(d xclient.Drawable, g *gcState, rects []xclient.Rect) {
	w, ok := d.(xclient.Window)
	if !ok || g.vals[gcFillStyle] != fillSolid {
		return
	}
	var ink image.Rectangle
	var covers []image.Rectangle
	copyOp := g.vals[gcFunction]&15 == protocol.GXcopy && g.opaque()
	for _, r := range rects {
		rr := image.Rect(int(r.X), int(r.Y), int(r.X)+int(r.W), int(r.Y)+int(r.H))
		ink = ink.Union(rr)
		if copyOp && len(covers) < maxCoverRects {
			covers = append(covers, rr)
		}
	}
	s.xc.MarkDrawn(protocol.OpPolyFillRectangle, w, ink, covers...)
}

// Withdrawn returns how many drawing requests the display connection
// withdrew because a later one of the same batch painted over them.
func (s *Server) Withdrawn() int64 { return s.xc.Withdrawn() }
