package displayserver

import (
	"image"

	"github.com/xfar/xfar/render"
)

// Scrolls reach viewers as copies. A CopyArea within one window's own
// image moves the same pixels on the screen when nothing else is painted
// over the source or the destination there: then viewers that take
// copies (feed.CopySubscription) get the move instead of the moved
// pixels. Anything less simple is plain damage.

// copyDamage records the damage of a CopyArea that moved window w's
// pixels from sr (w's coordinates, already clipped to its image) to
// sr+delta. It reports false when the copy is not a plain move on the
// screen; the caller then records damage as for any drawing.
func (st *state) copyDamage(w *window, sr image.Rectangle, delta image.Point, gc *render.GC) bool {
	if w == nil || sr.Empty() || delta == (image.Point{}) || !w.viewable() ||
		gc.Function != render.GXcopy || gc.PlaneMask&0xffffff != 0xffffff || gc.Clip != nil {
		return false
	}
	if !sr.Add(delta).In(w.img.Bounds()) {
		return false
	}
	o := w.origin()
	src := sr.Add(o)
	dst := src.Add(delta)
	u := src.Union(dst)
	if !u.In(w.visible()) || !u.In(st.screen.Bounds()) || !st.unobscured(w, u) {
		return false
	}
	st.pending.Add(dst)
	for s := range st.subs {
		s.co.Copy(src, dst.Min)
	}
	return true
}

// unobscured reports whether screen area u of window w shows w's own
// pixels: no child of w, no window stacked above w or above one of its
// ancestors, no title bar, no shape and no menu is painted over it.
func (st *state) unobscured(w *window, u image.Rectangle) bool {
	if w.wm != nil && w.wm.shape != nil {
		return false
	}
	if m := st.wm.menu; m != nil && m.at.Overlaps(u) {
		return false
	}
	over := func(ch *window) bool {
		if !ch.mapped {
			return false
		}
		if ch.outer().Overlaps(u) {
			return true
		}
		return ch.parent == st.root && st.decorated(ch) && st.decorationRect(ch).Overlaps(u)
	}
	for _, ch := range w.children {
		if over(ch) {
			return false
		}
	}
	for a := w; a.parent != nil; a = a.parent {
		if a.wm != nil && a.wm.shape != nil {
			return false
		}
		sib := a.parent.children
		for i := a.indexInParent() + 1; i > 0 && i < len(sib); i++ {
			if over(sib[i]) {
				return false
			}
		}
	}
	return true
}
