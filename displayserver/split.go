package displayserver

import (
	"image"

	"github.com/xfar/xfar/protocol"
)

// Splitting long requests. A request's cost is bounded by what it can
// change, but one request may still change a lot: a million rectangles,
// a polygon of 40,000 edges over every row. Such a request is cut, when
// the owner reaches it, into pieces of about splitBudget pixel
// operations each; the pieces go back to the front of the client's inbox
// with the same sequence number, so the turn budget applies between them
// and other clients are served while it runs. The pixels are those of
// the whole request (lists are drawn element by element in order either
// way; polygon bands partition the rows); an error is reported once.
const (
	// splitBudget is the estimated work, in pixels or edge-rows, of one
	// piece: a few milliseconds.
	splitBudget = 1 << 20
	// splitPoly is the edge count above which a polygon is filled in
	// bands of rows.
	splitPoly = 512
)

// split cuts it into a first piece, left in it, and the rest, returned in
// order; nil when it is cheap enough to run whole.
func (st *state) split(c *client, it *item) []item {
	if it.fn != nil || it.err != nil {
		return nil
	}
	switch r := it.req.(type) {
	case *protocol.PolyRect:
		bounds := st.drawableBounds(c, r.Drawable)
		if r.Op == protocol.OpPolyFillRectangle {
			r = bandRects(r, bounds)
			it.req = r
		}
		return splitList(it, len(r.Rects), func(i int) int {
			q := r.Rects[i]
			return clippedArea(image.Rect(int(q.X), int(q.Y), int(q.X)+int(q.W)+1, int(q.Y)+int(q.H)+1).Intersect(bounds)) + 1
		}, func(lo, hi int) protocol.Request {
			p := *r
			p.Rects = r.Rects[lo:hi]
			return &p
		})
	case *protocol.PolyArcs:
		bounds := st.drawableBounds(c, r.Drawable)
		return splitList(it, len(r.Arcs), func(i int) int {
			a := r.Arcs[i]
			// Wide arcs reach up to their line width outside the box;
			// count the rows they walk besides the clipped area.
			box := image.Rect(int(a.X), int(a.Y), int(a.X)+int(a.W)+1, int(a.Y)+int(a.H)+1).Inset(-int(st.lineWidth(c, r.GC)))
			return clippedArea(box.Intersect(bounds)) + bounds.Dy() + int(a.W) + int(a.H)
		}, func(lo, hi int) protocol.Request {
			p := *r
			p.Arcs = r.Arcs[lo:hi]
			return &p
		})
	case *protocol.PolySegment:
		bounds := st.drawableBounds(c, r.Drawable)
		lw := st.lineWidth(c, r.GC)
		return splitList(it, len(r.Segments), func(i int) int {
			s := r.Segments[i]
			if lw == 0 {
				return bounds.Dx() + bounds.Dy()
			}
			box := image.Rect(int(min(s.X1, s.X2)), int(min(s.Y1, s.Y2)), int(max(s.X1, s.X2))+1, int(max(s.Y1, s.Y2))+1).Inset(-lw)
			return clippedArea(box.Intersect(bounds)) + bounds.Dy()
		}, func(lo, hi int) protocol.Request {
			p := *r
			p.Segments = r.Segments[lo:hi]
			return &p
		})
	case *protocol.FillPoly:
		return st.splitRows(c, it, r.Drawable, len(r.Points))
	case *protocol.PolyPoint:
		if r.Op != protocol.OpPolyLine {
			return nil // points cost little each
		}
		// A polyline's joins tie its segments together; it is cut into
		// bands of rows instead, each drawn whole but clipped.
		return st.splitRows(c, it, r.Drawable, len(r.Points))
	}
	return nil
}

// splitRows cuts a request over n points into bands of rows of the
// drawable, drawn with the GC clipped to each band (drawBand): exact for
// any shape whose pixels do not depend on the clip.
func (st *state) splitRows(c *client, it *item, drawable uint32, n int) []item {
	if n <= splitPoly || it.band != nil {
		return nil
	}
	bounds := st.drawableBounds(c, drawable)
	rows := max(1, splitBudget/n)
	if bounds.Dy() <= rows {
		return nil
	}
	var rest []item
	for y := bounds.Min.Y; y < bounds.Max.Y; y += rows {
		p := *it
		p.band = &image.Rectangle{Min: image.Pt(bounds.Min.X, y), Max: image.Pt(bounds.Max.X, min(y+rows, bounds.Max.Y))}
		p.cont = y != bounds.Min.Y
		rest = append(rest, p)
	}
	*it = rest[0]
	return rest[1:]
}

