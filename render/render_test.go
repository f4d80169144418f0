package render

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/xfar/xfar/fonts"
)

func TestRopMatchesApplyRop(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for f := GXclear; f <= GXset; f++ {
		for i := 0; i < 200; i++ {
			src, dst := rng.Uint32()&pixelMask, rng.Uint32()&pixelMask
			pm := rng.Uint32()
			if i%2 == 0 {
				pm = 0xffffffff
			}
			and, xor := rop(f, src, pm)
			if got, want := dst&and^xor, applyRop(f, src, dst, pm); got != want {
				t.Fatalf("function %d src %06x dst %06x pm %08x: rop form %06x, direct %06x", f, src, dst, pm, got, want)
			}
		}
	}
}

func TestImageBasics(t *testing.T) {
	im := NewImage(10, 8)
	im.Fill(image.Rect(-5, -5, 3, 2), 0x123456)
	if im.At32(2, 1) != 0x123456 || im.At32(3, 1) != 0 || im.At32(2, 2) != 0 || im.At32(-1, 0) != 0 {
		t.Fatal("Fill did not clip to the rectangle")
	}
	rgba := im.ToRGBA(image.Rect(0, 0, 4, 4))
	if c := rgba.RGBAAt(1, 1); c.R != 0x12 || c.G != 0x34 || c.B != 0x56 || c.A != 0xff {
		t.Fatalf("ToRGBA pixel = %v", c)
	}
	im.Resize(3, 20)
	if im.W != 3 || im.H != 20 || im.At32(2, 1) != 0x123456 || im.At32(0, 19) != 0 {
		t.Fatal("Resize lost or invented contents")
	}
	got := im.GetImage(image.Rect(-1, 0, 2, 2))
	want := []uint32{0, 0x123456, 0x123456, 0, 0x123456, 0x123456}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("GetImage = %x, want %x", got, want)
		}
	}
}

func TestPutImageRopAndClip(t *testing.T) {
	im := NewImage(4, 4)
	im.Fill(im.Bounds(), 0x0000ff)
	gc := DefaultGC()
	gc.Function = GXxor
	gc.Clip = []image.Rectangle{image.Rect(0, 0, 2, 4)}
	pix := []uint32{0xff0000, 0xff0000, 0xff0000, 0xff0000}
	d := im.PutImage(&gc, image.Rect(1, 1, 3, 3), pix)
	if d != image.Rect(1, 1, 2, 3) {
		t.Fatalf("damage %v", d)
	}
	if im.At32(1, 1) != 0xff00ff || im.At32(2, 1) != 0x0000ff {
		t.Fatalf("PutImage xor/clip wrong: %06x %06x", im.At32(1, 1), im.At32(2, 1))
	}
}

func TestNormalizeRegionDisjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for iter := 0; iter < 200; iter++ {
		var rs []image.Rectangle
		for i := 0; i < 1+rng.IntN(6); i++ {
			x, y := rng.IntN(30), rng.IntN(30)
			rs = append(rs, image.Rect(x, y, x+1+rng.IntN(15), y+1+rng.IntN(15)))
		}
		im := NewImage(50, 50)
		gc := DefaultGC()
		gc.Clip = rs
		out := im.clip(&gc)
		for y := 0; y < 50; y++ {
			for x := 0; x < 50; x++ {
				p := image.Pt(x, y)
				in, n := false, 0
				for _, r := range rs {
					in = in || p.In(r)
				}
				for _, r := range out {
					if p.In(r) {
						n++
					}
				}
				if (n == 1) != in || n > 1 {
					t.Fatalf("clip %v normalised to %v: point %v covered %d times, want inside=%v", rs, out, p, n, in)
				}
			}
		}
	}
}

// TestClippedLinesAreSubsetOfUnclipped checks X's rule that clipping never
// moves a line's pixels.
func TestClippedLinesAreSubsetOfUnclipped(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for iter := 0; iter < 300; iter++ {
		s := Segment{rng.IntN(120) - 10, rng.IntN(120) - 10, rng.IntN(120) - 10, rng.IntN(120) - 10}
		full := NewImage(100, 100)
		gc := DefaultGC()
		full.PolySegment(&gc, []Segment{s})
		clipped := NewImage(100, 100)
		cl := image.Rect(rng.IntN(50), rng.IntN(50), 50+rng.IntN(50), 50+rng.IntN(50))
		gc.Clip = []image.Rectangle{cl}
		clipped.PolySegment(&gc, []Segment{s})
		for y := 0; y < 100; y++ {
			for x := 0; x < 100; x++ {
				want := full.At32(x, y)
				if !image.Pt(x, y).In(cl) {
					want = 0
				}
				if clipped.At32(x, y) != want {
					t.Fatalf("segment %v clip %v: pixel (%d,%d) = %06x, want %06x", s, cl, x, y, clipped.At32(x, y), want)
				}
			}
		}
	}
}

