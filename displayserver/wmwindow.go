package displayserver

import (
	"image"

	"github.com/xfar/xfar/protocol"
)

// The window manager's per-window state: what a program asked for with
// the window-manager requests (SPEC.md §19) and what the user did with
// the title bar. X window managers keep the same: WM_NORMAL_HINTS,
// WM_TRANSIENT_FOR, _NET_WM_WINDOW_TYPE, _NET_WM_STATE and the geometry
// to restore.

// wmWindow is a window's window-manager state; nil until a request or the
// user gives it some.
type wmWindow struct {
	hints    protocol.SetWMHints
	hintsSet bool
	state    uint16          // protocol.State* bits
	saved    image.Rectangle // outer x, y and inside w, h before maximize/fullscreen
	// shape is the bounding shape in the window's inside coordinates;
	// nil for a rectangular window.
	shape []image.Rectangle
	// cursor is the window's own cursor; nil inherits.
	cursor *Cursor
	// followParent: a dialog the window manager placed for its parent
	// and nobody has moved since. It is centred again when its parent is
	// mapped, moved or resized by its program: programs map a dialog
	// before its parent, or grow the parent once it is shown (GTK does
	// both), and the dialog should end up centred on what the user sees.
	followParent bool
}

// wmOf returns w's window-manager state, creating it.
func wmOf(w *window) *wmWindow {
	if w.wm == nil {
		w.wm = &wmWindow{}
	}
	return w.wm
}

func (w *window) hasState(s uint16) bool { return w.wm != nil && w.wm.state&s != 0 }

// handleWM applies the window-manager requests.
func (st *state) handleWM(c *client, seq uint32, req protocol.Request) *protocol.Error {
	op := req.Opcode()
	switch r := req.(type) {
	case *protocol.SetWMHints:
		w, e := st.lookupWindow(c, seq, op, r.Window, modify)
		if e != nil {
			return e
		}
		if r.Flags&protocol.HintTransient != 0 {
			if p := st.windows[r.TransientFor]; p == nil || p == w {
				return errorf(seq, op, protocol.BadWindow, r.TransientFor, "transient for %#x: no such window", r.TransientFor)
			}
		}
		st.damageWindow(w)
		m := wmOf(w)
		m.hints, m.hintsSet = *r, true
		st.damageWindow(w)
		st.updateHover()
	case *protocol.SetWindowState:
		w, e := st.lookupWindow(c, seq, op, r.Window, modify)
		if e != nil {
			return e
		}
		if !st.managed(w) {
			return errorf(seq, op, protocol.BadMatch, r.Window, "window %#x is not a managed top-level window", r.Window)
		}
		cur := uint16(0)
		if w.wm != nil {
			cur = w.wm.state
		}
		next := cur
		switch r.Action {
		case protocol.StateAdd:
			next |= r.States
		case protocol.StateRemove:
			next &^= r.States
		case protocol.StateToggle:
			next ^= r.States
		}
		st.setState(w, next)
	case *protocol.SetShape:
		w, e := st.lookupWindow(c, seq, op, r.Window, modify)
		if e != nil {
			return e
		}
		st.damageWindow(w)
		m := wmOf(w)
		m.shape = nil
		if r.Shaped {
			m.shape = make([]image.Rectangle, 0, len(r.Rects))
			for _, rc := range r.Rects {
				m.shape = append(m.shape, image.Rect(int(rc.X), int(rc.Y), int(rc.X)+int(rc.W), int(rc.Y)+int(rc.H)))
			}
		}
		st.damageWindow(w)
		st.updateHover()
	case *protocol.SetCursor:
		w, e := st.lookupWindow(c, seq, op, r.Window, modify)
		if e != nil {
			return e
		}
		m := wmOf(w)
		switch r.Kind {
		case protocol.CursorInherit:
			m.cursor = nil
		case protocol.CursorNamed:
			m.cursor = &Cursor{Name: r.Name}
		case protocol.CursorImage:
			m.cursor = &Cursor{Size: image.Pt(int(r.Width), int(r.Height)), Hot: image.Pt(int(r.HotX), int(r.HotY)), Pix: r.Pix}
		}
		st.updateCursor()
	case *protocol.BeginMoveResize:
		w, e := st.lookupWindow(c, seq, op, r.Window, modify)
		if e != nil {
			return e
		}
		if !st.managed(w) || !w.mapped {
			return errorf(seq, op, protocol.BadMatch, r.Window, "window %#x is not a mapped managed top-level window", r.Window)
		}
		held := st.buttons
		if r.Button != 0 {
			held &= buttonMask(int(r.Button))
		}
		if held == 0 {
			return nil // the press that asked for it is over: nothing to drag
		}
		// The window manager takes the pointer from the program, as an X
		// window manager grabs it.
		st.grab = nil
		// The drag starts where the press was, as EWMH's root position
		// says: the pointer may have moved past the program's threshold.
		st.beginDragFrom(w, int(r.Direction), st.wm.pressAt)
	}
	return nil
}

