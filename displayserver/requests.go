package displayserver

import (
	"image"

	"github.com/xfar/xfar/fonts"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/render"
)

// pixmap is an off-screen drawable.
type pixmap struct {
	id  uint32
	img *render.Image
}

// gcontext is a graphics context: render's GC plus nothing else, named
// for symmetry with the other resources.
type gcontext struct {
	id uint32
	gc render.GC
}

// access says how a request uses a window.
type access int

const (
	readOnly access = iota // queries: any window
	selectOn               // own windows and the root
	modify                 // own windows only
)

func (st *state) lookupWindow(c *client, seq uint32, op protocol.Opcode, id uint32, a access) (*window, *protocol.Error) {
	w := st.windows[id]
	if w == nil {
		return nil, errorf(seq, op, protocol.BadWindow, id, "no window %#x", id)
	}
	switch {
	case w.owner == c, a == readOnly, a == selectOn && w == st.root:
		return w, nil
	case w == st.root:
		return nil, errorf(seq, op, protocol.BadAccess, id, "the root window belongs to the display server")
	}
	return nil, errorf(seq, op, protocol.BadWindow, id, "window %#x belongs to another client", id)
}

// lookupDrawable finds a window or pixmap of c to draw on.
func (st *state) lookupDrawable(c *client, seq uint32, op protocol.Opcode, id uint32) (*render.Image, *window, *protocol.Error) {
	switch r := c.resources[id].(type) {
	case *window:
		return r.img, r, nil
	case *pixmap:
		return r.img, nil, nil
	}
	if id == rootID {
		return nil, nil, errorf(seq, op, protocol.BadAccess, id, "the root window belongs to the display server")
	}
	if st.windows[id] != nil {
		return nil, nil, errorf(seq, op, protocol.BadDrawable, id, "window %#x belongs to another client", id)
	}
	return nil, nil, errorf(seq, op, protocol.BadDrawable, id, "no drawable %#x", id)
}

func (st *state) lookupGC(c *client, seq uint32, op protocol.Opcode, id uint32) (*render.GC, *protocol.Error) {
	if g, ok := c.resources[id].(*gcontext); ok {
		return &g.gc, nil
	}
	return nil, errorf(seq, op, protocol.BadGC, id, "no graphics context %#x of this client", id)
}

// newID checks a client-chosen ID for a new resource.
func (st *state) newID(c *client, seq uint32, op protocol.Opcode, id uint32) *protocol.Error {
	if !c.owns(id) {
		return errorf(seq, op, protocol.BadIDChoice, id, "ID %#x is outside this client's range %#x|%#x", id, c.idBase(), idMask)
	}
	if _, used := c.resources[id]; used {
		return errorf(seq, op, protocol.BadIDChoice, id, "ID %#x is in use", id)
	}
	return nil
}

