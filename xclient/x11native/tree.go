package x11native

import (
	"fmt"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// createXfar creates w's display window under its parent's, with w's
// attributes, event selection, shape and cursor.
func (s *Server) createXfar(w *window) error {
	o := &xclient.WindowOptions{BorderWidth: w.border, Border: w.borderPixel,
		Background: w.bgPixel, BackgroundNone: w.bgNone, OverrideRedirect: w.override,
		EventMask: w.wantXfarMask()}
	xid, err := s.xc.CreateWindow(xclient.Window(w.parent.xfar), w.x, w.y, w.w, w.h, o)
	if err != nil {
		return fmt.Errorf("create display window for %#x: %w", w.id, err)
	}
	w.xfar = uint32(xid)
	w.xfarMask = o.EventMask
	s.byXfar[w.xfar] = w
	w.cursorSent, w.shapeSent, w.hintsKnown = nil, false, false
	s.applyCursor(w)
	if w.shapes[shapeKindBound].set || w.shapes[shapeKindClip].set {
		s.sendShape(w)
	}
	return nil
}

// reparentWindow handles ReparentWindow. The display has no reparenting,
// so the window's display subtree is made again under the new parent's
// display window (X discards the window's contents too: it is mapped
// again and exposed).
func (c *client) reparentWindow(r *rd) {
	s := c.s
	w := c.window(r.u32(), xReparentWindow)
	if w == nil {
		return
	}
	np := c.window(r.u32(), xReparentWindow)
	if np == nil {
		return
	}
	x, y := int(r.i16()), int(r.i16())
	if r.short {
		return
	}
	if w.parent == nil {
		c.xError(errMatch, w.id, xReparentWindow, 0)
		return
	}
	for a := np; a != nil; a = a.parent {
		if a == w {
			c.xError(errMatch, np.id, xReparentWindow, 0) // into itself or an inferior
			return
		}
	}
	if w.class == 1 && np.class == 2 {
		c.xError(errMatch, np.id, xReparentWindow, 0)
		return
	}
	wasMapped := w.mapped
	if wasMapped {
		s.unmapWindow(w, true)
	}
	old := w.parent
	if w.xfar != 0 {
		if err := s.xc.DestroyWindow(xclient.Window(w.xfar)); err != nil {
			s.log.Warn("x11native: reparent window", "window", w.id, "err", err)
		}
		s.forgetXfar(w)
	}
	old.removeChild(w)
	np.children = append(np.children, w)
	w.parent, w.x, w.y = np, x, y
	if err := s.recreateXfar(w); err != nil {
		s.log.Warn("x11native: reparent window", "window", w.id, "err", err)
	}
	// ReparentNotify to the window's StructureNotify and both parents'
	// SubstructureNotify selectors.
	mk := func(ev uint32) []byte {
		e := make([]byte, 32)
		e[0] = 21
		le.PutUint32(e[4:], ev)
		le.PutUint32(e[8:], w.id)
		le.PutUint32(e[12:], np.id)
		le.PutUint16(e[16:], uint16(int16(x)))
		le.PutUint16(e[18:], uint16(int16(y)))
		e[20] = b2u(w.override)
		return e
	}
	s.structureEvent(w, mk)
	for oc, m := range old.masks {
		if m&protocol.SubstructureNotifyMsk != 0 {
			oc.event(mk(old.id))
		}
	}
	if wasMapped {
		s.mapWindow(w)
	}
}

// forgetXfar drops the display IDs of w's subtree (its display windows
// are gone).
func (s *Server) forgetXfar(w *window) {
	if w.xfar != 0 {
		delete(s.byXfar, w.xfar)
		w.xfar = 0
	}
	for _, ch := range w.children {
		s.forgetXfar(ch)
	}
}

// recreateXfar makes the display windows of w's subtree again, the
// children mapped as they are in X; w's title goes along if it is now a
// top-level window.
func (s *Server) recreateXfar(w *window) error {
	if w.class != 1 || w.parent.xfar == 0 && w.parent.parent != nil {
		return nil
	}
	if err := s.createXfar(w); err != nil {
		return err
	}
	if p := w.props[atomWMName]; p != nil && w.isTop() {
		if err := s.xc.SetTitle(xclient.Window(w.xfar), toUTF8(string(p.data), p.typ == s.atoms.lookup("UTF8_STRING"))); err != nil {
			s.log.Warn("x11native: set title", "err", err)
		}
	}
	for _, ch := range w.children {
		if err := s.recreateXfar(ch); err != nil {
			return err
		}
		if ch.mapped && ch.xfar != 0 {
			if err := s.xc.MapWindow(xclient.Window(ch.xfar)); err != nil {
				return fmt.Errorf("map %#x: %w", ch.id, err)
			}
		}
	}
	return nil
}

// warpPointer handles WarpPointer: the display moves its pointer
// (WarpPointer, SPEC §21.6) when it speaks protocol 1.2 or later.
func (c *client) warpPointer(r *rd) {
	s := c.s
	srcID, dstID := r.u32(), r.u32()
	sx, sy, sw, sh := int(r.i16()), int(r.i16()), int(r.u16()), int(r.u16())
	dx, dy := int(r.i16()), int(r.i16())
	if r.short {
		return
	}
	var src, dst *window
	if srcID != 0 {
		if src = c.window(srcID, xWarpPointer); src == nil {
			return
		}
	}
	if dstID != 0 {
		if dst = c.window(dstID, xWarpPointer); dst == nil {
			return
		}
	}
	px, py := int(s.pointer.x), int(s.pointer.y)
	if src != nil {
		// Only while the pointer is in that rectangle of src (a width
		// or height of 0 reaches to its edge), as the pointer was last
		// seen here.
		ox, oy := src.rootPos()
		if sw == 0 {
			sw = src.w - sx
		}
		if sh == 0 {
			sh = src.h - sy
		}
		if px < ox+sx || py < oy+sy || px >= ox+sx+sw || py >= oy+sy+sh {
			return
		}
	}
	if _, minor := s.xc.ServerVersion(); minor < 2 {
		c.logOnce("WarpPointer (41): the display speaks protocol 1." + fmt.Sprint(minor) + ", WarpPointer needs 1.2; ignored")
		return
	}
	var err error
	switch {
	case dst == nil: // relative to where the pointer is
		px, py = px+dx, py+dy
		err = s.xc.WarpPointer(s.xc.Root(), px, py)
	case dst.xfar != 0 && dst.parent != nil:
		err = s.xc.WarpPointer(xclient.Window(dst.xfar), dx, dy)
		ox, oy := dst.rootPos()
		px, py = ox+dx, oy+dy
	default:
		ox, oy := dst.rootPos()
		px, py = ox+dx, oy+dy
		err = s.xc.WarpPointer(s.xc.Root(), px, py)
	}
	if err != nil {
		s.log.Warn("x11native: warp pointer", "err", err)
	}
	s.pointer.x, s.pointer.y = int16(px), int16(py)
}
