package render

import "image"

// CopyArea copies the rectangle sr of src to dst in im, combining pixels
// through gc's function and plane mask and clipping to gc's clip, like X
// CopyArea. src may be im itself, with overlapping areas (scrolling).
// Parts of sr outside src leave the destination untouched. It returns the
// destination area actually written.
func (im *Image) CopyArea(src *Image, sr image.Rectangle, dst image.Point, gc *GC) image.Rectangle {
	// Restrict to what the source has, carrying the shift to the
	// destination.
	vis := sr.Intersect(src.Bounds())
	if vis.Empty() {
		return image.Rectangle{}
	}
	delta := dst.Sub(sr.Min) // destination = source + delta
	dr := vis.Add(delta)
	clips := im.clip(gc)
	plain := gc.Function == GXcopy && gc.PlaneMask&pixelMask == pixelMask
	// With several clip boxes one box's destination may overwrite another's
	// source, so an overlapping self-copy then reads from a snapshot.
	if src == im && len(clips) > 1 && vis.Overlaps(dr) {
		snap := &Image{W: vis.Dx(), H: vis.Dy(), Pix: im.GetImage(vis)}
		src = snap
		delta = delta.Add(vis.Min)
		vis = snap.Bounds()
	}
	var damage image.Rectangle
	for _, c := range clips {
		r := dr.Intersect(c)
		if r.Empty() {
			continue
		}
		damage = damage.Union(r)
		s := r.Sub(delta) // source rectangle
		w := r.Dx()
		// Walk rows bottom-up when moving down within one image so that
		// rows are read before they are overwritten.
		y0, y1, dy := 0, r.Dy(), 1
		if src == im && delta.Y > 0 {
			y0, y1, dy = r.Dy()-1, -1, -1
		}
		for i := y0; i != y1; i += dy {
			d := im.Pix[(r.Min.Y+i)*im.W+r.Min.X:][:w]
			sp := src.Pix[(s.Min.Y+i)*src.W+s.Min.X:][:w]
			if plain {
				copy(d, sp) // memmove semantics: overlap-safe within a row
				continue
			}
			if src == im && delta.Y == 0 && delta.X > 0 {
				for k := w - 1; k >= 0; k-- {
					d[k] = applyRop(gc.Function, sp[k], d[k], gc.PlaneMask)
				}
				continue
			}
			for k := range d {
				d[k] = applyRop(gc.Function, sp[k], d[k], gc.PlaneMask)
			}
		}
	}
	return damage
}
