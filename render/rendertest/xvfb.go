package rendertest

import (
	"context"
	"fmt"
	"image"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/internal/xvfb"
	"github.com/xfar/xfar/render"
)

// StartXvfb starts a private Xvfb (640x480, depth 24, no TCP) on a free
// display number, connects to it and registers cleanup that closes the
// connection and stops the server. A missing Xvfb fails the test rather
// than skipping it: conformance with X is a requirement, and CI installs
// Xvfb.
func StartXvfb(t testing.TB) *xgb.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := xvfb.Start(ctx, xvfb.Options{Width: 640, Height: 480, Depth: 24})
	if err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	conn, err := xgb.NewConnDisplay(srv.Display)
	if err != nil {
		srv.Stop()
		t.Fatalf("connect to Xvfb %s: %v", srv.Display, err)
	}
	t.Cleanup(func() {
		conn.Close()
		srv.Stop()
	})
	return conn
}

// XTarget is an X pixmap with a GC, the drawable scenes are played into.
type XTarget struct {
	Conn   *xgb.Conn
	Pixmap xproto.Pixmap
	GC     xproto.Gcontext
	W, H   int
}

// NewXTarget creates a depth-24 pixmap of w x h filled black.
func NewXTarget(conn *xgb.Conn, w, h int) (*XTarget, error) {
	screen := xproto.Setup(conn).DefaultScreen(conn)
	pix, err := xproto.NewPixmapId(conn)
	if err != nil {
		return nil, err
	}
	if err := xproto.CreatePixmapChecked(conn, 24, pix, xproto.Drawable(screen.Root), uint16(w), uint16(h)).Check(); err != nil {
		return nil, fmt.Errorf("create pixmap: %w", err)
	}
	gc, err := xproto.NewGcontextId(conn)
	if err != nil {
		return nil, err
	}
	if err := xproto.CreateGCChecked(conn, gc, xproto.Drawable(pix), xproto.GcForeground|xproto.GcGraphicsExposures, []uint32{0, 0}).Check(); err != nil {
		return nil, fmt.Errorf("create gc: %w", err)
	}
	xproto.PolyFillRectangle(conn, xproto.Drawable(pix), gc, []xproto.Rectangle{{X: 0, Y: 0, Width: uint16(w), Height: uint16(h)}})
	return &XTarget{Conn: conn, Pixmap: pix, GC: gc, W: w, H: h}, nil
}

// setGC loads a render.GC into the X GC.
func (x *XTarget) setGC(gc *render.GC) {
	mask := uint32(xproto.GcFunction | xproto.GcPlaneMask | xproto.GcForeground | xproto.GcBackground |
		xproto.GcLineWidth | xproto.GcLineStyle | xproto.GcCapStyle | xproto.GcJoinStyle |
		xproto.GcFillStyle | xproto.GcFillRule | xproto.GcClipOriginX | xproto.GcClipOriginY |
		xproto.GcDashOffset | xproto.GcArcMode)
	vals := []uint32{
		uint32(gc.Function), gc.PlaneMask, gc.Foreground, gc.Background,
		uint32(gc.LineWidth), uint32(gc.LineStyle), uint32(gc.CapStyle), uint32(gc.JoinStyle),
		xproto.FillStyleSolid, uint32(gc.FillRule), uint32(int32(gc.ClipOrigin.X)), uint32(int32(gc.ClipOrigin.Y)),
		uint32(gc.DashOffset), uint32(gc.ArcMode),
	}
	xproto.ChangeGC(x.Conn, x.GC, mask, vals)
	d := gc.Dashes
	if len(d) == 0 {
		d = []uint8{4, 4}
	}
	xproto.SetDashes(x.Conn, x.GC, uint16(gc.DashOffset), uint16(len(d)), d)
	if gc.Clip == nil {
		xproto.ChangeGC(x.Conn, x.GC, xproto.GcClipMask, []uint32{xproto.PixmapNone})
	} else {
		rs := make([]xproto.Rectangle, len(gc.Clip))
		for i, r := range gc.Clip {
			rs[i] = xRect(r)
		}
		xproto.SetClipRectangles(x.Conn, xproto.ClipOrderingUnsorted, x.GC, int16(gc.ClipOrigin.X), int16(gc.ClipOrigin.Y), rs)
	}
}

