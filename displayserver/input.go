package displayserver

import (
	"image"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
)

// handleInput turns a viewer's input event into what a local keyboard and
// mouse would cause on an X server: window-manager actions on decorations,
// and X events for the window under the pointer or with the focus.
func (st *state) handleInput(ev feed.InputEvent) {
	p := image.Pt(clamp(ev.X, 0, st.width-1), clamp(ev.Y, 0, st.height-1))
	if p != st.pointer {
		st.motion(p)
	}
	st.mods = ev.Mods
	switch ev.Kind {
	case feed.ButtonDown:
		if ev.Button >= 1 && ev.Button <= 7 {
			st.buttonDown(ev.Button)
		}
	case feed.ButtonUp:
		if ev.Button >= 1 && ev.Button <= 7 {
			st.buttonUp(ev.Button)
		}
	case feed.KeyDown:
		st.key(protocol.KeyPress, ev.Keysym, ev.Text)
	case feed.KeyUp:
		st.key(protocol.KeyRelease, ev.Keysym, "")
	}
	st.widgetInput(ev) // widget trees handle input locally (widgets.go)
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

func buttonMask(b int) uint16 {
	if b >= 1 && b <= 5 {
		return protocol.Button1Mask << (b - 1)
	}
	return 0
}

// pointerEvent fills the coordinates of an event reported on w.
func (st *state) pointerEvent(code protocol.EventCode, w *window) protocol.Event {
	o := w.origin()
	return protocol.Event{Code: code, State: st.mods | st.buttons, Time: st.now(),
		X: int16(st.pointer.X - o.X), Y: int16(st.pointer.Y - o.Y),
		RootX: int16(st.pointer.X), RootY: int16(st.pointer.Y)}
}

// propagate delivers a device event starting at w and going up the tree
// until some client selects it there, as X does, stopping after stop (the
// focus window for keys). It returns the window that took the event.
func (st *state) propagate(w, stop *window, mask uint32, mk func(*window) protocol.Event) *window {
	var child *window
	for ; w != nil; child, w = w, w.parent {
		for _, m := range w.masks {
			if m&mask != 0 {
				ev := mk(w)
				if child != nil {
					ev.Child = child.id
				}
				st.deliver(w, mask, ev)
				return w
			}
		}
		if w == stop {
			break
		}
	}
	return nil
}

func (st *state) motion(p image.Point) {
	st.pointer = p
	if w := st.wm.drag; w != nil {
		o := p.Sub(st.wm.dragOff)
		st.configure(w, &protocol.ConfigureWindow{ValueMask: protocol.ConfigX | protocol.ConfigY,
			X: int16(o.X), Y: int16(o.Y)}, nil)
		return
	}
	st.updateHover()
	mask := protocol.PointerMotionMask
	if st.buttons != 0 {
		mask |= protocol.ButtonMotionMask
	}
	mk := func(w *window) protocol.Event { return st.pointerEvent(protocol.MotionNotify, w) }
	if st.grab != nil {
		st.deliver(st.grab, mask, mk(st.grab))
		return
	}
	st.propagate(st.windowAt(p), nil, mask, mk)
}

// updateHover reports EnterNotify and LeaveNotify when the window under
// the pointer changes (not while a button grab holds the pointer).
func (st *state) updateHover() {
	if st.grab != nil || st.wm.drag != nil {
		return
	}
	w := st.windowAt(st.pointer)
	if w == st.hover {
		return
	}
	old := st.hover
	st.hover = w
	if old != nil && !old.destroyed && old.viewable() {
		st.deliver(old, protocol.LeaveWindowMask, st.pointerEvent(protocol.LeaveNotify, old))
	}
	st.deliver(w, protocol.EnterWindowMask, st.pointerEvent(protocol.EnterNotify, w))
}

func (st *state) buttonDown(b int) {
	if st.buttons == 0 && st.grab == nil && st.wm.drag == nil {
		top, onDeco := st.topLevelAt(st.pointer)
		if top != nil && st.managed(top) {
			st.raise(top)
			if onDeco {
				if b == 1 && st.pointer.In(st.closeRect(top)) {
					if top.owner != nil {
						st.sendEvent(top.owner, protocol.Event{Code: protocol.CloseRequest, Window: top.id, Time: st.now()})
					}
				} else if b == 1 {
					st.setFocus(top)
					st.wm.drag = top
					st.wm.dragOff = st.pointer.Sub(image.Pt(top.x, top.y))
				}
				st.buttons |= buttonMask(b)
				st.wm.titleButtons |= buttonMask(b)
				return
			}
			if st.focus == nil || st.focus.topLevel() != top {
				st.setFocus(top)
			}
		}
	}
	if st.wm.drag != nil {
		st.buttons |= buttonMask(b)
		return
	}
	mk := func(w *window) protocol.Event {
		ev := st.pointerEvent(protocol.ButtonPress, w)
		ev.Detail = uint8(b)
		return ev
	}
	if st.grab != nil {
		st.deliver(st.grab, protocol.ButtonPressMask, mk(st.grab))
	} else if w := st.propagate(st.windowAt(st.pointer), nil, protocol.ButtonPressMask, mk); w != nil {
		// The implicit grab of X: motion and the release go to the
		// window that took the press, wherever the pointer goes.
		st.grab = w
	}
	st.buttons |= buttonMask(b)
}

func (st *state) buttonUp(b int) {
	if st.wm.drag != nil || st.wm.titleButtons&buttonMask(b) != 0 {
		st.buttons &^= buttonMask(b)
		st.wm.titleButtons &^= buttonMask(b)
		if st.buttons == 0 {
			// The last button up ends any implicit grab a press inside a
			// window started meanwhile.
			st.wm.drag, st.wm.titleButtons, st.grab = nil, 0, nil
			st.updateHover()
		}
		return
	}
	mk := func(w *window) protocol.Event {
		ev := st.pointerEvent(protocol.ButtonRelease, w)
		ev.Detail = uint8(b)
		return ev
	}
	if st.grab != nil {
		st.deliver(st.grab, protocol.ButtonReleaseMask, mk(st.grab))
	} else {
		st.propagate(st.windowAt(st.pointer), nil, protocol.ButtonReleaseMask, mk)
	}
	st.buttons &^= buttonMask(b)
	if st.buttons == 0 && st.grab != nil {
		st.grab = nil
		st.updateHover()
	}
}

// key delivers a key event to the focus window, or to the window under the
// pointer when that is inside the focus window, as X does.
func (st *state) key(code protocol.EventCode, keysym uint32, text string) {
	f := st.focus
	if f == nil || f.destroyed {
		return
	}
	start := f
	if w := st.windowAt(st.pointer); w == f || w.isInferior(f) {
		start = w
	}
	mask := protocol.KeyPressMask
	if code == protocol.KeyRelease {
		mask = protocol.KeyReleaseMask
	}
	st.propagate(start, f, mask, func(w *window) protocol.Event {
		ev := st.pointerEvent(code, w)
		ev.Keysym = keysym
		ev.Text = text
		return ev
	})
}
