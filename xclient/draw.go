package xclient

import (
	"fmt"
	"unicode/utf8"

	"github.com/xfar/xfar/protocol"
)

// Geometry types, as on the wire (X's 16-bit coordinates).
type (
	// Point is a position in a drawable.
	Point = protocol.Point
	// Rect is a rectangle: its top-left corner and size.
	Rect = protocol.Rect
	// Segment is a line from (X1,Y1) to (X2,Y2).
	Segment = protocol.Segment
	// Arc is part of the ellipse inscribed in (X,Y,W,H), from Angle1
	// through Angle2 more, in 64ths of a degree counter-clockwise from
	// three o'clock.
	Arc = protocol.Arc
)

// Fixed body sizes before the variable part, and item sizes, used to split
// long lists into requests the server accepts.
const (
	polyPointFixed = 12 // drawable, gc, mode, pad
	polyFixed      = 8  // drawable, gc
	pointSize      = 4
	segmentSize    = 8
	rectSize       = 8
	arcSize        = 12
)

// perRequest returns how many items of size item fit a request body after
// fixed bytes.
func (c *Conn) perRequest(fixed, item int) int {
	return max((int(c.hello.MaxRequest)-fixed)/item, 1)
}

// drawErr wraps a drawing error with the call and the drawable.
func drawErr(what string, d Drawable, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s on drawable %d: %w", what, did(d), err)
}

// DrawPoint draws one pixel with gc's foreground.
func (c *Conn) DrawPoint(d Drawable, gc GC, x, y int) error {
	var a args
	p := Point{X: a.i16("x", x), Y: a.i16("y", y)}
	if a.err != nil {
		return drawErr("draw point", d, a.err)
	}
	return c.DrawPoints(d, gc, []Point{p}, protocol.CoordModeOrigin)
}

// DrawPoints draws points. With protocol.CoordModePrevious each point is
// relative to the one before.
func (c *Conn) DrawPoints(d Drawable, gc GC, pts []Point, mode uint8) error {
	return drawErr("draw points", d, c.polyPoint(protocol.OpPolyPoint, d, gc, pts, mode))
}

// DrawLine draws a line from (x1,y1) to (x2,y2) inclusive with gc's line
// attributes. It is the hottest request, so it reuses a scratch request
// under the output lock and allocates nothing.
func (c *Conn) DrawLine(d Drawable, gc GC, x1, y1, x2, y2 int) error {
	var a args
	p1 := Point{X: a.i16("x1", x1), Y: a.i16("y1", y1)}
	p2 := Point{X: a.i16("x2", x2), Y: a.i16("y2", y2)}
	if a.err != nil {
		return drawErr("draw line", d, a.err)
	}
	id := did(d)
	c.outMu.Lock()
	c.linePts = [2]Point{p1, p2}
	c.line = protocol.PolyPoint{Op: protocol.OpPolyLine, Drawable: id, GC: uint32(gc), Points: c.linePts[:]}
	_, err := c.sendLocked(&c.line, nil)
	c.line.Points = nil
	c.outMu.Unlock()
	return drawErr("draw line", d, err)
}

// DrawLines draws a connected line through pts (mode as DrawPoints). A
// list too long for one request is split with the joining point repeated,
// so the line stays connected but wide lines get caps there, not a join.
func (c *Conn) DrawLines(d Drawable, gc GC, pts []Point, mode uint8) error {
	return drawErr("draw lines", d, c.polyPoint(protocol.OpPolyLine, d, gc, pts, mode))
}

func (c *Conn) polyPoint(op protocol.Opcode, d Drawable, gc GC, pts []Point, mode uint8) error {
	if mode > protocol.CoordModePrevious {
		return fmt.Errorf("coordinate mode %d", mode)
	}
	n := c.perRequest(polyPointFixed, pointSize)
	if len(pts) > n && mode == protocol.CoordModePrevious {
		// Later chunks cannot start relative to the previous chunk, so the
		// whole list goes out in absolute coordinates (16-bit wrap-around,
		// as the server applies it).
		abs := make([]Point, len(pts))
		var x, y int16
		for i, p := range pts {
			x, y = x+p.X, y+p.Y
			abs[i] = Point{X: x, Y: y}
		}
		pts, mode = abs, protocol.CoordModeOrigin
	}
	step := n
	if op == protocol.OpPolyLine && n > 1 {
		step = n - 1 // each chunk repeats the previous chunk's last point
	}
	c.outMu.Lock()
	defer c.outMu.Unlock()
	for start := 0; ; start += step {
		end := min(start+n, len(pts))
		r := protocol.PolyPoint{Op: op, Drawable: did(d), GC: uint32(gc), CoordMode: mode, Points: pts[start:end]}
		if _, err := c.sendLocked(&r, nil); err != nil {
			return err
		}
		if end == len(pts) {
			return nil
		}
	}
}

