package x11native

import (
	"time"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

var start = time.Now()

func nowMillis() int64 { return time.Since(start).Milliseconds() + 1 }

func (s *Server) selOwners() map[uint32]*window {
	if s.selections == nil {
		s.selections = map[uint32]*window{}
	}
	return s.selections
}

// gc looks up a GC, sending BadGC for an unknown ID.
func (c *client) gc(id uint32, op byte) *gcState {
	g, ok := c.s.gcs[id]
	if !ok {
		c.xError(errGC, id, op, 0)
		return nil
	}
	return g
}

func (c *client) gcRequest(op, data byte, r *rd) {
	s := c.s
	switch op {
	case xCreateGC:
		id, d, mask := r.u32(), r.u32(), r.u32()
		if r.short {
			return
		}
		if _, _, ok := s.drawable(d); !ok {
			c.xError(errDrawable, d, op, 0)
			return
		}
		if !c.newID(id, op) {
			return
		}
		g := &gcState{id: id, owner: c, vals: defaultGCValues()}
		g.vals[gcFont] = defaultFontID
		v, ok := c.gcValues(g, mask, r.b, op)
		if !ok {
			return
		}
		// The xfar GC starts from the same defaults as X's, but its
		// background default must be said (xfar's is 1 as well, but say it).
		xg, err := s.xc.CreateGC(xclient.Window(s.root.xfar), &v)
		if err != nil {
			s.log.Warn("x11native: create GC", "err", err)
			c.xError(errAlloc, id, op, 0)
			return
		}
		g.xfar = uint32(xg)
		s.gcs[id] = g
		if mask&(1<<gcClipMask) != 0 && g.vals[gcClipMask] != 0 {
			c.applyClipMask(g)
		}
	case xChangeGC:
		g := c.gc(r.u32(), op)
		if g == nil {
			return
		}
		mask := r.u32()
		v, ok := c.gcValues(g, mask, r.b, op)
		if !ok {
			return
		}
		if v.Mask != 0 {
			if err := s.xc.ChangeGC(xclient.GC(g.xfar), v); err != nil {
				s.log.Warn("x11native: change GC", "err", err)
			}
		}
		if mask&(1<<gcClipMask) != 0 && g.vals[gcClipMask] != 0 {
			c.applyClipMask(g)
		}
	case xCopyGC:
		src := c.gc(r.u32(), op)
		if src == nil {
			return
		}
		dst := c.gc(r.u32(), op)
		if dst == nil {
			return
		}
		mask := r.u32()
		var list []byte
		for bit := 0; bit < gcCount; bit++ {
			if mask&(1<<bit) != 0 {
				list = le.AppendUint32(list, src.vals[bit])
			}
		}
		v, _, ok := applyGCValues(dst, mask, list)
		if ok && v.Mask != 0 {
			if err := s.xc.ChangeGC(xclient.GC(dst.xfar), v); err != nil {
				s.log.Warn("x11native: copy GC", "err", err)
			}
		}
		if ok && mask&(1<<gcClipMask) != 0 && dst.vals[gcClipMask] != 0 {
			c.applyClipMask(dst)
		}
	case xSetDashes:
		g := c.gc(r.u32(), op)
		if g == nil {
			return
		}
		off, n := r.u16(), int(r.u16())
		dashes := append([]byte(nil), r.n(n)...)
		if r.short {
			return
		}
		if n == 0 || n > protocol.MaxDashes {
			c.xError(errValue, uint32(n), op, 0)
			return
		}
		for _, d := range dashes {
			if d == 0 {
				c.xError(errValue, 0, op, 0)
				return
			}
		}
		if err := s.xc.SetDashes(xclient.GC(g.xfar), int(off), dashes); err != nil {
			s.log.Warn("x11native: set dashes", "err", err)
		}
	case xSetClipRectangles:
		g := c.gc(r.u32(), op)
		if g == nil {
			return
		}
		x, y := r.i16(), r.i16()
		n := len(r.b) / 8
		rects := make([]xclient.Rect, n)
		for i := range rects {
			rects[i] = xclient.Rect{X: r.i16(), Y: r.i16(), W: r.u16(), H: r.u16()}
		}
		g.vals[gcClipX], g.vals[gcClipY] = uint32(uint16(x)), uint32(uint16(y))
		g.rectClip = true
		if err := s.xc.SetClipRectangles(xclient.GC(g.xfar), int(x), int(y), rects); err != nil {
			s.log.Warn("x11native: set clip rectangles", "err", err)
		}
	case xFreeGC:
		id := r.u32()
		g := c.gc(id, op)
		if g == nil {
			return
		}
		delete(s.gcs, id)
		if err := s.xc.FreeGC(xclient.GC(g.xfar)); err != nil {
			s.log.Warn("x11native: free GC", "err", err)
		}
	}
}

// target resolves a drawing request's drawable and GC; d is nil when the
// drawing is to be dropped (a window with no picture).
func (c *client) target(op byte, r *rd) (d xclient.Drawable, depth uint8, g *gcState, ok bool) {
	did, gid := r.u32(), r.u32()
	if r.short {
		return nil, 0, nil, false
	}
	d, depth, ok = c.s.drawable(did)
	if !ok {
		c.xError(errDrawable, did, op, 0)
		return nil, 0, nil, false
	}
	c.s.touch(did)
	if g = c.gc(gid, op); g == nil {
		return nil, 0, nil, false
	}
	return d, depth, g, true
}

func (c *client) drawRequest(op, data byte, r *rd) {
	s := c.s
	var err error
	switch op {
	case xClearArea:
		w := c.window(r.u32(), op)
		if w == nil {
			return
		}
		x, y, width, height := r.i16(), r.i16(), r.u16(), r.u16()
		if w.xfar != 0 && w.parent != nil && !r.short {
			err = s.xc.ClearArea(xclient.Window(w.xfar), int(x), int(y), int(width), int(height), data != 0)
			if err == nil {
				s.markCleared(w, int(x), int(y), int(width), int(height), data != 0)
			}
		}
	case xCopyArea, xCopyPlane:
		sid, did, gid := r.u32(), r.u32(), r.u32()
		sx, sy, dx, dy, w, h := r.i16(), r.i16(), r.i16(), r.i16(), r.u16(), r.u16()
		if r.short {
			return
		}
		src, sdepth, ok := s.drawable(sid)
		if !ok {
			c.xError(errDrawable, sid, op, 0)
			return
		}
		dst, ddepth, ok := s.drawable(did)
		if !ok {
			c.xError(errDrawable, did, op, 0)
			return
		}
		g := c.gc(gid, op)
		if g == nil {
			return
		}
		if op == xCopyPlane && sdepth == 1 && ddepth != 1 {
			s.touch(did)
			if dst != nil {
				err = c.copyBitmapPlane(sid, dst, g, int(sx), int(sy), int(w), int(h), int(dx), int(dy))
			}
		} else if op == xCopyPlane && sdepth != ddepth {
			c.logOnce("CopyPlane between depths (dropped)")
		} else if op == xCopyArea && sdepth != ddepth {
			c.xError(errMatch, 0, op, 0)
			return
		} else if src != nil && dst != nil {
			s.touch(did)
			err = s.xc.CopyArea(src, dst, xclient.GC(g.xfar), int(sx), int(sy), int(w), int(h), int(dx), int(dy))
		}
		if g.vals[gcGraphicsExposures] != 0 {
			c.graphicsExposures(op, sid, did, int(sx), int(sy), int(w), int(h), int(dx), int(dy), g.vals[gcSubwindowMode] == 0) // events.go
		}
	case xPolyPoint, xPolyLine:
		d, _, g, ok := c.target(op, r)
		if !ok || d == nil {
			return
		}
		pts := make([]xclient.Point, len(r.b)/4)
		for i := range pts {
			pts[i] = xclient.Point{X: r.i16(), Y: r.i16()}
		}
		if op == xPolyPoint {
			err = s.xc.DrawPoints(d, xclient.GC(g.xfar), pts, data)
		} else if len(pts) > 0 {
			err = s.xc.DrawLines(d, xclient.GC(g.xfar), pts, data)
		}
	case xPolySegment:
		d, _, g, ok := c.target(op, r)
		if !ok || d == nil {
			return
		}
		segs := make([]xclient.Segment, len(r.b)/8)
		for i := range segs {
			segs[i] = xclient.Segment{X1: r.i16(), Y1: r.i16(), X2: r.i16(), Y2: r.i16()}
		}
		err = s.xc.DrawSegments(d, xclient.GC(g.xfar), segs)
	case xPolyRectangle, xPolyFillRectangle:
		d, _, g, ok := c.target(op, r)
		if !ok || d == nil {
			return
		}
		rects := make([]xclient.Rect, len(r.b)/8)
		for i := range rects {
			rects[i] = xclient.Rect{X: r.i16(), Y: r.i16(), W: r.u16(), H: r.u16()}
		}
		if op == xPolyRectangle {
			err = s.xc.DrawRectangles(d, xclient.GC(g.xfar), rects)
		} else {
			err = c.fillRects(d, g, rects)
			if err == nil {
				s.markFilled(d, g, rects)
			}
		}
	case xPolyArc, xPolyFillArc:
		d, _, g, ok := c.target(op, r)
		if !ok || d == nil {
			return
		}
		arcs := make([]xclient.Arc, len(r.b)/12)
		for i := range arcs {
			arcs[i] = xclient.Arc{X: r.i16(), Y: r.i16(), W: r.u16(), H: r.u16(), Angle1: r.i16(), Angle2: r.i16()}
		}
		if op == xPolyArc {
			err = s.xc.DrawArcs(d, xclient.GC(g.xfar), arcs)
		} else {
			err = s.xc.FillArcs(d, xclient.GC(g.xfar), arcs)
		}
	case xFillPoly:
		d, _, g, ok := c.target(op, r)
		if !ok {
			return
		}
		shape, mode := r.u8(), r.u8()
		r.skip(2)
		pts := make([]xclient.Point, len(r.b)/4)
		for i := range pts {
			pts[i] = xclient.Point{X: r.i16(), Y: r.i16()}
		}
		if d != nil && len(pts) >= 3 && !r.short {
			err = s.xc.FillPolygon(d, xclient.GC(g.xfar), pts, shape, mode)
		}
	case xPutImage:
		c.putImage(data, r)
	case xGetImage:
		c.getImage(data, r)
	}
	if err != nil {
		s.log.Warn("x11native: drawing", "request", op, "err", err)
	}
}

func (c *client) putImage(format byte, r *rd) {
	s := c.s
	d, ddepth, g, ok := c.target(xPutImage, r)
	if !ok {
		return
	}
	w, h := int(r.u16()), int(r.u16())
	x, y := int(r.i16()), int(r.i16())
	leftPad, depth := int(r.u8()), r.u8()
	r.skip(2)
	if r.short {
		return
	}
	if w == 0 || h == 0 {
		return
	}
	var pix []uint32
	switch {
	case format == 2 && (depth == 24 || depth == 32) && ddepth != 1:
		p, ok := zpixmap24(r.b, w, h)
		if !ok {
			r.short = true
			return
		}
		pix = p
	case depth == 1 && (format == 0 || format == 1 || format == 2):
		// XYBitmap: 1 bits are the foreground, 0 the background. A
		// depth-1 XYPixmap or ZPixmap is the same bits as pixel values.
		fg, bg := g.vals[gcForeground]&0xffffff, g.vals[gcBackground]&0xffffff
		if format != 0 {
			fg, bg = 1, 0
		}
		stride := (leftPad + w + 31) / 32 * 4 // rows padded to 32 bits
		if len(r.b) < stride*h {
			r.short = true
			return
		}
		pix = make([]uint32, w*h)
		for row := 0; row < h; row++ {
			line := r.b[row*stride:]
			for col := 0; col < w; col++ {
				bit := leftPad + col
				if line[bit/8]&(1<<(bit%8)) != 0 {
					pix[row*w+col] = fg
				} else {
					pix[row*w+col] = bg
				}
			}
		}
	default:
		c.logOnce("PutImage format/depth other than ZPixmap 24 and bitmaps")
		c.xError(errMatch, 0, xPutImage, 0)
		return
	}
	if d == nil {
		return
	}
	if err := s.xc.PutPixels(d, xclient.GC(g.xfar), x, y, w, h, pix); err != nil {
		s.log.Warn("x11native: put image", "err", err)
	}
}

func (c *client) getImage(format byte, r *rd) {
	s := c.s
	did := r.u32()
	x, y, w, h := int(r.i16()), int(r.i16()), int(r.u16()), int(r.u16())
	planes := r.u32()
	if r.short {
		return
	}
	d, depth, ok := s.drawable(did)
	if !ok {
		c.xError(errDrawable, did, xGetImage, 0)
		return
	}
	if d == nil || format != 2 || depth == 1 || w == 0 || h == 0 {
		c.logOnce("GetImage other than ZPixmap of a depth-24 drawable")
		c.xError(errMatch, 0, xGetImage, 0)
		return
	}
	s.roundTrips.Add(1)
	img, err := s.xc.GetImage(d, x, y, w, h)
	if err != nil {
		s.log.Warn("x11native: get image", "err", err)
		c.xError(errMatch, 0, xGetImage, 0)
		return
	}
	b := le.AppendUint32(nil, visualID)
	b = append(b, make([]byte, 20)...)
	for yy := 0; yy < h; yy++ {
		for xx := 0; xx < w; xx++ {
			p := img.Pix[img.PixOffset(xx, yy):]
			b = append(b, p[2]&byte(planes), p[1]&byte(planes>>8), p[0]&byte(planes>>16), 0)
		}
	}
	c.reply(24, b)
}

// gcValues applies a CreateGC or ChangeGC value list to g and returns the
// xfar values to send; a bad list is BadValue (false), and what the
// display cannot do is logged once.
func (c *client) gcValues(g *gcState, mask uint32, list []byte, op byte) (xclient.GCValues, bool) {
	v, unsup, ok := applyGCValues(g, mask, list)
	if !ok {
		c.xError(errValue, 0, op, 0)
		return v, false
	}
	for _, u := range unsup {
		c.logOnce("GC " + u)
	}
	return v, true
}
