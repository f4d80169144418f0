package x11bridge

import (
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
	"github.com/jezek/xgb/xtest"

	"github.com/xfar/xfar/keyboard"
	"github.com/xfar/xfar/protocol"
)

// handleDisplay applies one event from the display: input for a mirrored
// window becomes X input through XTEST, a close request becomes
// WM_DELETE_WINDOW, and a move by the user moves the X window.
func (m *mirror) handleDisplay(ev *protocol.Event) error {
	if ev.Code == protocol.ConfigureNotify && ev.Window == uint32(m.disp.root) {
		m.displayResized(int(ev.Width), int(ev.Height)) // resize.go
		return nil
	}
	w := m.byID[ev.Window]
	if w == nil {
		return nil
	}
	if ev.Code == protocol.KeyPress || ev.Code == protocol.ButtonPress {
		w.send.lastInput = time.Now() // its echo goes first (repaint.go)
	}
	switch ev.Code {
	case protocol.ButtonPress, protocol.ButtonRelease, protocol.KeyPress:
		// A paste key or button may follow an owner change from the
		// display; the X program must find the new owner when it asks.
		if m.settleSelections != nil {
			m.settleSelections()
		}
	}
	switch ev.Code {
	case protocol.MotionNotify, protocol.ButtonPress:
		m.releaseHeld() // a window-manager drag is over (ewmh.go)
	}
	switch ev.Code {
	case protocol.MotionNotify:
		m.pointerTo(w, ev.X, ev.Y, false)
	case protocol.ButtonPress, protocol.ButtonRelease:
		m.pointerTo(w, ev.X, ev.Y, true)
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
		m.displayRestacked(w, ev.Child)
	case protocol.WindowStateNotify:
		m.displayState(w, ev.State) // ewmh.go
	}
	return m.disp.flush()
}

