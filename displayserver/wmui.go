package displayserver

import (
	"image"

	"github.com/xfar/xfar/fonts"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/render"
)

// The window manager's controls: the title bar's buttons (window list,
// minimize, maximize, close) and the window list, a menu of every managed
// window that brings back minimized and covered ones. It is painted into
// the framebuffer like the title bars, so both viewers show it and need
// nothing of their own. It opens from a title bar's list button or a
// right click on the empty desktop.

const (
	menuItemHeight = 22
	menuWidth      = 260
	menuBG         = 0x2e3440
	menuHover      = 0x5e81ac
	menuText       = 0xeceff4
	menuDim        = 0x9aa3b5
	buttonBG       = 0x6b7489
)

// wmMenu is the open window list.
type wmMenu struct {
	at    image.Rectangle // on screen
	items []*window
}

// titleButton returns the i-th button square from the right of w's
// title bar (0 is the close button).
func (st *state) titleButton(w *window, i int) image.Rectangle {
	d := st.decorationRect(w)
	s := titleHeight - 6
	x := d.Max.X - 3 - s - i*(s+4)
	return image.Rect(x, d.Min.Y+3, x+s, d.Min.Y+3+s)
}

func (st *state) maximizeRect(w *window) image.Rectangle { return st.titleButton(w, 1) }
func (st *state) minimizeRect(w *window) image.Rectangle { return st.titleButton(w, 2) }

// menuButtonRect is the window-list button at the title bar's left.
func (st *state) menuButtonRect(w *window) image.Rectangle {
	d := st.decorationRect(w)
	s := titleHeight - 6
	return image.Rect(d.Min.X+3, d.Min.Y+3, d.Min.X+3+s, d.Min.Y+3+s)
}

// paintTitleButtons paints the minimize, maximize and window-list buttons
// (the close button is paintDecoration's), clipped to r.
func (st *state) paintTitleButtons(dst *render.Image, off image.Point, w *window, r image.Rectangle) {
	gc := render.DefaultGC()
	gc.Foreground = titleText
	gc.LineWidth = 2
	for _, b := range []struct {
		r    image.Rectangle
		draw func(in image.Rectangle) []image.Rectangle
	}{
		{st.minimizeRect(w), func(in image.Rectangle) []image.Rectangle {
			return []image.Rectangle{image.Rect(in.Min.X, in.Max.Y-2, in.Max.X, in.Max.Y)}
		}},
		{st.maximizeRect(w), func(in image.Rectangle) []image.Rectangle {
			return []image.Rectangle{image.Rect(in.Min.X, in.Min.Y, in.Max.X, in.Min.Y+2),
				image.Rect(in.Min.X, in.Max.Y-1, in.Max.X, in.Max.Y), image.Rect(in.Min.X, in.Min.Y, in.Min.X+1, in.Max.Y),
				image.Rect(in.Max.X-1, in.Min.Y, in.Max.X, in.Max.Y)}
		}},
		{st.menuButtonRect(w), func(in image.Rectangle) []image.Rectangle {
			h := in.Dy() / 2
			return []image.Rectangle{image.Rect(in.Min.X, in.Min.Y, in.Max.X, in.Min.Y+1),
				image.Rect(in.Min.X, in.Min.Y+h, in.Max.X, in.Min.Y+h+1), image.Rect(in.Min.X, in.Max.Y-1, in.Max.X, in.Max.Y)}
		}},
	} {
		c := b.r.Intersect(r)
		if c.Empty() {
			continue
		}
		dst.Fill(c.Sub(off), buttonBG)
		in := b.r.Inset(5)
		for _, line := range b.draw(in) {
			if l := line.Intersect(c); !l.Empty() {
				dst.Fill(l.Sub(off), titleText)
			}
		}
	}
}

