package displayserver

import (
	"image"

	"github.com/xfar/xfar/fonts"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/render"
)

// The built-in window manager. Like an X window manager it decorates
// top-level windows that do not ask to be left alone (OverrideRedirect),
// moves them when their title bar is dragged, raises and focuses them on a
// click, and turns a click on the close button into a CloseRequest for the
// owner. Unlike an X window manager it needs no frame windows: decorations
// are painted at composition, right above the window they belong to, so
// both viewers show them and no client sees them in its window tree.

const (
	titleHeight  = 24
	titleFocused = 0x5e81ac
	titlePlain   = 0x4c566a
	titleText    = 0xeceff4
	closeHover   = 0xbf616a
)

// wmState is the window manager's own state, owned by the state goroutine.
type wmState struct {
	drag      *window     // window being moved or resized
	dragDir   int         // protocol.MoveResize*: a move or the edge dragged
	dragOff   image.Point // pointer position relative to its outer corner
	dragStart image.Rectangle
	dragPtr   image.Point
	// titleButtons are the buttons (Button1Mask...) pressed for the
	// window manager (a title bar, its buttons, the window list) and not
	// yet released: their releases are the window manager's, wherever
	// the pointer is by then.
	titleButtons uint16
	menu         *wmMenu     // the open window list, if any (wmui.go)
	pressAt      image.Point // where the first button of the last press went down
	// cursor is the pointer's look now (cursor.go).
	cursor     Cursor
	cursorSeq  uint64
	cursorSubs map[chan struct{}]struct{}
}

// managed reports whether the window manager looks after w.
func (st *state) managed(w *window) bool {
	return w.parent == st.root && w.flags&protocol.OverrideRedirect == 0
}

// decorated reports whether w shows a title bar now.
func (st *state) decorated(w *window) bool {
	return st.managed(w) && w.mapped && w.decorationWanted()
}

// decorationRect is w's title bar in screen coordinates.
func (st *state) decorationRect(w *window) image.Rectangle {
	o := w.outer()
	return image.Rect(o.Min.X, o.Min.Y-titleHeight, o.Max.X, o.Min.Y)
}

// closeRect is the close button inside the title bar.
func (st *state) closeRect(w *window) image.Rectangle {
	d := st.decorationRect(w)
	s := titleHeight - 6
	return image.Rect(d.Max.X-3-s, d.Min.Y+3, d.Max.X-3, d.Min.Y+3+s)
}

// paintDecoration paints w's title bar, clipped to the screen rectangle
// clip, into dst whose top-left is at screen position off.
func (st *state) paintDecoration(dst *render.Image, off image.Point, w *window, clip image.Rectangle) {
	d := st.decorationRect(w)
	r := d.Intersect(clip)
	if r.Empty() {
		return
	}
	bg := uint32(titlePlain)
	if st.focus != nil && st.focus.topLevel() == w {
		bg = titleFocused
	}
	dst.Fill(r.Sub(off), bg)
	gc := render.DefaultGC()
	gc.Foreground = titleText
	gc.Font = fonts.Bold
	gc.FontSize = 13
	cr := st.closeRect(w)
	textClip := image.Rect(st.menuButtonRect(w).Max.X+4, d.Min.Y, st.minimizeRect(w).Min.X-4, d.Max.Y).Intersect(r)
	if !textClip.Empty() && w.title != "" {
		gc.Clip = []image.Rectangle{textClip.Sub(off)}
		dst.DrawText(&gc, textClip.Min.X+2-off.X, d.Min.Y+17-off.Y, w.title, false)
	}
	st.paintTitleButtons(dst, off, w, r) // wmui.go
	if cc := cr.Intersect(r); !cc.Empty() {
		gc.Clip = []image.Rectangle{cc.Sub(off)}
		gc.Foreground = closeHover
		dst.PolyFillRectangle(&gc, []image.Rectangle{cr.Sub(off)})
		gc.Foreground = titleText
		gc.LineWidth = 2
		in := cr.Inset(5).Sub(off)
		dst.PolySegment(&gc, []render.Segment{
			{X1: in.Min.X, Y1: in.Min.Y, X2: in.Max.X - 1, Y2: in.Max.Y - 1},
			{X1: in.Max.X - 1, Y1: in.Min.Y, X2: in.Min.X, Y2: in.Max.Y - 1},
		})
	}
}

// topLevelAt returns the topmost mapped top-level window whose outer area
// or title bar contains p, and whether p is on the title bar.
func (st *state) topLevelAt(p image.Point) (*window, bool) {
	for i := len(st.root.children) - 1; i >= 0; i-- {
		ch := st.root.children[i]
		if !ch.mapped {
			continue
		}
		if ch.contains(p) {
			return ch, false
		}
		if st.decorated(ch) && p.In(st.decorationRect(ch)) {
			return ch, true
		}
	}
	return nil, false
}

// raise puts a top-level window on top of its siblings.
func (st *state) raise(w *window) {
	if sib := w.parent.children; sib[len(sib)-1] != w {
		st.configure(w, &protocol.ConfigureWindow{ValueMask: protocol.ConfigStackMode, StackMode: protocol.StackAbove}, nil)
	}
	st.raiseTransients(w) // dialogs stay above their parent (wmwindow.go)
}

// setFocus moves the keyboard focus, reporting FocusOut and FocusIn.
func (st *state) setFocus(w *window) {
	if w == st.focus {
		return
	}
	old := st.focus
	st.focus = w
	if old != nil {
		if !old.destroyed {
			st.deliver(old, protocol.FocusChangeMask, protocol.Event{Code: protocol.FocusOut})
		}
		if t := old.topLevel(); t != nil && st.decorated(t) {
			st.damage(st.decorationRect(t))
		}
	}
	if w != nil {
		st.deliver(w, protocol.FocusChangeMask, protocol.Event{Code: protocol.FocusIn})
		if t := w.topLevel(); t != nil && st.decorated(t) {
			st.damage(st.decorationRect(t))
		}
	}
}

// topManaged returns the topmost viewable managed window other than
// except and its subtree, for focus to fall back to.
func (st *state) topManaged(except *window) *window {
	for i := len(st.root.children) - 1; i >= 0; i-- {
		ch := st.root.children[i]
		if ch != except && ch.mapped && !ch.destroyed && st.managed(ch) {
			return ch
		}
	}
	return nil
}
