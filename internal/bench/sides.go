package bench

import (
	"errors"
	"fmt"
	"net"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// side is one client/server pair a workload runs on.
type side interface {
	// Name is the column heading: "xfar", "X (xgb)", "X (Xlib-style)".
	Name() string
	// Run performs n operations of w (rounded up to whole requests) and
	// ends with a round trip, so the server has really done them. It
	// returns how many operations it performed.
	Run(w *Workload, n int) (int, error)
	Close() error
}

// reqs is how many requests carry n operations, and the operations they
// carry.
func reqs(w *Workload, n int) (int, int) {
	r := max(1, (n+w.PerReq-1)/w.PerReq)
	return r, r * w.PerReq
}

// ---- xfar through xclient ----

type xfarSide struct {
	name string
	c    *xclient.Conn
	win  xclient.Window
	gc   xclient.GC
}

// newXfarSide dials a display server on nc's far end (already connected)
// and creates the 600x600 window the workloads draw into.
func newXfarSide(name string, nc net.Conn, opts ...xclient.Option) (*xfarSide, error) {
	c, err := xclient.DialConn(nc, opts...)
	if err != nil {
		return nil, fmt.Errorf("xfar handshake: %w", err)
	}
	s := &xfarSide{name: name, c: c}
	if err := s.setup(); err != nil {
		c.Close()
		return nil, err
	}
	return s, nil
}

func (s *xfarSide) setup() error {
	var err error
	s.win, err = s.c.CreateWindow(s.c.Root(), 0, 0, area, area, &xclient.WindowOptions{Background: 0})
	if err != nil {
		return err
	}
	if err := s.c.MapWindow(s.win); err != nil {
		return err
	}
	s.gc, err = s.c.CreateGC(s.win, &xclient.GCValues{
		Mask:       protocol.GCForeground | protocol.GCBackground | protocol.GCGraphicsExposures,
		Foreground: 0xffffff,
	})
	if err != nil {
		return err
	}
	return s.sync()
}

// sync waits for the server and fails on any asynchronous error the
// requests before it caused: a broken workload must not look fast.
func (s *xfarSide) sync() error {
	if err := s.c.Sync(); err != nil {
		return fmt.Errorf("xfar sync: %w", err)
	}
	for {
		ev, err := s.c.PollEvent()
		if err != nil {
			return fmt.Errorf("xfar: %w", err)
		}
		if ev == nil {
			return nil
		}
	}
}

func (s *xfarSide) Name() string  { return s.name }
func (s *xfarSide) Close() error  { return s.c.Close() }
func (s *xfarSide) codec() string { return s.c.Codec() }

func (s *xfarSide) Run(w *Workload, n int) (int, error) {
	nreq, ops := reqs(w, n)
	p := &w.pool
	c, d, gc := s.c, s.win, s.gc
	var err error
	for i := 0; i < nreq && err == nil; i++ {
		k := i % w.pool.n
		switch w.kind {
		case kLine:
			if w.PerReq == 1 {
				q := p.points[k]
				err = c.DrawLine(d, gc, int(q[0].X), int(q[0].Y), int(q[1].X), int(q[1].Y))
			} else {
				err = c.DrawLines(d, gc, p.points[k], protocol.CoordModeOrigin)
			}
		case kSegment:
			err = c.DrawSegments(d, gc, p.segs[k][:w.PerReq])
		case kRect:
			err = c.DrawRectangles(d, gc, p.rects[k])
		case kFillRect:
			err = c.FillRectangles(d, gc, p.rects[k])
		case kFillArc:
			err = c.FillArcs(d, gc, p.arcs[k])
		case kText:
			err = c.DrawText(d, gc, int(p.at[k].X), int(p.at[k].Y), p.text[k])
		case kPutImage:
			err = c.PutPixels(d, gc, int(p.at[k].X), int(p.at[k].Y), p.imgW, p.imgH, p.pix[k])
		case kCopyArea:
			err = c.CopyArea(d, d, gc, int(p.from[k].X), int(p.from[k].Y), 100, 100, int(p.at[k].X), int(p.at[k].Y))
		case kWindow:
			var cw xclient.Window
			cw, err = c.CreateWindow(d, int(p.at[k].X), int(p.at[k].Y), 50, 50, &xclient.WindowOptions{Background: 0x3060a0})
			if err == nil {
				err = c.MapWindow(cw)
			}
			if err == nil {
				err = c.DestroyWindow(cw)
			}
		case kRoundTrip:
			err = c.Sync()
		}
	}
	if err != nil {
		return 0, fmt.Errorf("xfar %s: %w", w.Name, err)
	}
	if w.kind == kRoundTrip {
		return ops, nil
	}
	return ops, s.sync()
}

// ---- X through xgb ----

type xgbSide struct {
	c     *xgb.Conn
	win   xproto.Window
	gc    xproto.Gcontext
	depth byte
	// converted holds each workload's pool in xgb's types, made once: an
	// xgb program holds its geometry in these types.
	converted map[*Workload]*xgbPool
}

type xgbPool struct {
	points [][]xproto.Point
	segs   [][]xproto.Segment
	rects  [][]xproto.Rectangle
	arcs   [][]xproto.Arc
	items  [][]byte // PolyText8 items
}

// newXgbSide connects xgb over nc and creates a 600x600 window at x0 on
// the root.
func newXgbSide(nc net.Conn, x0 int) (*xgbSide, error) {
	c, err := xgb.NewConnNet(nc)
	if err != nil {
		return nil, fmt.Errorf("xgb connect: %w", err)
	}
	s := &xgbSide{c: c, converted: map[*Workload]*xgbPool{}}
	if err := s.setup(x0); err != nil {
		c.Close()
		return nil, err
	}
	return s, nil
}

func (s *xgbSide) setup(x0 int) error {
	scr := xproto.Setup(s.c).DefaultScreen(s.c)
	s.depth = scr.RootDepth
	win, err := xproto.NewWindowId(s.c)
	if err != nil {
		return err
	}
	s.win = win
	if err := xproto.CreateWindowChecked(s.c, 0, win, scr.Root, int16(x0), 0, area, area, 0,
		xproto.WindowClassInputOutput, 0, xproto.CwBackPixel, []uint32{0}).Check(); err != nil {
		return fmt.Errorf("xgb create window: %w", err)
	}
	xproto.MapWindow(s.c, win)
	gc, err := xproto.NewGcontextId(s.c)
	if err != nil {
		return err
	}
	s.gc = gc
	font, err := xproto.NewFontId(s.c)
	if err != nil {
		return err
	}
	if err := xproto.OpenFontChecked(s.c, font, uint16(len("fixed")), "fixed").Check(); err != nil {
		return fmt.Errorf("xgb open font fixed: %w", err)
	}
	return xproto.CreateGCChecked(s.c, gc, xproto.Drawable(win),
		xproto.GcForeground|xproto.GcBackground|xproto.GcFont|xproto.GcGraphicsExposures,
		[]uint32{0xffffff, 0, uint32(font), 0}).Check()
}

func (s *xgbSide) Name() string { return "X (xgb)" }
func (s *xgbSide) Close() error { s.c.Close(); return nil }

func (s *xgbSide) pool(w *Workload) *xgbPool {
	if xp := s.converted[w]; xp != nil {
		return xp
	}
	xp := &xgbPool{}
	p := &w.pool
	for _, pts := range p.points {
		xs := make([]xproto.Point, len(pts))
		for i, q := range pts {
			xs[i] = xproto.Point{X: q.X, Y: q.Y}
		}
		xp.points = append(xp.points, xs)
	}
	for _, ss := range p.segs {
		xs := make([]xproto.Segment, len(ss))
		for i, q := range ss {
			xs[i] = xproto.Segment{X1: q.X1, Y1: q.Y1, X2: q.X2, Y2: q.Y2}
		}
		xp.segs = append(xp.segs, xs)
	}
	for _, rs := range p.rects {
		xs := make([]xproto.Rectangle, len(rs))
		for i, q := range rs {
			xs[i] = xproto.Rectangle{X: q.X, Y: q.Y, Width: q.W, Height: q.H}
		}
		xp.rects = append(xp.rects, xs)
	}
	for _, as := range p.arcs {
		xs := make([]xproto.Arc, len(as))
		for i, q := range as {
			xs[i] = xproto.Arc{X: q.X, Y: q.Y, Width: q.W, Height: q.H, Angle1: q.Angle1, Angle2: q.Angle2}
		}
		xp.arcs = append(xp.arcs, xs)
	}
	for _, t := range p.text {
		xp.items = append(xp.items, append([]byte{byte(len(t)), 0}, t...))
	}
	s.converted[w] = xp
	return xp
}

// sync is XSync: a GetInputFocus round trip, then a check that no error
// arrived for the requests before it.
func (s *xgbSide) sync() error {
	if _, err := xproto.GetInputFocus(s.c).Reply(); err != nil {
		return fmt.Errorf("xgb round trip: %w", err)
	}
	for {
		ev, err := s.c.PollForEvent()
		if err != nil {
			return fmt.Errorf("X: %v", err)
		}
		if ev == nil {
			return nil
		}
	}
}

func (s *xgbSide) Run(w *Workload, n int) (int, error) {
	nreq, ops := reqs(w, n)
	p, xp := &w.pool, s.pool(w)
	c, d, gc := s.c, xproto.Drawable(s.win), s.gc
	for i := range nreq {
		k := i % w.pool.n
		switch w.kind {
		case kLine:
			xproto.PolyLine(c, xproto.CoordModeOrigin, d, gc, xp.points[k][:w.PerReq+1])
		case kSegment:
			xproto.PolySegment(c, d, gc, xp.segs[k][:w.PerReq])
		case kRect:
			xproto.PolyRectangle(c, d, gc, xp.rects[k])
		case kFillRect:
			xproto.PolyFillRectangle(c, d, gc, xp.rects[k])
		case kFillArc:
			xproto.PolyFillArc(c, d, gc, xp.arcs[k])
		case kText:
			xproto.PolyText8(c, d, gc, p.at[k].X, p.at[k].Y, xp.items[k])
		case kPutImage:
			xproto.PutImage(c, xproto.ImageFormatZPixmap, d, gc, uint16(p.imgW), uint16(p.imgH), p.at[k].X, p.at[k].Y, 0, s.depth, p.xbytes[k])
		case kCopyArea:
			xproto.CopyArea(c, d, d, gc, p.from[k].X, p.from[k].Y, p.at[k].X, p.at[k].Y, 100, 100)
		case kWindow:
			cw, err := xproto.NewWindowId(c)
			if err != nil {
				return 0, fmt.Errorf("xgb window id: %w", err)
			}
			xproto.CreateWindow(c, 0, cw, s.win, p.at[k].X, p.at[k].Y, 50, 50, 0,
				xproto.WindowClassInputOutput, 0, xproto.CwBackPixel, []uint32{0x3060a0})
			xproto.MapWindow(c, cw)
			xproto.DestroyWindow(c, cw)
		case kRoundTrip:
			if _, err := xproto.GetInputFocus(c).Reply(); err != nil {
				return 0, fmt.Errorf("xgb round trip: %w", err)
			}
		}
	}
	if w.kind == kRoundTrip {
		return ops, nil
	}
	return ops, s.sync()
}

// ---- X through the Xlib-style raw client ----

type rawSide struct {
	x       *rawX
	win, gc uint32
}

// newRawSide runs the X setup over nc and creates a 600x600 window at x0.
func newRawSide(nc net.Conn, x0 int) (*rawSide, error) {
	x, err := dialRawX(nc)
	if err != nil {
		nc.Close()
		return nil, err
	}
	s := &rawSide{x: x, win: x.newID(), gc: x.newID()}
	font := x.newID()
	err = errors.Join(
		x.createWindow(s.win, x.root, x0, 0, area, area, 0),
		x.windowOp(8, s.win), // MapWindow
		x.createGC(s.gc, s.win, 0xffffff),
		x.openFont(font, s.gc, "fixed"),
	)
	if err == nil {
		err = x.roundTrip()
	}
	if err != nil {
		x.close()
		return nil, fmt.Errorf("X (Xlib-style) setup: %w", err)
	}
	return s, nil
}

func (s *rawSide) Name() string { return "X (Xlib-style)" }
func (s *rawSide) Close() error { return s.x.close() }

func (s *rawSide) Run(w *Workload, n int) (int, error) {
	nreq, ops := reqs(w, n)
	p, x, d, gc := &w.pool, s.x, s.win, s.gc
	var err error
	for i := 0; i < nreq && err == nil; i++ {
		k := i % w.pool.n
		switch w.kind {
		case kLine:
			err = x.polyPoints(65, d, gc, p.points[k][:w.PerReq+1])
		case kSegment:
			err = x.polySegment(d, gc, p.segs[k][:w.PerReq])
		case kRect:
			err = x.polyRects(67, d, gc, p.rects[k])
		case kFillRect:
			err = x.polyRects(70, d, gc, p.rects[k])
		case kFillArc:
			err = x.polyFillArc(d, gc, p.arcs[k])
		case kText:
			err = x.polyText8(d, gc, int(p.at[k].X), int(p.at[k].Y), p.text[k])
		case kPutImage:
			err = x.putImage(d, gc, int(p.at[k].X), int(p.at[k].Y), p.imgW, p.imgH, p.xbytes[k])
		case kCopyArea:
			err = x.copyArea(d, d, gc, int(p.from[k].X), int(p.from[k].Y), int(p.at[k].X), int(p.at[k].Y), 100, 100)
		case kWindow:
			cw := x.newID()
			err = errors.Join(
				x.createWindow(cw, d, int(p.at[k].X), int(p.at[k].Y), 50, 50, 0x3060a0),
				x.windowOp(8, cw),
				x.windowOp(4, cw), // DestroyWindow
			)
		case kRoundTrip:
			err = x.roundTrip()
		}
	}
	if err != nil {
		return 0, fmt.Errorf("X (Xlib-style) %s: %w", w.Name, err)
	}
	if w.kind == kRoundTrip {
		return ops, nil
	}
	return ops, x.roundTrip()
}
