package web

import (
	"bytes"
	"image"
	"image/png"
	"math/rand/v2"
	"testing"
	"time"
)

// TestViewerFlowBoundsBytesInFlight: without acknowledgements the sender
// stops once a window's worth is in flight (frames of any size), an
// acknowledgement opens it again, and the window follows the measured
// rate times the round trip.
func TestViewerFlowBoundsBytesInFlight(t *testing.T) {
	var f viewerFlow
	seq := uint32(0)
	sent := 0
	for f.open() {
		seq++
		f.sentFrame(seq, 100<<10)
		sent++
		if sent > 100 {
			t.Fatal("the window never closed")
		}
	}
	sentBytes, _ := f.inFlight()
	if sentBytes < viewerStartWindow || sentBytes > viewerStartWindow+100<<10 {
		t.Errorf("closed with %d bytes in flight; want the start window (%d) plus at most a frame", sentBytes, viewerStartWindow)
	}
	time.Sleep(20 * time.Millisecond)
	f.acked(seq)
	if n, _ := f.inFlight(); n != 0 || !f.open() {
		t.Errorf("after acknowledging everything: %d bytes in flight, open %v", n, f.open())
	}
	// Measured: sentBytes acknowledged about 20 ms after they were sent;
	// the window is 1.5 x rate x min RTT, about 1.5 x sentBytes (less if
	// the acknowledgement came late on a loaded machine).
	if _, w := f.inFlight(); w < sentBytes/4 || w > 2*sentBytes {
		t.Errorf("window %d after %d bytes acknowledged in one round trip; want about %d", w, sentBytes, 3*sentBytes/2)
	}
	// Small frames: at most maxFramesInFlight undrawn, whatever the bytes.
	n := 0
	for f.open() && n < 100 {
		seq++
		f.sentFrame(seq, 10)
		n++
	}
	if n != maxFramesInFlight {
		t.Errorf("%d small frames in flight, want %d", n, maxFramesInFlight)
	}
	// Acknowledgements across the wrap of the 32-bit seq.
	var g viewerFlow
	g.sentFrame(^uint32(0), 10)
	g.sentFrame(0, 10)
	g.acked(0)
	if n, _ := g.inFlight(); n != 0 {
		t.Errorf("%d bytes in flight after acknowledging across the wrap", n)
	}
}

// TestPNGEncoderExact encodes images of 1 to 300 colours (palettes of 1,
// 2, 4 and 8 bits, and RGB) and checks that a standard PNG decoder gets
// exactly the pixels back.
func TestPNGEncoderExact(t *testing.T) {
	e, err := newPNGEncoder()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, colours := range []int{1, 2, 3, 5, 17, 256, 300} {
		for _, size := range [][2]int{{1, 1}, {7, 3}, {33, 17}, {200, 50}} {
			w, h := size[0], size[1]
			cols := make([]uint32, colours)
			for i := range cols {
				cols[i] = rng.Uint32() & 0xffffff
			}
			pix := make([]uint32, w*h)
			for i := range pix {
				pix[i] = cols[rng.IntN(colours)]
			}
			b, err := e.encode(nil, pix, w, h)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%d colours %dx%d: %v", colours, w, h, err)
			}
			if img.Bounds() != image.Rect(0, 0, w, h) {
				t.Fatalf("%d colours %dx%d: decoded %v", colours, w, h, img.Bounds())
			}
			for i, p := range pix {
				r, g, bl, _ := img.At(i%w, i/w).RGBA()
				if got := (r>>8)<<16 | (g>>8)<<8 | bl>>8; got != p {
					t.Fatalf("%d colours %dx%d: pixel %d is %06x, want %06x", colours, w, h, i, got, p)
				}
			}
		}
	}
}
