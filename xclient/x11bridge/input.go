package x11bridge

import (
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
	"github.com/jezek/xgb/xtest"

	"github.com/xfar/xfar/protocol"
)

// handleDisplay applies one event from the display: input for a mirrored
// window becomes X input through XTEST, a close request becomes
// WM_DELETE_WINDOW, and a move by the user moves the X window.
func (m *mirror) handleDisplay(ev *protocol.Event) error {
	w := m.byID[ev.Window]
	if w == nil {
		return nil
	}
	if ev.Code == protocol.KeyPress || ev.Code == protocol.ButtonPress {
		w.send.lastInput = time.Now() // its echo goes first (repaint.go)
	}
	switch ev.Code {
	case protocol.MotionNotify:
		m.pointerTo(w, ev.X, ev.Y)
	case protocol.ButtonPress, protocol.ButtonRelease:
		m.pointerTo(w, ev.X, ev.Y)
		typ := byte(xproto.ButtonPress)
		if ev.Code == protocol.ButtonRelease {
			typ = xproto.ButtonRelease
		}
		if ev.Detail >= 1 {
			xtest.FakeInput(m.x, typ, ev.Detail, 0, m.root, 0, 0, 0)
		}
	case protocol.KeyPress:
		if ev.Keysym == 0 && ev.Text != "" {
			m.typeText(w, ev)
		} else {
			m.keyPress(w, ev)
		}
	case protocol.KeyRelease:
		m.keyRelease(ev)
	case protocol.CloseRequest:
		m.closeWindow(w)
	case protocol.ConfigureNotify:
		m.displayConfigured(w, ev)
	}
	return m.disp.flush()
}

// pointerTo moves the X pointer to (x, y) in w's interior.
func (m *mirror) pointerTo(w *xwin, x, y int16) {
	rx, ry := w.x+int16(w.bw)+x, w.y+int16(w.bw)+y
	if rx == m.ptrX && ry == m.ptrY {
		return
	}
	m.ptrX, m.ptrY = rx, ry
	xtest.FakeInput(m.x, xproto.MotionNotify, 0, 0, m.root, rx, ry, 0)
}

func (m *mirror) fakeKey(down bool, code xproto.Keycode) {
	typ := byte(xproto.KeyRelease)
	if down {
		typ = xproto.KeyPress
	}
	xtest.FakeInput(m.x, typ, byte(code), 0, m.root, 0, 0, 0)
	if down {
		m.down[code] = true
	} else {
		delete(m.down, code)
	}
}

// keyPress presses the keycode that types ev's keysym. Without a window
// manager nobody gives the X program the focus, so the bridge does: the
// window that gets keys on the display gets them on the X server. Shift is
// pressed or released around the key when the keysym's level needs it, and
// Control and Alt are pressed when the event's state says they are down but
// the viewer never sent them as keys.
func (m *mirror) keyPress(w *xwin, ev *protocol.Event) {
	ks := ev.Keysym
	if ks == 0 {
		return
	}
	if !w.override && m.focus != w.id {
		xproto.SetInputFocus(m.x, xproto.InputFocusPointerRoot, w.id, xproto.TimeCurrentTime)
		m.focus = w.id
	}
	if ev.X >= 0 && ev.Y >= 0 && int(ev.X) < int(w.w) && int(ev.Y) < int(w.h) {
		m.pointerTo(w, ev.X, ev.Y)
	}
	if old, ok := m.pressed[ks]; ok { // auto-repeat from the viewer
		m.fakeKey(false, old)
		delete(m.pressed, ks)
	}
	code, shift, ok := m.keys.lookup(ks)
	if !ok {
		var err error
		code, err = m.keys.bindSpare(m.x, ks, func(c xproto.Keycode) bool { return m.down[c] })
		if err != nil {
			m.log.Warn("key not typed", "keysym", ks, "err", err)
			return
		}
		shift = shiftAny
	}
	if isModifierKeysym(ks) {
		m.fakeKey(true, code)
		m.pressed[ks] = code
		return
	}
	var undo []func()
	// Control and Alt the viewer reports in the state but did not press.
	for _, mod := range []struct {
		mask   uint16
		keysym uint32
	}{{protocol.ControlMask, protocol.KeyControlL}, {protocol.Mod1Mask, protocol.KeyAltL}} {
		if ev.State&mod.mask != 0 && !m.modHeld(mod.keysym) {
			if c, _, ok := m.keys.lookup(mod.keysym); ok {
				m.fakeKey(true, c)
				undo = append(undo, func() { m.fakeKey(false, c) })
			}
		}
	}
	held := m.shiftsHeld()
	switch {
	case shift == shiftOn && len(held) == 0:
		if c, _, ok := m.keys.lookup(protocol.KeyShiftL); ok {
			m.fakeKey(true, c)
			undo = append(undo, func() { m.fakeKey(false, c) })
		}
	case shift == shiftOff && len(held) > 0:
		for _, c := range held {
			m.fakeKey(false, c)
			undo = append(undo, func() { m.fakeKey(true, c) })
		}
	}
	m.fakeKey(true, code)
	m.pressed[ks] = code
	for i := len(undo) - 1; i >= 0; i-- {
		undo[i]()
	}
}

