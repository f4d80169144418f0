package x11native

import (
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// window is an X window as the server keeps it: the X client's view
// (tree, geometry, attributes, properties, per-client event masks) and
// the xfar window that shows it (xfar == 0 for InputOnly windows, which
// have no picture).
type window struct {
	windowExtras  // shapes, cursor, background tile, hints (winextra.go)
	id, xfar      uint32
	owner         *client
	parent        *window
	children      []*window // bottom to top
	x, y, w, h    int
	border        int
	mapped        bool
	override      bool
	class         uint16 // 1 InputOutput, 2 InputOnly
	bgPixel       uint32
	bgNone        bool
	borderPixel   uint32
	bitGravity    uint8
	winGravity    uint8
	dontPropagate uint32
	colormap      uint32
	masks         map[*client]uint32
	props         map[uint32]*property
	xfarMask      uint32         // what the xfar window selects now
	sentCW        sentAttributes // attributes.go: what its display window was last told
}

// property is a window property: type, format (8, 16 or 32) and bytes.
type property struct {
	typ    uint32
	format uint8
	data   []byte
}

// pixmap is an X pixmap and the xfar pixmap that holds its pixels (of
// depth 1 pixmaps too: their pixels are 0 and 1).
type pixmap struct {
	id, xfar uint32
	owner    *client
	w, h     int
	depth    uint8
	// bits caches a depth-1 pixmap's pixels (see pixmapBits); nil when
	// not read or drawn on since.
	bits []byte
}

// X event-mask bits the server uses beyond those protocol defines.
const (
	maskPointerMotionHint = 1 << 7
	maskButtonMotions     = 0x1f << 8 // Button1Motion .. Button5Motion
	maskPropertyChange    = 1 << 22
	maskSubstructRedirect = 1 << 20
	maskAllX              = 0x01ffffff
)

// allMasks is the union of every client's mask on w.
func (w *window) allMasks() uint32 {
	var m uint32
	for _, v := range w.masks {
		m |= v
	}
	return m
}

// wantXfarMask is the xfar event mask w's xfar window needs: the device,
// exposure and focus events some X client selected (structure events are
// made here, when the requests that cause them are handled), and for a
// top-level window StructureNotify and FocusChange, to learn what the
// display's window manager does to it.
func (w *window) wantXfarMask() uint32 {
	x := w.allMasks()
	m := x & (protocol.KeyPressMask | protocol.KeyReleaseMask | protocol.ButtonPressMask |
		protocol.ButtonReleaseMask | protocol.EnterWindowMask | protocol.LeaveWindowMask |
		protocol.PointerMotionMask | protocol.ButtonMotionMask | protocol.ExposureMask |
		protocol.FocusChangeMask)
	if x&maskButtonMotions != 0 {
		m |= protocol.ButtonMotionMask
	}
	if w.isTop() {
		m |= protocol.StructureNotifyMask | protocol.FocusChangeMask
	}
	return m | w.exposeMaskFor()
}

func (w *window) isTop() bool { return w.parent != nil && w.parent.parent == nil }

// viewable reports whether w and all its ancestors are mapped.
func (w *window) viewable() bool {
	for ; w != nil; w = w.parent {
		if !w.mapped {
			return false
		}
	}
	return true
}

// rootPos returns the root coordinates of w's inside top-left corner.
func (w *window) rootPos() (x, y int) {
	for ; w != nil && w.parent != nil; w = w.parent {
		x += w.x + w.border
		y += w.y + w.border
	}
	return
}

// updateXfarMask selects on the xfar window what wantXfarMask says, if
// that changed.
func (s *Server) updateXfarMask(w *window) {
	if w.xfar == 0 || w.parent == nil {
		return
	}
	if m := w.wantXfarMask(); m != w.xfarMask {
		w.xfarMask = m
		if err := s.xc.SelectInput(xclient.Window(w.xfar), m); err != nil {
			s.log.Warn("x11native: select input", "window", w.id, "err", err)
		}
	}
}

// removeChild takes w out of its parent's stacking list.
func (w *window) removeChild(ch *window) {
	for i, c := range w.children {
		if c == ch {
			w.children = append(w.children[:i], w.children[i+1:]...)
			return
		}
	}
}

// destroyWindow destroys w and its subtree: DestroyNotify to whoever
// selected it (children first, as X does), and one DestroyWindow on the
// display for the subtree's top.
func (s *Server) destroyWindow(w *window, notify bool) {
	if w.mapped && notify {
		s.unmapWindow(w, true)
	}
	var walk func(*window)
	walk = func(v *window) {
		for _, ch := range append([]*window(nil), v.children...) {
			walk(ch)
		}
		if notify {
			s.structureEvent(v, func(ev uint32) []byte {
				e := make([]byte, 32)
				e[0] = 17
				le.PutUint32(e[4:], ev)
				le.PutUint32(e[8:], v.id)
				return e
			})
		}
		delete(s.windows, v.id)
		if v.xfar != 0 {
			delete(s.byXfar, v.xfar)
		}
		s.dropBackgroundTile(v)
	}
	walk(w)
	if w.parent != nil {
		w.parent.removeChild(w)
	}
	if w.xfar != 0 {
		if err := s.xc.DestroyWindow(xclient.Window(w.xfar)); err != nil {
			s.log.Warn("x11native: destroy window", "window", w.id, "err", err)
		}
	}
}

// structureEvent sends an event made by mk(event window) to the clients
// that selected StructureNotify on w and SubstructureNotify on its parent.
func (s *Server) structureEvent(w *window, mk func(eventWindow uint32) []byte) {
	for c, m := range w.masks {
		if m&protocol.StructureNotifyMask != 0 {
			c.event(mk(w.id))
		}
	}
	if p := w.parent; p != nil {
		for c, m := range p.masks {
			if m&protocol.SubstructureNotifyMsk != 0 {
				c.event(mk(p.id))
			}
		}
	}
}

func (s *Server) mapWindow(w *window) {
	if w.mapped {
		return
	}
	w.mapped = true
	s.sendHints(w) // placement uses them: before the first map
	if w.xfar != 0 {
		if err := s.xc.MapWindow(xclient.Window(w.xfar)); err != nil {
			s.log.Warn("x11native: map window", "window", w.id, "err", err)
		}
	}
	s.structureEvent(w, func(ev uint32) []byte {
		e := make([]byte, 32)
		e[0] = 19
		le.PutUint32(e[4:], ev)
		le.PutUint32(e[8:], w.id)
		e[12] = b2u(w.override)
		return e
	})
}

func (s *Server) unmapWindow(w *window, notify bool) {
	if !w.mapped {
		return
	}
	w.mapped = false
	if w.xfar != 0 {
		if err := s.xc.UnmapWindow(xclient.Window(w.xfar)); err != nil {
			s.log.Warn("x11native: unmap window", "window", w.id, "err", err)
		}
	}
	if notify {
		s.structureEvent(w, func(ev uint32) []byte {
			e := make([]byte, 32)
			e[0] = 18
			le.PutUint32(e[4:], ev)
			le.PutUint32(e[8:], w.id)
			return e
		})
	}
}

// configureNotify reports w's geometry and stacking as X does.
func (s *Server) configureNotify(w *window) {
	var above uint32
	if p := w.parent; p != nil {
		for i, c := range p.children {
			if c == w && i > 0 {
				above = p.children[i-1].id
			}
		}
	}
	s.structureEvent(w, func(ev uint32) []byte {
		e := make([]byte, 32)
		e[0] = 22
		le.PutUint32(e[4:], ev)
		le.PutUint32(e[8:], w.id)
		le.PutUint32(e[12:], above)
		le.PutUint16(e[16:], uint16(int16(w.x)))
		le.PutUint16(e[18:], uint16(int16(w.y)))
		le.PutUint16(e[20:], uint16(w.w))
		le.PutUint16(e[22:], uint16(w.h))
		le.PutUint16(e[24:], uint16(w.border))
		e[26] = b2u(w.override)
		return e
	})
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// drawable resolves an X drawable to the xfar one; ok is false for an
// unknown ID, and d is nil for a window with no picture (InputOnly, the
// root), on which drawing is dropped.
func (s *Server) drawable(id uint32) (d xclient.Drawable, depth uint8, ok bool) {
	if w, found := s.windows[id]; found {
		if w.xfar == 0 || w.parent == nil {
			return nil, 24, true
		}
		return xclient.Window(w.xfar), 24, true
	}
	if p, found := s.pixmaps[id]; found {
		return xclient.Pixmap(p.xfar), p.depth, true
	}
	return nil, 0, false
}
