package x11bridge

import (
	"fmt"
	"slices"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/shape"
	"github.com/jezek/xgb/xfixes"
	"github.com/jezek/xgb/xproto"
	"github.com/jezek/xgb/xtest"

	"github.com/xfar/xfar/internal/icccm"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// The bridge is the window manager of its private X server, as far as the
// programs there can tell: it announces itself the EWMH way
// (_NET_SUPPORTING_WM_CHECK, _NET_SUPPORTED, _NET_CLIENT_LIST), reads the
// ICCCM, EWMH and Motif hints and hands them to the display's window
// manager (SetWMHints), and turns the programs' requests (_NET_WM_STATE,
// WM_CHANGE_STATE, _NET_WM_MOVERESIZE, _NET_ACTIVE_WINDOW,
// _NET_CLOSE_WINDOW client messages) into display requests. The display's
// window manager decides; what it decided comes back as ConfigureNotify
// and WindowStateNotify, and the bridge writes it into the X server
// (geometry, _NET_WM_STATE, WM_STATE), as a window manager does.

// wmAtoms are the atoms of the window-manager conventions the bridge
// reads and answers.
type wmAtoms struct {
	netWMPid, netSupported, netSupportingWMCheck, netClientList, netActiveWindow      xproto.Atom
	netWMState, netWMStateMaxVert, netWMStateMaxHorz, netWMStateFullscreen            xproto.Atom
	netWMStateHidden, netWMMoveResize, netCloseWindow, netWMWindowType, wmChangeState xproto.Atom
	wmState, wmTransientFor, wmNormalHints, motifWMHints, gtkFrameExtents             xproto.Atom
	// types maps the EWMH window-type atoms to the protocol's types.
	types map[xproto.Atom]uint8
}

// xwinWM is the window-manager state of one X window.
type xwinWM struct {
	shapeSent  bool
	hintsSent  protocol.SetWMHints
	hintsKnown bool
	state      uint16 // as the display last reported it
	iconified  bool   // unmapped in X because the display minimized it
	cursorSent string
}

// internWMAtoms interns wmAtoms and announces the bridge as the X
// server's window manager, unless another one already is.
func (m *mirror) internWMAtoms() error {
	a := &m.wm
	list := []struct {
		name string
		dst  *xproto.Atom
	}{
		{"_NET_WM_PID", &a.netWMPid}, {"_NET_SUPPORTED", &a.netSupported},
		{"_NET_SUPPORTING_WM_CHECK", &a.netSupportingWMCheck}, {"_NET_CLIENT_LIST", &a.netClientList},
		{"_NET_ACTIVE_WINDOW", &a.netActiveWindow}, {"_NET_WM_STATE", &a.netWMState},
		{"_NET_WM_STATE_MAXIMIZED_VERT", &a.netWMStateMaxVert}, {"_NET_WM_STATE_MAXIMIZED_HORZ", &a.netWMStateMaxHorz},
		{"_NET_WM_STATE_FULLSCREEN", &a.netWMStateFullscreen}, {"_NET_WM_STATE_HIDDEN", &a.netWMStateHidden},
		{"_NET_WM_MOVERESIZE", &a.netWMMoveResize}, {"_NET_CLOSE_WINDOW", &a.netCloseWindow},
		{"_NET_WM_WINDOW_TYPE", &a.netWMWindowType}, {"WM_CHANGE_STATE", &a.wmChangeState},
		{"WM_STATE", &a.wmState}, {"WM_TRANSIENT_FOR", &a.wmTransientFor}, {"WM_NORMAL_HINTS", &a.wmNormalHints},
		{"_MOTIF_WM_HINTS", &a.motifWMHints}, {"_GTK_FRAME_EXTENTS", &a.gtkFrameExtents},
	}
	typeAtoms := make(map[string]*xproto.Atom, len(icccm.WindowTypes))
	for name := range icccm.WindowTypes {
		typeAtoms[name] = new(xproto.Atom)
		list = append(list, struct {
			name string
			dst  *xproto.Atom
		}{name, typeAtoms[name]})
	}
	cookies := make([]xproto.InternAtomCookie, len(list))
	for i, a := range list {
		cookies[i] = xproto.InternAtom(m.x, false, uint16(len(a.name)), a.name)
	}
	for i, c := range cookies {
		r, err := c.Reply()
		if err != nil {
			return fmt.Errorf("intern atom %s: %w", list[i].name, err)
		}
		*list[i].dst = r.Atom
	}
	a.types = make(map[xproto.Atom]uint8, len(typeAtoms))
	for name, atom := range typeAtoms {
		a.types[*atom] = icccm.WindowTypes[name]
	}
	// Cursor changes anywhere on the X screen (cursor.go).
	m.learnFontCursors()
	xfixes.SelectCursorInput(m.x, m.root, xfixes.CursorNotifyMaskDisplayCursor)
	return m.announceWM()
}

// announceWM sets the EWMH root properties that tell programs a window
// manager runs and what it supports (GTK, for one, only offers maximize
// and moves its client-side title bar through the window manager when
// they are there).
func (m *mirror) announceWM() error {
	a := &m.wm
	if v := m.rawProperty(m.root, a.netSupportingWMCheck, xproto.AtomWindow); len(v) >= 4 {
		if _, err := xproto.GetGeometry(m.x, xproto.Drawable(xgb.Get32(v))).Reply(); err == nil {
			m.log.Info("the X server has a window manager already; the bridge leaves it in charge")
			return nil
		}
	}
	id, err := m.x.NewId()
	if err != nil {
		return fmt.Errorf("allocate the window-manager check window: %w", err)
	}
	check := xproto.Window(id)
	if err := xproto.CreateWindowChecked(m.x, 0, check, m.root, -1, -1, 1, 1, 0,
		xproto.WindowClassInputOnly, 0, 0, nil).Check(); err != nil {
		return fmt.Errorf("create the window-manager check window: %w", err)
	}
	m.setAtoms(check, a.netSupportingWMCheck, xproto.AtomWindow, uint32(check))
	m.setAtoms(m.root, a.netSupportingWMCheck, xproto.AtomWindow, uint32(check))
	name := "xfar"
	xproto.ChangeProperty(m.x, xproto.PropModeReplace, check, m.atoms.netWMName, m.atoms.utf8String, 8, uint32(len(name)), []byte(name))
	supported := []xproto.Atom{a.netSupported, a.netSupportingWMCheck, a.netClientList, a.netActiveWindow,
		a.netWMState, a.netWMStateMaxVert, a.netWMStateMaxHorz, a.netWMStateFullscreen, a.netWMStateHidden,
		a.netWMMoveResize, a.netCloseWindow, a.netWMWindowType, m.atoms.netWMName, a.gtkFrameExtents}
	vals := make([]uint32, len(supported))
	for i, s := range supported {
		vals[i] = uint32(s)
	}
	m.setAtoms(m.root, a.netSupported, xproto.AtomAtom, vals...)
	m.setAtoms(m.root, a.netClientList, xproto.AtomWindow)
	return nil
}

// setAtoms replaces a 32-bit property.
func (m *mirror) setAtoms(win xproto.Window, prop, typ xproto.Atom, vals ...uint32) {
	b := make([]byte, 4*len(vals))
	for i, v := range vals {
		xgb.Put32(b[4*i:], v)
	}
	xproto.ChangeProperty(m.x, xproto.PropModeReplace, win, prop, typ, 32, uint32(len(vals)), b)
}

// u32s reads a 32-bit property.
func (m *mirror) u32s(win xproto.Window, prop, typ xproto.Atom) []uint32 {
	v := m.rawProperty(win, prop, typ)
	out := make([]uint32, len(v)/4)
	for i := range out {
		out[i] = xgb.Get32(v[4*i:])
	}
	return out
}

// updateClientList rewrites _NET_CLIENT_LIST: the mirrored managed
// windows, oldest first.
func (m *mirror) updateClientList() {
	var ids []uint32
	for _, w := range m.wins {
		if w.did != 0 && !w.override && !w.inputOnly && (w.mapped || w.iconified) {
			ids = append(ids, uint32(w.id))
		}
	}
	slices.Sort(ids)
	m.setAtoms(m.root, m.wm.netClientList, xproto.AtomWindow, ids...)
}

// beforeMap sends what the display's window manager must know before it
// shows the window: its hints (placement, decoration) and its shape.
func (m *mirror) beforeMap(w *xwin) {
	if !w.override {
		m.updateHints(w)
	}
	m.updateShape(w)
	m.updateClientList()
}

// propertyChanged follows a property change of a mirrored window.
func (m *mirror) propertyChanged(w *xwin, atom xproto.Atom) {
	a := &m.wm
	switch atom {
	case m.atoms.wmName, m.atoms.netWMName, xproto.AtomWmClass, xproto.AtomWmCommand:
		m.updateTitle(w)
	case a.wmNormalHints, a.wmTransientFor, a.motifWMHints, a.gtkFrameExtents, a.netWMWindowType:
		if w.did != 0 && !w.override {
			m.updateHints(w)
		}
	}
}

// updateHints reads WM_NORMAL_HINTS, WM_TRANSIENT_FOR, _NET_WM_WINDOW_TYPE,
// _MOTIF_WM_HINTS and _GTK_FRAME_EXTENTS and sends them as SetWMHints when
// they changed.
func (m *mirror) updateHints(w *xwin) {
	a := &m.wm
	h := protocol.SetWMHints{Window: w.did}
	if v := m.u32s(w.id, a.wmNormalHints, xproto.AtomWmSizeHints); !icccm.SizeHints(&h, v) && (w.x != 0 || w.y != 0) {
		// No WM_NORMAL_HINTS at all (a bare XCreateWindow): a position
		// other than the origin is the program's choice.
		h.Flags |= protocol.HintPPosition
	}
	if v := m.u32s(w.id, a.wmTransientFor, xproto.AtomWindow); len(v) >= 1 {
		if p := m.wins[xproto.Window(v[0])]; p != nil && p.did != 0 && p != w {
			h.Flags |= protocol.HintTransient
			h.TransientFor = p.did
			h.Type = protocol.WindowTypeDialog
		}
	}
	for _, t := range m.u32s(w.id, a.netWMWindowType, xproto.AtomAtom) {
		if typ, ok := a.types[xproto.Atom(t)]; ok {
			h.Type = typ
			break
		}
	}
	if icccm.MotifNoDecorations(m.u32s(w.id, a.motifWMHints, a.motifWMHints)) {
		h.Flags |= protocol.HintNoDecorations
	}
	if v := m.u32s(w.id, a.gtkFrameExtents, xproto.AtomCardinal); len(v) == 4 {
		h.Flags |= protocol.HintNoDecorations // GTK's client-side decorations
	}
	if w.hintsKnown && h == w.hintsSent {
		return
	}
	w.hintsSent, w.hintsKnown = h, true
	m.disp.c.SetWMHintsRaw(&h)
}

// wmEvent handles the X events of the window-manager side: shape changes,
// cursor changes and the programs' client messages.
func (m *mirror) wmEvent(ev xgb.Event) {
	switch e := ev.(type) {
	case shape.NotifyEvent:
		if w := m.wins[e.AffectedWindow]; w != nil && e.ShapeKind == shape.SkBounding {
			m.updateShape(w)
		}
	case xfixes.CursorNotifyEvent:
		m.cursorChanged()
	case xproto.ClientMessageEvent:
		m.clientMessage(e)
	}
}

// clientMessage answers a program's request to its window manager.
func (m *mirror) clientMessage(e xproto.ClientMessageEvent) {
	a := &m.wm
	w := m.wins[e.Window]
	m.log.Debug("X client message", "x11window", e.Window, "type", e.Type, "data", e.Data.Data32)
	if w == nil || w.did == 0 || e.Format != 32 {
		return
	}
	d := e.Data.Data32
	win := xclient.Window(w.did)
	switch e.Type {
	case a.netWMState:
		var bits uint16
		for _, at := range d[1:3] {
			switch xproto.Atom(at) {
			case a.netWMStateMaxVert:
				bits |= protocol.StateMaximizedVert
			case a.netWMStateMaxHorz:
				bits |= protocol.StateMaximizedHorz
			case a.netWMStateFullscreen:
				bits |= protocol.StateFullscreen
			case a.netWMStateHidden:
				bits |= protocol.StateMinimized
			}
		}
		if bits != 0 && d[0] <= protocol.StateToggle {
			m.disp.c.SetWindowState(win, uint8(d[0]), bits)
		}
	case a.wmChangeState:
		if d[0] == 3 { // IconicState
			m.disp.c.SetWindowState(win, protocol.StateAdd, protocol.StateMinimized)
		}
	case a.netActiveWindow:
		if w.state&protocol.StateMinimized != 0 {
			m.disp.c.SetWindowState(win, protocol.StateRemove, protocol.StateMinimized)
		}
		m.disp.raise(w.did)
	case a.netCloseWindow:
		m.closeWindow(w)
	case a.netWMMoveResize:
		dir, button := d[2], d[3]
		if dir > protocol.MoveResizeMove {
			return // keyboard moves and cancel: not offered
		}
		// The window manager takes the drag: the display drags with its
		// own button. The program saw the button go down; it sees it go
		// up once the drag is over (releaseHeld), as under an X window
		// manager that grabbed the pointer.
		if button >= 1 && button <= 7 {
			m.heldByWM = byte(button)
		}
		m.disp.c.BeginMoveResize(win, uint8(dir), uint8(min(button, 7)))
	}
}

// displayState writes the display's window-manager state of w into the X
// server: _NET_WM_STATE and WM_STATE, and an unmap for a minimized
// window so that no X input reaches it where the display shows others.
func (m *mirror) displayState(w *xwin, state uint16) {
	a := &m.wm
	w.state = state
	var atoms []uint32
	for _, s := range []struct {
		bit  uint16
		atom xproto.Atom
	}{{protocol.StateMaximizedVert, a.netWMStateMaxVert}, {protocol.StateMaximizedHorz, a.netWMStateMaxHorz},
		{protocol.StateFullscreen, a.netWMStateFullscreen}, {protocol.StateMinimized, a.netWMStateHidden}} {
		if state&s.bit != 0 {
			atoms = append(atoms, uint32(s.atom))
		}
	}
	m.setAtoms(w.id, a.netWMState, xproto.AtomAtom, atoms...)
	iconic := state&protocol.StateMinimized != 0
	wmState := uint32(1) // NormalState
	if iconic {
		wmState = 3 // IconicState
	}
	m.setAtoms(w.id, a.wmState, a.wmState, wmState, 0)
	switch {
	case iconic && w.mapped:
		w.iconified = true
		xproto.UnmapWindow(m.x, w.id)
	case !iconic && w.iconified:
		w.iconified = false
		xproto.MapWindow(m.x, w.id)
	}
}

// releaseHeld releases in X the button a window-manager drag took over,
// at the first display event after the drag.
func (m *mirror) releaseHeld() {
	if m.heldByWM != 0 {
		xtest.FakeInput(m.x, xproto.ButtonRelease, m.heldByWM, 0, m.root, 0, 0, 0)
		m.heldByWM = 0
	}
}
