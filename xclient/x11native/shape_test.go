package x11native

import (
	"net"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/shape"
	"github.com/jezek/xgb/xproto"
)

// TestShapeRequests: through xgb's SHAPE binding, the extension is
// present (version 1.1); ShapeRectangles with an offset, Union and
// Subtract, ShapeOffset and ShapeCombine give the regions X's set
// operations say (GetRectangles, QueryExtents); a selecting client gets
// ShapeNotify with the new extents; ShapeMask with None makes the window
// unshaped again.
func TestShapeRequests(t *testing.T) {
	s, _ := startServer(t)
	nc, err := net.Dial("unix", s.SocketPath())
	if err != nil {
		t.Fatal(err)
	}
	x, err := xgb.NewConnNet(nc)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if err := shape.Init(x); err != nil {
		t.Fatalf("SHAPE: %v", err)
	}
	v, err := shape.QueryVersion(x).Reply()
	if err != nil || v.MajorVersion != 1 || v.MinorVersion != 1 {
		t.Fatalf("QueryVersion %+v, %v; want 1.1", v, err)
	}
	scr := xproto.Setup(x).DefaultScreen(x)
	wid, _ := xproto.NewWindowId(x)
	xproto.CreateWindow(x, 24, wid, scr.Root, 10, 20, 100, 50, 2, xproto.WindowClassInputOutput,
		scr.RootVisual, xproto.CwBackPixel, []uint32{0xffffff})
	other, _ := xproto.NewWindowId(x)
	xproto.CreateWindow(x, 24, other, scr.Root, 0, 0, 30, 30, 0, xproto.WindowClassInputOutput,
		scr.RootVisual, 0, nil)
	shape.SelectInput(x, wid, true)

	rects := func(kind shape.Kind) []xproto.Rectangle {
		t.Helper()
		r, err := shape.GetRectangles(x, wid, kind).Reply()
		if err != nil {
			t.Fatal(err)
		}
		return r.Rectangles
	}
	ext, err := shape.QueryExtents(x, wid).Reply()
	if err != nil || ext.BoundingShaped || ext.ClipShaped || ext.BoundingShapeExtentsX != -2 || ext.BoundingShapeExtentsWidth != 104 ||
		ext.ClipShapeExtentsWidth != 100 || ext.ClipShapeExtentsHeight != 50 {
		t.Fatalf("unshaped extents %+v, %v; want bounding -2,-2 104x54, clip 100x50", ext, err)
	}

	// Two overlapping squares, placed with the request's offset (5, 5).
	shape.Rectangles(x, shape.SoSet, shape.SkBounding, 0, wid, 5, 5,
		[]xproto.Rectangle{{X: 0, Y: 0, Width: 20, Height: 20}, {X: 10, Y: 10, Width: 20, Height: 20}})
	deadline := time.Now().Add(10 * time.Second)
	for {
		ev, xerr := x.WaitForEvent()
		if xerr != nil {
			t.Fatalf("error instead of ShapeNotify: %v", xerr)
		}
		if n, ok := ev.(shape.NotifyEvent); ok {
			if n.AffectedWindow != wid || n.ShapeKind != shape.SkBounding || !n.Shaped ||
				n.ExtentsX != 5 || n.ExtentsY != 5 || n.ExtentsWidth != 30 || n.ExtentsHeight != 30 {
				t.Fatalf("ShapeNotify %+v; want window %#x bounding shaped, extents 5,5 30x30", n, wid)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no ShapeNotify")
		}
	}
	got := rects(shape.SkBounding)
	want := []xproto.Rectangle{{X: 5, Y: 5, Width: 20, Height: 10}, {X: 5, Y: 15, Width: 30, Height: 10}, {X: 15, Y: 25, Width: 20, Height: 10}}
	if !equalRects(got, want) {
		t.Fatalf("bounding after Set of two squares: %v, want %v", got, want)
	}
	// Subtract a band across the middle, then move the whole by (-5, -5).
	shape.Rectangles(x, shape.SoSubtract, shape.SkBounding, 0, wid, 0, 0, []xproto.Rectangle{{X: 0, Y: 15, Width: 100, Height: 10}})
	shape.Offset(x, shape.SkBounding, wid, -5, -5)
	want = []xproto.Rectangle{{X: 0, Y: 0, Width: 20, Height: 10}, {X: 10, Y: 20, Width: 20, Height: 10}}
	if got := rects(shape.SkBounding); !equalRects(got, want) {
		t.Fatalf("bounding after Subtract and Offset: %v, want %v", got, want)
	}
	// Combine: the clip region becomes the other window's bounding
	// (its default: 30x30) intersected with this one's clip.
	shape.Combine(x, shape.SoIntersect, shape.SkClip, shape.SkBounding, wid, 80, 40, other)
	if got := rects(shape.SkClip); !equalRects(got, []xproto.Rectangle{{X: 80, Y: 40, Width: 20, Height: 10}}) {
		t.Fatalf("clip after Combine: %v, want 80,40 20x10", got)
	}
	shape.Mask(x, shape.SoSet, shape.SkBounding, wid, 0, 0, 0)
	ext, err = shape.QueryExtents(x, wid).Reply()
	if err != nil || ext.BoundingShaped || !ext.ClipShaped {
		t.Fatalf("after ShapeMask None: %+v, %v; want bounding unshaped, clip shaped", ext, err)
	}
}

func equalRects(a, b []xproto.Rectangle) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