// DrawSegments draws unconnected lines.
func (c *Conn) DrawSegments(d Drawable, gc GC, segs []Segment) error {
	n := c.perRequest(polyFixed, segmentSize)
	c.outMu.Lock()
	defer c.outMu.Unlock()
	for start := 0; ; start += n {
		end := min(start+n, len(segs))
		r := protocol.PolySegment{Drawable: did(d), GC: uint32(gc), Segments: segs[start:end]}
		if _, err := c.sendLocked(&r, nil); err != nil {
			return drawErr("draw segments", d, err)
		}
		if end == len(segs) {
			return nil
		}
	}
}

func (c *Conn) polyRect(op protocol.Opcode, d Drawable, gc GC, rects []Rect) error {
	n := c.perRequest(polyFixed, rectSize)
	c.outMu.Lock()
	defer c.outMu.Unlock()
	for start := 0; ; start += n {
		end := min(start+n, len(rects))
		r := protocol.PolyRect{Op: op, Drawable: did(d), GC: uint32(gc), Rects: rects[start:end]}
		if _, err := c.sendLocked(&r, nil); err != nil {
			return err
		}
		if end == len(rects) {
			return nil
		}
	}
}

func rect(x, y, width, height int) (Rect, error) {
	var a args
	r := Rect{X: a.i16("x", x), Y: a.i16("y", y), W: a.u16("width", width), H: a.u16("height", height)}
	return r, a.err
}

// DrawRectangle draws a rectangle's outline, which covers width+1 by
// height+1 pixels, as in X.
func (c *Conn) DrawRectangle(d Drawable, gc GC, x, y, width, height int) error {
	r, err := rect(x, y, width, height)
	if err == nil {
		err = c.polyRect(protocol.OpPolyRectangle, d, gc, []Rect{r})
	}
	return drawErr("draw rectangle", d, err)
}

// DrawRectangles draws rectangle outlines.
func (c *Conn) DrawRectangles(d Drawable, gc GC, rects []Rect) error {
	return drawErr("draw rectangles", d, c.polyRect(protocol.OpPolyRectangle, d, gc, rects))
}

// FillRectangle fills width by height pixels with gc's foreground.
func (c *Conn) FillRectangle(d Drawable, gc GC, x, y, width, height int) error {
	r, err := rect(x, y, width, height)
	if err == nil {
		err = c.polyRect(protocol.OpPolyFillRectangle, d, gc, []Rect{r})
	}
	return drawErr("fill rectangle", d, err)
}

// FillRectangles fills rectangles.
func (c *Conn) FillRectangles(d Drawable, gc GC, rects []Rect) error {
	return drawErr("fill rectangles", d, c.polyRect(protocol.OpPolyFillRectangle, d, gc, rects))
}

// FillPolygon fills the polygon through pts by gc's fill rule. shape
// (protocol.ShapeComplex, ShapeNonconvex, ShapeConvex) is a hint; mode is
// as DrawPoints'. A polygon cannot be split: one too large for a request
// is an error.
func (c *Conn) FillPolygon(d Drawable, gc GC, pts []Point, shape, mode uint8) error {
	var err error
	switch {
	case shape > protocol.ShapeConvex:
		err = fmt.Errorf("shape %d", shape)
	case mode > protocol.CoordModePrevious:
		err = fmt.Errorf("coordinate mode %d", mode)
	default:
		_, err = c.send(&protocol.FillPoly{Drawable: did(d), GC: uint32(gc), Shape: shape, CoordMode: mode, Points: pts})
	}
	return drawErr("fill polygon", d, err)
}

