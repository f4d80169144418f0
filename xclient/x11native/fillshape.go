package x11native

import (
	"image"

	"github.com/xfar/xfar/render"
	"github.com/xfar/xfar/xclient"
)

// Fill styles other than Solid on lines, arcs, polygons and text: the
// display's GCs fill solid, so the pixels the primitive covers are worked
// out here with the same X-semantics rasterizer the display runs (render),
// on a bitmap the size of the primitive, and filled as rectangles through
// fillRects, which repeats the tile or stipple on the display (fill.go).

// maxStyledArea bounds the bitmap a styled primitive is rasterized on;
// what lies beyond (a primitive larger than a 4096 x 4096 area) is drawn
// solid, with a log line.
const maxStyledArea = 4096 * 4096

// styledDraw draws a line, arc or polygon request whose GC has a fill
// style other than Solid; it reports false, having done nothing, for any
// other request or GC, which the caller then draws as usual.
func (c *client) styledDraw(op, data byte, body []byte) bool {
	switch op {
	case xPolyPoint, xPolyLine, xPolySegment, xPolyRectangle, xPolyArc, xPolyFillArc, xFillPoly:
	default:
		return false
	}
	if len(body) < 8 {
		return false
	}
	s := c.s
	g := s.gcs[le.Uint32(body[4:])]
	if g == nil || g.vals[gcFillStyle] == fillSolid {
		return false
	}
	r := &rd{b: body}
	d, _, g, ok := c.target(op, r)
	if !ok || d == nil {
		return true
	}
	rg := renderGC(g)
	var bounds image.Rectangle
	var draw func(im *render.Image, off image.Point)
	switch op {
	case xPolyPoint, xPolyLine, xFillPoly:
		var shape uint8
		mode := data
		if op == xFillPoly {
			shape, mode = r.u8(), r.u8()
			r.skip(2)
		}
		pts := make([]image.Point, len(r.b)/4)
		for i := range pts {
			pts[i] = image.Pt(int(r.i16()), int(r.i16()))
			if mode == 1 && i > 0 { // CoordModePrevious
				pts[i] = pts[i].Add(pts[i-1])
			}
			bounds = bounds.Union(image.Rectangle{Min: pts[i], Max: pts[i].Add(image.Pt(1, 1))})
		}
		if len(pts) == 0 || op == xFillPoly && len(pts) < 3 {
			return true
		}
		draw = func(im *render.Image, off image.Point) {
			moved := make([]image.Point, len(pts))
			for i, p := range pts {
				moved[i] = p.Sub(off)
			}
			switch op {
			case xPolyPoint:
				im.PolyPoint(rg, moved)
			case xPolyLine:
				im.PolyLine(rg, moved)
			default:
				im.FillPolygon(rg, moved, int(shape))
			}
		}
	case xPolySegment:
		segs := make([]render.Segment, len(r.b)/8)
		for i := range segs {
			segs[i] = render.Segment{X1: int(r.i16()), Y1: int(r.i16()), X2: int(r.i16()), Y2: int(r.i16())}
			bounds = bounds.Union(image.Rect(segs[i].X1, segs[i].Y1, segs[i].X2, segs[i].Y2).Inset(-1))
		}
		draw = func(im *render.Image, off image.Point) {
			moved := make([]render.Segment, len(segs))
			for i, sg := range segs {
				moved[i] = render.Segment{X1: sg.X1 - off.X, Y1: sg.Y1 - off.Y, X2: sg.X2 - off.X, Y2: sg.Y2 - off.Y}
			}
			im.PolySegment(rg, moved)
		}
	case xPolyRectangle:
		rects := make([]image.Rectangle, len(r.b)/8)
		for i := range rects {
			x, y, w, h := int(r.i16()), int(r.i16()), int(r.u16()), int(r.u16())
			rects[i] = image.Rect(x, y, x+w, y+h)
			bounds = bounds.Union(rects[i].Inset(-1))
		}
		draw = func(im *render.Image, off image.Point) {
			moved := make([]image.Rectangle, len(rects))
			for i, rc := range rects {
				moved[i] = rc.Sub(off)
			}
			im.PolyRectangle(rg, moved)
		}
	case xPolyArc, xPolyFillArc:
		arcs := make([]render.Arc, len(r.b)/12)
		for i := range arcs {
			arcs[i] = render.Arc{X: int(r.i16()), Y: int(r.i16()), W: int(r.u16()), H: int(r.u16()),
				Angle1: int(r.i16()), Angle2: int(r.i16())}
			bounds = bounds.Union(image.Rect(arcs[i].X, arcs[i].Y, arcs[i].X+arcs[i].W, arcs[i].Y+arcs[i].H).Inset(-1))
		}
		draw = func(im *render.Image, off image.Point) {
			moved := make([]render.Arc, len(arcs))
			for i, a := range arcs {
				a.X, a.Y = a.X-off.X, a.Y-off.Y
				moved[i] = a
			}
			if op == xPolyArc {
				im.PolyArc(rg, moved)
			} else {
				im.PolyFillArc(rg, moved)
			}
		}
	}
	if draw == nil || bounds.Empty() {
		return true
	}
	// Wide lines, caps and joins reach beyond the points: a margin of the
	// line width (miters of sharp angles are bounded by X at about 10
	// widths; such corners are cut at the margin).
	m := int(g.vals[gcLineWidth]&0xffff)*6 + 2
	bounds = bounds.Inset(-m)
	if dr := c.drawableBounds(le.Uint32(body[0:])); !dr.Empty() {
		bounds = bounds.Intersect(dr)
	}
	if bounds.Empty() {
		return true
	}
	if bounds.Dx()*bounds.Dy() > maxStyledArea {
		c.logOnce("fill style on a primitive larger than 4096x4096 pixels (drawn solid)")
		return false
	}
	im := render.NewImage(bounds.Dx(), bounds.Dy())
	draw(im, bounds.Min)
	c.fillCovered(d, g, im, bounds.Min)
	return true
}

