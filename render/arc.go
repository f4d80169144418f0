package render

import (
	"image"
	"math"
)

// Arc is an X arc: the ellipse inscribed in the box (X, Y, W, H), from
// Angle1 for Angle2 (both in 1/64 degree, counterclockwise, 0 at three
// o'clock; angles are those of the circle before it is stretched into the
// ellipse, as in X).
type Arc struct{ X, Y, W, H, Angle1, Angle2 int }

const (
	fullCircle = 360 * 64
	halfCircle = 180 * 64
	quadrant   = 90 * 64
	quadrant3  = 270 * 64
)

func dsin(a int) float64 { return math.Sin(float64(a) * (math.Pi / 11520.0)) }
func dcos(a int) float64 { return math.Cos(float64(a) * (math.Pi / 11520.0)) }

// PolyFillArc fills each arc as a pie slice or chord according to
// gc.ArcMode, using the integer scan conversion of the X sample server, so
// full ellipses and slices match X.Org. Arcs of one call are drawn one
// after another (overlaps cancel under GXxor, as in X).
func (im *Image) PolyFillArc(gc *GC, arcs []Arc) image.Rectangle {
	clips := im.clip(gc)
	if len(clips) == 0 {
		return image.Rectangle{}
	}
	and, xor := rop(gc.Function, gc.Foreground, gc.PlaneMask)
	ext := extents(clips)
	var damage image.Rectangle
	emit := func(y, x0, x1 int) {
		if y < ext.Min.Y || y >= ext.Max.Y {
			return
		}
		a, b := max(x0, ext.Min.X), min(x1, ext.Max.X)
		if a >= b {
			return
		}
		damage = damage.Union(image.Rect(a, y, b, y+1))
		im.fillSpan(clips, y, a, b, and, xor)
	}
	for _, a := range arcs {
		if a.Angle2 == 0 || a.W <= 0 || a.H <= 0 || (a.W == 1 && a.H&1 == 1) {
			continue
		}
		if a.Angle2 >= fullCircle || a.Angle2 <= -fullCircle {
			fillEllipse(a, emit)
		} else {
			fillArcSlice(a, gc.ArcMode == ArcPieSlice, emit)
		}
	}
	return damage
}

// fillArcState is the incremental ellipse walker: it moves up from the
// middle row of the ellipse, one row per step, tracking the half width x
// with an integer error term (64-bit, so the X server's double-precision
// variant for large ellipses is matched exactly).
type fillArcState struct {
	xorg, yorg, y, x, dx, dy int
	e, ym, yk, xm, xk        int64
}

func newFillArc(a Arc) fillArcState {
	var s fillArcState
	w, h := int64(a.W), int64(a.H)
	s.y = a.H >> 1
	s.dy = a.H & 1
	s.yorg = a.Y + s.y
	s.dx = a.W & 1
	s.xorg = a.X + (a.W >> 1) + s.dx
	s.dx = 1 - s.dx
	if a.W == a.H {
		s.ym, s.xm = 8, 8
		s.yk = int64(s.y) << 3
		if s.dx == 0 {
			s.xk, s.e = 0, -1
		} else {
			s.y++
			s.yk += 4
			s.xk = -4
			s.e = -(int64(s.y) << 3)
		}
		return s
	}
	s.ym = w * w * 8
	s.xm = h * h * 8
	s.yk = int64(s.y) * s.ym
	if s.dy == 0 {
		s.yk -= s.ym >> 1
	}
	if s.dx == 0 {
		s.xk = 0
		s.e = -(s.xm >> 3)
	} else {
		s.y++
		s.yk += s.ym
		s.xk = -(s.xm >> 1)
		s.e = s.xk - s.yk
	}
	return s
}

// step advances one row and returns the span width of that row.
func (s *fillArcState) step() int {
	s.e += s.yk
	for s.e >= 0 {
		s.x++
		s.xk -= s.xm
		s.e += s.xk
	}
	s.y--
	s.yk -= s.ym
	slw := s.x<<1 + s.dx
	if s.e == s.xk && slw > 1 {
		slw--
	}
	return slw
}

func (s *fillArcState) lower(slw int) bool {
	return s.y+s.dy != 0 && (slw > 1 || s.e != s.xk)
}

