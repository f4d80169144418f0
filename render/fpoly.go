package render

import (
	"math"
	"slices"
)

// fpt is a point in image coordinates with sub-pixel precision, used by the
// shapes X defines geometrically (wide lines, wide arcs).
type fpt struct{ x, y float64 }

// crossing is where a polygon edge crosses a scanline.
type crossing struct {
	x   float64
	dir int
}

// fedge is one non-horizontal edge of a float polygon, a below b.
type fedge struct {
	a, b       fpt
	dir        int
	row0, row1 int // scanlines it crosses: a.y <= y < b.y
}

// fpolyScratch is the reusable storage of addFloatPolygon.
type fpolyScratch struct {
	cs     []crossing
	edges  []fedge
	active []int
}

// addFloatPolygon scan converts a closed polygon with the non-zero rule
// into s. Pixel (x,y) is sampled at the point (x,y), the convention of the
// X sample server's polygon code: points on left and top edges are inside,
// points on right and bottom edges are not. Only the rows of s's clip are
// visited, and edges are taken from a table sorted by their first row, so
// the cost is O(n log n) plus the crossings of the visible rows.
func addFloatPolygon(s *spanSet, poly []fpt, sc *fpolyScratch) {
	if len(poly) < 3 {
		return
	}
	lo, hi := s.ext.Min.Y, s.ext.Max.Y
	edges := sc.edges[:0]
	prev := poly[len(poly)-1]
	for _, cur := range poly {
		a, b, dir := prev, cur, 1
		if a.y > b.y {
			a, b, dir = b, a, -1
		}
		prev = cur
		if !(a.y < b.y) { // horizontal, or NaN
			continue
		}
		r0, r1 := ceilRow(a.y, lo, hi), ceilRow(b.y, lo, hi)
		if r0 >= r1 {
			continue
		}
		edges = append(edges, fedge{a: a, b: b, dir: dir, row0: r0, row1: r1})
	}
	sc.edges = edges
	if len(edges) == 0 {
		return
	}
	slices.SortFunc(edges, func(p, q fedge) int { return p.row0 - q.row0 })
	active := sc.active[:0]
	next := 0
	for y := edges[0].row0; next < len(edges) || len(active) > 0; y++ {
		if len(active) == 0 && edges[next].row0 > y {
			y = edges[next].row0
		}
		for next < len(edges) && edges[next].row0 <= y {
			active = append(active, next)
			next++
		}
		fy := float64(y)
		cs := sc.cs[:0]
		n := 0
		for _, i := range active {
			e := &edges[i]
			a, b := e.a, e.b
			x := a.x + (fy-a.y)*(b.x-a.x)/(b.y-a.y)
			cs = append(cs, crossing{x, e.dir})
			if y+1 < e.row1 {
				active[n] = i
				n++
			}
		}
		active = active[:n]
		sc.cs = cs
		slices.SortFunc(cs, func(p, q crossing) int {
			switch {
			case p.x < q.x:
				return -1
			case p.x > q.x:
				return 1
			}
			return 0
		})
		w := 0
		var start float64
		for _, c := range cs {
			was := w
			w += c.dir
			if was == 0 && w != 0 {
				start = c.x
			} else if was != 0 && w == 0 {
				s.add(y, ceilPix(start), ceilPix(c.x))
			}
		}
	}
	sc.active = active[:0]
}

// ceilRow is the first scanline at or below v, clamped to [lo, hi].
func ceilRow(v float64, lo, hi int) int {
	c := math.Ceil(v)
	if c <= float64(lo) {
		return lo
	}
	if c >= float64(hi) {
		return hi
	}
	return int(c)
}

// ceilPix rounds up to a pixel index, with a tiny tolerance so that values
// that are integers in exact arithmetic but carry float noise land where
// exact arithmetic would put them. Values beyond any image saturate.
func ceilPix(v float64) int {
	c := math.Ceil(v - 1e-9)
	if c < -1<<40 {
		return -1 << 40
	}
	if c > 1<<40 || c != c {
		return 1 << 40
	}
	return int(c)
}

// addDisc adds a filled disc of the given diameter centred on (cx, cy),
// sampled like addFloatPolygon; it makes round caps and joins.
func addDisc(s *spanSet, cx, cy, diameter float64) {
	r := diameter / 2
	if r <= 0 {
		return
	}
	y0 := ceilRow(cy-r, s.ext.Min.Y, s.ext.Max.Y)
	y1 := ceilRow(cy+r, s.ext.Min.Y, s.ext.Max.Y)
	for y := y0; y < y1; y++ {
		dy := float64(y) - cy
		h := r*r - dy*dy
		if h < 0 {
			continue
		}
		hw := math.Sqrt(h)
		s.add(y, ceilPix(cx-hw), ceilPix(cx+hw))
	}
}
