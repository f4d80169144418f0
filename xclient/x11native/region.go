package x11native

import (
	"image"
	"slices"
)

// Regions for the SHAPE extension: a set of pixels kept as y-x banded
// rectangles (bands sorted by y, disjoint x spans in each, equal
// neighbouring bands merged), as X servers keep theirs. Set operations
// cut both operands into the bands their y edges make and combine the
// spans of each band; the cost is bands × rectangles, which the callers
// bound with maxShapeRects.

// regionOp combines membership in a and in b into membership in the
// result.
type regionOp func(inA, inB bool) bool

var (
	regionUnion     regionOp = func(a, b bool) bool { return a || b }
	regionIntersect regionOp = func(a, b bool) bool { return a && b }
	regionSubtract  regionOp = func(a, b bool) bool { return a && !b }
)

// combineRegions returns op(a, b) as banded rectangles.
func combineRegions(a, b []image.Rectangle, op regionOp) []image.Rectangle {
	ys := make([]int, 0, 2*(len(a)+len(b)))
	for _, rs := range [][]image.Rectangle{a, b} {
		for _, r := range rs {
			if !r.Empty() {
				ys = append(ys, r.Min.Y, r.Max.Y)
			}
		}
	}
	slices.Sort(ys)
	ys = slices.Compact(ys)
	var out []image.Rectangle
	var prevSpans []int
	prevStart := -1 // index in out of the previous band's first rectangle
	for i := 0; i+1 < len(ys); i++ {
		y0, y1 := ys[i], ys[i+1]
		spans := combineSpans(bandSpans(a, y0, y1), bandSpans(b, y0, y1), op)
		if len(spans) == 0 {
			prevSpans, prevStart = nil, -1
			continue
		}
		if prevStart >= 0 && slices.Equal(spans, prevSpans) && out[prevStart].Max.Y == y0 {
			for j := prevStart; j < len(out); j++ {
				out[j].Max.Y = y1
			}
			continue
		}
		prevStart, prevSpans = len(out), spans
		for j := 0; j < len(spans); j += 2 {
			out = append(out, image.Rect(spans[j], y0, spans[j+1], y1))
		}
	}
	return out
}

// bandSpans returns the x spans (start, end pairs, sorted, merged) that
// rs covers over the whole band [y0, y1); band edges come from every
// rectangle, so a rectangle either spans a band or misses it.
func bandSpans(rs []image.Rectangle, y0, y1 int) []int {
	var iv [][2]int
	for _, r := range rs {
		if !r.Empty() && r.Min.Y <= y0 && r.Max.Y >= y1 {
			iv = append(iv, [2]int{r.Min.X, r.Max.X})
		}
	}
	slices.SortFunc(iv, func(p, q [2]int) int { return p[0] - q[0] })
	var spans []int
	for _, v := range iv {
		if n := len(spans); n > 0 && v[0] <= spans[n-1] {
			spans[n-1] = max(spans[n-1], v[1])
			continue
		}
		spans = append(spans, v[0], v[1])
	}
	return spans
}

// combineSpans applies op to two sorted span lists.
func combineSpans(a, b []int, op regionOp) []int {
	xs := append(append(make([]int, 0, len(a)+len(b)), a...), b...)
	slices.Sort(xs)
	xs = slices.Compact(xs)
	// in advances *i over the spans that end at or before x (x only
	// grows) and reports whether x is inside a span.
	in := func(spans []int, i *int, x int) bool {
		for *i < len(spans) && spans[*i+1] <= x {
			*i += 2
		}
		return *i < len(spans) && x >= spans[*i]
	}
	ia, ib := 0, 0
	var out []int
	for i := 0; i+1 < len(xs); i++ {
		if !op(in(a, &ia, xs[i]), in(b, &ib, xs[i])) {
			continue
		}
		if n := len(out); n > 0 && out[n-1] == xs[i] {
			out[n-1] = xs[i+1]
			continue
		}
		out = append(out, xs[i], xs[i+1])
	}
	return out
}

// regionExtents is the bounding box of rs.
func regionExtents(rs []image.Rectangle) image.Rectangle {
	var e image.Rectangle
	for _, r := range rs {
		e = e.Union(r)
	}
	return e
}

// translateRegion moves rs by d.
func translateRegion(rs []image.Rectangle, d image.Point) []image.Rectangle {
	out := make([]image.Rectangle, len(rs))
	for i, r := range rs {
		out[i] = r.Add(d)
	}
	return out
}