// decorationWanted reports whether w asks for a title bar: not when it
// draws its own, is a menu, tooltip, notification or splash, or is full
// screen.
func (w *window) decorationWanted() bool {
	if w.wm == nil {
		return true
	}
	if w.wm.state&protocol.StateFullscreen != 0 {
		return false
	}
	if !w.wm.hintsSet {
		return true
	}
	if w.wm.hints.Flags&protocol.HintNoDecorations != 0 {
		return false
	}
	switch w.wm.hints.Type {
	case protocol.WindowTypeMenu, protocol.WindowTypeTooltip, protocol.WindowTypeNotification, protocol.WindowTypeSplash:
		return false
	}
	return true
}

// transientFor returns the window w is a dialog of, if it is mapped.
func (st *state) transientFor(w *window) *window {
	if w.wm == nil || !w.wm.hintsSet || w.wm.hints.Flags&protocol.HintTransient == 0 {
		return nil
	}
	p := st.windows[w.wm.hints.TransientFor]
	if p == nil || p.destroyed {
		return nil
	}
	if t := p.topLevel(); t != nil {
		return t
	}
	return nil
}

// raiseTransients puts the mapped transients of w (and theirs) directly
// above it, so that dialogs never hide behind their parent.
func (st *state) raiseTransients(w *window) {
	var ts []*window
	for _, ch := range st.root.children {
		if ch != w && ch.mapped && st.transientFor(ch) == w {
			ts = append(ts, ch)
		}
	}
	for _, t := range ts {
		if t.indexInParent() < w.indexInParent() {
			st.configure(t, &protocol.ConfigureWindow{ValueMask: protocol.ConfigStackMode, StackMode: protocol.StackAbove}, nil)
		}
		st.raiseTransients(t)
	}
}

// --- shape ---

// inShape reports whether screen point p is inside w's bounding shape
// (always, for an unshaped window).
func (w *window) inShape(p image.Point) bool {
	if w.wm == nil || w.wm.shape == nil {
		return true
	}
	q := p.Sub(w.origin())
	for _, r := range w.wm.shape {
		if q.In(r) {
			return true
		}
	}
	return false
}

// contains reports whether screen point p is on w: in its outer rectangle
// and its shape.
func (w *window) contains(p image.Point) bool { return p.In(w.outer()) && w.inShape(p) }

// shapeClips splits clip into the pieces of w's shape it covers, in
// screen coordinates; just clip for an unshaped window.
func (w *window) shapeClips(clip image.Rectangle) []image.Rectangle {
	if w.wm == nil || w.wm.shape == nil {
		return []image.Rectangle{clip}
	}
	o := w.origin()
	var out []image.Rectangle
	for _, r := range w.wm.shape {
		if c := r.Add(o).Intersect(clip); !c.Empty() {
			out = append(out, c)
		}
	}
	return out
}

// --- states ---

