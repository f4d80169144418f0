// Package hostinput reads the button and key events of the desktop
// viewer's own window from the X server the viewer runs on: every press
// and release, in order, however short, which Ebitengine's once-a-frame
// polling cannot give (a click whose press and release fall in one frame
// is invisible to it).
//
// Events come from the RECORD extension (package xrecord) and are kept
// when they belong to the viewer's window: buttons pressed over it, keys
// pressed while it has the focus, and the release of whatever was kept
// pressed. The window is found by its _NET_WM_PID.
//
// It does not import Ebitengine, so it is tested under Xvfb alone.
package hostinput

import (
	"fmt"
	"sync"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/viewer/desktop/xrecord"
)

// Event is one button or key event of the viewer's window.
type Event struct {
	// Button is 1-3 for a button event, 0 for a key event.
	Button int
	// Keycode is the X keycode of a key event.
	Keycode uint8
	// Down is true for a press.
	Down bool
	// X and Y are the pointer's position in the window, for buttons.
	X, Y int
}

// Watcher reads the viewer window's events.
type Watcher struct {
	x    *xgb.Conn
	rec  *xrecord.Recorder
	root xproto.Window
	pid  uint32

	events chan Event
	done   chan struct{}

	mu      sync.Mutex
	keysyms [][]uint32 // by keycode - min
	min     int

	// Owned by the filter goroutine.
	win     xproto.Window
	chain   []xproto.Window // win and its ancestors below root
	held    map[int]bool    // kept presses: buttons 1-3, keycodes + 256
	pidAtom xproto.Atom
}

// Start starts watching the window of process pid on the X display in
// $DISPLAY (with $XAUTHORITY).
func Start(pid int) (*Watcher, error) {
	x, err := xgb.NewConn()
	if err != nil {
		return nil, fmt.Errorf("hostinput: connect to X: %w", err)
	}
	rec, err := xrecord.Start("")
	if err != nil {
		x.Close()
		return nil, err
	}
	w := &Watcher{x: x, rec: rec, root: xproto.Setup(x).DefaultScreen(x).Root, pid: uint32(pid),
		events: make(chan Event, 1024), done: make(chan struct{}), held: make(map[int]bool)}
	a, err := xproto.InternAtom(x, false, uint16(len("_NET_WM_PID")), "_NET_WM_PID").Reply()
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("hostinput: intern _NET_WM_PID: %w", err)
	}
	w.pidAtom = a.Atom
	if err := w.loadKeymap(); err != nil {
		w.Close()
		return nil, err
	}
	go w.filter()
	return w, nil
}

// Events returns the window's events, in order. It closes when the
// watcher stops.
func (w *Watcher) Events() <-chan Event { return w.events }

// Close stops watching.
func (w *Watcher) Close() error {
	w.rec.Close()
	w.x.Close()
	return nil
}

// Err returns why the watcher stopped, if it did on its own.
func (w *Watcher) Err() error { return w.rec.Err() }

// Keysyms returns the keysyms of keycode in the X server's keyboard map
// (core columns: group 1 levels 1 and 2, group 2 levels 1 and 2, group 1
// levels 3 and 4, ...).
func (w *Watcher) Keysyms(keycode uint8) []uint32 {
	w.mu.Lock()
	defer w.mu.Unlock()
	i := int(keycode) - w.min
	if i < 0 || i >= len(w.keysyms) {
		return nil
	}
	return w.keysyms[i]
}

func (w *Watcher) loadKeymap() error {
	s := xproto.Setup(w.x)
	n := int(s.MaxKeycode) - int(s.MinKeycode) + 1
	r, err := xproto.GetKeyboardMapping(w.x, s.MinKeycode, byte(n)).Reply()
	if err != nil {
		return fmt.Errorf("hostinput: keyboard map: %w", err)
	}
	per := int(r.KeysymsPerKeycode)
	rows := make([][]uint32, n)
	for i := range rows {
		for j := 0; j < per && i*per+j < len(r.Keysyms); j++ {
			rows[i] = append(rows[i], uint32(r.Keysyms[i*per+j]))
		}
	}
	w.mu.Lock()
	w.keysyms, w.min = rows, int(s.MinKeycode)
	w.mu.Unlock()
	return nil
}