// renderGC is the render GC that draws g's primitive as 1 pixels.
func renderGC(g *gcState) *render.GC {
	rg := render.DefaultGC()
	rg.Foreground = 1
	rg.LineWidth = int(g.vals[gcLineWidth] & 0xffff)
	rg.LineStyle = render.LineStyle(g.vals[gcLineStyle])
	if rg.LineStyle == render.LineDoubleDash {
		// Both dashes are drawn with the fill (the odd ones in the
		// background in X: approximated by the fill).
		rg.LineStyle = render.LineSolid
	}
	rg.CapStyle = render.CapStyle(g.vals[gcCapStyle])
	rg.JoinStyle = render.JoinStyle(g.vals[gcJoinStyle])
	rg.FillRule = render.FillRule(g.vals[gcFillRule])
	rg.ArcMode = render.ArcMode(g.vals[gcArcMode])
	if dl := uint8(g.vals[gcDashes]); dl != 0 {
		rg.Dashes = []uint8{dl}
	}
	rg.DashOffset = int(g.vals[gcDashOffset])
	return &rg
}

// drawableBounds is a drawable's rectangle in its own coordinates.
func (c *client) drawableBounds(id uint32) image.Rectangle {
	if w, ok := c.s.windows[id]; ok {
		return image.Rect(0, 0, w.w, w.h)
	}
	if p, ok := c.s.pixmaps[id]; ok {
		return image.Rect(0, 0, p.w, p.h)
	}
	return image.Rectangle{}
}

// fillCovered fills, with g's fill style, the pixels im has set (im's
// top-left pixel being off in the drawable).
func (c *client) fillCovered(d xclient.Drawable, g *gcState, im *render.Image, off image.Point) {
	bits := make([]byte, im.W*im.H)
	for y := 0; y < im.H; y++ {
		for x := 0; x < im.W; x++ {
			if im.At32(x, y) != 0 {
				bits[y*im.W+x] = 1
			}
		}
	}
	rects := maskRects(bits, im.W, im.H)
	for i := range rects {
		rects[i].X += int16(off.X)
		rects[i].Y += int16(off.Y)
	}
	if len(rects) == 0 {
		return
	}
	if err := c.fillRects(d, g, rects); err != nil {
		c.s.log.Warn("x11native: fill style", "err", err)
	}
}

// styledGlyphs draws PolyText glyphs with g's fill style: the glyphs'
// set pixels filled as rectangles. A Solid GC draws through the glyph
// set as usual.
func (c *client) styledGlyphs(d xclient.Drawable, g *gcState, f *coreFont, x, y int, gs []int) {
	if g.vals[gcFillStyle] == fillSolid {
		c.s.drawGlyphs(d, xclient.GC(g.xfar), f, x, y, gs)
		return
	}
	var rects []xclient.Rect
	for _, gi := range gs {
		m := f.metrics[gi]
		rects = appendGlyphRuns(rects, f.bitmaps[gi], f.strides[gi], int(m.rsb-m.lsb), x+int(m.lsb), y-int(m.ascent))
		x += int(m.width)
	}
	if len(rects) == 0 {
		return
	}
	if err := c.fillRects(d, g, rects); err != nil {
		c.s.log.Warn("x11native: fill style", "err", err)
	}
}