// draw applies a drawing request: it resolves the drawable and the GC,
// draws, and records the damage the rasterizer reports.
func (st *state) draw(c *client, seq uint32, req protocol.DrawRequest) *protocol.Error {
	op := req.Opcode()
	if pi, ok := req.(*protocol.PutImage); ok {
		// render copies the pixels, so their buffer can serve the next
		// image this or another client sends.
		defer pi.Release()
	}
	var src *render.Image
	if r, ok := req.(*protocol.CopyArea); ok {
		var e *protocol.Error
		if src, _, e = st.lookupDrawable(c, seq, op, r.Src); e != nil {
			return e
		}
	}
	did, gid := req.Target()
	img, w, e := st.lookupDrawable(c, seq, op, did)
	if e != nil {
		return e
	}
	gc, e := st.lookupGC(c, seq, op, gid)
	if e != nil {
		return e
	}
	var damage image.Rectangle
	switch r := req.(type) {
	case *protocol.CopyArea:
		sr := image.Rect(int(r.SrcX), int(r.SrcY), int(r.SrcX)+int(r.W), int(r.SrcY)+int(r.H))
		damage = img.CopyArea(src, sr, image.Pt(int(r.DstX), int(r.DstY)), gc)
		// A scroll within a window reaches viewers as a copy (copyfeed.go).
		if vis := sr.Intersect(src.Bounds()); src == img && w != nil && !damage.Empty() &&
			st.copyDamage(w, vis, image.Pt(int(r.DstX), int(r.DstY)).Sub(sr.Min), gc) {
			return nil
		}
	case *protocol.PolyPoint:
		pts := st.points(r.Points, r.CoordMode)
		if op == protocol.OpPolyLine {
			damage = img.PolyLine(gc, pts)
		} else {
			damage = img.PolyPoint(gc, pts)
		}
	case *protocol.PolySegment:
		if cap(st.segBuf) < len(r.Segments) {
			st.segBuf = make([]render.Segment, len(r.Segments))
		}
		segs := st.segBuf[:len(r.Segments)]
		for i, s := range r.Segments {
			segs[i] = render.Segment{X1: int(s.X1), Y1: int(s.Y1), X2: int(s.X2), Y2: int(s.Y2)}
		}
		damage = img.PolySegment(gc, segs)
	case *protocol.PolyRect:
		if cap(st.rectBuf) < len(r.Rects) {
			st.rectBuf = make([]image.Rectangle, len(r.Rects))
		}
		rs := st.rectBuf[:len(r.Rects)]
		for i, q := range r.Rects {
			rs[i] = rect(q)
		}
		if op == protocol.OpPolyFillRectangle {
			damage = img.PolyFillRectangle(gc, rs)
		} else {
			damage = img.PolyRectangle(gc, rs)
		}
	case *protocol.FillPoly:
		damage = img.FillPolygon(gc, st.points(r.Points, r.CoordMode), int(r.Shape))
	case *protocol.PolyArcs:
		if cap(st.arcBuf) < len(r.Arcs) {
			st.arcBuf = make([]render.Arc, len(r.Arcs))
		}
		arcs := st.arcBuf[:len(r.Arcs)]
		for i, a := range r.Arcs {
			arcs[i] = render.Arc{X: int(a.X), Y: int(a.Y), W: int(a.W), H: int(a.H), Angle1: int(a.Angle1), Angle2: int(a.Angle2)}
		}
		if op == protocol.OpPolyFillArc {
			damage = img.PolyFillArc(gc, arcs)
		} else {
			damage = img.PolyArc(gc, arcs)
		}
	case *protocol.PutImage:
		dst := image.Rect(int(r.X), int(r.Y), int(r.X)+int(r.W), int(r.Y)+int(r.H))
		damage = img.PutImage(gc, dst, r.Pix)
	case *protocol.DrawText:
		damage = img.DrawText(gc, int(r.X), int(r.Y), r.Text, r.Image)
	}
	if w != nil {
		st.damageInside(w, damage)
	}
	return nil
}