// typeText types the text of a key event that names no key (an input
// method's composition), one character at a time.
func (m *mirror) typeText(w *xwin, ev *protocol.Event) {
	for _, r := range ev.Text {
		k := *ev
		k.Keysym = protocol.KeysymForRune(r)
		m.keyPress(w, &k)
		m.keyRelease(&k)
	}
}

func (m *mirror) keyRelease(ev *protocol.Event) {
	code, ok := m.pressed[ev.Keysym]
	if !ok {
		return
	}
	delete(m.pressed, ev.Keysym)
	m.fakeKey(false, code)
}

// modHeld reports whether the viewer holds a modifier key (either side).
func (m *mirror) modHeld(left uint32) bool {
	_, l := m.pressed[left]
	_, r := m.pressed[left+1] // X numbers each right key after its left
	return l || r
}

// shiftsHeld returns the Shift keycodes the viewer holds down.
func (m *mirror) shiftsHeld() []xproto.Keycode {
	var cs []xproto.Keycode
	for _, ks := range []uint32{protocol.KeyShiftL, protocol.KeyShiftR} {
		if c, ok := m.pressed[ks]; ok {
			cs = append(cs, c)
		}
	}
	return cs
}

// closeWindow asks the X program to close w: WM_DELETE_WINDOW when the
// window takes part in that protocol, otherwise its connection is closed,
// as window managers do.
func (m *mirror) closeWindow(w *xwin) {
	r, err := xproto.GetProperty(m.x, false, w.id, m.atoms.wmProtocols, xproto.AtomAtom, 0, 64).Reply()
	if err == nil && r.Format == 32 {
		for i := 0; i+4 <= len(r.Value); i += 4 {
			if xproto.Atom(xgb.Get32(r.Value[i:])) == m.atoms.wmDeleteWindow {
				msg := xproto.ClientMessageEvent{Format: 32, Window: w.id, Type: m.atoms.wmProtocols,
					Data: xproto.ClientMessageDataUnionData32New([]uint32{
						uint32(m.atoms.wmDeleteWindow), xproto.TimeCurrentTime, 0, 0, 0})}
				xproto.SendEvent(m.x, false, w.id, xproto.EventMaskNoEvent, string(msg.Bytes()))
				m.log.Info("asked X window to close", "x11window", w.id)
				return
			}
		}
	}
	xproto.KillClient(m.x, uint32(w.id))
	m.log.Info("X window does not take WM_DELETE_WINDOW; closed its connection", "x11window", w.id)
}

// displayConfigured follows a ConfigureNotify for a mirrored window. The
// echoes of the bridge's own moves are recognised and dropped; anything
// else is the user (or the display's window manager) moving the window,
// and the X window follows, so that pointer coordinates and menus stay
// where the user sees them.
func (m *mirror) displayConfigured(w *xwin, ev *protocol.Event) {
	for i, p := range w.pendingMoves {
		if p.X == ev.X && p.Y == ev.Y {
			w.pendingMoves = w.pendingMoves[i+1:]
			return
		}
	}
	if ev.X == w.dx && ev.Y == w.dy {
		return
	}
	w.pendingMoves = w.pendingMoves[:0]
	w.dx, w.dy = ev.X, ev.Y
	x, y := ev.X-int16(w.bw), ev.Y-int16(w.bw)
	xproto.ConfigureWindow(m.x, w.id, xproto.ConfigWindowX|xproto.ConfigWindowY,
		[]uint32{uint32(int32(x)), uint32(int32(y))})
}