func fillEllipse(a Arc, emit func(y, x0, x1 int)) {
	s := newFillArc(a)
	for s.y > 0 {
		slw := s.step()
		x0 := s.xorg - s.x
		emit(s.yorg-s.y, x0, x0+slw)
		if s.lower(slw) {
			emit(s.yorg+s.y+s.dy, x0, x0+slw)
		}
	}
}

// sliceEdge is one straight edge of a pie slice or chord, stepped per row.
type sliceEdge struct {
	x, stepx, deltax, e, dy, dx int
}

func (e *sliceEdge) step() {
	e.x -= e.stepx
	e.e -= e.dx
	if e.e <= 0 {
		e.x -= e.deltax
		e.e += e.dy
	}
}

type arcSlice struct {
	edge1, edge2       sliceEdge
	minTopY, maxTopY   int
	minBotY, maxBotY   int
	edge1Top, edge2Top bool
	flipTop, flipBot   bool
}

func arcEdge(a Arc, e *sliceEdge, k int, top, left bool) {
	y := a.H >> 1
	if a.W&1 == 0 {
		y++
	}
	if !top {
		y = -y
		if a.H&1 == 1 {
			y--
		}
	}
	xady := k + y*e.dx
	if xady <= 0 {
		e.x = -((-xady)/e.dy + 1)
	} else {
		e.x = (xady - 1) / e.dy
	}
	e.e = xady - e.x*e.dy
	if (top && e.dx < 0) || (!top && e.dx > 0) {
		e.e = e.dy - e.e + 1
	}
	if left {
		e.x++
	}
	e.x += a.X + (a.W >> 1)
	if e.dx > 0 {
		e.deltax = 1
		e.stepx = e.dx / e.dy
		e.dx = e.dx % e.dy
	} else {
		e.deltax = -1
		e.stepx = -((-e.dx) / e.dy)
		e.dx = (-e.dx) % e.dy
	}
	if !top {
		e.deltax = -e.deltax
		e.stepx = -e.stepx
	}
}

func ellipseAngleToSlope(angle, w, h int) (dx, dy int) {
	switch angle {
	case 0:
		return -1, 0
	case quadrant:
		return 0, 1
	case halfCircle:
		return 1, 0
	case quadrant3:
		return 0, -1
	}
	ddx := dcos(angle) * float64(w)
	ddy := dsin(angle) * float64(h)
	negx, negy := ddx < 0, ddy < 0
	ddx, ddy = math.Abs(ddx), math.Abs(ddy)
	scale := ddx
	if ddy > ddx {
		scale = ddy
	}
	dx = int(math.Floor(ddx*32768/scale + 0.5))
	if negx {
		dx = -dx
	}
	dy = int(math.Floor(ddy*32768/scale + 0.5))
	if negy {
		dy = -dy
	}
	return dx, dy
}

func pieEdge(a Arc, angle int, e *sliceEdge, top, left bool) {
	dx, dy := ellipseAngleToSlope(angle, a.W, a.H)
	if dy == 0 {
		e.x = 65536
		if left {
			e.x = -65536
		}
		e.stepx, e.e, e.dx = 0, 0, -1
		return
	}
	if dx == 0 {
		e.x = a.X + (a.W >> 1)
		if left && a.W&1 == 1 {
			e.x++
		} else if !left && a.W&1 == 0 {
			e.x--
		}
		e.stepx, e.e, e.dx = 0, 0, -1
		return
	}
	if dy < 0 {
		dx, dy = -dx, -dy
	}
	k := 0
	if a.H&1 == 1 {
		k = dx
	}
	if a.W&1 == 1 {
		k += dy
	}
	e.dx = dx << 1
	e.dy = dy << 1
	arcEdge(a, e, k, top, left)
}

