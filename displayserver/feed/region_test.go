package feed

import (
	"image"
	"math/rand"
	"testing"
)

// TestRegionCoversAndStaysDisjoint adds random rectangles and checks the
// region's promises: every added pixel is covered, rectangles never
// overlap, and their number stays bounded.
func TestRegionCoversAndStaysDisjoint(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var g Region
	var added []image.Rectangle
	for i := 0; i < 500; i++ {
		x, y := rng.Intn(1000), rng.Intn(700)
		r := image.Rect(x, y, x+1+rng.Intn(60), y+1+rng.Intn(60))
		g.Add(r)
		added = append(added, r)
		if len(g.rs) > MaxRegionRects {
			t.Fatalf("after %d adds: %d rects, limit %d", i+1, len(g.rs), MaxRegionRects)
		}
		for a := range g.rs {
			for b := a + 1; b < len(g.rs); b++ {
				if g.rs[a].Overlaps(g.rs[b]) {
					t.Fatalf("after %d adds: %v overlaps %v", i+1, g.rs[a], g.rs[b])
				}
			}
		}
	}
	for _, r := range added {
		for y := r.Min.Y; y < r.Max.Y; y += 7 {
			for x := r.Min.X; x < r.Max.X; x += 7 {
				p := image.Pt(x, y)
				covered := false
				for _, q := range g.rs {
					if p.In(q) {
						covered = true
						break
					}
				}
				if !covered {
					t.Fatalf("pixel %v of added %v is not covered", p, r)
				}
			}
		}
	}
}