// setState changes w's window-manager state to next: the geometry of
// maximize and fullscreen (and back), minimize as an unmap the window
// list can undo. The owner hears WindowStateNotify.
func (st *state) setState(w *window, next uint16) {
	m := wmOf(w)
	prev := m.state
	if next == prev {
		st.notifyState(w)
		return
	}
	geomBits := protocol.StateMaximized | protocol.StateFullscreen
	if prev&geomBits == 0 && next&geomBits != 0 {
		m.saved = image.Rect(w.x, w.y, w.x+w.w, w.y+w.h)
	}
	st.damageWindow(w)
	m.state = next
	switch {
	case next&protocol.StateFullscreen != 0:
		st.configure(w, &protocol.ConfigureWindow{ValueMask: protocol.ConfigX | protocol.ConfigY | protocol.ConfigWidth | protocol.ConfigHeight | protocol.ConfigStackMode,
			X: int16(-w.bw), Y: int16(-w.bw), Width: uint16(st.width), Height: uint16(st.height), StackMode: protocol.StackAbove}, nil)
	case next&protocol.StateMaximized != 0:
		r := st.maximizedRect(w, next)
		st.configure(w, &protocol.ConfigureWindow{ValueMask: protocol.ConfigX | protocol.ConfigY | protocol.ConfigWidth | protocol.ConfigHeight,
			X: int16(r.Min.X), Y: int16(r.Min.Y), Width: uint16(r.Dx()), Height: uint16(r.Dy())}, nil)
	case prev&geomBits != 0:
		r := m.saved
		st.configure(w, &protocol.ConfigureWindow{ValueMask: protocol.ConfigX | protocol.ConfigY | protocol.ConfigWidth | protocol.ConfigHeight,
			X: int16(r.Min.X), Y: int16(r.Min.Y), Width: uint16(max(1, r.Dx())), Height: uint16(max(1, r.Dy()))}, nil)
	}
	switch {
	case next&protocol.StateMinimized != 0 && prev&protocol.StateMinimized == 0:
		st.unmapWindow(w)
	case next&protocol.StateMinimized == 0 && prev&protocol.StateMinimized != 0:
		st.mapWindow(w)
		st.raise(w)
	}
	st.damageWindow(w)
	st.notifyState(w)
}

// notifyState sends WindowStateNotify to w's owner.
func (st *state) notifyState(w *window) {
	if w.owner == nil {
		return
	}
	var s uint16
	if w.wm != nil {
		s = w.wm.state
	}
	st.sendEvent(w.owner, protocol.Event{Code: protocol.WindowStateNotify, Window: w.id, State: s})
}

// maximizedRect is where a maximized window goes: the screen below its
// title bar, in the maximized directions, within its maximum size. It is
// the outer corner and the inside size.
func (st *state) maximizedRect(w *window, state uint16) image.Rectangle {
	x, y, iw, ih := w.x, w.y, w.w, w.h
	if state&protocol.StateMaximizedHorz != 0 {
		x, iw = 0, st.width-2*w.bw
	}
	if state&protocol.StateMaximizedVert != 0 {
		top := 0
		if w.decorationWanted() {
			top = titleHeight
		}
		y, ih = top, st.height-top-2*w.bw
	}
	iw, ih = st.constrainSize(w, iw, ih)
	return image.Rect(x, y, x+max(1, iw), y+max(1, ih))
}

// constrainSize applies w's size hints (minimum, maximum, increments
// from the base size) to an inside size, as X window managers do.
func (st *state) constrainSize(w *window, iw, ih int) (int, int) {
	iw, ih = max(1, iw), max(1, ih)
	if w.wm == nil || !w.wm.hintsSet {
		return iw, ih
	}
	h := &w.wm.hints
	if h.Flags&protocol.HintMaxSize != 0 {
		if h.MaxW > 0 {
			iw = min(iw, int(h.MaxW))
		}
		if h.MaxH > 0 {
			ih = min(ih, int(h.MaxH))
		}
	}
	if h.Flags&protocol.HintMinSize != 0 {
		iw, ih = max(iw, int(h.MinW)), max(ih, int(h.MinH))
	}
	if h.Flags&protocol.HintResizeInc != 0 {
		bw, bh := int(h.MinW), int(h.MinH)
		if h.Flags&protocol.HintBaseSize != 0 {
			bw, bh = int(h.BaseW), int(h.BaseH)
		}
		if h.IncW > 1 && iw > bw {
			iw = bw + (iw-bw)/int(h.IncW)*int(h.IncW)
		}
		if h.IncH > 1 && ih > bh {
			ih = bh + (ih-bh)/int(h.IncH)*int(h.IncH)
		}
	}
	return max(1, iw), max(1, ih)
}

// --- drags: moving and resizing ---

// resizeBand is how far outside a window's edge a press resizes it.
const resizeBand = 6

// beginDrag starts moving (protocol.MoveResizeMove) or resizing w by an
// edge with the pointer.
func (st *state) beginDrag(w *window, dir int) { st.beginDragFrom(w, dir, st.pointer) }

