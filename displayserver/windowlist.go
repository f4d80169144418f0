package displayserver

import "image"

// WindowInfo describes one managed top-level window, as a window list
// shows it.
type WindowInfo struct {
	// ID is the window's resource ID.
	ID uint32
	// Title is the title its title bar shows.
	Title string
	// Rect is the window's inside in screen coordinates.
	Rect image.Rectangle
	// Mapped says the window is mapped (a minimized window is not).
	Mapped bool
	// State holds its window-manager state (protocol.State* bits).
	State uint16
	// Decorated says the window manager draws a title bar for it.
	Decorated bool
}

// Windows lists the managed top-level windows, bottom of the stack first.
func (s *Server) Windows() []WindowInfo {
	var out []WindowInfo
	s.st.do(func(st *state) { out = st.windowList() })
	return out
}

func (st *state) windowList() []WindowInfo {
	var out []WindowInfo
	for _, w := range st.root.children {
		if !st.managed(w) {
			continue
		}
		info := WindowInfo{ID: w.id, Title: w.title, Rect: w.inside(), Mapped: w.mapped, Decorated: w.decorationWanted()}
		if w.wm != nil {
			info.State = w.wm.state
		}
		out = append(out, info)
	}
	return out
}

// WindowListRect is where the window manager's window list is open on
// screen, or empty when it is closed.
func (s *Server) WindowListRect() image.Rectangle {
	var r image.Rectangle
	s.st.do(func(st *state) {
		if st.wm.menu != nil {
			r = st.wm.menu.at
		}
	})
	return r
}