func arcSliceSetup(a Arc, pie bool) arcSlice {
	var sl arcSlice
	angle1 := a.Angle1
	var angle2 int
	if a.Angle2 < 0 {
		angle2 = angle1
		angle1 += a.Angle2
	} else {
		angle2 = angle1 + a.Angle2
	}
	angle1 = ((angle1 % fullCircle) + fullCircle) % fullCircle
	angle2 = ((angle2 % fullCircle) + fullCircle) % fullCircle
	sl.minTopY = 0
	sl.maxTopY = a.H >> 1
	sl.minBotY = 1 - (a.H & 1)
	sl.maxBotY = sl.maxTopY - 1
	if pie {
		sl.edge1Top = angle1 < halfCircle
		sl.edge2Top = angle2 <= halfCircle
		switch {
		case angle2 == 0 || angle1 == halfCircle:
			t := sl.edge1Top
			if angle2 != 0 {
				t = sl.edge2Top
			}
			if t {
				sl.minTopY = sl.minBotY
			} else {
				sl.minTopY = a.H
			}
			sl.minBotY = 0
		case angle1 == 0 || angle2 == halfCircle:
			sl.minTopY = sl.minBotY
			t := sl.edge2Top
			if angle1 != 0 {
				t = sl.edge1Top
			}
			if t {
				sl.minBotY = a.H
			} else {
				sl.minBotY = 0
			}
		case sl.edge1Top == sl.edge2Top:
			if angle2 < angle1 {
				sl.flipTop = sl.edge1Top
				sl.flipBot = !sl.edge1Top
			} else if sl.edge1Top {
				sl.minTopY = 1
				sl.minBotY = a.H
			} else {
				sl.minBotY = 0
				sl.minTopY = a.H
			}
		}
		pieEdge(a, angle1, &sl.edge1, sl.edge1Top, !sl.edge1Top)
		pieEdge(a, angle2, &sl.edge2, sl.edge2Top, sl.edge2Top)
		return sl
	}
	// Chord.
	w2, h2 := float64(a.W)/2, float64(a.H)/2
	point := func(ang int) (x, y float64, exact bool) {
		switch ang {
		case 0:
			return w2, 0, true
		case halfCircle:
			return -w2, 0, true
		case quadrant:
			return 0, h2, true
		case quadrant3:
			return 0, -h2, true
		}
		return dcos(ang) * w2, dsin(ang) * h2, false
	}
	x1, y1, int1 := point(angle1)
	x2, y2, int2 := point(angle2)
	dx, dy := x2-x1, y2-y1
	if a.H&1 == 1 {
		y1 -= 0.5
		y2 -= 0.5
	}
	if a.W&1 == 1 {
		x1 += 0.5
		x2 += 0.5
	}
	signdx, signdy := 1, 1
	if dy < 0 {
		dy, signdy = -dy, -1
	}
	if dx < 0 {
		dx, signdx = -dx, -1
	}
	if int1 && int2 {
		sl.edge1.dx = int(dx * 2)
		sl.edge1.dy = int(dy * 2)
	} else {
		scale := dx
		if dy > dx {
			scale = dy
		}
		sl.edge1.dx = int(math.Floor(dx*32768/scale + .5))
		sl.edge1.dy = int(math.Floor(dy*32768/scale + .5))
	}
	switch {
	case sl.edge1.dy == 0:
		if signdx < 0 {
			y := int(math.Floor(y1 + 1.0))
			if y >= 0 {
				sl.minTopY = y
				sl.minBotY = a.H
			} else {
				sl.maxBotY = -y - (a.H & 1)
			}
		} else {
			y := int(math.Floor(y1))
			if y >= 0 {
				sl.maxTopY = y
			} else {
				sl.minTopY = a.H
				sl.minBotY = -y - (a.H & 1)
			}
		}
		sl.edge1Top = true
		sl.edge1 = sliceEdge{x: 65536, dx: -1}
		sl.edge2 = sl.edge1
		sl.edge2Top = false
	case sl.edge1.dx == 0:
		if signdy < 0 {
			x1 -= 1.0
		}
		sl.edge1.x = int(math.Ceil(x1))
		sl.edge1Top = signdy < 0
		sl.edge1.x += a.X + (a.W >> 1)
		sl.edge1.stepx, sl.edge1.e, sl.edge1.dx = 0, 0, -1
		sl.edge2Top = !sl.edge1Top
		sl.edge2 = sl.edge1
	default:
		if signdx < 0 {
			sl.edge1.dx = -sl.edge1.dx
		}
		if signdy < 0 {
			sl.edge1.dx = -sl.edge1.dx
		}
		k := int(math.Ceil(((x1+x2)*float64(sl.edge1.dy) - (y1+y2)*float64(sl.edge1.dx)) / 2.0))
		sl.edge2.dx = sl.edge1.dx
		sl.edge2.dy = sl.edge1.dy
		sl.edge1Top = signdy < 0
		sl.edge2Top = !sl.edge1Top
		arcEdge(a, &sl.edge1, k, sl.edge1Top, !sl.edge1Top)
		arcEdge(a, &sl.edge2, k, sl.edge2Top, sl.edge2Top)
	}
	return sl
}

