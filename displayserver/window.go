package displayserver

import (
	"image"

	"github.com/xfar/xfar/displayserver/widgets"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/render"
)

// window is a node of the window tree. Its pixels live in img (the inside
// only; the border is painted at composition), so contents survive being
// covered, moved or unmapped.
type window struct {
	id       uint32
	owner    *client // nil for the root
	parent   *window
	children []*window // stacking order, bottom first

	x, y      int // outer top-left corner, relative to the parent's inside
	w, h, bw  int
	bg        uint32
	border    uint32
	flags     uint16
	mapped    bool
	placed    bool // the window manager has placed it (placement.go)
	destroyed bool
	title     string
	img       *render.Image
	// masks holds each client's event selection on this window.
	masks map[*client]uint32
	// widgets is the widget tree the window holds, if any (widgets.go).
	widgets *widgets.Surface
	// wm is the window manager's state for it, if any (wmwindow.go).
	wm *wmWindow
}

// origin is the screen position of the window's inside top-left pixel.
func (w *window) origin() image.Point {
	var p image.Point
	for ; w != nil; w = w.parent {
		p = p.Add(image.Pt(w.x+w.bw, w.y+w.bw))
	}
	return p
}

// inside is the window's inside in screen coordinates.
func (w *window) inside() image.Rectangle {
	o := w.origin()
	return image.Rect(o.X, o.Y, o.X+w.w, o.Y+w.h)
}

// outer is the inside plus the border, in screen coordinates.
func (w *window) outer() image.Rectangle { return w.inside().Inset(-w.bw) }

// viewable reports whether the window and all its ancestors are mapped.
func (w *window) viewable() bool {
	for ; w != nil; w = w.parent {
		if !w.mapped {
			return false
		}
	}
	return true
}

// visible is the part of the screen the window's inside may show through:
// its inside clipped by every ancestor's inside.
func (w *window) visible() image.Rectangle {
	r := w.inside()
	for p := w.parent; p != nil; p = p.parent {
		r = r.Intersect(p.inside())
	}
	return r
}

// topLevel returns the child of the root that contains w (w itself for a
// top-level window), or nil for the root.
func (w *window) topLevel() *window {
	for ; w != nil && w.parent != nil; w = w.parent {
		if w.parent.parent == nil {
			return w
		}
	}
	return nil
}

// isInferior reports whether w is a (strict) descendant of a.
func (w *window) isInferior(a *window) bool {
	for p := w.parent; p != nil; p = p.parent {
		if p == a {
			return true
		}
	}
	return false
}

func (w *window) indexInParent() int {
	for i, c := range w.parent.children {
		if c == w {
			return i
		}
	}
	return -1
}

func (w *window) removeFromParent() {
	if i := w.indexInParent(); i >= 0 {
		sib := w.parent.children
		copy(sib[i:], sib[i+1:])
		sib[len(sib)-1] = nil
		w.parent.children = sib[:len(sib)-1]
	}
}

// insertAt places w in its parent's stacking order at index i.
func (w *window) insertAt(i int) {
	sib := append(w.parent.children, nil)
	copy(sib[i+1:], sib[i:])
	sib[i] = w
	w.parent.children = sib
}

// paintScreen recomposes screen area r from the window tree.
func (st *state) paintScreen(r image.Rectangle) {
	r = r.Intersect(st.screen.Bounds())
	if r.Empty() {
		return
	}
	blit(st.screen, r, st.root.img, image.Point{})
	st.paintChildren(st.screen, image.Point{}, st.root, r, true)
	st.paintOverlay(r) // the window manager's menu (wmui.go)
}

// paintChildren paints w's mapped children (and their subtrees) into dst,
// where off is the screen position of dst's top-left pixel and clip a
// screen rectangle. Window-manager decorations are painted right above
// their window when deco is set.
func (st *state) paintChildren(dst *render.Image, off image.Point, w *window, clip image.Rectangle, deco bool) {
	for _, ch := range w.children {
		if !ch.mapped {
			continue
		}
		outer := ch.outer()
		// A shaped window (wmwindow.go) is painted piece by piece.
		for _, sc := range ch.shapeClips(clip) {
			if o := outer.Intersect(sc); !o.Empty() {
				in := ch.inside()
				if ch.bw > 0 {
					for _, b := range borderRects(outer, in) {
						dst.Fill(b.Intersect(o).Sub(off), ch.border)
					}
				}
				if ic := in.Intersect(sc); !ic.Empty() {
					blit(dst, ic.Sub(off), ch.img, ic.Min.Sub(in.Min))
					st.paintChildren(dst, off, ch, ic, false)
				}
			}
		}
		if deco && st.decorated(ch) {
			st.paintDecoration(dst, off, ch, clip)
		}
	}
}

// borderRects returns the four bands between outer and in.
func borderRects(outer, in image.Rectangle) [4]image.Rectangle {
	return [4]image.Rectangle{
		image.Rect(outer.Min.X, outer.Min.Y, outer.Max.X, in.Min.Y),
		image.Rect(outer.Min.X, in.Max.Y, outer.Max.X, outer.Max.Y),
		image.Rect(outer.Min.X, in.Min.Y, in.Min.X, in.Max.Y),
		image.Rect(in.Max.X, in.Min.Y, outer.Max.X, in.Max.Y),
	}
}

