package x11native

import (
	"fmt"
	"image"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// The SHAPE extension (version 1.1): each window keeps its bounding,
// clip and input regions here. The display window gets the bounding
// region as its xfar shape (SetShape, SPEC §21), and the part of its
// inside that the clip region leaves out, which X shows as border, is
// painted in the border colour (sendShape, afterDraw). So xeyes, oclock
// and Xaw's rounded buttons show the desktop or their parent around
// them, as under the Xvfb bridge. The input region is kept and reported,
// but the display takes pointer input over the bounding region.

// SHAPE's extension numbers in this server.
const (
	xShape           = 129 // major opcode
	shapeEventBase   = 64  // ShapeNotify's event code
	shapeKindBound   = 0
	shapeKindClip    = 1
	shapeKindInput   = 2
	shapeOpSet       = 0
	shapeOpUnion     = 1
	shapeOpIntersect = 2
	shapeOpSubtract  = 3
	shapeOpInvert    = 4
	// maxShapeRects bounds a region's rectangles, as the display bounds
	// a shape's; a request that would make more is refused with BadAlloc.
	maxShapeRects = protocol.MaxShapeRects
)

// shapeRegion is one of a window's regions; set is false while the
// window has the default (unshaped) one.
type shapeRegion struct {
	set   bool
	rects []image.Rectangle
}

// defaultShape is the region kind has when not set: the outside for the
// bounding and input regions, the inside for the clip region.
func (w *window) defaultShape(kind int) []image.Rectangle {
	if kind == shapeKindClip {
		return []image.Rectangle{image.Rect(0, 0, w.w, w.h)}
	}
	b := w.border
	return []image.Rectangle{image.Rect(-b, -b, w.w+b, w.h+b)}
}

// shapeOf returns the region of kind, the default one if not set.
func (w *window) shapeOf(kind int) []image.Rectangle {
	if w.shapes[kind].set {
		return w.shapes[kind].rects
	}
	return w.defaultShape(kind)
}

// shapeRequest handles one SHAPE request; minor is its minor opcode.
func (c *client) shapeRequest(minor byte, r *rd) {
	s := c.s
	switch minor {
	case 0: // QueryVersion
		c.reply(0, []byte{1, 0, 1, 0})
	case 1: // Rectangles
		op, kind, _ := r.u8(), r.u8(), r.u8()
		r.skip(1)
		w := c.shapeWindow(r.u32(), minor)
		dx, dy := int(r.i16()), int(r.i16())
		if w == nil || r.short || !c.shapeArgs(op, kind, minor) {
			return
		}
		if len(r.b)%8 != 0 {
			r.short = true
			return
		}
		n := len(r.b) / 8
		if n > maxShapeRects {
			c.logOnce(fmt.Sprintf("shape of more than %d rectangles, refused with BadAlloc", maxShapeRects))
			c.xError(errAlloc, w.id, xShape, uint16(minor))
			return
		}
		rects := make([]image.Rectangle, 0, n)
		for range n {
			x, y, rw, rh := int(r.i16()), int(r.i16()), int(r.u16()), int(r.u16())
			rects = append(rects, image.Rect(x+dx, y+dy, x+dx+rw, y+dy+rh))
		}
		c.combineShape(w, int(kind), op, rects, minor)
	case 2: // Mask
		op, kind := r.u8(), r.u8()
		r.skip(2)
		w := c.shapeWindow(r.u32(), minor)
		dx, dy := int(r.i16()), int(r.i16())
		src := r.u32()
		if w == nil || r.short || !c.shapeArgs(op, kind, minor) {
			return
		}
		if src == 0 { // None: the region goes back to its default
			w.shapes[kind] = shapeRegion{}
			s.shapeChanged(w, int(kind))
			return
		}
		p, ok := s.pixmaps[src]
		if !ok {
			c.xError(errPixmap, src, xShape, uint16(minor))
			return
		}
		if p.depth != 1 {
			c.xError(errMatch, src, xShape, uint16(minor))
			return
		}
		bits, err := s.pixmapBits(p)
		if err != nil {
			s.log.Warn("x11native: shape mask", "err", err)
			c.xError(errAlloc, src, xShape, uint16(minor))
			return
		}
		mask := maskRects(bits, p.w, p.h)
		rects := make([]image.Rectangle, 0, len(mask))
		for _, m := range mask {
			rects = append(rects, image.Rect(int(m.X)+dx, int(m.Y)+dy, int(m.X)+dx+int(m.W), int(m.Y)+dy+int(m.H)))
		}
		c.combineShape(w, int(kind), op, rects, minor)
	case 3: // Combine
		op, kind, srcKind := r.u8(), r.u8(), r.u8()
		r.skip(1)
		w := c.shapeWindow(r.u32(), minor)
		dx, dy := int(r.i16()), int(r.i16())
		if w == nil || r.short || !c.shapeArgs(op, kind, minor) {
			return
		}
		src := c.shapeWindow(r.u32(), minor)
		if src == nil {
			return
		}
		if srcKind > shapeKindInput {
			c.xError(errValue, uint32(srcKind), xShape, uint16(minor))
			return
		}
		c.combineShape(w, int(kind), op, translateRegion(src.shapeOf(int(srcKind)), image.Pt(dx, dy)), minor)
	case 4: // Offset
		kind := r.u8()
		r.skip(3)
		w := c.shapeWindow(r.u32(), minor)
		dx, dy := int(r.i16()), int(r.i16())
		if w == nil || r.short {
			return
		}
		if kind > shapeKindInput {
			c.xError(errValue, uint32(kind), xShape, uint16(minor))
			return
		}
		if w.shapes[kind].set && (dx != 0 || dy != 0) {
			w.shapes[kind].rects = translateRegion(w.shapes[kind].rects, image.Pt(dx, dy))
			s.shapeChanged(w, int(kind))
		}
	case 5: // QueryExtents
		w := c.shapeWindow(r.u32(), minor)
		if w == nil {
			return
		}
		b := []byte{b2u(w.shapes[shapeKindBound].set), b2u(w.shapes[shapeKindClip].set), 0, 0}
		for _, kind := range []int{shapeKindBound, shapeKindClip} {
			e := regionExtents(w.shapeOf(kind))
			b = le.AppendUint16(b, uint16(int16(e.Min.X)))
			b = le.AppendUint16(b, uint16(int16(e.Min.Y)))
			b = le.AppendUint16(b, uint16(e.Dx()))
			b = le.AppendUint16(b, uint16(e.Dy()))
		}
		c.reply(0, b)
	case 6: // SelectInput
		w := c.shapeWindow(r.u32(), minor)
		on := r.u8()
		if w == nil || r.short {
			return
		}
		if on != 0 {
			if w.shapeSel == nil {
				w.shapeSel = map[*client]bool{}
			}
			w.shapeSel[c] = true
		} else {
			delete(w.shapeSel, c)
		}
	case 7: // InputSelected
		w := c.shapeWindow(r.u32(), minor)
		if w == nil {
			return
		}
		c.reply(b2u(w.shapeSel[c]), nil)
	case 8: // GetRectangles
		w := c.shapeWindow(r.u32(), minor)
		kind := r.u8()
		if w == nil || r.short {
			return
		}
		if kind > shapeKindInput {
			c.xError(errValue, uint32(kind), xShape, uint16(minor))
			return
		}
		rects := w.shapeOf(int(kind))
		b := le.AppendUint32(nil, uint32(len(rects)))
		b = append(b, make([]byte, 20)...)
		for _, rc := range rects {
			b = le.AppendUint16(b, uint16(int16(rc.Min.X)))
			b = le.AppendUint16(b, uint16(int16(rc.Min.Y)))
			b = le.AppendUint16(b, uint16(rc.Dx()))
			b = le.AppendUint16(b, uint16(rc.Dy()))
		}
		c.reply(3, b) // YXBanded, as combineRegions makes them
	default:
		c.logOnce(fmt.Sprintf("request SHAPE minor %d (%d), answered BadRequest", minor, xShape))
		c.xError(errRequest, 0, xShape, uint16(minor))
	}
}

// shapeWindow looks up a SHAPE request's window.
func (c *client) shapeWindow(id uint32, minor byte) *window {
	w, ok := c.s.windows[id]
	if !ok {
		c.xError(errWindow, id, xShape, uint16(minor))
		return nil
	}
	return w
}

// shapeArgs checks a request's operation and destination kind.
func (c *client) shapeArgs(op, kind, minor byte) bool {
	if op > shapeOpInvert {
		c.xError(errValue, uint32(op), xShape, uint16(minor))
		return false
	}
	if kind > shapeKindInput {
		c.xError(errValue, uint32(kind), xShape, uint16(minor))
		return false
	}
	return true
}

// combineShape applies op with src to w's region of kind, as the SHAPE
// specification defines the operations (an unset region is its default).
func (c *client) combineShape(w *window, kind int, op byte, src []image.Rectangle, minor byte) {
	var out []image.Rectangle
	switch op {
	case shapeOpSet:
		out = combineRegions(src, nil, regionUnion) // banded
	case shapeOpUnion:
		out = combineRegions(w.shapeOf(kind), src, regionUnion)
	case shapeOpIntersect:
		out = combineRegions(w.shapeOf(kind), src, regionIntersect)
	case shapeOpSubtract:
		out = combineRegions(w.shapeOf(kind), src, regionSubtract)
	case shapeOpInvert:
		out = combineRegions(src, w.shapeOf(kind), regionSubtract)
	}
	if len(out) > maxShapeRects {
		c.logOnce(fmt.Sprintf("shape of more than %d rectangles, refused with BadAlloc", maxShapeRects))
		c.xError(errAlloc, w.id, xShape, uint16(minor))
		return
	}
	w.shapes[kind] = shapeRegion{set: true, rects: out}
	c.s.shapeChanged(w, kind)
}

// shapeChanged sends ShapeNotify to the clients that selected it on w
// and gives the display window its new shape.
func (s *Server) shapeChanged(w *window, kind int) {
	e := regionExtents(w.shapeOf(kind))
	for c := range w.shapeSel {
		ev := make([]byte, 32)
		ev[0], ev[1] = shapeEventBase, byte(kind)
		le.PutUint32(ev[4:], w.id)
		le.PutUint16(ev[8:], uint16(int16(e.Min.X)))
		le.PutUint16(ev[10:], uint16(int16(e.Min.Y)))
		le.PutUint16(ev[12:], uint16(e.Dx()))
		le.PutUint16(ev[14:], uint16(e.Dy()))
		le.PutUint32(ev[16:], s.now())
		ev[20] = b2u(w.shapes[kind].set)
		c.event(ev)
	}
	if kind != shapeKindInput {
		s.sendShape(w)
	}
}

// sendShape gives w's display window its bounding region as its shape,
// and works out the part of its inside that X shows as border: the
// bounding region outside the clip region (SHAPE: "the border is the
// bounding region minus the clip region").
func (s *Server) sendShape(w *window) {
	if w.xfar == 0 || w.parent == nil {
		return
	}
	w.borderIn = nil
	if w.shapes[shapeKindClip].set {
		in := []image.Rectangle{image.Rect(0, 0, w.w, w.h)}
		w.borderIn = combineRegions(combineRegions(w.shapeOf(shapeKindBound), in, regionIntersect),
			w.shapes[shapeKindClip].rects, regionSubtract)
		s.paintBorderIn(w)
	}
	bound := w.shapes[shapeKindBound]
	shown := bound.rects
	if !bound.set {
		shown = nil
	} else if len(shown) > maxShapeRects {
		s.log.Warn("x11native: window shape too detailed; shown rectangular", "window", w.id, "rects", len(shown))
		shown = nil
	} else if shown == nil {
		shown = []image.Rectangle{} // shaped, and nothing shows
	}
	if shown == nil && !w.shapeSent {
		return
	}
	w.shapeSent = shown != nil
	if err := s.xc.SetShape(xclient.Window(w.xfar), shown); err != nil {
		s.log.Warn("x11native: set shape", "window", w.id, "err", err)
	}
}

// paintBorderIn paints the border colour where w's clip region leaves
// its inside to the border. The display has no clip region, so drawing
// there is not prevented: this runs again after every drawing request
// on w (afterDraw).
func (s *Server) paintBorderIn(w *window) {
	if len(w.borderIn) == 0 || w.xfar == 0 {
		return
	}
	if s.shapeGC == 0 {
		g, err := s.xc.CreateGC(xclient.Window(s.root.xfar), &xclient.GCValues{})
		if err != nil {
			s.log.Warn("x11native: shape border GC", "err", err)
			return
		}
		s.shapeGC = g
	}
	if err := s.xc.ChangeGC(s.shapeGC, xclient.GCValues{Mask: protocol.GCForeground, Foreground: w.borderPixel}); err != nil {
		s.log.Warn("x11native: shape border GC", "err", err)
		return
	}
	rects := make([]xclient.Rect, 0, len(w.borderIn))
	for _, r := range w.borderIn {
		rects = append(rects, xclient.Rect{X: int16(r.Min.X), Y: int16(r.Min.Y), W: uint16(r.Dx()), H: uint16(r.Dy())})
	}
	if err := s.xc.FillRectangles(xclient.Window(w.xfar), s.shapeGC, rects); err != nil {
		s.log.Warn("x11native: shape border", "window", w.id, "err", err)
	}
}

// afterDraw repaints the border part of a clip-shaped window's inside
// after a drawing request on it (op, body: the request) may have drawn
// over it.
func (s *Server) afterDraw(op byte, body []byte) {
	off := 0
	switch op {
	case xCopyArea, xCopyPlane:
		off = 4 // the destination
	case xClearArea, xPolyPoint, xPolyLine, xPolySegment, xPolyRectangle, xPolyArc, xFillPoly,
		xPolyFillRectangle, xPolyFillArc, xPutImage, xPolyText8, xPolyText16, xImageText8, xImageText16:
	default:
		return
	}
	if len(body) < off+4 {
		return
	}
	if w := s.windows[le.Uint32(body[off:])]; w != nil && len(w.borderIn) > 0 {
		s.paintBorderIn(w)
	}
}
