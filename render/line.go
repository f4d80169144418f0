package render

import "image"

// Thin lines are X's Bresenham walk (miline.h) with the error term
// starting at -major. miline.h also defines a per-octant bias that makes
// ties step along the minor axis in octants 2 to 5, but X.Org's fb screens
// (Xvfb, Xorg with modesetting/glamor fallbacks) never register it:
// measured against Xvfb, only bias 0 reproduces its lines, so there is
// none here.

// lineCtx carries what the thin-line code needs for one request, computed
// once per call rather than per segment.
type lineCtx struct {
	clips          []image.Rectangle
	ext            image.Rectangle
	and, xor       uint32 // foreground (even dashes)
	bgAnd, bgXor   uint32 // background (odd dashes of LineDoubleDash)
	dashed, double bool
	dashes         []uint8
	dashLen        int
	damage         image.Rectangle
}

func (im *Image) newLineCtx(gc *GC) lineCtx {
	c := lineCtx{clips: im.clip(gc)}
	c.ext = extents(c.clips)
	c.and, c.xor = rop(gc.Function, gc.Foreground, gc.PlaneMask)
	if gc.LineStyle != LineSolid {
		c.dashed = true
		c.double = gc.LineStyle == LineDoubleDash
		c.bgAnd, c.bgXor = rop(gc.Function, gc.Background, gc.PlaneMask)
		c.dashes = gc.dashList()
		for _, d := range c.dashes {
			c.dashLen += int(d)
		}
	}
	return c
}

// PolyPoint draws each point in the foreground, like X PolyPoint with
// CoordModeOrigin. Repeated points are drawn repeatedly (visible with
// GXxor), as in X.
func (im *Image) PolyPoint(gc *GC, pts []image.Point) image.Rectangle {
	clips := im.clip(gc)
	and, xor := rop(gc.Function, gc.Foreground, gc.PlaneMask)
	var damage image.Rectangle
	for _, p := range pts {
		for _, c := range clips {
			if p.In(c) {
				o := p.Y*im.W + p.X
				im.Pix[o] = im.Pix[o]&and ^ xor
				damage = damage.Union(image.Rectangle{p, p.Add(image.Point{1, 1})})
				break
			}
		}
	}
	return damage
}

// PolyLine draws connected lines through pts (CoordModeOrigin). Thin lines
// never draw a shared vertex twice; the last point is drawn unless the cap
// style is CapNotLast, and, as in X.Org's solid fast path, not when the
// polyline closes on its first point. Wide lines get joins and caps.
func (im *Image) PolyLine(gc *GC, pts []image.Point) image.Rectangle {
	if len(pts) < 2 {
		return image.Rectangle{}
	}
	if gc.LineWidth != 0 {
		return im.wideLine(gc, pts)
	}
	c := im.newLineCtx(gc)
	if len(c.clips) == 0 {
		return image.Rectangle{}
	}
	// X.Org draws a solid thin polyline through a single clip box with a
	// loop that omits the final point when it equals the first; multi-box
	// clips and dashes go through the per-segment path, which does not.
	fast := !c.dashed && len(c.clips) == 1
	dashOff := gc.DashOffset
	n := len(pts)
	capLast := gc.CapStyle != CapNotLast
	if damage, ok := c.inOneBox(bboxPoints(pts)); ok {
		for i := 0; i+1 < n; i++ {
			im.solidSeg(&c, pts[i].X, pts[i].Y, pts[i+1].X, pts[i+1].Y, false)
		}
		if capLast && pts[n-1] != pts[0] {
			p := pts[n-1]
			im.solidSeg(&c, p.X, p.Y, p.X, p.Y, true)
		}
		return damage
	}
	for i := 0; i+1 < n; i++ {
		p1, p2 := pts[i], pts[i+1]
		last := i+2 == n
		if fast && p1.In(c.ext) && p2.In(c.ext) {
			im.zeroSeg(&c, p1.X, p1.Y, p2.X, p2.Y, false, &dashOff)
			if last && capLast && p2 != pts[0] {
				im.zeroSeg(&c, p2.X, p2.Y, p2.X, p2.Y, true, &dashOff)
			}
			continue
		}
		im.zeroSeg(&c, p1.X, p1.Y, p2.X, p2.Y, last && capLast, &dashOff)
	}
	return c.damage
}

// Segment is a line segment for PolySegment, with both endpoints given.
type Segment struct{ X1, Y1, X2, Y2 int }

