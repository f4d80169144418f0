package render

import (
	"image"
	"slices"
)

// span is a horizontal run of pixels [x0, x1) on row y.
type span struct{ y, x0, x1 int }

// ropRow applies (p & and) ^ xor to a row; the and == 0 case is the plain
// store that GXcopy reduces to, kept separate because it is the hot path.
func ropRow(row []uint32, and, xor uint32) {
	if and == 0 {
		if len(row) < 32 {
			for i := range row {
				row[i] = xor
			}
			return
		}
		// Long spans: seed a few pixels, then double them with copy,
		// which runs at memmove speed instead of a store per pixel.
		for i := range row[:8] {
			row[i] = xor
		}
		for n := 8; n < len(row); n *= 2 {
			copy(row[n:], row[:n])
		}
		return
	}
	for i := range row {
		row[i] = row[i]&and ^ xor
	}
}

// fillRectClipped fills r through every clip rectangle and returns the
// bounding box of what it touched.
func (im *Image) fillRectClipped(clips []image.Rectangle, r image.Rectangle, and, xor uint32) image.Rectangle {
	var damage image.Rectangle
	for _, c := range clips {
		cr := r.Intersect(c)
		if cr.Empty() {
			continue
		}
		damage = damage.Union(cr)
		w := cr.Dx()
		o := cr.Min.Y*im.W + cr.Min.X
		first := im.Pix[o : o+w]
		ropRow(first, and, xor)
		if and == 0 {
			// A plain store gives every row the same contents: copy the
			// first one, which runs as memmove.
			for y := cr.Min.Y + 1; y < cr.Max.Y; y++ {
				o += im.W
				copy(im.Pix[o:o+w], first)
			}
			continue
		}
		for y := cr.Min.Y + 1; y < cr.Max.Y; y++ {
			o += im.W
			ropRow(im.Pix[o:o+w], and, xor)
		}
	}
	return damage
}

// fillSpan fills [x0, x1) on row y through the clip rectangles.
func (im *Image) fillSpan(clips []image.Rectangle, y, x0, x1 int, and, xor uint32) {
	for _, c := range clips {
		if y < c.Min.Y || y >= c.Max.Y {
			continue
		}
		a, b := max(x0, c.Min.X), min(x1, c.Max.X)
		if a < b {
			o := y * im.W
			ropRow(im.Pix[o+a:o+b], and, xor)
		}
	}
}

// spanSet collects spans from several overlapping shapes (the pieces of a
// wide line, the arcs of one request) so that each pixel is painted once;
// X paints such requests as a single area, which matters for GXxor. Spans
// are cut to ext, the clip's extents, as they arrive, and the set merges
// itself whenever it has doubled, so its size is bounded by the visible
// area, not by how many shapes a request holds.
type spanSet struct {
	spans   []span
	ext     image.Rectangle
	compact int // length after the last merge
}

func (s *spanSet) add(y, x0, x1 int) {
	if y < s.ext.Min.Y || y >= s.ext.Max.Y {
		return
	}
	x0, x1 = max(x0, s.ext.Min.X), min(x1, s.ext.Max.X)
	if x0 >= x1 {
		return
	}
	s.spans = append(s.spans, span{y, x0, x1})
	if len(s.spans) >= 4096 && len(s.spans) >= 2*s.compact {
		s.merge()
		s.compact = len(s.spans)
	}
}

// merge sorts the spans and joins those that overlap or touch on a row.
func (s *spanSet) merge() {
	sp := s.spans
	if len(sp) == 0 {
		return
	}
	slices.SortFunc(sp, func(a, b span) int {
		if a.y != b.y {
			return a.y - b.y
		}
		return a.x0 - b.x0
	})
	out := sp[:1]
	for _, v := range sp[1:] {
		cur := &out[len(out)-1]
		if v.y == cur.y && v.x0 <= cur.x1 {
			cur.x1 = max(cur.x1, v.x1)
			continue
		}
		out = append(out, v)
	}
	s.spans = out
}

// paint merges overlapping spans and fills them, returning the damage.
func (im *Image) paintSpans(clips []image.Rectangle, s *spanSet, and, xor uint32) image.Rectangle {
	s.merge()
	var damage image.Rectangle
	for _, v := range s.spans {
		damage = damage.Union(image.Rect(v.x0, v.y, v.x1, v.y+1))
		im.fillSpan(clips, v.y, v.x0, v.x1, and, xor)
	}
	s.spans = s.spans[:0]
	s.compact = 0
	return damage
}
