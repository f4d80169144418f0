package x11native

import (
	"fmt"
	"image"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// Cursors: CreateGlyphCursor and CreateCursor make a cursor here, and a
// window's cursor attribute (CreateWindow, ChangeWindowAttributes: what
// XDefineCursor sends) becomes its display window's cursor (SetCursor,
// SPEC §21). The core cursor font's shapes that have a CSS counterpart
// go by name, as the default bridge sends them, so viewers show their
// own crisp cursor (xterm's I-beam is "text"); other glyphs and pixmap
// cursors go as ARGB images made from their bits.

// cursorDef is a cursor: a CSS name, or an image made from its source
// and mask bits (kept to recolour it).
type cursorDef struct {
	name      string
	size, hot image.Point
	src, mask []bool // per pixel, row by row; mask nil: all shown
	fore, bg  uint32 // 0xRRGGBB
	pix       []uint32
}

// cursorFontNames maps the X core cursor font's shapes (X11/cursorfont.h)
// to the CSS cursor each stands for.
var cursorFontNames = map[uint16]string{
	68: "default", 2: "default", 132: "default", 152: "text", 60: "pointer", 58: "pointer",
	150: "wait", 34: "crosshair", 130: "crosshair", 52: "move", 92: "help",
	108: "ew-resize", 116: "ns-resize", 134: "nw-resize", 136: "ne-resize",
	12: "sw-resize", 14: "se-resize", 138: "n-resize", 16: "s-resize",
	70: "w-resize", 96: "e-resize", 90: "cell", 88: "not-allowed",
}

// errCursor is X's BadCursor.
const errCursor = 6

// rgb8 turns an X colour's three 16-bit channels into 0xRRGGBB.
func rgb8(r, g, b uint16) uint32 {
	return uint32(r>>8)<<16 | uint32(g>>8)<<8 | uint32(b>>8)
}

// build makes the ARGB image from the bits and colours.
func (cd *cursorDef) build() {
	if cd.name != "" {
		return
	}
	cd.pix = make([]uint32, len(cd.src))
	for i, on := range cd.src {
		if cd.mask != nil && !cd.mask[i] {
			continue
		}
		if on {
			cd.pix[i] = 0xff000000 | cd.fore
		} else {
			cd.pix[i] = 0xff000000 | cd.bg
		}
	}
}

// cursorRequest handles CreateCursor, CreateGlyphCursor, FreeCursor and
// RecolorCursor.
func (c *client) cursorRequest(op byte, r *rd) {
	s := c.s
	if s.cursors == nil {
		s.cursors = map[uint32]*cursorDef{}
	}
	switch op {
	case xCreateCursor:
		id, srcID, maskID := r.u32(), r.u32(), r.u32()
		fr, fg, fb, br, bg, bb := r.u16(), r.u16(), r.u16(), r.u16(), r.u16(), r.u16()
		hx, hy := int(r.u16()), int(r.u16())
		if r.short || !c.newID(id, op) {
			return
		}
		src, ok := s.pixmaps[srcID]
		if !ok {
			c.xError(errPixmap, srcID, op, 0)
			return
		}
		var mask *pixmap
		if maskID != 0 {
			if mask, ok = s.pixmaps[maskID]; !ok {
				c.xError(errPixmap, maskID, op, 0)
				return
			}
		}
		if src.depth != 1 || mask != nil && (mask.depth != 1 || mask.w != src.w || mask.h != src.h) ||
			hx >= src.w || hy >= src.h {
			c.xError(errMatch, 0, op, 0)
			return
		}
		cd := &cursorDef{size: image.Pt(src.w, src.h), hot: image.Pt(hx, hy),
			fore: rgb8(fr, fg, fb), bg: rgb8(br, bg, bb)}
		bits, err := s.pixmapBits(src)
		if err == nil && mask != nil {
			var mb []byte
			if mb, err = s.pixmapBits(mask); err == nil {
				cd.mask = make([]bool, len(mb))
				for i, b := range mb {
					cd.mask[i] = b != 0
				}
			}
		}
		if err != nil {
			s.log.Warn("x11native: create cursor", "err", err)
			c.xError(errAlloc, id, op, 0)
			return
		}
		cd.src = make([]bool, len(bits))
		for i, b := range bits {
			cd.src[i] = b != 0
		}
		c.addCursor(id, cd)
	case xCreateGlyphCursor:
		id, srcFont, maskFont := r.u32(), r.u32(), r.u32()
		srcChar, maskChar := r.u16(), r.u16()
		fr, fg, fb, br, bg, bb := r.u16(), r.u16(), r.u16(), r.u16(), r.u16(), r.u16()
		if r.short || !c.newID(id, op) {
			return
		}
		sf := s.fonts[srcFont]
		if sf == nil {
			c.xError(errFont, srcFont, op, 0)
			return
		}
		var mf *font
		if maskFont != 0 {
			if mf = s.fonts[maskFont]; mf == nil {
				c.xError(errFont, maskFont, op, 0)
				return
			}
		}
		if cf, err := openCoreFont("cursor"); err == nil && sf.f == cf && cursorFontNames[srcChar] != "" {
			c.addCursor(id, &cursorDef{name: cursorFontNames[srcChar]})
			return
		}
		cd, ok := glyphCursor(sf.f, srcChar, mf, maskChar)
		if !ok {
			c.xError(errValue, uint32(srcChar), op, 0)
			return
		}
		cd.fore, cd.bg = rgb8(fr, fg, fb), rgb8(br, bg, bb)
		c.addCursor(id, cd)
	case xFreeCursor:
		id := r.u32()
		if r.short {
			return
		}
		if _, ok := s.cursors[id]; !ok {
			c.xError(errCursor, id, op, 0)
			return
		}
		delete(s.cursors, id) // windows that show it keep it, as in X
	case xRecolorCursor:
		id := r.u32()
		fr, fg, fb, br, bg, bb := r.u16(), r.u16(), r.u16(), r.u16(), r.u16(), r.u16()
		if r.short {
			return
		}
		cd := s.cursors[id]
		if cd == nil {
			c.xError(errCursor, id, op, 0)
			return
		}
		if cd.name != "" {
			return // a named cursor is the viewer's own, in its colours
		}
		cd.fore, cd.bg = rgb8(fr, fg, fb), rgb8(br, bg, bb)
		cd.build()
		for _, w := range s.windows {
			if w.cursor == cd {
				w.cursorSent = nil
				s.applyCursor(w)
			}
		}
	}
}

// addCursor records a new cursor.
func (c *client) addCursor(id uint32, cd *cursorDef) {
	if cd.name == "" && (cd.size.X > protocol.MaxCursorSize || cd.size.Y > protocol.MaxCursorSize ||
		cd.size.X <= 0 || cd.size.Y <= 0) {
		c.logOnce(fmt.Sprintf("cursor of %v pixels (the display takes at most %d a side): shown as the arrow", cd.size, protocol.MaxCursorSize))
		cd = &cursorDef{name: "default"}
	}
	cd.build()
	c.s.cursors[id] = cd
}

// glyphCursor makes a cursor image from a source glyph and an optional
// mask glyph, placed at their origins; the hot spot is the origin.
func glyphCursor(sf *coreFont, sc uint16, mf *font, mc uint16) (*cursorDef, bool) {
	sg := sf.glyph(uint8(sc>>8), uint8(sc))
	if sg < 0 {
		return nil, false
	}
	box := func(f *coreFont, g int) image.Rectangle {
		m := f.metrics[g]
		return image.Rect(int(m.lsb), -int(m.ascent), int(m.rsb), int(m.descent))
	}
	b := box(sf, sg)
	var mfont *coreFont
	mg := -1
	if mf != nil {
		mfont = mf.f
		if mg = mfont.glyph(uint8(mc>>8), uint8(mc)); mg < 0 {
			return nil, false
		}
		b = b.Union(box(mfont, mg))
	}
	if b.Empty() {
		return nil, false
	}
	hot := image.Point{}.Sub(b.Min)
	hot.X, hot.Y = min(max(hot.X, 0), b.Dx()-1), min(max(hot.Y, 0), b.Dy()-1)
	cd := &cursorDef{size: b.Size(), hot: hot}
	if cd.size.X > protocol.MaxCursorSize || cd.size.Y > protocol.MaxCursorSize {
		return cd, true // addCursor shows it as the arrow
	}
	plane := func(f *coreFont, g int) []bool {
		out := make([]bool, cd.size.X*cd.size.Y)
		gb := box(f, g)
		bits, stride := f.bitmaps[g], f.strides[g]
		for y := 0; y < gb.Dy(); y++ {
			for x := 0; x < gb.Dx(); x++ {
				if i := y*stride + x/8; i < len(bits) && bits[i]&(0x80>>(x%8)) != 0 {
					p := gb.Min.Add(image.Pt(x, y)).Sub(b.Min)
					out[p.Y*cd.size.X+p.X] = true
				}
			}
		}
		return out
	}
	cd.src = plane(sf, sg)
	if mg >= 0 {
		cd.mask = plane(mfont, mg)
	}
	return cd, true
}

// applyCursor shows w's cursor on its display window, if it changed.
func (s *Server) applyCursor(w *window) {
	if w.xfar == 0 || w.parent == nil || w.cursor == w.cursorSent {
		return
	}
	w.cursorSent = w.cursor
	var err error
	switch cd := w.cursor; {
	case cd == nil:
		err = s.xc.SetCursorName(xclient.Window(w.xfar), "")
	case cd.name != "":
		err = s.xc.SetCursorName(xclient.Window(w.xfar), cd.name)
	default:
		err = s.xc.SetCursorImage(xclient.Window(w.xfar), cd.size, cd.hot, cd.pix)
	}
	if err != nil {
		s.log.Warn("x11native: set cursor", "window", w.id, "err", err)
	}
}
