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
	if ev.Kind == feed.ReleaseAll {
		// Not a move: a viewer that went away says nothing of the pointer.
		st.releaseInput()
		return
	}
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
		st.keyDown(ev)
	case feed.KeyUp:
		st.keyUp(ev)
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
	if st.wm.drag != nil {
		st.dragTo(p) // wmwindow.go
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
	st.updateCursor() // cursor.go
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
		if st.wmButtonDown(b) { // window list, title-bar buttons, frame edges (wmui.go)
			st.buttons |= buttonMask(b)
			return
		}
		top, onDeco := st.topLevelAt(st.pointer)
		if top != nil && st.managed(top) {
			st.raise(top)
			if onDeco {
				if b == 1 && st.pointer.In(st.closeRect(top)) {
					if top.owner != nil {
						st.sendEvent(top.owner, protocol.Event{Code: protocol.CloseRequest, Window: top.id, Time: st.now()})
					}
				} else if b == 1 {
					st.beginDrag(top, protocol.MoveResizeMove)
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

// heldID names a key that is down: its keycode, or for text no key typed
// (keycode 0) its keysym, tagged so the two never collide.
type heldID uint64

func heldIDOf(ev feed.InputEvent) heldID {
	if ev.Keycode != 0 {
		return heldID(ev.Keycode)
	}
	return heldID(1<<32 | uint64(ev.Keysym))
}

// heldKey is a key that is down: what its press reported and the window
// that took it.
type heldKey struct {
	keycode uint8
	keysym  uint32
	win     *window
}

// keyDown delivers a press. A press of a key already down is the viewer's
// auto-repeat: it is delivered again, and the key stays held once.
func (st *state) keyDown(ev feed.InputEvent) {
	if st.held == nil {
		st.held = make(map[heldID]heldKey)
	}
	id := heldIDOf(ev)
	w := st.key(protocol.KeyPress, nil, ev.Keycode, ev.Keysym, ev.Text)
	if old, ok := st.held[id]; ok && w == nil {
		w = old.win
	}
	st.held[id] = heldKey{keycode: ev.Keycode, keysym: ev.Keysym, win: w}
}

// keyUp delivers the release of a held key, with the keysym its press
// reported (a viewer's release may name another: Shift let go first, a dead
// key), to the window that took the press, so that every client that saw a
// key go down sees it come up, wherever the focus went meanwhile. A
// release of a key that is not down is dropped.
func (st *state) keyUp(ev feed.InputEvent) {
	id := heldIDOf(ev)
	h, ok := st.held[id]
	if !ok {
		return
	}
	delete(st.held, id)
	st.key(protocol.KeyRelease, h.win, h.keycode, h.keysym, "")
}

// releaseInput releases every key and button held, when a viewer loses the
// keyboard and will never send their releases.
func (st *state) releaseInput() {
	for id, h := range st.held {
		delete(st.held, id)
		st.key(protocol.KeyRelease, h.win, h.keycode, h.keysym, "")
	}
	st.mods = 0
	for b := 1; b <= 5; b++ {
		if st.buttons&buttonMask(b) != 0 {
			st.buttonUp(b)
		}
	}
}

// key delivers a key event to the focus window, or to the window under the
// pointer when that is inside the focus window, as X does; to and from
// target instead when it is set (a release following its press). It
// returns the window that took the event.
func (st *state) key(code protocol.EventCode, target *window, keycode uint8, keysym uint32, text string) *window {
	if target != nil && target.destroyed {
		target = nil // the press's window is gone: the focus gets it, as in X
	}
	f := st.focus
	if target != nil {
		f = target.topLevel()
		if f == nil {
			f = target
		}
	}
	if f == nil || f.destroyed {
		return nil
	}
	start := f
	if target != nil {
		start = target
	} else if w := st.windowAt(st.pointer); w == f || w.isInferior(f) {
		start = w
	}
	mask := protocol.KeyPressMask
	if code == protocol.KeyRelease {
		mask = protocol.KeyReleaseMask
	}
	return st.propagate(start, f, mask, func(w *window) protocol.Event {
		ev := st.pointerEvent(code, w)
		ev.Detail = keycode
		ev.Keysym = keysym
		ev.Text = text
		return ev
	})
}