// handle applies one decoded request.
func (st *state) handle(c *client, seq uint32, req protocol.Request) *protocol.Error {
	op := req.Opcode()
	switch r := req.(type) {
	case *protocol.CreateWindow:
		if e := st.newID(c, seq, op, r.Window); e != nil {
			return e
		}
		parent, e := st.lookupWindow(c, seq, op, r.Parent, selectOn)
		if e != nil {
			return e
		}
		w := &window{id: r.Window, owner: c, parent: parent,
			x: int(r.X), y: int(r.Y), w: int(r.Width), h: int(r.Height), bw: int(r.BorderWidth),
			bg: r.Background, border: r.BorderPixel, flags: r.Flags,
			img: render.NewImage(int(r.Width), int(r.Height)), masks: map[*client]uint32{}}
		if r.Flags&protocol.BackgroundNone == 0 {
			w.img.Fill(w.img.Bounds(), r.Background)
		}
		if r.EventMask != 0 {
			w.masks[c] = r.EventMask
		}
		parent.children = append(parent.children, w)
		st.windows[w.id] = w
		c.resources[w.id] = w
		st.account(c, int64(w.w)*int64(w.h), 1)
	case *protocol.ChangeWindowAttributes:
		w, e := st.lookupWindow(c, seq, op, r.Window, modify)
		if e != nil {
			return e
		}
		if r.ValueMask&protocol.CWBackPixel != 0 {
			w.bg = r.Background
		}
		if r.ValueMask&protocol.CWBorderPix != 0 {
			w.border = r.BorderPixel
			if w.bw > 0 {
				st.damageWindow(w)
			}
		}
		if r.ValueMask&protocol.CWFlags != 0 {
			st.damageWindow(w)
			w.flags = uint16(r.Flags)
			st.damageWindow(w)
		}
		if r.ValueMask&protocol.CWEventMask != 0 {
			st.selectInput(w, c, r.EventMask)
		}
	case *protocol.IDRequest:
		return st.handleID(c, seq, r)
	case *protocol.ConfigureWindow:
		w, e := st.lookupWindow(c, seq, op, r.Window, modify)
		if e != nil {
			return e
		}
		var sib *window
		if r.ValueMask&protocol.ConfigSibling != 0 {
			sib = st.windows[r.Sibling]
			if sib == nil || sib.parent != w.parent || sib == w {
				return errorf(seq, op, protocol.BadMatch, r.Sibling, "sibling %#x is not a sibling of window %#x", r.Sibling, r.Window)
			}
		}
		if m := w.wm; m != nil && m.followParent &&
			(r.ValueMask&protocol.ConfigX != 0 && int(r.X) != w.x || r.ValueMask&protocol.ConfigY != 0 && int(r.Y) != w.y) {
			m.followParent = false // the program moved its dialog itself
		}
		st.configure(w, r, sib)
		if w.parent == st.root && r.ValueMask&(protocol.ConfigX|protocol.ConfigY|protocol.ConfigWidth|protocol.ConfigHeight|protocol.ConfigBorderWidth) != 0 {
			st.recentreTransients(w)
		}
	case *protocol.SetTitle:
		w, e := st.lookupWindow(c, seq, op, r.Window, modify)
		if e != nil {
			return e
		}
		w.title = r.Title
		if st.decorated(w) {
			st.damage(st.decorationRect(w))
		}
	case *protocol.SelectInput:
		w, e := st.lookupWindow(c, seq, op, r.Window, selectOn)
		if e != nil {
			return e
		}
		st.selectInput(w, c, r.EventMask)
	case *protocol.CreateGC:
		if e := st.newID(c, seq, op, r.GC); e != nil {
			return e
		}
		if _, _, e := st.lookupDrawable(c, seq, op, r.Drawable); e != nil && r.Drawable != rootID {
			return e
		}
		g := &gcontext{id: r.GC, gc: render.DefaultGC()}
		// X's defaults: foreground 0, background 1.
		g.gc.Foreground, g.gc.Background = 0, 1
		applyGCValues(&g.gc, &r.Values)
		c.resources[g.id] = g
	case *protocol.ChangeGC:
		gc, e := st.lookupGC(c, seq, op, r.GC)
		if e != nil {
			return e
		}
		applyGCValues(gc, &r.Values)
	case *protocol.SetClipRectangles:
		gc, e := st.lookupGC(c, seq, op, r.GC)
		if e != nil {
			return e
		}
		gc.ClipOrigin = image.Pt(int(r.X), int(r.Y))
		gc.Clip = make([]image.Rectangle, len(r.Rects))
		for i, q := range r.Rects {
			gc.Clip[i] = rect(q)
		}
	case *protocol.SetDashes:
		gc, e := st.lookupGC(c, seq, op, r.GC)
		if e != nil {
			return e
		}
		gc.Dashes = r.Dashes
		gc.DashOffset = int(r.Offset)
	case *protocol.CreatePixmap:
		if e := st.newID(c, seq, op, r.Pixmap); e != nil {
			return e
		}
		if _, _, e := st.lookupDrawable(c, seq, op, r.Drawable); e != nil && r.Drawable != rootID {
			return e
		}
		c.resources[r.Pixmap] = &pixmap{id: r.Pixmap, img: render.NewImage(int(r.Width), int(r.Height))}
		st.account(c, int64(r.Width)*int64(r.Height), 0)
	case *protocol.ClearArea:
		w, e := st.lookupWindow(c, seq, op, r.Window, modify)
		if e != nil {
			return e
		}
		a := image.Rect(int(r.X), int(r.Y), int(r.X)+int(r.W), int(r.Y)+int(r.H))
		if r.W == 0 {
			a.Max.X = w.w
		}
		if r.H == 0 {
			a.Max.Y = w.h
		}
		a = a.Intersect(w.img.Bounds())
		if a.Empty() {
			return nil
		}
		if w.flags&protocol.BackgroundNone == 0 {
			w.img.Fill(a, w.bg)
			st.damageInside(w, a)
		}
		if r.Exposures && w.viewable() {
			st.deliver(w, protocol.ExposureMask, protocol.Event{Code: protocol.Expose,
				X: int16(a.Min.X), Y: int16(a.Min.Y), Width: uint16(a.Dx()), Height: uint16(a.Dy())})
		}
	case protocol.DrawRequest:
		return st.draw(c, seq, r)
	case *protocol.GetImage:
		a := image.Rect(int(r.X), int(r.Y), int(r.X)+int(r.W), int(r.Y)+int(r.H))
		var pix []uint32
		if w := st.windows[r.Drawable]; w != nil && (w.owner == c || w == st.root) {
			if w == st.root {
				st.compose()
				pix = st.screen.GetImage(a)
			} else {
				pix = st.contents(w, a)
			}
		} else {
			img, _, e := st.lookupDrawable(c, seq, op, r.Drawable)
			if e != nil {
				return e
			}
			pix = img.GetImage(a)
		}
		st.reply(c, func(b []byte) []byte { return protocol.AppendImageReply(b, seq, r.W, r.H, pix) })
	case *protocol.Sync:
		st.reply(c, func(b []byte) []byte { return protocol.AppendSyncReply(b, seq) })
	case *protocol.CreateWidgetTree, *protocol.UpdateWidget, *protocol.QueryWidget:
		return st.handleWidgets(c, seq, req)
	case *protocol.GlyphSetID, *protocol.AddGlyphs, *protocol.PolyGlyph, *protocol.ImageGlyph8:
		return st.handleGlyphs(c, seq, req)
	case *protocol.NoOperation:
	case *protocol.SetSelection, *protocol.ConvertSelection, *protocol.PutSelectionData, *protocol.SelectSelectionInput, *protocol.CancelConvert:
		return st.handleSelection(c, seq, req)
	case *protocol.SetWMHints, *protocol.SetWindowState, *protocol.SetShape, *protocol.SetCursor, *protocol.BeginMoveResize:
		return st.handleWM(c, seq, req) // wmwindow.go
	case *protocol.WarpPointer:
		return st.handleWarp(c, seq, r) // warp.go
	default:
		return errorf(seq, op, protocol.BadImplementation, 0, "request %v not implemented", op)
	}
	return nil
}