// wmButtonDown handles a press the window manager takes before anything
// else: in the open window list, on a frame edge, on a title bar's
// buttons, on the empty desktop. It reports whether it took the press.
func (st *state) wmButtonDown(b int) bool {
	p := st.pointer
	st.wm.pressAt = p
	if st.wm.menu != nil {
		m := st.wm.menu
		st.closeMenu()
		if p.In(m.at) && b == 1 {
			if i := (p.Y - m.at.Min.Y - 4) / menuItemHeight; i >= 0 && i < len(m.items) {
				st.activate(m.items[i])
			}
		}
		st.wm.titleButtons |= buttonMask(b)
		return true
	}
	if b == 1 {
		if w, dir, ok := st.frameEdgeAt(p); ok {
			st.beginDrag(w, dir)
			return true
		}
	}
	top, onDeco := st.topLevelAt(p)
	if top == nil {
		if b == 3 { // a right click on the desktop, as in classic X window managers
			st.openMenu(p)
			st.wm.titleButtons |= buttonMask(b)
			return true
		}
		return false
	}
	if !onDeco || !st.managed(top) || b != 1 {
		return false
	}
	switch {
	case p.In(st.minimizeRect(top)):
		st.setState(top, wmOf(top).state|protocol.StateMinimized)
	case p.In(st.maximizeRect(top)):
		cur := wmOf(top).state
		if cur&protocol.StateMaximized == protocol.StateMaximized {
			st.setState(top, cur&^protocol.StateMaximized)
		} else {
			st.setState(top, cur|protocol.StateMaximized)
		}
	case p.In(st.menuButtonRect(top)):
		st.openMenu(image.Pt(st.menuButtonRect(top).Min.X, st.decorationRect(top).Max.Y))
	default:
		return false
	}
	st.wm.titleButtons |= buttonMask(b)
	return true
}

// activate brings w back: restored if minimized, raised and focused.
func (st *state) activate(w *window) {
	if w.destroyed {
		return
	}
	if w.hasState(protocol.StateMinimized) {
		st.setState(w, w.wm.state&^protocol.StateMinimized)
	} else if !w.mapped {
		return
	}
	st.raise(w)
	st.setFocus(w)
}

// openMenu opens the window list at p (kept on screen).
func (st *state) openMenu(p image.Point) {
	var items []*window
	for i := len(st.root.children) - 1; i >= 0; i-- {
		w := st.root.children[i]
		if st.managed(w) && (w.mapped || w.hasState(protocol.StateMinimized)) {
			items = append(items, w)
		}
	}
	h := 8 + max(1, len(items))*menuItemHeight
	r := image.Rect(p.X, p.Y, p.X+menuWidth, p.Y+h)
	if r.Max.X > st.width {
		r = r.Add(image.Pt(st.width-r.Max.X, 0))
	}
	if r.Max.Y > st.height {
		r = r.Add(image.Pt(0, st.height-r.Max.Y))
	}
	r = r.Add(image.Pt(max(0, -r.Min.X), max(0, -r.Min.Y)))
	st.wm.menu = &wmMenu{at: r, items: items}
	st.damage(r)
}

func (st *state) closeMenu() {
	if st.wm.menu != nil {
		st.damage(st.wm.menu.at)
		st.wm.menu = nil
	}
}

// paintOverlay paints the window list over everything, within r.
func (st *state) paintOverlay(r image.Rectangle) {
	m := st.wm.menu
	if m == nil {
		return
	}
	c := m.at.Intersect(r)
	if c.Empty() {
		return
	}
	st.screen.Fill(c, menuBG)
	gc := render.DefaultGC()
	gc.Font = fonts.Bold
	gc.FontSize = 13
	gc.Clip = []image.Rectangle{c}
	if len(m.items) == 0 {
		gc.Foreground = menuDim
		st.screen.DrawText(&gc, m.at.Min.X+10, m.at.Min.Y+4+16, "no windows", false)
		return
	}
	for i, w := range m.items {
		row := image.Rect(m.at.Min.X, m.at.Min.Y+4+i*menuItemHeight, m.at.Max.X, m.at.Min.Y+4+(i+1)*menuItemHeight)
		if st.pointer.In(row) {
			st.screen.Fill(row.Intersect(c), menuHover)
		}
		gc.Foreground = menuText
		title := w.title
		if title == "" {
			title = "(untitled)"
		}
		if w.hasState(protocol.StateMinimized) {
			gc.Foreground = menuDim
			title = "[" + title + "]"
		}
		st.screen.DrawText(&gc, row.Min.X+10, row.Min.Y+16, title, false)
	}
}