// blit copies src's pixels starting at sp into dst's rectangle r. Both
// must be in bounds (callers clip).
func blit(dst *render.Image, r image.Rectangle, src *render.Image, sp image.Point) {
	r = r.Intersect(dst.Bounds())
	w := r.Dx()
	if w <= 0 {
		return
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		sy := sp.Y + y - r.Min.Y
		if sy < 0 || sy >= src.H {
			continue
		}
		sx := sp.X
		n := w
		if sx+n > src.W {
			n = src.W - sx
		}
		if n <= 0 || sx < 0 {
			continue
		}
		copy(dst.Pix[y*dst.W+r.Min.X:y*dst.W+r.Min.X+n], src.Pix[sy*src.W+sx:sy*src.W+sx+n])
	}
}

// contents returns what a window shows: its own pixels with its mapped
// children painted over them, as X's GetImage on a window returns.
func (st *state) contents(w *window, r image.Rectangle) []uint32 {
	tmp := render.NewImage(r.Dx(), r.Dy())
	in := w.inside()
	sr := r.Add(in.Min)
	blit(tmp, tmp.Bounds(), w.img, r.Min)
	st.paintChildren(tmp, sr.Min, w, sr.Intersect(in), false)
	return tmp.Pix
}

// damageWindow records the window's whole area (border and decoration
// included) as changed, if it can be seen.
func (st *state) damageWindow(w *window) {
	if !w.viewable() {
		return
	}
	r := w.outer()
	for p := w.parent; p != nil && p.parent != nil; p = p.parent {
		r = r.Intersect(p.inside())
	}
	if st.decorated(w) {
		r = r.Union(st.decorationRect(w))
	}
	st.damage(r)
}

// damageInside records a changed rectangle given in the window's own
// coordinates.
func (st *state) damageInside(w *window, r image.Rectangle) {
	if r.Empty() || !w.viewable() {
		return
	}
	st.damage(r.Add(w.origin()).Intersect(w.visible()))
}

// deliver sends ev, reported on w, to every client selecting one of mask's
// bits there.
func (st *state) deliver(w *window, mask uint32, ev protocol.Event) {
	for c, m := range w.masks {
		if m&mask != 0 {
			e := ev
			e.Window = w.id
			st.sendEvent(c, e)
		}
	}
}

// notifyStructure reports a structure change of w: to w's StructureNotify
// selectors (event window w) and its parent's SubstructureNotify selectors
// (event window the parent, Child w), as X does.
func (st *state) notifyStructure(w *window, ev protocol.Event) {
	ev.Child = 0
	st.deliver(w, protocol.StructureNotifyMask, ev)
	if w.parent != nil {
		ev.Child = w.id
		st.deliver(w.parent, protocol.SubstructureNotifyMsk, ev)
	}
}

// expose sends Expose for the window's whole inside, then for its viewable
// children: what a newly viewable subtree needs drawn.
func (st *state) expose(w *window) {
	st.deliver(w, protocol.ExposureMask, protocol.Event{Code: protocol.Expose,
		Width: uint16(w.w), Height: uint16(w.h)})
	for _, ch := range w.children {
		if ch.mapped {
			st.expose(ch)
		}
	}
}

func (st *state) mapWindow(w *window) {
	if w.mapped || w == st.root {
		return
	}
	if st.managed(w) && st.placeOnMap(w) {
		// X window managers send a synthetic ConfigureNotify when they
		// move a window they manage.
		st.deliver(w, protocol.StructureNotifyMask, protocol.Event{Code: protocol.ConfigureNotify,
			X: int16(w.x), Y: int16(w.y), Width: uint16(w.w), Height: uint16(w.h), BorderWidth: uint16(w.bw)})
	}
	w.mapped = true
	st.notifyStructure(w, protocol.Event{Code: protocol.MapNotify, Detail: boolByte(w.flags&protocol.OverrideRedirect != 0)})
	if w.parent == st.root {
		// Dialogs mapped before their parent: centred on it, above it.
		st.recentreTransients(w)
		st.raiseTransients(w)
	}
	if w.viewable() {
		st.damageWindow(w)
		st.expose(w)
		if st.managed(w) {
			st.setFocus(w)
		}
		st.updateHover()
	}
}

func (st *state) unmapWindow(w *window) {
	if !w.mapped || w == st.root {
		return
	}
	st.damageWindow(w)
	w.mapped = false
	st.notifyStructure(w, protocol.Event{Code: protocol.UnmapNotify})
	st.lostWindow(w)
}

// lostWindow fixes pointer, grab and focus state after w (and its
// subtree) stopped being viewable.
func (st *state) lostWindow(w *window) {
	if st.grab != nil && (st.grab == w || st.grab.isInferior(w)) {
		st.grab = nil
	}
	if st.wm.drag == w {
		st.wm.drag = nil
	}
	if st.focus != nil && (st.focus == w || st.focus.isInferior(w)) {
		st.setFocus(st.topManaged(w))
	}
	if st.hover == w || st.hover.isInferior(w) {
		st.hover = st.root
	}
	st.updateHover()
}

