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
		out = append(out, WindowInfo{ID: w.id, Title: w.title, Rect: w.inside(), Mapped: w.mapped})
	}
	return out
}