func xRect(r image.Rectangle) xproto.Rectangle {
	return xproto.Rectangle{X: int16(r.Min.X), Y: int16(r.Min.Y), Width: uint16(r.Dx()), Height: uint16(r.Dy())}
}

func xPoints(ps []image.Point) []xproto.Point {
	out := make([]xproto.Point, len(ps))
	for i, p := range ps {
		out[i] = xproto.Point{X: int16(p.X), Y: int16(p.Y)}
	}
	return out
}

func xArcs(as []render.Arc) []xproto.Arc {
	out := make([]xproto.Arc, len(as))
	for i, a := range as {
		out[i] = xproto.Arc{X: int16(a.X), Y: int16(a.Y), Width: uint16(a.W), Height: uint16(a.H), Angle1: int16(a.Angle1), Angle2: int16(a.Angle2)}
	}
	return out
}

// PlayOp sends one op to X.
func (x *XTarget) PlayOp(op *Op) {
	x.setGC(&op.GC)
	d := xproto.Drawable(x.Pixmap)
	c := x.Conn
	switch op.Kind {
	case OpPoints:
		xproto.PolyPoint(c, xproto.CoordModeOrigin, d, x.GC, xPoints(op.Points))
	case OpPolyLine:
		xproto.PolyLine(c, xproto.CoordModeOrigin, d, x.GC, xPoints(op.Points))
	case OpSegments:
		ss := make([]xproto.Segment, len(op.Segs))
		for i, s := range op.Segs {
			ss[i] = xproto.Segment{X1: int16(s.X1), Y1: int16(s.Y1), X2: int16(s.X2), Y2: int16(s.Y2)}
		}
		xproto.PolySegment(c, d, x.GC, ss)
	case OpRects, OpFillRects:
		rs := make([]xproto.Rectangle, len(op.Rects))
		for i, r := range op.Rects {
			rs[i] = xRect(r)
		}
		if op.Kind == OpRects {
			xproto.PolyRectangle(c, d, x.GC, rs)
		} else {
			xproto.PolyFillRectangle(c, d, x.GC, rs)
		}
	case OpFillPoly:
		xproto.FillPoly(c, d, x.GC, byte(op.Shape), xproto.CoordModeOrigin, xPoints(op.Points))
	case OpArcs:
		xproto.PolyArc(c, d, x.GC, xArcs(op.Arcs))
	case OpFillArcs:
		xproto.PolyFillArc(c, d, x.GC, xArcs(op.Arcs))
	}
}

// PlayScene sends every op of the scene to X.
func (x *XTarget) PlayScene(s Scene) {
	for _, g := range s.Groups {
		for i := range g.Ops {
			x.PlayOp(&g.Ops[i])
		}
	}
}

// Snapshot reads the pixmap back as a render.Image (ZPixmap, 32 bits per
// pixel little-endian BGRX, reduced to 0x00RRGGBB).
func (x *XTarget) Snapshot() (*render.Image, error) {
	im := render.NewImage(x.W, x.H)
	// Read in bands to stay well below any reply size limit.
	const band = 64
	for y := 0; y < x.H; y += band {
		h := min(band, x.H-y)
		rep, err := xproto.GetImage(x.Conn, xproto.ImageFormatZPixmap, xproto.Drawable(x.Pixmap), 0, int16(y), uint16(x.W), uint16(h), 0xffffffff).Reply()
		if err != nil {
			return nil, fmt.Errorf("GetImage: %w", err)
		}
		if len(rep.Data) < x.W*h*4 {
			return nil, fmt.Errorf("GetImage: %d bytes for %dx%d", len(rep.Data), x.W, h)
		}
		for i := 0; i < x.W*h; i++ {
			b := rep.Data[4*i:]
			im.Pix[y*x.W+i] = uint32(b[2])<<16 | uint32(b[1])<<8 | uint32(b[0])
		}
	}
	return im, nil
}