// handleID applies the requests that name a single resource.
func (st *state) handleID(c *client, seq uint32, r *protocol.IDRequest) *protocol.Error {
	op, id := r.Op, r.ID
	switch op {
	case protocol.OpDestroyWindow, protocol.OpMapWindow, protocol.OpUnmapWindow:
		w, e := st.lookupWindow(c, seq, op, id, modify)
		if e != nil {
			return e
		}
		switch op {
		case protocol.OpDestroyWindow:
			st.destroy(w)
		case protocol.OpMapWindow:
			st.mapWindow(w)
		default:
			st.unmapWindow(w)
		}
	case protocol.OpSetInputFocus:
		if id == 0 {
			st.setFocus(nil)
			return nil
		}
		w, e := st.lookupWindow(c, seq, op, id, selectOn)
		if e != nil {
			return e
		}
		if !w.viewable() {
			return errorf(seq, op, protocol.BadMatch, id, "window %#x is not viewable", id)
		}
		st.setFocus(w)
	case protocol.OpFreeGC:
		if _, ok := c.resources[id].(*gcontext); !ok {
			return errorf(seq, op, protocol.BadGC, id, "no graphics context %#x of this client", id)
		}
		delete(c.resources, id)
	case protocol.OpFreePixmap:
		p, ok := c.resources[id].(*pixmap)
		if !ok {
			return errorf(seq, op, protocol.BadPixmap, id, "no pixmap %#x of this client", id)
		}
		delete(c.resources, id)
		st.account(c, -int64(p.img.W)*int64(p.img.H), 0)
	case protocol.OpGetGeometry:
		g := &protocol.GeometryReply{Root: rootID, Depth: 24}
		if p, ok := c.resources[id].(*pixmap); ok {
			g.Width, g.Height = uint16(p.img.W), uint16(p.img.H)
		} else {
			w, e := st.lookupWindow(c, seq, op, id, readOnly)
			if e != nil {
				return errorf(seq, op, protocol.BadDrawable, id, "no drawable %#x", id)
			}
			g.X, g.Y, g.Width, g.Height, g.BorderWidth = int16(w.x), int16(w.y), uint16(w.w), uint16(w.h), uint16(w.bw)
			g.Mapped = w.mapped
			if w.parent != nil {
				g.Parent = w.parent.id
			}
		}
		st.reply(c, func(b []byte) []byte { return protocol.AppendGeometryReply(b, seq, g) })
	case protocol.OpQueryTree:
		w, e := st.lookupWindow(c, seq, op, id, readOnly)
		if e != nil {
			return e
		}
		t := &protocol.TreeReply{Root: rootID, Children: make([]uint32, len(w.children))}
		if w.parent != nil {
			t.Parent = w.parent.id
		}
		for i, ch := range w.children {
			t.Children[i] = ch.id
		}
		st.reply(c, func(b []byte) []byte { return protocol.AppendTreeReply(b, seq, t) })
	case protocol.OpQueryPointer:
		w, e := st.lookupWindow(c, seq, op, id, readOnly)
		if e != nil {
			return e
		}
		o := w.origin()
		pr := &protocol.PointerReply{Root: rootID, RootX: int16(st.pointer.X), RootY: int16(st.pointer.Y),
			X: int16(st.pointer.X - o.X), Y: int16(st.pointer.Y - o.Y), State: st.mods | st.buttons, SameScreen: true}
		if u := st.windowAt(st.pointer); u != w && u.isInferior(w) {
			for u.parent != w {
				u = u.parent
			}
			pr.Child = u.id
		}
		st.reply(c, func(b []byte) []byte { return protocol.AppendPointerReply(b, seq, pr) })
	default:
		return errorf(seq, op, protocol.BadImplementation, id, "request %v not implemented", op)
	}
	return nil
}