// PolySegment draws unconnected lines. Each segment starts its dash
// pattern afresh, and thin segments include their last point unless the
// cap style is CapNotLast.
func (im *Image) PolySegment(gc *GC, segs []Segment) image.Rectangle {
	if gc.LineWidth != 0 {
		var damage image.Rectangle
		for _, s := range segs {
			damage = damage.Union(im.wideLine(gc, []image.Point{{s.X1, s.Y1}, {s.X2, s.Y2}}))
		}
		return damage
	}
	c := im.newLineCtx(gc)
	if len(c.clips) == 0 {
		return image.Rectangle{}
	}
	drawLast := gc.CapStyle != CapNotLast
	if len(segs) == 0 {
		return image.Rectangle{}
	}
	if damage, ok := c.inOneBox(bboxSegments(segs)); ok {
		for _, s := range segs {
			im.solidSeg(&c, s.X1, s.Y1, s.X2, s.Y2, drawLast)
		}
		return damage
	}
	for _, s := range segs {
		off := gc.DashOffset
		im.zeroSeg(&c, s.X1, s.Y1, s.X2, s.Y2, drawLast, &off)
	}
	return c.damage
}

// zeroSeg draws one thin line from (x1,y1) towards (x2,y2) with the
// Bresenham set-up of X.Org's fbSegment: major axis x only when |dx| > |dy|,
// the error term starting at -major (no per-octant bias, see the top of
// this file), and the last point drawn only when
// drawLast is set. dashOff advances by the number of pixels the unclipped
// segment covers so that a polyline's dashes continue across vertices.
func (im *Image) zeroSeg(c *lineCtx, x1, y1, x2, y2 int, drawLast bool, dashOff *int) {
	adx, ady := x2-x1, y2-y1
	sdx, sdy := 1, 1
	if adx < 0 {
		adx, sdx = -adx, -1
	}
	if ady < 0 {
		ady, sdy = -ady, -1
	}
	xMajor := adx > ady
	major, minor := ady, adx
	if xMajor {
		major, minor = adx, ady
	}
	e1 := minor << 1
	e3 := -(major << 1)
	e := -major
	n := major
	if drawLast {
		n++
	}
	off := *dashOff
	*dashOff += n
	if n == 0 {
		return
	}
	// Damage: the segment's bounding box clipped to the clip extents.
	bx0, bx1 := min(x1, x2), max(x1, x2)
	by0, by1 := min(y1, y2), max(y1, y2)
	d := image.Rect(bx0, by0, bx1+1, by1+1).Intersect(c.ext)
	if d.Empty() {
		return
	}
	c.damage = c.damage.Union(d)
	if !c.dashed && len(c.clips) == 1 && d.Dx() == bx1+1-bx0 && d.Dy() == by1+1-by0 {
		im.solidSeg(c, x1, y1, x2, y2, drawLast)
		return
	}
	im.bres(c, x1, y1, sdx, sdy, xMajor, e, e1, e3, n, off)
}

// solidSeg plots a thin solid segment known to lie inside the image and
// its one clip box: the Bresenham walk of zeroSeg with none of its
// clipping or damage arithmetic. Short segments (x11perf's 10-pixel
// lines) spend more in set-up than in plotting, so this is the hot path.
func (im *Image) solidSeg(c *lineCtx, x1, y1, x2, y2 int, drawLast bool) {
	adx, ady := x2-x1, y2-y1
	W := im.W
	majorStep, minorStep := 1, W
	if adx < 0 {
		adx, majorStep = -adx, -1
	}
	if ady < 0 {
		ady, minorStep = -ady, -W
	}
	major, minor := adx, ady
	if adx <= ady {
		major, minor = ady, adx
		majorStep, minorStep = minorStep, majorStep
	}
	e1, e3 := minor<<1, -(major << 1)
	e := -major
	n := major
	if drawLast {
		n++
	}
	pix, and, xor := im.Pix, c.and, c.xor
	o := y1*W + x1
	for ; n > 0; n-- {
		pix[o] = pix[o]&and ^ xor
		o += majorStep
		e += e1
		if e >= 0 {
			o += minorStep
			e += e3
		}
	}
}

// inOneBox reports whether the bounding box (x0,y0)-(x1,y1) of a request's
// points (inclusive) lies in the single clip box of a solid line, and
// returns it as damage when it does.
func (c *lineCtx) inOneBox(x0, y0, x1, y1 int) (image.Rectangle, bool) {
	if c.dashed || len(c.clips) != 1 {
		return image.Rectangle{}, false
	}
	d := image.Rect(x0, y0, x1+1, y1+1)
	return d, d.In(c.clips[0])
}

func bboxPoints(pts []image.Point) (x0, y0, x1, y1 int) {
	x0, y0, x1, y1 = pts[0].X, pts[0].Y, pts[0].X, pts[0].Y
	for _, p := range pts[1:] {
		x0, y0, x1, y1 = min(x0, p.X), min(y0, p.Y), max(x1, p.X), max(y1, p.Y)
	}
	return
}