// destroy is X's DestroyWindow: a mapped window is unmapped first (one
// UnmapNotify, for it alone), then it and its subtree are destroyed.
func (st *state) destroy(w *window) {
	if w.mapped {
		st.unmapWindow(w)
	}
	st.destroyWindow(w)
}

// destroyWindow destroys w and its subtree: inferiors first, as X reports
// DestroyNotify.
func (st *state) destroyWindow(w *window) {
	if w.destroyed || w == st.root {
		return
	}
	if w.mapped {
		st.damageWindow(w)
	}
	wasViewable := w.viewable()
	for len(w.children) > 0 {
		st.destroyWindow(w.children[len(w.children)-1])
	}
	w.destroyed = true
	st.notifyStructure(w, protocol.Event{Code: protocol.DestroyNotify})
	w.removeFromParent()
	delete(st.windows, w.id)
	delete(st.widgetWindows, w)
	if w.owner != nil {
		delete(w.owner.resources, w.id)
		st.account(w.owner, -int64(w.w)*int64(w.h), -1)
	}
	if wasViewable || st.focus == w || st.grab == w || st.hover == w {
		w.mapped = false
		st.lostWindow(w)
	}
}

// configure applies a ConfigureWindow (from a client or the window
// manager) and reports it.
func (st *state) configure(w *window, r *protocol.ConfigureWindow, sibling *window) {
	if w == st.root {
		return
	}
	st.damageWindow(w)
	m := r.ValueMask
	if m&protocol.ConfigX != 0 {
		w.x = int(r.X)
	}
	if m&protocol.ConfigY != 0 {
		w.y = int(r.Y)
	}
	resized := false
	nw, nh := w.w, w.h
	if m&protocol.ConfigWidth != 0 {
		nw = int(r.Width)
	}
	if m&protocol.ConfigHeight != 0 {
		nh = int(r.Height)
	}
	if nw != w.w || nh != w.h {
		resized = true
		ow, oh := w.w, w.h
		st.account(w.owner, int64(nw)*int64(nh)-int64(ow)*int64(oh), 0)
		w.img.Resize(nw, nh)
		w.w, w.h = nw, nh
		if w.flags&protocol.BackgroundNone == 0 {
			if nw > ow {
				w.img.Fill(image.Rect(ow, 0, nw, nh), w.bg)
			}
			if nh > oh {
				w.img.Fill(image.Rect(0, oh, nw, nh), w.bg)
			}
		}
	}
	if resized && w.widgets != nil {
		// The tree fills its window: lay it out in the new size now,
		// not at the next input. damageWindow below covers its damage.
		w.widgets.Fit()
	}
	if m&protocol.ConfigBorderWidth != 0 {
		w.bw = int(r.BorderWidth)
	}
	if m&protocol.ConfigStackMode != 0 {
		st.restack(w, r.StackMode, sibling)
	}
	if st.managed(w) && w.mapped {
		st.keepReachable(w)
	}
	st.damageWindow(w)
	ev := protocol.Event{Code: protocol.ConfigureNotify, X: int16(w.x), Y: int16(w.y),
		Width: uint16(w.w), Height: uint16(w.h), BorderWidth: uint16(w.bw),
		Detail: boolByte(w.flags&protocol.OverrideRedirect != 0)}
	if i := w.indexInParent(); i > 0 {
		ev.Child = w.parent.children[i-1].id
	}
	// notifyStructure overwrites Child for the parent's copy, so report
	// the sibling to StructureNotify selectors only.
	st.deliver(w, protocol.StructureNotifyMask, ev)
	if w.parent != nil {
		pe := ev
		pe.Child = w.id
		st.deliver(w.parent, protocol.SubstructureNotifyMsk, pe)
	}
	if resized && w.viewable() {
		st.expose(w)
	}
	st.updateHover()
}

// restack moves w in its parent's stacking order.
func (st *state) restack(w *window, mode uint8, sibling *window) {
	w.removeFromParent()
	n := len(w.parent.children)
	switch {
	case sibling != nil && mode == protocol.StackAbove:
		w.insertAt(sibling.indexInParent() + 1)
	case sibling != nil:
		w.insertAt(sibling.indexInParent())
	case mode == protocol.StackAbove:
		w.insertAt(n)
	default:
		w.insertAt(0)
	}
}

// windowAt returns the deepest viewable window containing screen point p;
// the root where a title bar or nothing is.
func (st *state) windowAt(p image.Point) *window {
	w, onDeco := st.topLevelAt(p)
	if w == nil || onDeco {
		return st.root
	}
	for {
		var next *window
		if p.In(w.inside()) {
			for i := len(w.children) - 1; i >= 0; i-- {
				if ch := w.children[i]; ch.mapped && ch.contains(p) {
					next = ch
					break
				}
			}
		}
		if next == nil {
			return w
		}
		w = next
	}
}

func boolByte(v bool) uint8 {
	if v {
		return 1
	}
	return 0
}
