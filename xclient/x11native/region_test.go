package x11native

import (
	"image"
	"testing"
)

// regionPixels counts the pixels of rs inside b and checks they do not
// overlap.
func regionPixels(t *testing.T, rs []image.Rectangle) map[image.Point]bool {
	t.Helper()
	px := map[image.Point]bool{}
	for _, r := range rs {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				p := image.Pt(x, y)
				if px[p] {
					t.Fatalf("rectangles overlap at %v: %v", p, rs)
				}
				px[p] = true
			}
		}
	}
	return px
}

// TestCombineRegions: union, intersection and difference of overlapping
// rectangle sets cover exactly the pixels the operation says, with
// disjoint rectangles.
func TestCombineRegions(t *testing.T) {
	a := []image.Rectangle{image.Rect(0, 0, 10, 10), image.Rect(5, 5, 15, 12), image.Rect(-3, 2, 1, 4)}
	b := []image.Rectangle{image.Rect(8, -2, 20, 6), image.Rect(2, 2, 4, 20)}
	inA, inB := regionPixels(t, combineRegions(a, nil, regionUnion)), regionPixels(t, combineRegions(b, nil, regionUnion))
	for name, op := range map[string]regionOp{"union": regionUnion, "intersect": regionIntersect, "subtract": regionSubtract} {
		got := regionPixels(t, combineRegions(a, b, op))
		for y := -5; y < 25; y++ {
			for x := -5; x < 25; x++ {
				p := image.Pt(x, y)
				if want := op(inA[p], inB[p]); got[p] != want {
					t.Fatalf("%s: pixel %v is %v, want %v", name, p, got[p], want)
				}
			}
		}
	}
	if got := combineRegions([]image.Rectangle{image.Rect(0, 0, 4, 2), image.Rect(0, 2, 4, 5)}, nil, regionUnion); len(got) != 1 || got[0] != image.Rect(0, 0, 4, 5) {
		t.Errorf("two stacked equal bands became %v, want one rectangle", got)
	}
}