// beginDragFrom starts a drag as if the pointer had been at p.
func (st *state) beginDragFrom(w *window, dir int, p image.Point) {
	st.stopFollowing(w)
	st.raise(w)
	st.setFocus(w)
	st.wm.drag = w
	st.wm.dragDir = dir
	st.wm.dragOff = p.Sub(image.Pt(w.x, w.y))
	st.wm.dragStart = image.Rect(w.x, w.y, w.x+w.w, w.y+w.h)
	st.wm.dragPtr = p
	st.dragTo(st.pointer)
}

// dragTo follows the pointer during a window-manager drag.
func (st *state) dragTo(p image.Point) {
	w := st.wm.drag
	if st.wm.dragDir == protocol.MoveResizeMove {
		if w.hasState(protocol.StateMaximized | protocol.StateFullscreen) {
			return // a maximized window stays put until restored
		}
		o := p.Sub(st.wm.dragOff)
		st.configure(w, &protocol.ConfigureWindow{ValueMask: protocol.ConfigX | protocol.ConfigY,
			X: int16(o.X), Y: int16(o.Y)}, nil)
		return
	}
	d := p.Sub(st.wm.dragPtr)
	s := st.wm.dragStart
	left, right, top, bottom := false, false, false, false
	switch st.wm.dragDir {
	case protocol.MoveResizeTopLeft:
		left, top = true, true
	case protocol.MoveResizeTop:
		top = true
	case protocol.MoveResizeTopRight:
		right, top = true, true
	case protocol.MoveResizeRight:
		right = true
	case protocol.MoveResizeBottomRight:
		right, bottom = true, true
	case protocol.MoveResizeBottom:
		bottom = true
	case protocol.MoveResizeBottomLeft:
		left, bottom = true, true
	case protocol.MoveResizeLeft:
		left = true
	}
	iw, ih := s.Dx(), s.Dy()
	if right {
		iw += d.X
	}
	if left {
		iw -= d.X
	}
	if bottom {
		ih += d.Y
	}
	if top {
		ih -= d.Y
	}
	iw, ih = st.constrainSize(w, iw, ih)
	x, y := s.Min.X, s.Min.Y
	if left {
		x = s.Min.X + s.Dx() - iw
	}
	if top {
		y = s.Min.Y + s.Dy() - ih
	}
	if m := w.wm; m != nil && m.state&(protocol.StateMaximized|protocol.StateFullscreen) != 0 {
		m.state &^= protocol.StateMaximized | protocol.StateFullscreen
		st.notifyState(w)
	}
	st.configure(w, &protocol.ConfigureWindow{ValueMask: protocol.ConfigX | protocol.ConfigY | protocol.ConfigWidth | protocol.ConfigHeight,
		X: int16(x), Y: int16(y), Width: uint16(iw), Height: uint16(ih)}, nil)
}

// frameEdgeAt returns the decorated window whose frame edge or corner is
// at p, and the resize direction, for the topmost such window.
func (st *state) frameEdgeAt(p image.Point) (*window, int, bool) {
	for i := len(st.root.children) - 1; i >= 0; i-- {
		w := st.root.children[i]
		if !w.mapped || !st.managed(w) {
			continue
		}
		if w.contains(p) || (st.decorated(w) && p.In(st.decorationRect(w)) && p.Y >= st.decorationRect(w).Min.Y+3) {
			return nil, 0, false // the window itself is on top here
		}
		if !st.decorated(w) || w.hasState(protocol.StateMaximized|protocol.StateFullscreen) {
			continue
		}
		o := w.outer()
		o.Min.Y -= titleHeight
		band := o.Inset(-resizeBand)
		if !p.In(band) {
			continue
		}
		left, right := p.X < o.Min.X+resizeBand, p.X >= o.Max.X-resizeBand
		top, bottom := p.Y < o.Min.Y+3, p.Y >= o.Max.Y
		switch {
		case top && left:
			return w, protocol.MoveResizeTopLeft, true
		case top && right:
			return w, protocol.MoveResizeTopRight, true
		case bottom && left:
			return w, protocol.MoveResizeBottomLeft, true
		case bottom && right:
			return w, protocol.MoveResizeBottomRight, true
		case top:
			return w, protocol.MoveResizeTop, true
		case bottom:
			return w, protocol.MoveResizeBottom, true
		case left && p.X < o.Min.X:
			return w, protocol.MoveResizeLeft, true
		case right && p.X >= o.Max.X:
			return w, protocol.MoveResizeRight, true
		}
	}
	return nil, 0, false
}
