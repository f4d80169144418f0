package render

import "image"

// edge is one non-horizontal polygon edge stepped by the integer
// incremental algorithm of the X sample server's polygon filler: x starts
// at the upper vertex and advances by m or m+1 per scanline, so each
// scanline's span starts at the first pixel at or right of the left edge
// and stops before the first pixel at or right of the right edge.
type edge struct {
	ytop, ymax int // first and last scanline on which the edge is active
	x          int // x on the current scanline
	d, m, m1   int // decision variable and the two possible x steps
	incr1      int // added to d when stepping by m1
	incr2      int // added to d when stepping by m
	clockwise  bool
	order      int // insertion order, to keep ties in X's order
}

func newEdge(top, bottom image.Point, clockwise bool) edge {
	dy := bottom.Y - top.Y
	e := edge{ytop: top.Y, ymax: bottom.Y - 1, x: top.X, clockwise: clockwise}
	dx := bottom.X - top.X
	e.m = dx / dy // truncates towards zero, as the C original relies on
	if dx < 0 {
		e.m1 = e.m - 1
		e.incr1 = -2*dx + 2*dy*e.m1
		e.incr2 = -2*dx + 2*dy*e.m
		e.d = 2*e.m*dy - 2*dx - 2*dy
	} else {
		e.m1 = e.m + 1
		e.incr1 = 2*dx - 2*dy*e.m1
		e.incr2 = 2*dx - 2*dy*e.m
		e.d = -2*e.m*dy + 2*dx
	}
	return e
}

// step advances the edge to the next scanline.
func (e *edge) step() {
	if e.m1 > 0 {
		if e.d > 0 {
			e.x += e.m1
			e.d += e.incr1
		} else {
			e.x += e.m
			e.d += e.incr2
		}
		return
	}
	if e.d >= 0 {
		e.x += e.m1
		e.d += e.incr1
	} else {
		e.x += e.m
		e.d += e.incr2
	}
}

// FillPolygon fills the polygon through pts (CoordModeOrigin; the path is
// closed implicitly) with gc's fill rule, as X FillPoly does. Scan
// conversion follows the X sample server: a pixel is filled when its
// integer sample point is inside, points on a left or top edge count as
// inside and points on a right or bottom edge do not. shape is accepted
// for API parity with X and does not change the result for polygons that
// honour it.
func (im *Image) FillPolygon(gc *GC, pts []image.Point, shape int) image.Rectangle {
	_ = shape
	if len(pts) < 3 {
		return image.Rectangle{}
	}
	clips := im.clip(gc)
	if len(clips) == 0 {
		return image.Rectangle{}
	}
	and, xor := rop(gc.Function, gc.Foreground, gc.PlaneMask)
	ext := extents(clips)
	var damage image.Rectangle
	im.scanPolygon(pts, gc.FillRule == WindingRule, func(y, x0, x1 int) {
		if y < ext.Min.Y || y >= ext.Max.Y {
			return
		}
		a, b := max(x0, ext.Min.X), min(x1, ext.Max.X)
		if a >= b {
			return
		}
		damage = damage.Union(image.Rect(a, y, b, y+1))
		im.fillSpan(clips, y, a, b, and, xor)
	})
	return damage
}

// scanPolygon emits the spans [x0, x1) of the polygon row by row.
func (im *Image) scanPolygon(pts []image.Point, winding bool, emit func(y, x0, x1 int)) {
	edges := im.edgeBuf[:0]
	ymin, ymax := int(^uint(0)>>1), -int(^uint(0)>>1)-1
	prev := pts[len(pts)-1]
	for _, cur := range pts {
		top, bottom, cw := cur, prev, false
		if prev.Y <= cur.Y {
			top, bottom, cw = prev, cur, true
		}
		if top.Y != bottom.Y {
			e := newEdge(top, bottom, cw)
			e.order = len(edges)
			edges = append(edges, e)
			ymin = min(ymin, prev.Y)
			ymax = max(ymax, prev.Y)
		}
		prev = cur
	}
	im.edgeBuf = edges
	if len(edges) == 0 {
		return
	}
	// Pending edges sorted by (ytop, x at ytop), with X's tie order: an
	// edge inserted later goes before earlier ones with the same x.
	pending := make([]int, len(edges))
	for i := range pending {
		pending[i] = i
	}
	for i := 1; i < len(pending); i++ {
		for j := i; j > 0; j-- {
			a, b := &edges[pending[j-1]], &edges[pending[j]]
			if a.ytop < b.ytop || (a.ytop == b.ytop && a.x < b.x) {
				break
			}
			pending[j-1], pending[j] = pending[j], pending[j-1]
		}
	}
	aet := make([]int, 0, len(edges))
	pi := 0
	for y := ymin; y < ymax; y++ {
		// Load edges starting on this row in front of equal-x active edges.
		for pi < len(pending) && edges[pending[pi]].ytop == y {
			ne := pending[pi]
			pi++
			k := 0
			for k < len(aet) && edges[aet[k]].x < edges[ne].x {
				k++
			}
			aet = append(aet, 0)
			copy(aet[k+1:], aet[k:])
			aet[k] = ne
		}
		if !winding {
			for i := 0; i+1 < len(aet); i += 2 {
				emit(y, edges[aet[i]].x, edges[aet[i+1]].x)
			}
		} else {
			count := 0
			start := 0
			for _, ei := range aet {
				was := count
				if edges[ei].clockwise {
					count++
				} else {
					count--
				}
				if was == 0 && count != 0 {
					start = edges[ei].x
				} else if was != 0 && count == 0 {
					emit(y, start, edges[ei].x)
				}
			}
		}
		// Retire edges that end on this row, step the others, and restore
		// x order with a stable insertion sort.
		n := 0
		for _, ei := range aet {
			e := &edges[ei]
			if e.ymax == y {
				continue
			}
			e.step()
			aet[n] = ei
			n++
		}
		aet = aet[:n]
		for i := 1; i < len(aet); i++ {
			for j := i; j > 0 && edges[aet[j-1]].x > edges[aet[j]].x; j-- {
				aet[j-1], aet[j] = aet[j], aet[j-1]
			}
		}
	}
}