func fillArcSlice(a Arc, pie bool, emit func(y, x0, x1 int)) {
	s := newFillArc(a)
	sl := arcSliceSetup(a, pie)
	add := func(y, l, r int) { // inclusive r
		if r >= l {
			emit(y, l, r+1)
		}
	}
	addSlice := func(y, xl, xr, slw int, flip bool) {
		if !flip {
			add(y, xl, xr)
			return
		}
		xc := s.xorg - s.x
		add(y, xc, xr)
		xc += slw - 1
		add(y, xl, xc)
	}
	for s.y > 0 {
		slw := s.step()
		sl.edge1.step()
		sl.edge2.step()
		y := s.y
		if y >= sl.minTopY && y <= sl.maxTopY {
			xl := s.xorg - s.x
			xr := xl + slw - 1
			if sl.edge1Top && sl.edge1.x < xr {
				xr = sl.edge1.x
			}
			if sl.edge2Top && sl.edge2.x > xl {
				xl = sl.edge2.x
			}
			addSlice(s.yorg-y, xl, xr, slw, sl.flipTop)
		}
		if y >= sl.minBotY && y <= sl.maxBotY {
			xl := s.xorg - s.x
			xr := xl + slw - 1
			if !sl.edge1Top && sl.edge1.x > xl {
				xl = sl.edge1.x
			}
			if !sl.edge2Top && sl.edge2.x < xr {
				xr = sl.edge2.x
			}
			addSlice(s.yorg+y+s.dy, xl, xr, slw, sl.flipBot)
		}
	}
}

// PolyArc draws arc outlines. Thin arcs (LineWidth 0) are the pixels
// nearest to the ellipse, 8-connected; wide arcs are the band of width
// LineWidth centred on the ellipse with butt ends. Both are close to, but
// not pixel-identical with, X.Org (whose thin arcs use a dedicated
// incremental algorithm and whose wide arcs use polynomial approximations).
func (im *Image) PolyArc(gc *GC, arcs []Arc) image.Rectangle {
	clips := im.clip(gc)
	if len(clips) == 0 {
		return image.Rectangle{}
	}
	and, xor := rop(gc.Function, gc.Foreground, gc.PlaneMask)
	s := spanSet{spans: im.spanBuf[:0], ext: extents(clips)}
	var damage image.Rectangle
	sc := &im.fpoly
	for _, a := range arcs {
		if a.W < 0 || a.H < 0 || a.Angle2 == 0 {
			continue
		}
		a1, a2 := float64(a.Angle1)/64*math.Pi/180, float64(a.Angle2)/64*math.Pi/180
		if a2 > 2*math.Pi {
			a2 = 2 * math.Pi
		} else if a2 < -2*math.Pi {
			a2 = -2 * math.Pi
		}
		if a2 < 0 {
			a1, a2 = a1+a2, -a2
		}
		cx, cy := float64(a.X)+float64(a.W)/2, float64(a.Y)+float64(a.H)/2
		rx, ry := float64(a.W)/2, float64(a.H)/2
		if gc.LineWidth == 0 {
			thinArc(&s, cx, cy, rx, ry, a1, a2)
		} else {
			wideArc(&s, cx, cy, rx, ry, a1, a2, float64(gc.LineWidth), sc)
		}
		if gc.Function != GXxor && gc.Function != GXinvert && gc.Function != GXequiv {
			// Idempotent functions can paint arc by arc; X paints each arc
			// of a request separately too.
			damage = damage.Union(im.paintSpans(clips, &s, and, xor))
			s.spans = s.spans[:0]
		}
	}
	damage = damage.Union(im.paintSpans(clips, &s, and, xor))
	im.spanBuf = s.spans[:0]
	return damage
}

