package displayserver

import (
	"errors"
	"fmt"
	"image"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/render"
)

// Resize changes the screen's size, as a viewer that makes the display
// follow its window asks (feed.Resizer). Windows stay reachable: managed
// top-level windows move so that their title bar can be grabbed, and
// maximized or fullscreen ones take the new size. Clients that select
// StructureNotify on the root hear a ConfigureNotify with the new size;
// new clients get it in the ServerHello; viewers get a whole frame.
func (s *Server) Resize(w, h int) error {
	if w < 64 || h < 64 || w > protocol.MaxDimension || h > protocol.MaxDimension {
		return fmt.Errorf("resize screen to %dx%d: out of range 64..%d", w, h, protocol.MaxDimension)
	}
	if !s.st.do(func(st *state) { st.resize(w, h) }) {
		return errors.New("resize screen: the display server is closed")
	}
	return nil
}

func (st *state) resize(w, h int) {
	if w == st.width && h == st.height {
		return
	}
	ow, oh := st.width, st.height
	st.width, st.height = w, h
	st.srv.size.Store(uint64(w)<<32 | uint64(h))
	st.screen = render.NewImage(w, h)
	root := st.root
	root.img.Resize(w, h)
	root.w, root.h = w, h
	if w > ow {
		root.img.Fill(image.Rect(ow, 0, w, h), root.bg)
	}
	if h > oh {
		root.img.Fill(image.Rect(0, oh, w, h), root.bg)
	}
	st.pending.Clear()
	st.pending.Add(st.screen.Bounds())
	for s := range st.subs {
		s.co.Invalidate()
	}
	for _, win := range append([]*window(nil), root.children...) {
		if !st.managed(win) || !win.mapped {
			continue
		}
		switch m := wmOf(win); {
		case m.state&protocol.StateFullscreen != 0:
			st.configure(win, &protocol.ConfigureWindow{ValueMask: protocol.ConfigX | protocol.ConfigY | protocol.ConfigWidth | protocol.ConfigHeight,
				X: int16(-win.bw), Y: int16(-win.bw), Width: uint16(w), Height: uint16(h)}, nil)
		case m.state&protocol.StateMaximized != 0:
			r := st.maximizedRect(win, m.state)
			st.configure(win, &protocol.ConfigureWindow{ValueMask: protocol.ConfigX | protocol.ConfigY | protocol.ConfigWidth | protocol.ConfigHeight,
				X: int16(r.Min.X), Y: int16(r.Min.Y), Width: uint16(r.Dx()), Height: uint16(r.Dy())}, nil)
		default:
			// Left of and above the new edges, whole if it fits (the
			// title bar first).
			ow, oh := win.w+2*win.bw, win.h+2*win.bw
			top := 0
			if st.decorated(win) {
				top = titleHeight
			}
			x, y := min(win.x, max(0, w-ow)), min(win.y, max(top, h-oh))
			if x != win.x || y != win.y {
				st.configure(win, &protocol.ConfigureWindow{ValueMask: protocol.ConfigX | protocol.ConfigY, X: int16(x), Y: int16(y)}, nil)
			}
		}
	}
	st.pointer = image.Pt(clamp(st.pointer.X, 0, w-1), clamp(st.pointer.Y, 0, h-1))
	ev := protocol.Event{Code: protocol.ConfigureNotify, Width: uint16(w), Height: uint16(h)}
	st.deliver(root, protocol.StructureNotifyMask, ev)
	st.updateHover()
}
