package x11bridge

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/composite"
	"github.com/jezek/xgb/damage"
	"github.com/jezek/xgb/xfixes"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/protocol"
)

// frameInterval paces repaints: damage that arrives sooner after the last
// repaint waits and is sent with whatever else changed (the display's own
// frame rate is 60 Hz, so sooner would be wasted).
const frameInterval = time.Second / 60

// xEventQueue bounds the X events waiting for the owner goroutine. When it
// overflows, the reader drops events and the owner rescans the whole tree
// instead: a rescan recovers any lost state, a blocked reader would stall
// the replies the owner is waiting for.
const xEventQueue = 4096

// mirror is the bridge's state: the X side's top-level windows and their
// counterparts on the display. It is owned by one goroutine (loop); the
// reader goroutines only feed it through channels.
type mirror struct {
	// settleSelections, when set, waits until the display's selection
	// owner changes received so far are applied on the X server.
	settleSelections func()

	log  *slog.Logger
	x    *xgb.Conn
	root xproto.Window
	// bpp is the bits per pixel of each depth's ZPixmap format.
	bpp map[byte]byte

	atoms struct {
		wmName, netWMName, utf8String, wmProtocols, wmDeleteWindow xproto.Atom
	}
	wm     wmAtoms       // ewmh.go
	region xfixes.Region // scratch region for damage

	disp *display
	// follow, when set, resizes the X screen with the display (resize.go).
	follow *follower

	wins map[xproto.Window]*xwin // every child of root, mapped or not
	byID map[uint32]*xwin        // by display window ID

	keys    *keymap
	pressed map[heldID]heldKey      // display keys held down, by physical key (input.go)
	down    map[xproto.Keycode]bool // keycodes the bridge holds down
	focus   xproto.Window
	ptrX    int16
	ptrY    int16

	xevents  chan xgb.Event
	overflow chan struct{} // cap 1: the reader dropped events
	xerrors  chan xgb.Error
	devents  chan *protocol.Event
	dead     chan struct{} // closed when the mirror must stop: a connection is gone, or shutdown
	deadErr  error
	deadOnce sync.Once

	stats stats
	flow  *flow

	cursor      *xCursor          // the X screen's cursor (cursor.go)
	fontCursors map[string]string // core font cursor images -> CSS names
	ptrWin      *xwin             // the window the pointer was last moved into
	// heldByWM is the X button a window-manager drag took over (ewmh.go).
	heldByWM byte

	// stackFromX: the X server restacked a mirrored window; the display
	// follows after the current burst of X events (stack.go).
	stackFromX bool
}

// xwin is one child of the X root window.
type xwin struct {
	id            xproto.Window
	x, y          int16 // outer top-left, as X reports it
	w, h, bw      uint16
	override      bool
	inputOnly     bool
	mapped        bool
	damage        damage.Damage
	pixmap        xproto.Pixmap // composite pixmap, 0 when not named
	pixmapStale   bool
	dirty, full   bool
	title         string
	depth         byte
	aboveSibling  xproto.Window
	did           uint32 // display window, 0 until first mapped
	dx, dy        int16  // where the display has the window's interior
	dw, dh        uint16
	pendingMoves  []protocol.Rect // moves and resizes sent to the display not yet echoed
	xPending      []protocol.Rect // the display's moves and resizes sent to X not yet echoed
	displayMapped bool
	titleSent     bool
	send          sendState // what is still to be sent, and how (repaint.go)
	// dispBelow is the display's sibling below the window, as its last
	// ConfigureNotify said; a change means the display restacked it.
	dispBelow      uint32
	dispBelowKnown bool
	xwinWM         // window-manager state (ewmh.go)
}

