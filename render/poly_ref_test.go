package render

import (
	"image"
	"math/rand"
	"testing"
)

// The scan converter FillPolygon used before it became O(n log n): an
// active edge table kept in x order by insertion, X's own structure. It
// stays here as the reference the fast one must match pixel for pixel.

// edge is one non-horizontal polygon edge stepped by the integer
// incremental algorithm of the X sample server's polygon filler: x starts
// at the upper vertex and advances by m or m+1 per scanline, so each
// scanline's span starts at the first pixel at or right of the left edge
// and stops before the first pixel at or right of the right edge.
type refEdge struct {
	ytop, ymax int // first and last scanline on which the edge is active
	x          int // x on the current scanline
	d, m, m1   int // decision variable and the two possible x steps
	incr1      int // added to d when stepping by m1
	incr2      int // added to d when stepping by m
	clockwise  bool
	order      int // insertion order, to keep ties in X's order
}

func newRefEdge(top, bottom image.Point, clockwise bool) refEdge {
	dy := bottom.Y - top.Y
	e := refEdge{ytop: top.Y, ymax: bottom.Y - 1, x: top.X, clockwise: clockwise}
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
func (e *refEdge) step() {
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

// scanPolygon emits the spans [x0, x1) of the polygon row by row.
func refScanPolygon(pts []image.Point, winding bool, emit func(y, x0, x1 int)) {
	var edges []refEdge
	ymin, ymax := int(^uint(0)>>1), -int(^uint(0)>>1)-1
	prev := pts[len(pts)-1]
	for _, cur := range pts {
		top, bottom, cw := cur, prev, false
		if prev.Y <= cur.Y {
			top, bottom, cw = prev, cur, true
		}
		if top.Y != bottom.Y {
			e := newRefEdge(top, bottom, cw)
			e.order = len(edges)
			edges = append(edges, e)
			ymin = min(ymin, prev.Y)
			ymax = max(ymax, prev.Y)
		}
		prev = cur
	}
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

// TestFillPolygonMatchesReference fills random polygons (both fill rules,
// clipped and not) with FillPolygon and with the reference scan converter
// and requires identical pixels.
func TestFillPolygonMatchesReference(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for iter := 0; iter < 3000; iter++ {
		im := NewImage(64, 48)
		gc := DefaultGC()
		gc.Function = GXxor
		if r.Intn(2) == 0 {
			gc.FillRule = WindingRule
		}
		if r.Intn(3) == 0 {
			gc.Clip = []image.Rectangle{image.Rect(r.Intn(30), r.Intn(20), 30+r.Intn(40), 20+r.Intn(30))}
		}
		n := 3 + r.Intn(40)
		span := 20 + r.Intn(200)
		pts := make([]image.Point, n)
		for i := range pts {
			pts[i] = image.Pt(r.Intn(span)-span/2+32, r.Intn(span)-span/2+24)
		}
		im.FillPolygon(&gc, pts, ShapeComplex)
		want := NewImage(64, 48)
		clips := want.clip(&gc)
		and, xor := rop(gc.Function, gc.Foreground, gc.PlaneMask)
		refScanPolygon(pts, gc.FillRule == WindingRule, func(y, x0, x1 int) {
			want.fillSpan(clips, y, x0, x1, and, xor)
		})
		for i := range im.Pix {
			if im.Pix[i] != want.Pix[i] {
				t.Fatalf("polygon %v rule %d clip %v: pixel (%d,%d) = %06x, reference %06x", pts, gc.FillRule, gc.Clip, i%64, i/64, im.Pix[i], want.Pix[i])
			}
		}
	}
}

// BenchmarkFillPolygonHuge is the attack from issue 14: 40,000 random
// points over the whole 16-bit plane filled into a 400x300 image. Before,
// the cost grew with n squared and the display froze for seconds.
func BenchmarkFillPolygonHuge(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	pts := make([]image.Point, 40000)
	for i := range pts {
		pts[i] = image.Pt(r.Intn(65536)-32768, r.Intn(65536)-32768)
	}
	im := NewImage(400, 300)
	gc := DefaultGC()
	gc.FillRule = WindingRule
	for b.Loop() {
		im.FillPolygon(&gc, pts, ShapeComplex)
	}
}

// BenchmarkPolyArcHuge is the attack from issue 14: one PolyArc of
// 65535x65535 with line width 16384 into a 400x300 image, which held the
// display for 72-109 s when every row of the arc's polygon was scanned.
func BenchmarkPolyArcHuge(b *testing.B) {
	im := NewImage(400, 300)
	gc := DefaultGC()
	gc.LineWidth = 16384
	arcs := []Arc{{X: -32768, Y: -32768, W: 65535, H: 65535, Angle1: 0, Angle2: 360 * 64}}
	for b.Loop() {
		im.PolyArc(&gc, arcs)
	}
}

// BenchmarkWideLineHuge draws a wide polyline far larger than the image.
func BenchmarkWideLineHuge(b *testing.B) {
	im := NewImage(400, 300)
	gc := DefaultGC()
	gc.LineWidth = 16384
	gc.JoinStyle = JoinRound
	pts := []image.Point{{-32768, -32768}, {32767, 32767}, {-32768, 32767}, {32767, -32768}}
	for b.Loop() {
		im.PolyLine(&gc, pts)
	}
}
