package displayserver

import (
	"image"

	"github.com/xfar/xfar/protocol"
)

// Placement: where the window manager puts a top-level window the first
// time it is mapped, and how it keeps every window within reach.
//
// A program that asks for a position gets it (X's USPosition and
// PPosition through SetWMHints; without hints, any position other than
// the origin, which is where X programs that ask for nothing create
// their windows). A dialog (a transient) is centred on its parent. A window that
// asks for nothing goes to the first free spot, scanning from the top
// left, where it overlaps no other window; when the screen has no such
// spot it cascades from the top left, stepping by a title bar's height
// until it covers no other window's title bar.

const (
	// placeStep is the grid the free-spot scan walks.
	placeStep = 16
	// reachMargin is how much of a title bar stays on screen, however a
	// window is placed or dragged, so that it can always be grabbed.
	reachMargin = 48
)

// wantsPlacement reports whether w leaves its position to the window
// manager.
func (st *state) wantsPlacement(w *window) bool {
	if w.wm != nil && w.wm.hintsSet {
		return w.wm.hints.Flags&(protocol.HintUSPosition|protocol.HintPPosition) == 0
	}
	return w.x == 0 && w.y == 0
}

// frameRect is what w occupies on screen with its title bar, if the
// window's outer corner were at p.
func (st *state) frameRect(w *window, p image.Point) image.Rectangle {
	o := image.Rect(p.X, p.Y, p.X+w.w+2*w.bw, p.Y+w.h+2*w.bw)
	o.Min.Y -= st.titleSpace(w)
	return o
}

// placeOnMap places a managed window being mapped: where the window
// manager chooses the first time, and within reach always. It reports
// whether the window moved.
func (st *state) placeOnMap(w *window) bool {
	if w.hasState(protocol.StateMinimized) {
		// A program mapping its minimized window brings it back, as
		// XMapWindow deiconifies under an X window manager.
		w.wm.state &^= protocol.StateMinimized
		st.notifyState(w)
	}
	moved := false
	if !w.placed {
		moved = st.place(w)
	}
	return st.keepReachable(w) || moved
}

// titleSpace is the height of the title bar w gets above it: none for a
// window that draws its own.
func (st *state) titleSpace(w *window) int {
	if w.decorationWanted() {
		return titleHeight
	}
	return 0
}

// place chooses the position of a managed window mapped for the first
// time. It reports whether the window moved.
func (st *state) place(w *window) bool {
	w.placed = true
	// A dialog goes to the middle of its parent, unless the user asked
	// for a position; one whose parent is not shown yet is placed as any
	// window and centred when the parent maps.
	if p := st.transientFor(w); p != nil && (w.wm.hints.Flags&protocol.HintUSPosition == 0) {
		w.wm.followParent = true
		if p.mapped {
			c := st.centredOn(w, p)
			moved := c != image.Pt(w.x, w.y)
			w.x, w.y = c.X, c.Y
			return moved
		}
	}
	if !st.wantsPlacement(w) {
		return false
	}
	var others []*window
	for _, ch := range st.root.children {
		if ch != w && ch.mapped && st.managed(ch) {
			others = append(others, ch)
		}
	}
	p, ok := st.freeSpot(w, others)
	if !ok {
		p = st.cascade(w, others)
	}
	if p == image.Pt(w.x, w.y) {
		return false
	}
	w.x, w.y = p.X, p.Y
	return true
}

// freeSpot finds the first position, top to bottom and left to right,
// where w with its title bar fits on screen and overlaps no other window.
func (st *state) freeSpot(w *window, others []*window) (image.Point, bool) {
	screen := st.screen.Bounds()
	for y := st.titleSpace(w); ; y += placeStep {
		for x := 0; ; x += placeStep {
			f := st.frameRect(w, image.Pt(x, y))
			if f.Max.Y > screen.Max.Y {
				return image.Point{}, false
			}
			if f.Max.X > screen.Max.X {
				break
			}
			free := true
			for _, o := range others {
				if f.Overlaps(st.frameRect(o, image.Pt(o.x, o.y))) {
					free = false
					// Skip past the window in the way.
					x = max(x, o.x+o.w+2*o.bw-placeStep)
					break
				}
			}
			if free {
				return image.Pt(x, y), true
			}
		}
	}
}

// cascade steps from the top left by a title bar's height until w covers
// no other window's title bar; if the screen runs out first, the top left.
func (st *state) cascade(w *window, others []*window) image.Point {
	screen := st.screen.Bounds()
	for k := 0; ; k++ {
		p := image.Pt(k*titleHeight, st.titleSpace(w)+k*titleHeight)
		if p.X+reachMargin > screen.Max.X || p.Y+reachMargin > screen.Max.Y {
			return image.Pt(0, st.titleSpace(w))
		}
		f := st.frameRect(w, p)
		clear := true
		for _, o := range others {
			if f.Overlaps(st.decorationRect(o)) {
				clear = false
				break
			}
		}
		if clear {
			return p
		}
	}
}

// keepReachable moves a managed window so that enough of its title bar
// is on screen to grab it: fully in height, reachMargin pixels in width.
// It reports whether the window moved.
func (st *state) keepReachable(w *window) bool {
	screen := st.screen.Bounds()
	x, y := w.x, w.y
	ow, oh := w.w+2*w.bw, w.h+2*w.bw
	if w.hasState(protocol.StateFullscreen) {
		return false
	}
	if !w.decorationWanted() {
		// No title bar: keep a corner of the window itself in reach.
		mx, my := min(reachMargin, ow), min(reachMargin, oh)
		x, y = clamp(x, mx-ow, screen.Max.X-mx), clamp(y, my-oh, screen.Max.Y-my)
		if x == w.x && y == w.y {
			return false
		}
		w.x, w.y = x, y
		return true
	}
	// The title bar (its top at y-titleHeight) wholly within the
	// screen's height.
	y = clamp(y, titleHeight, max(titleHeight, screen.Max.Y))
	margin := min(reachMargin, ow)
	x = clamp(x, margin-ow, screen.Max.X-margin)
	if x == w.x && y == w.y {
		return false
	}
	w.x, w.y = x, y
	return true
}

// centredOn is where w's outer corner goes to be centred on p.
func (st *state) centredOn(w, p *window) image.Point {
	po := p.outer()
	c := po.Min.Add(po.Size().Div(2))
	return image.Pt(c.X-(w.w+2*w.bw)/2, c.Y-(w.h+2*w.bw)/2)
}

// recentreTransients centres again the mapped dialogs of p that still
// follow it (wmWindow.followParent), and theirs.
func (st *state) recentreTransients(p *window) {
	var ts []*window
	for _, ch := range st.root.children {
		if ch != p && ch.mapped && ch.wm != nil && ch.wm.followParent && st.transientFor(ch) == p {
			ts = append(ts, ch)
		}
	}
	for _, t := range ts {
		if c := st.centredOn(t, p); c != image.Pt(t.x, t.y) {
			st.configure(t, &protocol.ConfigureWindow{ValueMask: protocol.ConfigX | protocol.ConfigY,
				X: int16(c.X), Y: int16(c.Y)}, nil)
		}
		st.recentreTransients(t)
	}
}

// stopFollowing ends the following of w and of w's dialogs: the user
// moved or resized w, and from then on the dialogs stay where they are.
func (st *state) stopFollowing(w *window) {
	if w.wm != nil {
		w.wm.followParent = false
	}
	for _, ch := range st.root.children {
		if ch.wm != nil && ch.wm.followParent && st.transientFor(ch) == w {
			ch.wm.followParent = false
		}
	}
}