// thinArc adds the pixels of a thin elliptical arc: where the curve is
// flatter than 45 degrees one pixel per column (the row nearest the curve),
// elsewhere one pixel per row, which is the pixel set an incremental
// ellipse algorithm like X's produces up to ties. Partial arcs keep the
// pixels whose (unstretched) angle lies within the arc.
func thinArc(s *spanSet, cx, cy, rx, ry, a1, a2 float64) {
	full := a2 >= 2*math.Pi-1e-12
	inArc := func(px, py int) bool {
		if full {
			return true
		}
		X, Y := float64(px)-cx, cy-float64(py)
		if rx > 0 {
			X /= rx
		}
		if ry > 0 {
			Y /= ry
		}
		t := math.Atan2(Y, X) - a1
		t = math.Mod(t, 2*math.Pi)
		if t < 0 {
			t += 2 * math.Pi
		}
		return t <= a2+1e-9
	}
	add := func(px, py int) {
		if inArc(px, py) {
			s.add(py, px, px+1)
		}
	}
	round := func(v float64) int { return int(math.Floor(v + 0.5)) }
	if rx == 0 || ry == 0 {
		for y := max(round(cy-ry), s.ext.Min.Y); y <= round(cy+ry) && y < s.ext.Max.Y; y++ {
			for x := max(round(cx-rx), s.ext.Min.X); x <= round(cx+rx) && x < s.ext.Max.X; x++ {
				add(x, y)
			}
		}
		return
	}
	rx2, ry2 := rx*rx, ry*ry
	// Each loop plots at most two pixels in its column (row); columns
	// (rows) outside the clip cannot plot anything visible.
	ext := s.ext
	for x := max(int(math.Ceil(cx-rx)), ext.Min.X); float64(x) <= cx+rx && x < ext.Max.X; x++ {
		X := float64(x) - cx
		h := ry * math.Sqrt(math.Max(0, 1-X*X/rx2))
		if ry2*math.Abs(X) <= rx2*h {
			add(x, round(cy-h))
			add(x, round(cy+h))
		}
	}
	for y := max(int(math.Ceil(cy-ry)), ext.Min.Y); float64(y) <= cy+ry && y < ext.Max.Y; y++ {
		Y := float64(y) - cy
		w := rx * math.Sqrt(math.Max(0, 1-Y*Y/ry2))
		if rx2*math.Abs(Y) <= ry2*w {
			add(round(cx-w), y)
			add(round(cx+w), y)
		}
	}
}

// wideArc adds the band between the ellipse offset by ±lw/2 along its
// normal, closed with butt ends. The band is sampled at n+1 parameters
// along each side; runs of samples whose neighbourhood misses the clip are
// replaced by their end points (a chord inside the same box changes no
// pixel of the clip, whatever the winding), so a huge arc over a small
// window costs what its visible part costs.
func wideArc(s *spanSet, cx, cy, rx, ry, a1, a2, lw float64, sc *fpolyScratch) {
	n := int(math.Ceil((rx+ry+lw)*a2/2)) + 8
	hw := lw / 2
	pt := func(t, off float64) fpt {
		c, sn := math.Cos(t), math.Sin(t)
		x, y := rx*c, -ry*sn
		// Normal of the ellipse at parameter t (outward).
		nx, ny := ry*c, -rx*sn
		l := math.Hypot(nx, ny)
		if l == 0 {
			return fpt{cx + x, cy + y}
		}
		return fpt{cx + x + nx/l*off, cy + y + ny/l*off}
	}
	param := func(i int) float64 { return a1 + a2*float64(i)/float64(n) }
	// A chunk of the band between samples i and i+chunk lies within
	// reach of its first centre-line point: the centre moves at most
	// max(rx, ry) per radian, and the band is hw either side.
	const chunk = 64
	reach := math.Max(rx, ry)*a2*chunk/float64(n) + hw + 2
	ext := s.ext
	visible := func(i int) bool {
		t := param(i)
		px, py := cx+rx*math.Cos(t), cy-ry*math.Sin(t)
		return px+reach >= float64(ext.Min.X) && px-reach <= float64(ext.Max.X) &&
			py+reach >= float64(ext.Min.Y) && py-reach <= float64(ext.Max.Y)
	}
	var keep []bool // per chunk
	for i := 0; i < n; i += chunk {
		keep = append(keep, visible(i))
	}
	poly := make([]fpt, 0, 64)
	side := func(off float64, forward bool) {
		for k := 0; k <= n; k++ {
			i := k
			if !forward {
				i = n - k
			}
			c := i / chunk
			// Keep chunk boundaries and every sample of a visible chunk
			// (the chunk after sample i, and the one before it).
			if i%chunk != 0 && i != n && !keep[c] {
				continue
			}
			poly = append(poly, pt(param(i), off))
		}
	}
	side(hw, true)
	side(-hw, false)
	addFloatPolygon(s, poly, sc)
}
