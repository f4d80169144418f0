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

// addFloatPolygon scan converts a closed polygon with the non-zero rule
// into s. Pixel (x,y) is sampled at the point (x,y), the convention of the
// X sample server's polygon code: points on left and top edges are inside,
// points on right and bottom edges are not.
func addFloatPolygon(s *spanSet, poly []fpt, buf *[]crossing) {
	if len(poly) < 3 {
		return
	}
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for _, p := range poly {
		ymin = math.Min(ymin, p.y)
		ymax = math.Max(ymax, p.y)
	}
	y0 := int(math.Ceil(ymin))
	y1 := int(math.Ceil(ymax)) // exclusive
	for y := y0; y < y1; y++ {
		fy := float64(y)
		cs := (*buf)[:0]
		prev := poly[len(poly)-1]
		for _, cur := range poly {
			a, b, dir := prev, cur, 1
			if a.y > b.y {
				a, b, dir = b, a, -1
			}
			if a.y <= fy && fy < b.y {
				x := a.x + (fy-a.y)*(b.x-a.x)/(b.y-a.y)
				cs = append(cs, crossing{x, dir})
			}
			prev = cur
		}
		*buf = cs
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
}

// ceilPix rounds up to a pixel index, with a tiny tolerance so that values
// that are integers in exact arithmetic but carry float noise land where
// exact arithmetic would put them.
func ceilPix(v float64) int {
	return int(math.Ceil(v - 1e-9))
}

// addDisc adds a filled disc of the given diameter centred on (cx, cy),
// sampled like addFloatPolygon; it makes round caps and joins.
func addDisc(s *spanSet, cx, cy, diameter float64) {
	r := diameter / 2
	if r <= 0 {
		return
	}
	y0 := int(math.Ceil(cy - r))
	y1 := int(math.Ceil(cy + r))
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
