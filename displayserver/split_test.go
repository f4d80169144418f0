package displayserver

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/render"
)

// TestSplitRequestsDrawTheSamePixels sends requests large enough to be
// cut into pieces (split.go) with GXxor, where painting a pixel twice or
// not at all would show, and compares the pixmap with render drawing each
// request whole.
func TestSplitRequestsDrawTheSamePixels(t *testing.T) {
	s := startServer(t, Config{})
	c := dialRaw(t, s, "zstd")
	const W, H = 1100, 1000 // over splitBudget: the big rectangle is filled in bands
	rng := rand.New(rand.NewPCG(1, 2))
	pm, gc := c.id(), c.id()
	vals := protocol.GCValues{ValueMask: protocol.GCFunction | protocol.GCForeground | protocol.GCFillRule | protocol.GCLineWidth,
		Function: uint8(render.GXxor), Foreground: 0x00ff7f, FillRule: uint8(render.WindingRule), LineWidth: 9}
	c.send(&protocol.CreatePixmap{Pixmap: pm, Drawable: rootID, Width: W, Height: H},
		&protocol.CreateGC{GC: gc, Drawable: pm, Values: vals})
	want := render.NewImage(W, H)
	g := render.DefaultGC()
	g.Foreground, g.Background = 0, 1
	applyGCValues(&g, &vals)

	pts := make([]protocol.Point, 10000) // filled in 3 bands of rows
	ipts := make([]image.Point, len(pts))
	for i := range pts {
		pts[i] = protocol.Point{X: int16(rng.IntN(500) - 100), Y: int16(rng.IntN(500) - 100)}
		ipts[i] = image.Pt(int(pts[i].X), int(pts[i].Y))
	}
	rects := make([]protocol.Rect, 200)                                            // 200 x ~40,000 px: several pieces
	rects = append(rects[:199], protocol.Rect{X: -300, Y: -300, W: 4000, H: 4000}) // over the budget alone: bands
	irects := make([]image.Rectangle, len(rects))
	for i := range rects[:199] {
		rects[i] = protocol.Rect{X: int16(rng.IntN(W) - 50), Y: int16(rng.IntN(H) - 50), W: uint16(rng.IntN(300)), H: uint16(rng.IntN(300))}
	}
	for i := range rects {
		irects[i] = rect(rects[i])
	}
	segs := make([]protocol.Segment, 400)
	isegs := make([]render.Segment, len(segs))
	for i := range segs {
		segs[i] = protocol.Segment{X1: int16(rng.IntN(W)), Y1: int16(rng.IntN(H)), X2: int16(rng.IntN(W)), Y2: int16(rng.IntN(H))}
		s := segs[i]
		isegs[i] = render.Segment{X1: int(s.X1), Y1: int(s.Y1), X2: int(s.X2), Y2: int(s.Y2)}
	}
	line := make([]protocol.Point, 4000) // a wide polyline in bands of rows
	iline := make([]image.Point, len(line))
	for i := range line {
		line[i] = protocol.Point{X: int16(rng.IntN(W+200) - 100), Y: int16(rng.IntN(H+200) - 100)}
		iline[i] = image.Pt(int(line[i].X), int(line[i].Y))
	}
	c.send(&protocol.PolyPoint{Op: protocol.OpPolyLine, Drawable: pm, GC: gc, Points: line},
		&protocol.FillPoly{Drawable: pm, GC: gc, Points: pts},
		&protocol.PolyRect{Op: protocol.OpPolyFillRectangle, Drawable: pm, GC: gc, Rects: rects},
		&protocol.PolySegment{Drawable: pm, GC: gc, Segments: segs})
	want.PolyLine(&g, iline)
	want.FillPolygon(&g, ipts, 0)
	want.PolyFillRectangle(&g, irects)
	want.PolySegment(&g, isegs)
	if errs := c.sync(); len(errs) != 0 {
		t.Fatal(errs)
	}
	b := c.ask(&protocol.GetImage{Drawable: pm, W: W, H: H})
	rep, err := protocol.DecodeImageReply(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Pix) != W*H {
		t.Fatalf("GetImage returned %d pixels, want %dx%d", len(rep.Pix), W, H)
	}
	diff := 0
	for i, p := range rep.Pix {
		if p != want.Pix[i] {
			diff++
		}
	}
	if diff != 0 {
		t.Fatalf("%d of %d pixels differ from drawing the requests whole", diff, W*H)
	}
}
