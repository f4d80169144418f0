package x11native

import (
	"image"

	"github.com/xfar/xfar/protocol"
)

// eventMask is the X event-mask bit that selects an xfar event.
func eventMask(code protocol.EventCode, state uint16) uint32 {
	switch code {
	case protocol.KeyPress:
		return protocol.KeyPressMask
	case protocol.KeyRelease:
		return protocol.KeyReleaseMask
	case protocol.ButtonPress:
		return protocol.ButtonPressMask
	case protocol.ButtonRelease:
		return protocol.ButtonReleaseMask
	case protocol.MotionNotify:
		m := uint32(protocol.PointerMotionMask)
		if state&(protocol.Button1Mask|protocol.Button2Mask|protocol.Button3Mask|protocol.Button4Mask|protocol.Button5Mask) != 0 {
			m |= protocol.ButtonMotionMask | uint32(state&0x1f00) // ButtonNMotion bits sit where the state's button bits do
		}
		return m
	case protocol.EnterNotify:
		return protocol.EnterWindowMask
	case protocol.LeaveNotify:
		return protocol.LeaveWindowMask
	case protocol.FocusIn, protocol.FocusOut:
		return protocol.FocusChangeMask
	case protocol.Expose:
		return protocol.ExposureMask
	}
	return 0
}

// keycodeOf finds the keycode for a keysym in the fixed map, preferring
// the unshifted level.
var keycodeOf = func() map[uint32]uint8 {
	m := map[uint32]uint8{}
	for level := 1; level >= 0; level-- {
		for code := 255; code >= 8; code-- {
			if syms, ok := usKeymap[uint8(code)]; ok && syms[level] != 0 {
				m[syms[level]] = uint8(code)
			}
		}
	}
	return m
}()

// displayEvent turns an event from the display into X events for the
// clients that selected it. The server's lock is held.
func (s *Server) displayEvent(ev *protocol.Event) {
	w := s.byXfar[ev.Window]
	if w == nil {
		return
	}
	switch ev.Code {
	case protocol.MotionNotify, protocol.ButtonPress, protocol.ButtonRelease,
		protocol.EnterNotify, protocol.LeaveNotify, protocol.KeyPress, protocol.KeyRelease:
		s.pointer.x, s.pointer.y = ev.RootX, ev.RootY
		s.pace.noteInput() // flushpace.go: the answer is not held
	}
	switch ev.Code {
	case protocol.ConfigureNotify:
		// Only the display's window manager moves or resizes top-level
		// windows behind the client's back; changes the client asked for
		// were reported when it asked.
		if !w.isTop() {
			return
		}
		x, y := int(ev.X), int(ev.Y)
		if x == w.x && y == w.y && int(ev.Width) == w.w && int(ev.Height) == w.h {
			return
		}
		w.x, w.y, w.w, w.h = x, y, int(ev.Width), int(ev.Height)
		s.configureNotify(w)
		return
	case protocol.CloseRequest:
		s.closeRequest(w)
		return
	case protocol.MapNotify, protocol.UnmapNotify, protocol.DestroyNotify:
		return
	case protocol.FocusIn:
		if w.isTop() {
			s.focus = w.id
		}
	}
	if ev.Code == protocol.Expose { // a tile background is painted here (bgpixmap.go)
		s.paintBackground(w, image.Rect(int(ev.X), int(ev.Y), int(ev.X)+int(ev.Width), int(ev.Y)+int(ev.Height)))
	}
	mask := eventMask(ev.Code, ev.State)
	if mask == 0 {
		return
	}
	e := make([]byte, 32)
	e[0] = byte(ev.Code)
	switch ev.Code {
	case protocol.Expose:
		le.PutUint32(e[4:], w.id)
		le.PutUint16(e[8:], uint16(ev.X))
		le.PutUint16(e[10:], uint16(ev.Y))
		le.PutUint16(e[12:], ev.Width)
		le.PutUint16(e[14:], ev.Height)
		le.PutUint16(e[16:], ev.Count)
	case protocol.FocusIn, protocol.FocusOut:
		e[1] = ev.Detail
		le.PutUint32(e[4:], w.id)
	default:
		e[1] = ev.Detail
		if ev.Code == protocol.KeyPress || ev.Code == protocol.KeyRelease {
			code, ok := keycodeOf[ev.Keysym]
			if !ok {
				s.log.Debug("x11native: keysym not in the keyboard map", "keysym", ev.Keysym)
				return
			}
			e[1] = code
		}
		le.PutUint32(e[4:], ev.Time)
		le.PutUint32(e[8:], rootID)
		le.PutUint32(e[12:], w.id)
		if ch := s.byXfar[ev.Child]; ch != nil && ev.Child != 0 {
			le.PutUint32(e[16:], ch.id)
		}
		le.PutUint16(e[20:], uint16(ev.RootX))
		le.PutUint16(e[22:], uint16(ev.RootY))
		le.PutUint16(e[24:], uint16(ev.X))
		le.PutUint16(e[26:], uint16(ev.Y))
		le.PutUint16(e[28:], ev.State)
		if ev.Code == protocol.EnterNotify || ev.Code == protocol.LeaveNotify {
			e[30] = 0 // mode Normal
			e[31] = 2 // same-screen
			if s.focus == w.id {
				e[31] |= 1
			}
		} else {
			e[30] = 1 // same-screen
		}
	}
	for c, m := range w.masks {
		if m&mask != 0 {
			c.event(append([]byte(nil), e...))
			if err := c.flush(); err != nil {
				s.log.Info("x11native: client gone", "client", c.id, "err", err)
			}
		}
	}
}