func newMirror(x *xgb.Conn, disp *display, log *slog.Logger) (*mirror, error) {
	m := &mirror{log: log, x: x, disp: disp,
		wins: make(map[xproto.Window]*xwin), byID: make(map[uint32]*xwin),
		pressed: make(map[heldID]heldKey), down: make(map[xproto.Keycode]bool),
		xevents: make(chan xgb.Event, xEventQueue), overflow: make(chan struct{}, 1),
		xerrors: make(chan xgb.Error, 64),
		devents: make(chan *protocol.Event, 256), dead: make(chan struct{}), flow: newFlow()}
	setup := xproto.Setup(x)
	scr := setup.DefaultScreen(x)
	m.root = scr.Root
	m.bpp = make(map[byte]byte)
	for _, f := range setup.PixmapFormats {
		m.bpp[f.Depth] = f.BitsPerPixel
	}
	if setup.ImageByteOrder != xproto.ImageOrderLSBFirst {
		return nil, errors.New("X server's image byte order is MSB first; only LSB first is supported")
	}
	if err := m.initExtensions(); err != nil {
		return nil, err
	}
	if err := m.internAtoms(); err != nil {
		return nil, err
	}
	if err := m.internWMAtoms(); err != nil {
		return nil, err
	}
	keys, err := loadKeymap(x)
	if err != nil {
		return nil, err
	}
	m.keys = keys
	// Select first, then scan, so that no window can slip between.
	if err := xproto.ChangeWindowAttributesChecked(x, m.root, xproto.CwEventMask,
		[]uint32{xproto.EventMaskSubstructureNotify}).Check(); err != nil {
		return nil, fmt.Errorf("select SubstructureNotify on the X root: %w", err)
	}
	if err := composite.RedirectSubwindowsChecked(x, m.root, composite.RedirectAutomatic).Check(); err != nil {
		return nil, fmt.Errorf("composite redirect: %w", err)
	}
	go m.readX()
	go m.readDisplay()
	go m.flow.acker(m.dead)
	if err := m.rescan(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *mirror) initExtensions() error {
	for _, e := range extensions {
		if err := initExtension(m.x, e.name, e.init); err != nil {
			return err
		}
	}
	// Damage and XFixes want the client to say which version it speaks
	// before it uses them (regions need XFixes 2).
	if _, err := xfixes.QueryVersion(m.x, 5, 0).Reply(); err != nil {
		return fmt.Errorf("XFixes version: %w", err)
	}
	if _, err := damage.QueryVersion(m.x, 1, 1).Reply(); err != nil {
		return fmt.Errorf("DAMAGE version: %w", err)
	}
	if _, err := composite.QueryVersion(m.x, 0, 4).Reply(); err != nil {
		return fmt.Errorf("Composite version: %w", err)
	}
	id, err := m.x.NewId()
	if err != nil {
		return fmt.Errorf("allocate X region: %w", err)
	}
	m.region = xfixes.Region(id)
	if err := xfixes.CreateRegionChecked(m.x, m.region, nil).Check(); err != nil {
		return fmt.Errorf("create X region: %w", err)
	}
	return nil
}

func (m *mirror) internAtoms() error {
	names := []string{"WM_NAME", "_NET_WM_NAME", "UTF8_STRING", "WM_PROTOCOLS", "WM_DELETE_WINDOW"}
	dst := []*xproto.Atom{&m.atoms.wmName, &m.atoms.netWMName, &m.atoms.utf8String,
		&m.atoms.wmProtocols, &m.atoms.wmDeleteWindow}
	cookies := make([]xproto.InternAtomCookie, len(names))
	for i, n := range names {
		cookies[i] = xproto.InternAtom(m.x, false, uint16(len(n)), n)
	}
	for i, c := range cookies {
		r, err := c.Reply()
		if err != nil {
			return fmt.Errorf("intern atom %s: %w", names[i], err)
		}
		*dst[i] = r.Atom
	}
	return nil
}

// readX forwards X events to the owner. It never blocks on a full queue
// (that would stall xgb's reader and with it every reply); it drops and
// asks for a rescan instead.
func (m *mirror) readX() {
	for {
		ev, xerr := m.x.WaitForEvent()
		switch {
		case ev == nil && xerr == nil:
			m.die(errors.New("X connection closed"))
			return
		case xerr != nil:
			select {
			case m.xerrors <- xerr:
			default: // errors are only logged; losing some is harmless
			}
		default:
			select {
			case m.xevents <- ev:
			default:
				select {
				case m.overflow <- struct{}{}:
				default:
				}
			}
		}
	}
}

// readDisplay forwards the display's events to the owner. Once the owner
// has stopped taking them it keeps reading and drops them, so that replies
// (the Sync of shutdown) still get through, until the connection closes.
func (m *mirror) readDisplay() {
	for {
		ev, err := m.disp.nextEvent()
		if err != nil {
			var perr *protocol.Error
			if errors.As(err, &perr) {
				m.log.Debug("display error", "err", perr)
				continue
			}
			m.die(fmt.Errorf("display connection: %w", err))
			return
		}
		select {
		case m.devents <- ev:
		case <-m.dead:
		}
	}
}

// die records why the mirror cannot go on and wakes the owner; the first
// reason wins (the reader goroutines and shutdown may race here).
func (m *mirror) die(err error) {
	m.deadOnce.Do(func() {
		m.deadErr = err
		close(m.dead)
	})
}

// loop runs the mirror until stop is closed or a connection fails.
func (m *mirror) loop(stop <-chan struct{}) error {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	armed := false
	var last time.Time
	arm := func() {
		if armed || !m.wantRepaint() {
			return
		}
		armed = true
		timer.Reset(m.repaintDelay(last))
	}
	for {
		arm()
		select {
		case <-stop:
			return m.deadError()
		case <-m.dead:
			return m.deadErr
		case ev := <-m.xevents:
			m.handleX(ev)
			// Take what else is queued before repainting, so a burst of
			// events costs one repaint.
			for n := 0; n < 256; n++ {
				select {
				case ev := <-m.xevents:
					m.handleX(ev)
					continue
				default:
				}
				break
			}
			if m.stackFromX {
				if err := m.stackDisplayLikeX(); err != nil {
					m.log.Debug("restack display windows like X", "err", err)
				}
			}
		case <-m.overflow:
			m.log.Warn("X events overflowed; rescanning")
			if err := m.rescan(); err != nil {
				return err
			}
		case xerr := <-m.xerrors:
			// Windows vanish between an event and the request about it;
			// such errors are expected and harmless.
			m.log.Debug("X error", "err", xerr)
		case ev := <-m.devents:
			if err := m.handleDisplay(ev); err != nil {
				return err
			}
		case b := <-m.flow.acks:
			m.flow.acked(b)
			// The link took something: send what waits for it now rather
			// than at the next frame, or a fast link idles between frames.
			if err := m.sendPending(); err != nil {
				return err
			}
		case <-timer.C:
			armed = false
			last = time.Now()
			if err := m.repaint(); err != nil {
				return err
			}
		}
	}
}

func (m *mirror) deadError() error {
	select {
	case <-m.dead:
		return m.deadErr
	default:
		return nil
	}
}

// shutdown removes the mirrored windows from the display and closes both
// connections. The X server's windows are left alone: they belong to
// their programs.
func (m *mirror) shutdown() {
	m.die(errors.New("bridge shut down"))
	for _, w := range m.wins {
		if w.did != 0 {
			m.disp.destroyWindow(w.did)
		}
	}
	if err := m.disp.sync(); err != nil {
		m.log.Debug("removing windows from the display", "err", err)
	}
	m.disp.close()
	m.x.Close()
}

// rescan reconciles the window table with the X server's tree of root's
// children: at start, and after lost events.
func (m *mirror) rescan() error {
	tree, err := xproto.QueryTree(m.x, m.root).Reply()
	if err != nil {
		return fmt.Errorf("query X tree: %w", err)
	}
	alive := make(map[xproto.Window]bool, len(tree.Children))
	var below xproto.Window
	for _, id := range tree.Children { // bottom to top
		alive[id] = true
		attr, aerr := xproto.GetWindowAttributes(m.x, id).Reply()
		geo, gerr := xproto.GetGeometry(m.x, xproto.Drawable(id)).Reply()
		if aerr != nil || gerr != nil {
			continue // gone meanwhile
		}
		w := m.track(id, geo.X, geo.Y, geo.Width, geo.Height, geo.BorderWidth, attr.OverrideRedirect)
		w.inputOnly = attr.Class == xproto.WindowClassInputOnly
		m.configure(w, geo.X, geo.Y, geo.Width, geo.Height, geo.BorderWidth, below)
		if attr.MapState == xproto.MapStateViewable {
			m.mapped(w)
		} else if w.mapped {
			m.unmapped(w)
		}
		w.dirty, w.full = true, true
		below = id
	}
	for id, w := range m.wins {
		if !alive[id] {
			m.destroyed(w)
		}
	}
	return m.disp.flush()
}

// handleX applies one X event.
func (m *mirror) handleX(ev xgb.Event) {
	switch e := ev.(type) {
	case damage.NotifyEvent:
		if w := m.wins[xproto.Window(e.Drawable)]; w != nil {
			w.dirty = true
		}
	case xproto.CreateNotifyEvent:
		if e.Parent == m.root {
			m.track(e.Window, e.X, e.Y, e.Width, e.Height, e.BorderWidth, e.OverrideRedirect)
		}
	case xproto.ConfigureNotifyEvent:
		if w := m.wins[e.Window]; w != nil {
			m.configure(w, e.X, e.Y, e.Width, e.Height, e.BorderWidth, e.AboveSibling)
		}
	case xproto.MapNotifyEvent:
		if w := m.wins[e.Window]; w != nil {
			w.override = e.OverrideRedirect
			m.mapped(w)
		}
	case xproto.UnmapNotifyEvent:
		if w := m.wins[e.Window]; w != nil {
			m.unmapped(w)
		}
	case xproto.DestroyNotifyEvent:
		if w := m.wins[e.Window]; w != nil {
			m.destroyed(w)
		}
	case xproto.ReparentNotifyEvent:
		// A window manager on an attached display reparents clients into
		// frames; the frames are what root's children are then.
		if w := m.wins[e.Window]; w != nil && e.Parent != m.root {
			m.destroyed(w)
		} else if w == nil && e.Parent == m.root {
			geo, err := xproto.GetGeometry(m.x, xproto.Drawable(e.Window)).Reply()
			if err == nil {
				m.track(e.Window, geo.X, geo.Y, geo.Width, geo.Height, geo.BorderWidth, e.OverrideRedirect)
			}
		}
	case xproto.PropertyNotifyEvent:
		if w := m.wins[e.Window]; w != nil {
			m.propertyChanged(w, e.Atom) // ewmh.go
		}
	case xproto.MappingNotifyEvent:
		if e.Request == xproto.MappingKeyboard {
			if err := m.keys.refresh(m.x); err != nil {
				m.log.Warn("reload X keyboard map", "err", err)
			}
		}
	default:
		m.wmEvent(ev) // shapes, cursors, EWMH client messages (ewmh.go)
	}
	if err := m.disp.flush(); err != nil {
		m.die(fmt.Errorf("display connection: %w", err))
	}
}

// track starts following a new child of root: its damage and its title.
func (m *mirror) track(id xproto.Window, x, y int16, w, h, bw uint16, override bool) *xwin {
	if old := m.wins[id]; old != nil {
		return old
	}
	win := &xwin{id: id, x: x, y: y, w: w, h: h, bw: bw, override: override}
	m.wins[id] = win
	xproto.ChangeWindowAttributes(m.x, id, xproto.CwEventMask, []uint32{xproto.EventMaskPropertyChange})
	m.shapeSelect(id)
	if did, err := m.x.NewId(); err == nil {
		win.damage = damage.Damage(did)
		damage.Create(m.x, win.damage, xproto.Drawable(id), damage.ReportLevelNonEmpty)
	} else {
		m.log.Error("allocate X damage", "err", err)
	}
	return win
}

// configure follows a move, resize or restack of an X window.
func (m *mirror) configure(w *xwin, x, y int16, width, height, bw uint16, above xproto.Window) {
	resized := width != w.w || height != w.h || bw != w.bw
	w.x, w.y, w.w, w.h, w.bw = x, y, width, height, bw
	if resized {
		w.pixmapStale, w.dirty, w.full = true, true, true
	}
	if w.did == 0 {
		w.aboveSibling = above
		return
	}
	dx, dy := x+int16(bw), y+int16(bw)
	echo := m.xEcho(w, dx, dy, width, height) // input.go
	if !echo && (dx != w.dx || dy != w.dy || width != w.dw || height != w.dh) {
		m.disp.moveResize(w.did, dx, dy, width, height)
		w.dx, w.dy, w.dw, w.dh = dx, dy, width, height
		if len(w.pendingMoves) < 16 {
			w.pendingMoves = append(w.pendingMoves, protocol.Rect{X: dx, Y: dy, W: width, H: height})
		}
	}
	if above != w.aboveSibling {
		w.aboveSibling = above
		m.xRestacked()
	}
}

// mapped shows a window on the display, creating its counterpart the first
// time.
func (m *mirror) mapped(w *xwin) {
	if w.inputOnly {
		return
	}
	w.mapped, w.pixmapStale, w.dirty, w.full = true, true, true, true
	if w.did == 0 {
		attr, err := xproto.GetWindowAttributes(m.x, w.id).Reply()
		if err != nil {
			w.mapped = false
			return // gone meanwhile
		}
		if attr.Class == xproto.WindowClassInputOnly {
			w.inputOnly, w.mapped = true, false
			return
		}
		w.override = attr.OverrideRedirect
		if geo, err := xproto.GetGeometry(m.x, xproto.Drawable(w.id)).Reply(); err == nil {
			w.depth = geo.Depth
		}
		w.dx, w.dy, w.dw, w.dh = w.x+int16(w.bw), w.y+int16(w.bw), max(w.w, 1), max(w.h, 1)
		did, err := m.disp.createWindow(w.dx, w.dy, w.dw, w.dh, w.override)
		if err != nil {
			m.log.Error("create display window", "x11window", w.id, "err", err)
			return
		}
		w.did = did
		m.byID[did] = w
		if !w.override {
			m.updateTitle(w)
		}
		m.log.Debug("window mirrored", "x11window", w.id, "window", did,
			"geometry", fmt.Sprintf("%dx%d%+d%+d", w.w, w.h, w.x, w.y), "override", w.override)
	}
	m.beforeMap(w) // hints and shape first, so the window manager places it right (ewmh.go)
	m.disp.mapWindow(w.did)
	// New and re-mapped windows go on top, as on the X server, where a
	// window maps above its siblings' current stacking unless restacked.
	m.disp.raise(w.did)
	m.raiseX(w)
	w.displayMapped = true
}

func (m *mirror) unmapped(w *xwin) {
	m.lostFocus(w)
	w.mapped, w.dirty = false, false
	w.send.pending = nil
	m.freePixmap(w)
	if w.did != 0 && w.displayMapped {
		m.disp.unmapWindow(w.did)
		w.displayMapped = false
	}
}

func (m *mirror) destroyed(w *xwin) {
	m.lostFocus(w)
	m.freePixmap(w)
	if w.did != 0 {
		m.disp.destroyWindow(w.did)
		delete(m.byID, w.did)
	}
	delete(m.wins, w.id)
}

func (m *mirror) freePixmap(w *xwin) {
	if w.pixmap != 0 {
		xproto.FreePixmap(m.x, w.pixmap)
		w.pixmap = 0
	}
}

// updateTitle reads _NET_WM_NAME (UTF-8), else WM_NAME (Latin-1), else
// the class or command (title.go), and sends it to the display if it
// changed.
func (m *mirror) updateTitle(w *xwin) {
	if w.did == 0 || w.override {
		return
	}
	title, ok := m.textProperty(w.id, m.atoms.netWMName)
	if !ok {
		title, ok = m.textProperty(w.id, m.atoms.wmName)
	}
	if !ok || title == "" {
		title = m.fallbackTitle(w)
	}
	if title == w.title && w.titleSent {
		return
	}
	w.title, w.titleSent = title, true
	m.disp.setTitle(w.did, title)
}

func (m *mirror) textProperty(win xproto.Window, prop xproto.Atom) (string, bool) {
	r, err := xproto.GetProperty(m.x, false, win, prop, xproto.GetPropertyTypeAny, 0, protocol.MaxTitle/4).Reply()
	if err != nil || r.Format != 8 || r.ValueLen == 0 {
		return "", false
	}
	v := r.Value[:r.ValueLen]
	var s string
	if r.Type == m.atoms.utf8String {
		s = string(v)
		if !utf8.ValidString(s) {
			s = string([]rune(s)) // replaces bad bytes with U+FFFD
		}
	} else { // STRING is Latin-1; COMPOUND_TEXT's ASCII part reads the same
		rs := make([]rune, len(v))
		for i, c := range v {
			rs[i] = rune(c)
		}
		s = string(rs)
	}
	for len(s) > protocol.MaxTitle {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
	}
	return s, true
}
