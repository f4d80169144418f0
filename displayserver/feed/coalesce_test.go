package feed

import (
	"context"
	"image"
	"testing"
	"time"
)

// TestCoalescer checks the shared subscription logic: the first update is
// the whole screen, damage that arrives meanwhile joins one update, the
// next update waits for 1/MaxRate, and Invalidate makes it whole again.
func TestCoalescer(t *testing.T) {
	const w, h = 40, 30
	screen := make([]uint32, w*h)
	for i := range screen {
		screen[i] = uint32(i)
	}
	pix := func(r image.Rectangle) []uint32 {
		var out []uint32
		for y := r.Min.Y; y < r.Max.Y; y++ {
			out = append(out, screen[y*w+r.Min.X:y*w+r.Max.X]...)
		}
		return out
	}
	c := NewCoalescer()
	next := func() *Update {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		up, err := c.Next(ctx, nil, nil, func() (*Update, error) { return c.Take(w, h, pix), nil })
		if err != nil {
			t.Fatal(err)
		}
		return up
	}
	c.Damage(image.Rect(1, 1, 2, 2)) // already inside the first, full update
	up := next()
	if !up.Full || up.Seq != 1 || len(up.Rects) != 1 || up.Rects[0].Rectangle != image.Rect(0, 0, w, h) {
		t.Fatalf("first update: %+v", up)
	}
	first := time.Now()
	c.Damage(image.Rect(0, 0, 5, 5))
	c.Damage(image.Rect(3, 3, 8, 8))
	c.Damage(image.Rect(20, 20, 22, 21))
	up = next()
	if gap := time.Since(first); gap < time.Second/MaxRate-time.Millisecond {
		t.Errorf("second update after %v, want at least 1/%d s", gap, MaxRate)
	}
	if up.Full || up.Seq != 2 || len(up.Rects) != 2 {
		t.Fatalf("second update: full %v seq %d rects %d, want the three damages in two rects", up.Full, up.Seq, len(up.Rects))
	}
	for _, r := range up.Rects {
		if want := pix(r.Rectangle); len(r.Pix) != len(want) || r.Pix[0] != want[0] {
			t.Fatalf("rect %v carries the wrong pixels", r.Rectangle)
		}
	}
	c.Damage(image.Rect(0, 0, 1, 1))
	c.Invalidate()
	if up = next(); !up.Full || up.Rects[0].Rectangle != image.Rect(0, 0, w, h) {
		t.Fatalf("after Invalidate: %+v", up)
	}
	if !c.Close() || c.Close() {
		t.Fatal("Close reports closing other than once")
	}
	if _, err := c.Next(context.Background(), nil, nil, nil); err != ErrClosed {
		t.Fatalf("Next after Close: %v", err)
	}
}