func TestPolyLineXorDrawsVerticesOnce(t *testing.T) {
	im := NewImage(20, 20)
	gc := DefaultGC()
	gc.Function = GXxor
	im.PolyLine(&gc, []image.Point{{2, 2}, {10, 2}, {10, 10}, {2, 10}, {2, 2}})
	for _, p := range []image.Point{{2, 2}, {10, 2}, {10, 10}, {2, 10}} {
		if im.At32(p.X, p.Y) != 0xffffff {
			t.Errorf("vertex %v = %06x, want drawn once", p, im.At32(p.X, p.Y))
		}
	}
}

func TestDamageCoversChanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for iter := 0; iter < 50; iter++ {
		im := NewImage(80, 80)
		before := append([]uint32(nil), im.Pix...)
		gc := DefaultGC()
		gc.LineWidth = rng.IntN(6)
		var d image.Rectangle
		pts := []image.Point{{rng.IntN(100) - 10, rng.IntN(100) - 10}, {rng.IntN(100) - 10, rng.IntN(100) - 10}, {rng.IntN(100) - 10, rng.IntN(100) - 10}}
		switch iter % 5 {
		case 0:
			d = im.PolyLine(&gc, pts)
		case 1:
			d = im.FillPolygon(&gc, pts, ShapeComplex)
		case 2:
			d = im.PolyFillArc(&gc, []Arc{{pts[0].X, pts[0].Y, rng.IntN(40), rng.IntN(40), 0, 200 * 64}})
		case 3:
			d = im.PolyArc(&gc, []Arc{{pts[0].X, pts[0].Y, rng.IntN(40), rng.IntN(40), 30 * 64, 300 * 64}})
		case 4:
			d = im.DrawText(&gc, pts[0].X, pts[0].Y, "Hello", iter%2 == 0)
		}
		for y := 0; y < 80; y++ {
			for x := 0; x < 80; x++ {
				if im.Pix[y*80+x] != before[y*80+x] && !image.Pt(x, y).In(d) {
					t.Fatalf("iteration %d: pixel (%d,%d) changed outside damage %v", iter, x, y, d)
				}
			}
		}
	}
}

func TestCopyAreaOverlap(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for iter := 0; iter < 100; iter++ {
		im := NewImage(40, 30)
		for i := range im.Pix {
			im.Pix[i] = rng.Uint32() & pixelMask
		}
		ref := NewImage(40, 30)
		copy(ref.Pix, im.Pix)
		snap := NewImage(40, 30)
		copy(snap.Pix, im.Pix)
		sr := image.Rect(rng.IntN(20)-5, rng.IntN(15)-5, 0, 0)
		sr.Max = sr.Min.Add(image.Pt(5+rng.IntN(20), 5+rng.IntN(15)))
		dst := image.Pt(rng.IntN(30)-5, rng.IntN(20)-5)
		gc := DefaultGC()
		if iter%3 == 1 {
			gc.Function = GXxor
		}
		if iter%4 == 2 {
			gc.Clip = []image.Rectangle{image.Rect(0, 0, 20, 15), image.Rect(15, 10, 40, 30)}
		}
		im.CopyArea(im, sr, dst, &gc)
		ref.CopyArea(snap, sr, dst, &gc) // distinct source: no overlap issues
		for i := range im.Pix {
			if im.Pix[i] != ref.Pix[i] {
				t.Fatalf("iteration %d: self-copy %v -> %v differs at %d", iter, sr, dst, i)
			}
		}
	}
}

func TestDrawText(t *testing.T) {
	im := NewImage(200, 40)
	gc := DefaultGC()
	gc.Background = 0x0000ff
	d := im.DrawText(&gc, 5, 25, "Hello, wörld", true)
	w, asc, desc := fonts.Measure(gc.Font, gc.FontSize, "Hello, wörld")
	box := image.Rect(5, 25-asc, 5+w, 25+desc)
	if !box.In(d) {
		t.Fatalf("damage %v does not cover the background box %v", d, box)
	}
	white, blue := 0, 0
	for _, p := range im.Pix {
		switch p {
		case 0xffffff:
			white++
		case 0x0000ff:
			blue++
		}
	}
	if white < 20 || blue < 100 {
		t.Fatalf("text looks empty: %d white, %d background pixels", white, blue)
	}
	// Non-copy functions use thresholded coverage: xor twice restores.
	gc.Function = GXxor
	before := append([]uint32(nil), im.Pix...)
	im.DrawText(&gc, 5, 25, "xor", false)
	im.DrawText(&gc, 5, 25, "xor", false)
	for i := range before {
		if im.Pix[i] != before[i] {
			t.Fatal("xor text drawn twice did not restore the image")
		}
	}
}