// splitList cuts a list request into pieces of about splitBudget.
func splitList(it *item, n int, cost func(i int) int, sub func(lo, hi int) protocol.Request) []item {
	var bounds []int // piece ends
	acc := 0
	for i := 0; i < n; i++ {
		acc += cost(i)
		if acc >= splitBudget && i+1 < n {
			bounds = append(bounds, i+1)
			acc = 0
		}
	}
	if len(bounds) == 0 {
		return nil
	}
	bounds = append(bounds, n)
	var rest []item
	lo := 0
	for k, hi := range bounds {
		p := *it
		p.req = sub(lo, hi)
		p.cont = k > 0
		rest = append(rest, p)
		lo = hi
	}
	*it = rest[0]
	return rest[1:]
}

// clippedArea is r's area, 0 when empty.
func clippedArea(r image.Rectangle) int {
	if r.Empty() {
		return 0
	}
	return r.Dx() * r.Dy()
}

// drawableBounds is the size of c's drawable id, or an empty rectangle.
func (st *state) drawableBounds(c *client, id uint32) image.Rectangle {
	switch r := c.resources[id].(type) {
	case *window:
		return r.img.Bounds()
	case *pixmap:
		return r.img.Bounds()
	}
	return image.Rectangle{}
}

// lineWidth is the line width of c's GC id, or 0.
func (st *state) lineWidth(c *client, id uint32) int {
	if g, ok := c.resources[id].(*gcontext); ok {
		return g.gc.LineWidth
	}
	return 0
}

// pushFront puts items back at the head of c's inbox.
func (c *client) pushFront(items []item) {
	c.in.mu.Lock()
	c.in.items = append(items, c.in.items...)
	c.in.mu.Unlock()
}

// drawBand runs a piece cut by splitRows with its GC clipped to the
// piece's rows.
func (st *state) drawBand(c *client, it *item) *protocol.Error {
	_, gid := it.req.(protocol.DrawRequest).Target()
	g, ok := c.resources[gid].(*gcontext)
	if !ok {
		return st.handle(c, it.seq, it.req)
	}
	clip, origin := g.gc.Clip, g.gc.ClipOrigin
	defer func() { g.gc.Clip, g.gc.ClipOrigin = clip, origin }()
	band := *it.band
	if clip == nil {
		g.gc.Clip = []image.Rectangle{band}
	} else {
		rs := make([]image.Rectangle, 0, len(clip))
		for _, q := range clip {
			if q = q.Add(origin).Intersect(band); !q.Empty() {
				rs = append(rs, q)
			}
		}
		g.gc.Clip = rs
	}
	g.gc.ClipOrigin = image.Point{}
	return st.handle(c, it.seq, it.req)
}

// bandRects cuts each filled rectangle that covers more than splitBudget
// pixels of the drawable into bands of rows (disjoint, so every pixel is
// still filled once, in the same order); r is returned when none does.
func bandRects(r *protocol.PolyRect, bounds image.Rectangle) *protocol.PolyRect {
	var out []protocol.Rect
	for i, q := range r.Rects {
		vis := image.Rect(int(q.X), int(q.Y), int(q.X)+int(q.W), int(q.Y)+int(q.H)).Intersect(bounds)
		if clippedArea(vis) <= splitBudget {
			if out != nil {
				out = append(out, q)
			}
			continue
		}
		if out == nil {
			out = append(make([]protocol.Rect, 0, len(r.Rects)+16), r.Rects[:i]...)
		}
		rows := max(1, splitBudget/vis.Dx())
		for y := vis.Min.Y; y < vis.Max.Y; y += rows {
			h := min(rows, vis.Max.Y-y)
			out = append(out, protocol.Rect{X: int16(vis.Min.X), Y: int16(y), W: uint16(vis.Dx()), H: uint16(h)})
		}
	}
	if out == nil {
		return r
	}
	p := *r
	p.Rects = out
	return &p
}