func (st *state) selectInput(w *window, c *client, mask uint32) {
	if mask == 0 {
		delete(w.masks, c)
		return
	}
	w.masks[c] = mask
}

func rect(q protocol.Rect) image.Rectangle {
	return image.Rect(int(q.X), int(q.Y), int(q.X)+int(q.W), int(q.Y)+int(q.H))
}

// points widens wire points into the owner's scratch buffer, resolving
// CoordModePrevious. The result is valid until the next call.
func (st *state) points(ps []protocol.Point, mode uint8) []image.Point {
	if cap(st.ptBuf) < len(ps) {
		st.ptBuf = make([]image.Point, len(ps))
	}
	out := st.ptBuf[:len(ps)]
	for i, p := range ps {
		out[i] = image.Pt(int(p.X), int(p.Y))
		if mode == protocol.CoordModePrevious && i > 0 {
			out[i] = out[i].Add(out[i-1])
		}
	}
	return out
}

// applyGCValues copies the fields v's mask selects into gc.
func applyGCValues(gc *render.GC, v *protocol.GCValues) {
	m := v.ValueMask
	if m&protocol.GCFunction != 0 {
		gc.Function = render.Function(v.Function)
	}
	if m&protocol.GCPlaneMask != 0 {
		gc.PlaneMask = v.PlaneMask
	}
	if m&protocol.GCForeground != 0 {
		gc.Foreground = v.Foreground
	}
	if m&protocol.GCBackground != 0 {
		gc.Background = v.Background
	}
	if m&protocol.GCLineWidth != 0 {
		gc.LineWidth = int(v.LineWidth)
	}
	if m&protocol.GCLineStyle != 0 {
		gc.LineStyle = render.LineStyle(v.LineStyle)
	}
	if m&protocol.GCCapStyle != 0 {
		gc.CapStyle = render.CapStyle(v.CapStyle)
	}
	if m&protocol.GCJoinStyle != 0 {
		gc.JoinStyle = render.JoinStyle(v.JoinStyle)
	}
	if m&protocol.GCFillRule != 0 {
		gc.FillRule = render.FillRule(v.FillRule)
	}
	if m&protocol.GCArcMode != 0 {
		gc.ArcMode = render.ArcMode(v.ArcMode)
	}
	if m&protocol.GCFont != 0 {
		gc.Font = fonts.ID(v.Font)
	}
	if m&protocol.GCFontSize != 0 {
		gc.FontSize = int(v.FontSize)
	}
	if m&protocol.GCClipOrigin != 0 {
		gc.ClipOrigin = image.Pt(int(v.ClipX), int(v.ClipY))
	}
	if m&protocol.GCClipNone != 0 {
		gc.Clip = nil
	}
	if m&protocol.GCDashOffset != 0 {
		gc.DashOffset = int(v.DashOffset)
	}
	if m&protocol.GCDashes != 0 {
		gc.Dashes = []uint8{v.Dashes}
	}
}