// pointerTo moves the X pointer to (x, y) in w's interior. A motion to
// where the bridge last put the pointer is skipped, except before a button
// event (force): another X client (xdotool, a warping program) may have
// moved the pointer since, and a click must land where the user clicked,
// not become a drag from elsewhere.
func (m *mirror) pointerTo(w *xwin, x, y int16, force bool) {
	rx, ry := w.x+int16(w.bw)+x, w.y+int16(w.bw)+y
	m.pointerIn(w) // its cursor (cursor.go)
	if !force && rx == m.ptrX && ry == m.ptrY {
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

// heldID names a display key that is down: its keycode (the event's
// detail), or for text no key typed its keysym, tagged so the two never
// collide.
type heldID uint64

func heldIDOf(ev *protocol.Event) heldID {
	if ev.Detail != 0 {
		return heldID(ev.Detail)
	}
	return heldID(1<<32 | uint64(ev.Keysym))
}

// heldKey is the X key the bridge holds down for a display key.
type heldKey struct {
	code xproto.Keycode
	sym  uint32
}

// modifiers the bridge sets around a key to the state the event reports,
// with the keysym it presses when one is wanted and none is held.
var bridgeMods = []struct {
	mask   uint16
	keysym uint32
}{
	{protocol.ShiftMask, protocol.KeyShiftL},
	{protocol.ControlMask, protocol.KeyControlL},
	{protocol.Mod1Mask, protocol.KeyAltL},
	{keyboard.AltGrMask, protocol.KeyISOLevel3Shift},
}

// keyPress presses the keycode that types ev's keysym, as a keyboard
// would. Without a window manager nobody gives the X program the focus, so
// the bridge does: the window that gets keys on the display gets them on
// the X server.
//
// The private X server's keymap is not the viewer's layout, so keys are
// found by keysym, and the modifiers are set around each key to what the
// event's state says, as the keymap needs: Shift pressed or let go for
// the keysym's level (Shift+Tab stays Shift+ISO_Left_Tab, which sits on
// Tab's second level), Control and Alt let go when AltGr in its Windows
// shape typed a character, pressed when the state has them but the viewer
// never sent them as keys. What the user holds is restored after the key.
//
// Held keys are tracked by the display's physical key: a second press of
// a key that is down (auto-repeat, or the same key changing case) first
// releases what it held, and no keycode is pressed while it is down.
func (m *mirror) keyPress(w *xwin, ev *protocol.Event) {
	ks := ev.Keysym
	if ks == 0 || isLockKeysym(ks) {
		// The viewer's layout already applied Caps Lock and Num Lock to
		// the keysyms it reports; toggling them here would apply them twice.
		return
	}
	if !w.override && m.focus != w.id {
		xproto.SetInputFocus(m.x, xproto.InputFocusPointerRoot, w.id, xproto.TimeCurrentTime)
		m.focus = w.id
	}
	if ev.X >= 0 && ev.Y >= 0 && int(ev.X) < int(w.w) && int(ev.Y) < int(w.h) {
		m.pointerTo(w, ev.X, ev.Y, false)
	}
	id := heldIDOf(ev)
	m.letGo(id) // auto-repeat, or a new keysym on the same key
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
	if m.down[code] {
		// Another display key holds this keycode (two keys of the
		// viewer's layout type the same keysym): let it go first.
		for other, h := range m.pressed {
			if h.code == code {
				delete(m.pressed, other)
			}
		}
		m.fakeKey(false, code)
	}
	if keyboard.ModifierMask(ks) != 0 {
		m.fakeKey(true, code)
		m.pressed[id] = heldKey{code: code, sym: ks}
		return
	}
	want := ev.State
	switch shift {
	case shiftOn:
		want |= protocol.ShiftMask
	case shiftOff:
		want &^= protocol.ShiftMask
	}
	// The bridge finds keysyms on the first two levels only; AltGr would
	// move some keys of the X server's map to a third.
	want &^= keyboard.AltGrMask
	var undo []func()
	for _, mod := range bridgeMods {
		held := m.modsHeld(mod.mask)
		switch {
		case want&mod.mask != 0 && len(held) == 0:
			if c, _, ok := m.keys.lookup(mod.keysym); ok && !m.down[c] {
				m.fakeKey(true, c)
				undo = append(undo, func() { m.fakeKey(false, c) })
			}
		case want&mod.mask == 0 && len(held) > 0:
			for _, c := range held {
				m.fakeKey(false, c)
				undo = append(undo, func() { m.fakeKey(true, c) })
			}
		}
	}
	m.fakeKey(true, code)
	m.pressed[id] = heldKey{code: code, sym: ks}
	for i := len(undo) - 1; i >= 0; i-- {
		undo[i]()
	}
}

// typeText types the text of a key event that names no key (an input
// method's commit), one character at a time, with the user's Control and
// Alt let go meanwhile (the text is typed, not a shortcut).
func (m *mirror) typeText(w *xwin, ev *protocol.Event) {
	for _, r := range ev.Text {
		k := *ev
		k.Detail = 0
		k.Keysym = protocol.KeysymForRune(r)
		k.State &^= protocol.ControlMask | protocol.Mod1Mask | protocol.Mod4Mask
		m.keyPress(w, &k)
		m.keyRelease(&k)
	}
}

// keyRelease releases what the press of the same display key pressed.
func (m *mirror) keyRelease(ev *protocol.Event) { m.letGo(heldIDOf(ev)) }

// letGo releases the X key held for display key id, if any and still down.
func (m *mirror) letGo(id heldID) {
	h, ok := m.pressed[id]
	if !ok {
		return
	}
	delete(m.pressed, id)
	if m.down[h.code] {
		m.fakeKey(false, h.code)
	}
}

// modsHeld returns the keycodes the viewer holds down that hold modifier
// mask.
func (m *mirror) modsHeld(mask uint16) []xproto.Keycode {
	var cs []xproto.Keycode
	for _, h := range m.pressed {
		if keyboard.ModifierMask(h.sym) == mask && m.down[h.code] {
			cs = append(cs, h.code)
		}
	}
	return cs
}

// lostFocus releases every key the bridge holds when the window with the
// X focus goes away: the display may send the releases to a window that
// is not the bridge's, and a key left down on the X server would repeat
// and shift or control whatever is typed next. The modifiers the user
// still holds are set again from each later key's state (keyPress).
func (m *mirror) lostFocus(w *xwin) {
	if w.id != m.focus {
		return
	}
	m.focus = 0
	for id := range m.pressed {
		m.letGo(id)
	}
}

// isLockKeysym reports Caps_Lock, Shift_Lock and Num_Lock.
func isLockKeysym(ks uint32) bool {
	return ks == protocol.KeyCapsLock || ks == 0xffe6 || ks == protocol.KeyNumLock // 0xffe6: Shift_Lock
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
// echoes of the bridge's own moves and resizes are recognised and
// dropped; anything else is the user (or the display's window manager:
// placement, maximize, a frame-edge drag) moving or resizing the window,
// and the X window follows, so that pointer coordinates, menus and the
// program's layout match what the user sees.
func (m *mirror) displayConfigured(w *xwin, ev *protocol.Event) {
	for i, p := range w.pendingMoves {
		if p.X == ev.X && p.Y == ev.Y && p.W == ev.Width && p.H == ev.Height {
			w.pendingMoves = w.pendingMoves[i+1:]
			return
		}
	}
	if ev.X == w.dx && ev.Y == w.dy && ev.Width == w.dw && ev.Height == w.dh {
		return
	}
	w.pendingMoves = w.pendingMoves[:0]
	mask := uint16(0)
	var vals []uint32
	if ev.X != w.dx || ev.Y != w.dy {
		mask |= xproto.ConfigWindowX | xproto.ConfigWindowY
		vals = append(vals, uint32(int32(ev.X-int16(w.bw))), uint32(int32(ev.Y-int16(w.bw))))
	}
	if ev.Width != w.dw || ev.Height != w.dh {
		mask |= xproto.ConfigWindowWidth | xproto.ConfigWindowHeight
		vals = append(vals, uint32(ev.Width), uint32(ev.Height))
	}
	w.dx, w.dy, w.dw, w.dh = ev.X, ev.Y, ev.Width, ev.Height
	xproto.ConfigureWindow(m.x, w.id, mask, vals)
	if len(w.xPending) < 16 {
		w.xPending = append(w.xPending, protocol.Rect{X: ev.X, Y: ev.Y, W: ev.Width, H: ev.Height})
	}
}

// xEcho reports whether an X ConfigureNotify is the echo of a move the
// display asked for (displayConfigured): the display is already there or
// further on (a drag sends many), so it must not be sent back.
func (m *mirror) xEcho(w *xwin, dx, dy int16, width, height uint16) bool {
	for i, p := range w.xPending {
		if p.X == dx && p.Y == dy && p.W == width && p.H == height {
			w.xPending = w.xPending[i+1:]
			return true
		}
	}
	return false
}