// filter keeps the recorded events that belong to the window.
func (w *Watcher) filter() {
	defer close(w.events)
	for ev := range w.rec.Events() {
		w.pollX()
		if ev.Type == xrecord.MotionNotify {
			continue
		}
		down := ev.Type == xrecord.KeyPress || ev.Type == xrecord.ButtonPress
		out := Event{Down: down}
		id := int(ev.Detail)
		if ev.Type == xrecord.KeyPress || ev.Type == xrecord.KeyRelease {
			out.Keycode = ev.Detail
			id += 256
		} else {
			if ev.Detail < 1 || ev.Detail > 3 {
				continue // the wheel: Ebitengine sums it without loss
			}
			out.Button = int(ev.Detail)
		}
		if down {
			ok, x, y := w.mine(ev)
			if !ok {
				continue
			}
			out.X, out.Y = x, y
			w.held[id] = true
		} else {
			if !w.held[id] {
				continue
			}
			delete(w.held, id)
			if out.Button != 0 {
				if r, err := xproto.TranslateCoordinates(w.x, w.root, w.win, ev.RootX, ev.RootY).Reply(); err == nil {
					out.X, out.Y = int(r.DstX), int(r.DstY)
				}
			}
		}
		w.events <- out
	}
}

// pollX handles what the X connection brought: a keyboard map change.
func (w *Watcher) pollX() {
	for {
		e, err := w.x.PollForEvent()
		if e == nil && err == nil {
			return
		}
		if _, ok := e.(xproto.MappingNotifyEvent); ok {
			w.loadKeymap()
		}
	}
}

// mine reports whether a press belongs to the window: a button pressed
// with the pointer over it (it on top there), a key while it has the
// focus. For buttons it also returns the position in the window.
func (w *Watcher) mine(ev xrecord.Event) (bool, int, int) {
	if w.win == 0 && !w.find() {
		return false, 0, 0
	}
	if ev.Type == xrecord.KeyPress {
		f, err := xproto.GetInputFocus(w.x).Reply()
		if err != nil {
			return false, 0, 0
		}
		if f.Focus == xproto.InputFocusPointerRoot {
			return w.pointerOver(ev.RootX, ev.RootY)
		}
		for _, a := range w.chain {
			if f.Focus == a {
				return true, 0, 0
			}
		}
		// The focus may be a child GLFW made; check it lies inside.
		for p := f.Focus; p != 0 && p != w.root; {
			if p == w.win {
				return true, 0, 0
			}
			t, err := xproto.QueryTree(w.x, p).Reply()
			if err != nil {
				break
			}
			p = t.Parent
		}
		return false, 0, 0
	}
	return w.pointerOver(ev.RootX, ev.RootY)
}

func (w *Watcher) pointerOver(rx, ry int16) (bool, int, int) {
	top, err := xproto.TranslateCoordinates(w.x, w.root, w.root, rx, ry).Reply()
	if err != nil {
		return false, 0, 0
	}
	onTop := false
	for _, a := range w.chain {
		if top.Child == a {
			onTop = true
		}
	}
	if !onTop {
		// The window may have been reparented or remapped since it was
		// found; look again once.
		if !w.find() {
			return false, 0, 0
		}
		for _, a := range w.chain {
			if top.Child == a {
				onTop = true
			}
		}
		if !onTop {
			return false, 0, 0
		}
	}
	r, err := xproto.TranslateCoordinates(w.x, w.root, w.win, rx, ry).Reply()
	if err != nil {
		return false, 0, 0
	}
	g, err := xproto.GetGeometry(w.x, xproto.Drawable(w.win)).Reply()
	if err != nil {
		return false, 0, 0
	}
	x, y := int(r.DstX), int(r.DstY)
	return x >= 0 && y >= 0 && x < int(g.Width) && y < int(g.Height), x, y
}

// find looks for the viewer's window: a viewable window with the
// process's _NET_WM_PID, at most a few levels below root (window
// managers put frames between).
func (w *Watcher) find() bool {
	var walk func(win xproto.Window, depth int) bool
	path := []xproto.Window{}
	walk = func(win xproto.Window, depth int) bool {
		t, err := xproto.QueryTree(w.x, win).Reply()
		if err != nil {
			return false
		}
		for _, c := range t.Children {
			p, err := xproto.GetProperty(w.x, false, c, w.pidAtom, xproto.AtomCardinal, 0, 1).Reply()
			if err == nil && p.Format == 32 && len(p.Value) >= 4 && xgb.Get32(p.Value) == w.pid {
				a, err := xproto.GetWindowAttributes(w.x, c).Reply()
				if err == nil && a.MapState == xproto.MapStateViewable {
					w.win = c
					// The chain: the window, then its ancestors below root.
					chain := []xproto.Window{c}
					for i := len(path) - 1; i >= 0; i-- {
						chain = append(chain, path[i])
					}
					w.chain = chain
					return true
				}
			}
			if depth < 3 {
				path = append(path, c)
				if walk(c, depth+1) {
					return true
				}
				path = path[:len(path)-1]
			}
		}
		return false
	}
	return walk(w.root, 0)
}
