package feed

import "image"

// MaxRegionRects bounds a Region's rectangle count; past it the two
// rectangles whose union wastes least are merged. Viewers then get a few
// slightly larger rectangles instead of hundreds of tiny ones.
const MaxRegionRects = 16

// Region is a set of disjoint rectangles covering at least the area added
// to it: damage, coarsened as it grows. The zero value is empty.
type Region struct{ rs []image.Rectangle }

// Add adds r to the region.
func (g *Region) Add(r image.Rectangle) {
	if r.Empty() {
		return
	}
	for i := 0; i < len(g.rs); {
		q := g.rs[i]
		if r.In(q) {
			return
		}
		if q.Overlaps(r) {
			// Absorb q and look again: the union may now overlap rects
			// already passed.
			r = r.Union(q)
			g.rs[i] = g.rs[len(g.rs)-1]
			g.rs = g.rs[:len(g.rs)-1]
			i = 0
			continue
		}
		i++
	}
	g.rs = append(g.rs, r)
	for len(g.rs) > MaxRegionRects {
		g.mergeCheapest()
	}
}

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }

func (g *Region) mergeCheapest() {
	bi, bj, best := 0, 1, -1
	for i := range g.rs {
		for j := i + 1; j < len(g.rs); j++ {
			waste := area(g.rs[i].Union(g.rs[j])) - area(g.rs[i]) - area(g.rs[j])
			if best < 0 || waste < best {
				bi, bj, best = i, j, waste
			}
		}
	}
	u := g.rs[bi].Union(g.rs[bj])
	g.rs[bj] = g.rs[len(g.rs)-1]
	g.rs = g.rs[:len(g.rs)-1]
	g.rs[bi] = g.rs[len(g.rs)-1]
	g.rs = g.rs[:len(g.rs)-1]
	g.Add(u)
}

// Rects returns the region's rectangles, disjoint; the slice is the
// region's own and is valid until the next Add or Clear.
func (g *Region) Rects() []image.Rectangle { return g.rs }

// Empty reports whether nothing was added since the last Clear.
func (g *Region) Empty() bool { return len(g.rs) == 0 }

// Clear empties the region, keeping its storage.
func (g *Region) Clear() { g.rs = g.rs[:0] }