// closeRequest asks w's owner to close it: WM_DELETE_WINDOW if it takes
// that (WM_PROTOCOLS), else the client is disconnected, as a window
// manager's "kill" does.
func (s *Server) closeRequest(w *window) {
	if w.owner == nil {
		return
	}
	protos := s.atoms.lookup("WM_PROTOCOLS")
	del := s.atoms.lookup("WM_DELETE_WINDOW")
	if p := w.props[protos]; p != nil && p.format == 32 && del != 0 {
		for i := 0; i+4 <= len(p.data); i += 4 {
			if le.Uint32(p.data[i:]) == del {
				e := make([]byte, 32)
				e[0], e[1] = 33, 32 // ClientMessage, format 32
				le.PutUint32(e[4:], w.id)
				le.PutUint32(e[8:], protos)
				le.PutUint32(e[12:], del)
				le.PutUint32(e[16:], s.now())
				w.owner.event(e)
				w.owner.flush()
				return
			}
		}
	}
	s.log.Info("x11native: closing a client whose window was closed", "client", w.owner.id)
	w.owner.dead = true
	w.owner.nc.Close()
}

// graphicsExposures reports, after a CopyArea or CopyPlane from sid with
// graphics-exposures on, the destination areas whose source lay outside
// the source drawable (GraphicsExpose, as X does for them), or NoExpose
// when there are none. Areas X would report for a source window obscured
// by other windows are copied here (the display keeps every window's
// pixels), so they need no repair; those under its own children count
// as lost, as in X.
func (c *client) graphicsExposures(op byte, sid, did uint32, sx, sy, w, h, dx, dy int, byChildren bool) {
	s := c.s
	// visible is the part of a drawable a copy reads or writes: all of
	// a pixmap; a window's inside, less its mapped children under the
	// GC's ClipByChildren (X counts what is under them as obscured).
	visible := func(id uint32) []image.Rectangle {
		if p, ok := s.pixmaps[id]; ok {
			return []image.Rectangle{image.Rect(0, 0, p.w, p.h)}
		}
		win, ok := s.windows[id]
		if !ok {
			return nil
		}
		v := []image.Rectangle{image.Rect(0, 0, win.w, win.h)}
		if byChildren {
			var kids []image.Rectangle
			for _, ch := range win.children {
				if ch.mapped && ch.class == 1 {
					kids = append(kids, image.Rect(ch.x, ch.y, ch.x+ch.w+2*ch.border, ch.y+ch.h+2*ch.border))
				}
			}
			v = combineRegions(v, kids, regionSubtract)
		}
		return v
	}
	src := image.Rect(sx, sy, sx+w, sy+h)
	lost := combineRegions([]image.Rectangle{src}, visible(sid), regionSubtract)
	lost = combineRegions(translateRegion(lost, image.Pt(dx-sx, dy-sy)), visible(did), regionIntersect)
	if len(lost) == 0 {
		e := make([]byte, 32)
		e[0] = 14 // NoExpose
		le.PutUint32(e[4:], did)
		e[10] = op
		c.event(e)
		return
	}
	for i, r := range lost {
		e := make([]byte, 32)
		e[0] = 13 // GraphicsExpose
		le.PutUint32(e[4:], did)
		le.PutUint16(e[8:], uint16(r.Min.X))
		le.PutUint16(e[10:], uint16(r.Min.Y))
		le.PutUint16(e[12:], uint16(r.Dx()))
		le.PutUint16(e[14:], uint16(r.Dy()))
		le.PutUint16(e[18:], uint16(len(lost)-1-i))
		e[20] = op
		c.event(e)
	}
}