func (c *Conn) polyArc(op protocol.Opcode, d Drawable, gc GC, arcs []Arc) error {
	n := c.perRequest(polyFixed, arcSize)
	c.outMu.Lock()
	defer c.outMu.Unlock()
	for start := 0; ; start += n {
		end := min(start+n, len(arcs))
		r := protocol.PolyArcs{Op: op, Drawable: did(d), GC: uint32(gc), Arcs: arcs[start:end]}
		if _, err := c.sendLocked(&r, nil); err != nil {
			return err
		}
		if end == len(arcs) {
			return nil
		}
	}
}

func arc(x, y, width, height, angle1, angle2 int) (Arc, error) {
	var a args
	r := Arc{X: a.i16("x", x), Y: a.i16("y", y), W: a.u16("width", width), H: a.u16("height", height),
		Angle1: a.i16("angle1", angle1), Angle2: a.i16("angle2", angle2)}
	return r, a.err
}

// DrawArc draws part of the ellipse inscribed in (x, y, width, height),
// from angle1 through angle2 more, in 64ths of a degree counter-clockwise
// from three o'clock (360*64 for a full ellipse), as in X.
func (c *Conn) DrawArc(d Drawable, gc GC, x, y, width, height, angle1, angle2 int) error {
	r, err := arc(x, y, width, height, angle1, angle2)
	if err == nil {
		err = c.polyArc(protocol.OpPolyArc, d, gc, []Arc{r})
	}
	return drawErr("draw arc", d, err)
}

// DrawArcs draws arcs.
func (c *Conn) DrawArcs(d Drawable, gc GC, arcs []Arc) error {
	return drawErr("draw arcs", d, c.polyArc(protocol.OpPolyArc, d, gc, arcs))
}

// FillArc fills an arc as a chord or a pie slice, by gc's arc mode.
func (c *Conn) FillArc(d Drawable, gc GC, x, y, width, height, angle1, angle2 int) error {
	r, err := arc(x, y, width, height, angle1, angle2)
	if err == nil {
		err = c.polyArc(protocol.OpPolyFillArc, d, gc, []Arc{r})
	}
	return drawErr("fill arc", d, err)
}

// FillArcs fills arcs.
func (c *Conn) FillArcs(d Drawable, gc GC, arcs []Arc) error {
	return drawErr("fill arcs", d, c.polyArc(protocol.OpPolyFillArc, d, gc, arcs))
}

// CopyArea copies width by height pixels from (srcX, srcY) in src to
// (dstX, dstY) in dst (X's argument order), through gc's function and clip.
func (c *Conn) CopyArea(src, dst Drawable, gc GC, srcX, srcY, width, height, dstX, dstY int) error {
	var a args
	r := protocol.CopyArea{Src: did(src), Dst: did(dst), GC: uint32(gc),
		SrcX: a.i16("src x", srcX), SrcY: a.i16("src y", srcY), DstX: a.i16("dst x", dstX), DstY: a.i16("dst y", dstY),
		W: a.u16("width", width), H: a.u16("height", height)}
	if a.err == nil {
		_, a.err = c.send(&r)
	}
	return drawErr("copy area", dst, a.err)
}

// DrawText draws UTF-8 text (at most protocol.MaxText bytes) with gc's
// font, size and foreground, its baseline starting at (x, y).
func (c *Conn) DrawText(d Drawable, gc GC, x, y int, text string) error {
	return drawErr("draw text", d, c.drawText(d, gc, x, y, text, false))
}

// DrawImageText draws text like DrawText after filling its box (the
// advance width by ascent+descent) with gc's background, as
// XDrawImageString does.
func (c *Conn) DrawImageText(d Drawable, gc GC, x, y int, text string) error {
	return drawErr("draw image text", d, c.drawText(d, gc, x, y, text, true))
}

func (c *Conn) drawText(d Drawable, gc GC, x, y int, text string, image bool) error {
	var a args
	r := protocol.DrawText{Drawable: did(d), GC: uint32(gc), X: a.i16("x", x), Y: a.i16("y", y), Image: image, Text: text}
	switch {
	case a.err != nil:
		return a.err
	case len(text) > protocol.MaxText:
		return fmt.Errorf("%d bytes of text, limit %d", len(text), protocol.MaxText)
	case !utf8.ValidString(text):
		return fmt.Errorf("text is not UTF-8")
	}
	_, err := c.send(&r)
	return err
}
