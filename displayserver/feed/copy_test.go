package feed

import (
	"image"
	"math/rand/v2"
	"testing"
)

// TestCoalescerCopies plays random scrolls and drawings on a screen, takes
// updates now and then, applies each (copies in order, then rectangles) to
// a viewer's picture, and checks that the picture always equals the
// screen: copies that overlap damage, each other or the MaxCopies bound
// all come out right.
func TestCoalescerCopies(t *testing.T) {
	const w, h = 48, 32
	rng := rand.New(rand.NewPCG(1, 2))
	screen := make([]uint32, w*h)
	viewer := make([]uint32, w*h)
	pix := func(r image.Rectangle) []uint32 {
		var out []uint32
		for y := r.Min.Y; y < r.Max.Y; y++ {
			out = append(out, screen[y*w+r.Min.X:y*w+r.Max.X]...)
		}
		return out
	}
	// move is CopyArea on a w×h picture: the destination gets the source
	// as it was.
	move := func(p []uint32, src image.Rectangle, dst image.Point) {
		old := append([]uint32(nil), p...)
		for y := 0; y < src.Dy(); y++ {
			for x := 0; x < src.Dx(); x++ {
				p[(dst.Y+y)*w+dst.X+x] = old[(src.Min.Y+y)*w+src.Min.X+x]
			}
		}
	}
	randRect := func() image.Rectangle {
		x0, y0 := rng.IntN(w), rng.IntN(h)
		return image.Rect(x0, y0, x0+1+rng.IntN(w-x0), y0+1+rng.IntN(h-y0))
	}
	c := NewCoalescer()
	c.AcceptCopies()
	next := uint32(1)
	copies := 0
	for step := range 3000 {
		switch k := rng.IntN(10); {
		case k < 5: // a scroll
			src := randRect()
			dst := image.Pt(rng.IntN(w-src.Dx()+1), rng.IntN(h-src.Dy()+1))
			move(screen, src, dst)
			c.Copy(src, dst)
		case k < 8: // a drawing
			r := randRect()
			for y := r.Min.Y; y < r.Max.Y; y++ {
				for x := r.Min.X; x < r.Max.X; x++ {
					screen[y*w+x] = next
					next++
				}
			}
			c.Damage(r)
		default: // the viewer takes an update
			up := c.Take(w, h, pix)
			if up == nil {
				continue
			}
			for _, q := range up.Copies {
				move(viewer, q.Src, q.Dst)
				copies++
			}
			for _, r := range up.Rects {
				i := 0
				for y := r.Min.Y; y < r.Max.Y; y++ {
					for x := r.Min.X; x < r.Max.X; x++ {
						viewer[y*w+x] = r.Pix[i]
						i++
					}
				}
			}
			for i := range screen {
				if viewer[i] != screen[i] {
					t.Fatalf("step %d: viewer pixel (%d,%d) is %d, screen %d", step, i%w, i/w, viewer[i], screen[i])
				}
			}
		}
	}
	if copies == 0 {
		t.Fatal("no update carried a copy")
	}
}