func bboxSegments(segs []Segment) (x0, y0, x1, y1 int) {
	x0, y0, x1, y1 = segs[0].X1, segs[0].Y1, segs[0].X1, segs[0].Y1
	for _, s := range segs {
		x0, y0 = min(x0, s.X1, s.X2), min(y0, s.Y1, s.Y2)
		x1, y1 = max(x1, s.X1, s.X2), max(y1, s.Y1, s.Y2)
	}
	return
}

// bres plots n pixels of a Bresenham walk starting at (x,y): plot, step
// the major axis, add e1, and step the minor axis (adding e3) whenever the
// error reaches 0. Clipping jumps straight to the first pixel inside each
// clip box with the closed form of the error term, so the clipped pixels
// are exactly those of the unclipped line, as X requires.
func (im *Image) bres(c *lineCtx, x, y, sdx, sdy int, xMajor bool, e, e1, e3, n, dashOff int) {
	W := im.W
	for _, box := range c.clips {
		// Range of major steps t in [t0, t1) whose major coordinate is
		// inside the box.
		var t0, t1 int
		if xMajor {
			t0, t1 = axisRange(x, sdx, box.Min.X, box.Max.X, n)
		} else {
			t0, t1 = axisRange(y, sdy, box.Min.Y, box.Max.Y, n)
		}
		if t0 >= t1 {
			continue
		}
		// State after t0 steps: the error stays in [e3, 0) after each step,
		// so the number of minor steps taken is a floor division.
		m := 0
		ee := e
		if t0 > 0 {
			s := e + t0*e1
			m = floorDiv(s, -e3) + 1
			ee = s + m*e3
		}
		px, py := x, y
		if xMajor {
			px += sdx * t0
			py += sdy * m
		} else {
			py += sdy * t0
			px += sdx * m
		}
		cnt := t1 - t0
		// Fast path: the walk stays in the box when its last pixel's minor
		// coordinate does (the minor coordinate is monotonic), which the
		// closed form gives without walking.
		inside := box.Min.X <= px && px < box.Max.X && box.Min.Y <= py && py < box.Max.Y
		if inside && cnt > 1 {
			last := t1 - 1
			mEnd := floorDiv(e+last*e1, -e3) + 1
			if xMajor {
				ey := y + sdy*mEnd
				inside = box.Min.Y <= ey && ey < box.Max.Y
			} else {
				ex := x + sdx*mEnd
				inside = box.Min.X <= ex && ex < box.Max.X
			}
		}
		var majorStep, minorStep int
		if xMajor {
			majorStep, minorStep = sdx, sdy*W
		} else {
			majorStep, minorStep = sdy*W, sdx
		}
		if !c.dashed && inside {
			and, xor := c.and, c.xor
			o := py*W + px
			pix := im.Pix
			for ; cnt > 0; cnt-- {
				pix[o] = pix[o]&and ^ xor
				o += majorStep
				ee += e1
				if ee >= 0 {
					o += minorStep
					ee += e3
				}
			}
			continue
		}
		// General path: check the minor coordinate per pixel and follow
		// the dash pattern.
		var di, drem int
		even := true
		if c.dashed {
			di, drem, even = dashState(c.dashes, c.dashLen, dashOff+t0)
		}
		for ; cnt > 0; cnt-- {
			if px >= box.Min.X && px < box.Max.X && py >= box.Min.Y && py < box.Max.Y {
				o := py*W + px
				if even {
					im.Pix[o] = im.Pix[o]&c.and ^ c.xor
				} else if c.double {
					im.Pix[o] = im.Pix[o]&c.bgAnd ^ c.bgXor
				}
			}
			if xMajor {
				px += sdx
			} else {
				py += sdy
			}
			ee += e1
			if ee >= 0 {
				if xMajor {
					py += sdy
				} else {
					px += sdx
				}
				ee += e3
			}
			if c.dashed {
				drem--
				if drem == 0 {
					di++
					if di == len(c.dashes) {
						di = 0
					}
					drem = int(c.dashes[di])
					even = !even
				}
			}
		}
	}
}

// dashState returns the dash index, the pixels left in that dash and
// whether it is an even ("on") dash at position pos of the pattern.
func dashState(dashes []uint8, total, pos int) (idx, rem int, even bool) {
	pos %= total
	if pos < 0 {
		pos += total
	}
	even = true
	for {
		d := int(dashes[idx])
		if pos < d {
			return idx, d - pos, even
		}
		pos -= d
		even = !even
		idx++
		if idx == len(dashes) {
			idx = 0
		}
	}
}

// axisRange returns the steps t in [0, n) for which start + sign*t lies in
// [lo, hi).
func axisRange(start, sign, lo, hi, n int) (int, int) {
	var t0, t1 int
	if sign > 0 {
		t0, t1 = lo-start, hi-start
	} else {
		t0, t1 = start-(hi-1), start-lo+1
	}
	return max(t0, 0), min(t1, n)
}

// floorDiv divides rounding towards minus infinity (b > 0).
func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && (a < 0) {
		q--
	}
	return q
}