func BenchmarkFillRect10(b *testing.B) {
	im := NewImage(640, 480)
	gc := DefaultGC()
	r := []image.Rectangle{image.Rect(100, 100, 110, 110)}
	for b.Loop() {
		im.PolyFillRectangle(&gc, r)
	}
}

func BenchmarkFillRect100(b *testing.B) {
	im := NewImage(640, 480)
	gc := DefaultGC()
	r := []image.Rectangle{image.Rect(100, 100, 200, 200)}
	for b.Loop() {
		im.PolyFillRectangle(&gc, r)
	}
}

func BenchmarkLine10(b *testing.B) {
	im := NewImage(640, 480)
	gc := DefaultGC()
	s := []Segment{{100, 100, 110, 104}}
	for b.Loop() {
		im.PolySegment(&gc, s)
	}
}

func BenchmarkLine10Clipped(b *testing.B) {
	im := NewImage(640, 480)
	gc := DefaultGC()
	gc.Clip = []image.Rectangle{image.Rect(0, 0, 105, 480), image.Rect(105, 0, 640, 102)}
	s := []Segment{{100, 100, 110, 104}}
	for b.Loop() {
		im.PolySegment(&gc, s)
	}
}

func BenchmarkPolyLine100(b *testing.B) {
	im := NewImage(640, 480)
	gc := DefaultGC()
	pts := []image.Point{{10, 10}, {110, 40}, {60, 140}, {10, 10}}
	for b.Loop() {
		im.PolyLine(&gc, pts)
	}
}

func BenchmarkWideLine100(b *testing.B) {
	im := NewImage(640, 480)
	gc := DefaultGC()
	gc.LineWidth = 5
	pts := []image.Point{{10, 10}, {110, 40}, {60, 140}}
	for b.Loop() {
		im.PolyLine(&gc, pts)
	}
}

func BenchmarkFillPolygon100(b *testing.B) {
	im := NewImage(640, 480)
	gc := DefaultGC()
	pts := []image.Point{{10, 10}, {110, 30}, {80, 110}, {20, 90}}
	for b.Loop() {
		im.FillPolygon(&gc, pts, ShapeComplex)
	}
}

func BenchmarkPolyFillArc100(b *testing.B) {
	im := NewImage(640, 480)
	gc := DefaultGC()
	a := []Arc{{100, 100, 100, 100, 0, 360 * 64}}
	for b.Loop() {
		im.PolyFillArc(&gc, a)
	}
}

func BenchmarkPolyArc100(b *testing.B) {
	im := NewImage(640, 480)
	gc := DefaultGC()
	a := []Arc{{100, 100, 100, 100, 0, 360 * 64}}
	for b.Loop() {
		im.PolyArc(&gc, a)
	}
}

func BenchmarkText80(b *testing.B) {
	im := NewImage(800, 100)
	gc := DefaultGC()
	s := "The quick brown fox jumps over the lazy dog. 0123456789 ABCDEFGHIJKLMNOPQRSTUV"
	for b.Loop() {
		im.DrawText(&gc, 5, 50, s, true)
	}
}

func BenchmarkPutImage100(b *testing.B) {
	im := NewImage(640, 480)
	gc := DefaultGC()
	pix := make([]uint32, 100*100)
	r := image.Rect(50, 50, 150, 150)
	for b.Loop() {
		im.PutImage(&gc, r, pix)
	}
}

func BenchmarkCopyArea100(b *testing.B) {
	im := NewImage(640, 480)
	gc := DefaultGC()
	sr := image.Rect(50, 50, 150, 150)
	for b.Loop() {
		im.CopyArea(im, sr, image.Pt(60, 55), &gc)
	}
}

// BenchmarkSegments10Random draws x11perf-like 10-pixel segments in random
// directions, whose minor steps a branch predictor cannot learn (unlike
// BenchmarkLine10's single fixed slope). Reported per segment.
func BenchmarkSegments10Random(b *testing.B) {
	im := NewImage(640, 480)
	gc := DefaultGC()
	rng := rand.New(rand.NewPCG(1, 2))
	segs := make([]Segment, 100)
	for i := range segs {
		x, y := 20+rng.IntN(600), 20+rng.IntN(440)
		a := rng.Float64() * 2 * math.Pi
		segs[i] = Segment{x, y, x + int(10*math.Cos(a)), y + int(10*math.Sin(a))}
	}
	for b.Loop() {
		im.PolySegment(&gc, segs)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(segs)), "ns/segment")
}
