package displayserver_test

import (
	"fmt"
	"image"
	"io"
	"log/slog"
	"testing"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/render"
	"github.com/xfar/xfar/render/rendertest"
	"github.com/xfar/xfar/xclient"
)

// TestConformanceThroughXclient is issue #2 end to end: the conformance
// scene is drawn once through xgb on a real Xvfb and once through xclient
// on a real display server over a TCP socket, both are read back with
// GetImage and compared group by group. Thin lines, points and rectangles
// must match X pixel for pixel; the other groups must reach the floors
// rendertest sets, and their shares are logged.
func TestConformanceThroughXclient(t *testing.T) {
	scene := rendertest.Conformance()

	xconn := rendertest.StartXvfb(t)
	xt, err := rendertest.NewXTarget(xconn, scene.W, scene.H)
	if err != nil {
		t.Fatal(err)
	}
	xt.PlayScene(scene)
	want, err := xt.Snapshot()
	if err != nil {
		t.Fatalf("read back from Xvfb: %v", err)
	}

	srv, err := displayserver.New(displayserver.Config{
		TCPAddr: "127.0.0.1:0", UnixPath: "none", HTTPAddr: "none",
		NoAuth: true, AuthFile: "none",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c, err := xclient.DialAddr("tcp", srv.TCPAddr().String())
	if err != nil {
		t.Fatalf("dial display server: %v", err)
	}
	t.Cleanup(func() { c.Close() })

	got, err := playXclient(c, scene)
	if err != nil {
		t.Fatal(err)
	}

	for _, g := range scene.Groups {
		d := rendertest.Compare(want, got, g.Region)
		t.Logf("conformance via xclient: %s %.2f%% identical (drawn pixels %.2f%%: %d/%d)",
			g.Name, 100*d.Share(), 100*d.InkShare(), d.InkSame, d.Ink)
		if d.Ink == 0 {
			t.Errorf("%s: nothing drawn on either side; the scene or the readback is broken", g.Name)
			continue
		}
		if g.Exact {
			if d.Same != d.Total {
				p := rendertest.WriteDiffPNG(t, "xclient-"+g.Name, want, got, g.Region)
				t.Errorf("%s: not pixel exact via xclient, first difference at %v (X %06x, xfar %06x); diff in %s",
					g.Name, d.First, want.At32(d.First.X, d.First.Y), got.At32(d.First.X, d.First.Y), p)
			}
			continue
		}
		if d.InkShare() < g.MinShare {
			p := rendertest.WriteDiffPNG(t, "xclient-"+g.Name, want, got, g.Region)
			t.Errorf("%s: %.2f%% of drawn pixels identical via xclient, below the %.2f%% floor; diff in %s",
				g.Name, 100*d.InkShare(), 100*g.MinShare, p)
		}
	}
}

// playXclient draws the scene into a new pixmap through c and reads it
// back. One GC carries every op's state, loaded in full before each op,
// as the Xvfb side does.
func playXclient(c *xclient.Conn, s rendertest.Scene) (*render.Image, error) {
	pm, err := c.CreatePixmap(c.Root(), s.W, s.H) // starts black, as the X target
	if err != nil {
		return nil, err
	}
	gc, err := c.CreateGC(pm, nil)
	if err != nil {
		return nil, err
	}
	for _, g := range s.Groups {
		for i := range g.Ops {
			if err := playOp(c, pm, gc, &g.Ops[i]); err != nil {
				return nil, err
			}
		}
	}
	img, err := c.GetImage(pm, 0, 0, s.W, s.H)
	if err != nil {
		return nil, err
	}
	// The GetImage reply comes after every earlier request was handled, so
	// an asynchronous error from the scene is queued by now.
	if ev, err := c.PollEvent(); err != nil {
		return nil, fmt.Errorf("drawing the scene: %w", err)
	} else if ev != nil {
		return nil, fmt.Errorf("unexpected event %d while drawing the scene", ev.Code)
	}
	out := render.NewImage(s.W, s.H)
	for y := 0; y < s.H; y++ {
		for x := 0; x < s.W; x++ {
			i := img.PixOffset(x, y)
			out.Pix[y*s.W+x] = uint32(img.Pix[i])<<16 | uint32(img.Pix[i+1])<<8 | uint32(img.Pix[i+2])
		}
	}
	return out, nil
}

// loadGC sets every field of gc from a render.GC.
func loadGC(c *xclient.Conn, gc xclient.GC, g *render.GC) error {
	err := c.ChangeGC(gc, xclient.GCValues{
		Mask: protocol.GCFunction | protocol.GCPlaneMask | protocol.GCForeground | protocol.GCBackground |
			protocol.GCLineWidth | protocol.GCLineStyle | protocol.GCCapStyle | protocol.GCJoinStyle |
			protocol.GCFillRule | protocol.GCArcMode | protocol.GCClipOrigin,
		Function:   uint8(g.Function),
		PlaneMask:  g.PlaneMask,
		Foreground: g.Foreground,
		Background: g.Background,
		LineWidth:  g.LineWidth,
		LineStyle:  uint8(g.LineStyle),
		CapStyle:   uint8(g.CapStyle),
		JoinStyle:  uint8(g.JoinStyle),
		FillRule:   uint8(g.FillRule),
		ArcMode:    uint8(g.ArcMode),
		ClipX:      g.ClipOrigin.X,
		ClipY:      g.ClipOrigin.Y,
	})
	if err != nil {
		return err
	}
	d := g.Dashes
	if len(d) == 0 {
		d = []uint8{4, 4}
	}
	if err := c.SetDashes(gc, g.DashOffset, d); err != nil {
		return err
	}
	if g.Clip == nil {
		return c.ClearClip(gc)
	}
	rs := make([]xclient.Rect, len(g.Clip))
	for i, r := range g.Clip {
		rs[i] = rect(r)
	}
	return c.SetClipRectangles(gc, g.ClipOrigin.X, g.ClipOrigin.Y, rs)
}

func rect(r image.Rectangle) xclient.Rect {
	return xclient.Rect{X: int16(r.Min.X), Y: int16(r.Min.Y), W: uint16(r.Dx()), H: uint16(r.Dy())}
}

func points(ps []image.Point) []xclient.Point {
	out := make([]xclient.Point, len(ps))
	for i, p := range ps {
		out[i] = xclient.Point{X: int16(p.X), Y: int16(p.Y)}
	}
	return out
}

func arcs(as []render.Arc) []xclient.Arc {
	out := make([]xclient.Arc, len(as))
	for i, a := range as {
		out[i] = xclient.Arc{X: int16(a.X), Y: int16(a.Y), W: uint16(a.W), H: uint16(a.H), Angle1: int16(a.Angle1), Angle2: int16(a.Angle2)}
	}
	return out
}

// playOp sends one rendertest op through xclient.
func playOp(c *xclient.Conn, d xclient.Drawable, gc xclient.GC, op *rendertest.Op) error {
	if err := loadGC(c, gc, &op.GC); err != nil {
		return err
	}
	switch op.Kind {
	case rendertest.OpPoints:
		return c.DrawPoints(d, gc, points(op.Points), protocol.CoordModeOrigin)
	case rendertest.OpPolyLine:
		return c.DrawLines(d, gc, points(op.Points), protocol.CoordModeOrigin)
	case rendertest.OpSegments:
		ss := make([]xclient.Segment, len(op.Segs))
		for i, s := range op.Segs {
			ss[i] = xclient.Segment{X1: int16(s.X1), Y1: int16(s.Y1), X2: int16(s.X2), Y2: int16(s.Y2)}
		}
		return c.DrawSegments(d, gc, ss)
	case rendertest.OpRects, rendertest.OpFillRects:
		rs := make([]xclient.Rect, len(op.Rects))
		for i, r := range op.Rects {
			rs[i] = rect(r)
		}
		if op.Kind == rendertest.OpRects {
			return c.DrawRectangles(d, gc, rs)
		}
		return c.FillRectangles(d, gc, rs)
	case rendertest.OpFillPoly:
		return c.FillPolygon(d, gc, points(op.Points), uint8(op.Shape), protocol.CoordModeOrigin)
	case rendertest.OpArcs:
		return c.DrawArcs(d, gc, arcs(op.Arcs))
	case rendertest.OpFillArcs:
		return c.FillArcs(d, gc, arcs(op.Arcs))
	}
	return nil
}
