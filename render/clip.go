package render

import (
	"image"
	"slices"
)

// clip returns the composite clip of gc on im as disjoint rectangles in X
// region order (bands top to bottom, left to right, abutting spans merged,
// identical adjacent bands coalesced). X draws into exactly this region,
// and some of its fast paths depend on it having a single rectangle, so
// the normalisation matters for pixel exactness, not only for speed.
// The result aliases scratch storage valid until the next call.
func (im *Image) clip(gc *GC) []image.Rectangle {
	b := im.Bounds()
	if gc.Clip == nil {
		if b.Empty() {
			return nil
		}
		im.clipOne[0] = b
		return im.clipOne[:]
	}
	rs := im.clipBuf[:0]
	for _, r := range gc.Clip {
		r = r.Add(gc.ClipOrigin).Intersect(b)
		if !r.Empty() {
			rs = append(rs, r)
		}
	}
	im.clipBuf = rs
	if len(rs) <= 1 {
		return rs
	}
	out := normalizeRegion(rs, &im.bandBuf, &im.ivBuf)
	im.clipBuf = out
	return out
}

type interval struct{ x0, x1 int }

// normalizeRegion turns overlapping rectangles into the canonical banded
// form of an X region. It appends the result after the input in the same
// backing array and returns it, so no allocation happens once buffers have
// grown.
func normalizeRegion(rs []image.Rectangle, ysBuf *[]int, ivBuf *[]interval) []image.Rectangle {
	ys := (*ysBuf)[:0]
	for _, r := range rs {
		ys = append(ys, r.Min.Y, r.Max.Y)
	}
	slices.Sort(ys)
	ys = slices.Compact(ys)
	*ysBuf = ys
	n := len(rs)
	out := rs
	prevStart, prevEnd := -1, -1 // indices into out of the previous band
	for i := 0; i+1 < len(ys); i++ {
		y0, y1 := ys[i], ys[i+1]
		iv := (*ivBuf)[:0]
		for _, r := range rs[:n] {
			if r.Min.Y <= y0 && r.Max.Y >= y1 {
				iv = append(iv, interval{r.Min.X, r.Max.X})
			}
		}
		*ivBuf = iv
		if len(iv) == 0 {
			prevStart = -1
			continue
		}
		slices.SortFunc(iv, func(a, b interval) int { return a.x0 - b.x0 })
		m := iv[:1]
		for _, v := range iv[1:] {
			last := &m[len(m)-1]
			if v.x0 <= last.x1 {
				last.x1 = max(last.x1, v.x1)
			} else {
				m = append(m, v)
			}
		}
		// Coalesce with the band above when it abuts and has the same spans.
		if prevStart >= 0 && out[prevStart].Max.Y == y0 && prevEnd-prevStart == len(m) {
			same := true
			for k, v := range m {
				r := out[prevStart+k]
				if r.Min.X != v.x0 || r.Max.X != v.x1 {
					same = false
					break
				}
			}
			if same {
				for k := prevStart; k < prevEnd; k++ {
					out[k].Max.Y = y1
				}
				continue
			}
		}
		prevStart = len(out)
		for _, v := range m {
			out = append(out, image.Rect(v.x0, y0, v.x1, y1))
		}
		prevEnd = len(out)
	}
	res := out[n:]
	// Move the result to the front so the scratch buffer does not grow
	// without bound across calls.
	k := copy(out, res)
	return out[:k]
}

// extents returns the bounding box of a clip list.
func extents(clips []image.Rectangle) image.Rectangle {
	var r image.Rectangle
	for _, c := range clips {
		r = r.Union(c)
	}
	return r
}
