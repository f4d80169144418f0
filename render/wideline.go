package render

import (
	"image"
	"math"
)

// miterCos is the cosine of the smallest join angle X mitres; sharper
// joins are bevelled (the protocol says about 11 degrees).
var miterCos = math.Cos(11 * math.Pi / 180)

// wideLine draws a polyline of width gc.LineWidth as the union of one
// quadrilateral per segment plus caps and joins, each pixel painted once.
// Dashed wide lines are drawn solid in the foreground; X would split them
// into dashes (see the package notes on unfinished parts).
func (im *Image) wideLine(gc *GC, pts []image.Point) image.Rectangle {
	clips := im.clip(gc)
	if len(clips) == 0 {
		return image.Rectangle{}
	}
	w := float64(gc.LineWidth)
	if w < 0 {
		w = -w
	}
	hw := w / 2
	s := spanSet{spans: im.spanBuf[:0], ext: extents(clips)}
	sc := &im.fpoly

	// Drop repeated points; X treats them as zero-length segments, which
	// only show with round or projecting caps.
	p := make([]fpt, 0, len(pts))
	for i, q := range pts {
		if i > 0 && q == pts[i-1] {
			continue
		}
		p = append(p, fpt{float64(q.X), float64(q.Y)})
	}
	if len(p) == 1 {
		c := p[0]
		switch gc.CapStyle {
		case CapRound:
			addDisc(&s, c.x, c.y, w)
		case CapProjecting:
			addFloatPolygon(&s, []fpt{{c.x - hw, c.y - hw}, {c.x + hw, c.y - hw}, {c.x + hw, c.y + hw}, {c.x - hw, c.y + hw}}, sc)
		}
	}
	closed := len(p) > 2 && p[0] == p[len(p)-1]
	n := len(p)
	for i := 0; i+1 < n; i++ {
		a, b := p[i], p[i+1]
		dx, dy := b.x-a.x, b.y-a.y
		l := math.Hypot(dx, dy)
		ux, uy := dx/l, dy/l
		nx, ny := -uy*hw, ux*hw
		if gc.CapStyle == CapProjecting && !closed {
			if i == 0 {
				a.x -= ux * hw
				a.y -= uy * hw
			}
			if i+2 == n {
				b.x += ux * hw
				b.y += uy * hw
			}
		}
		addFloatPolygon(&s, []fpt{{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}}, sc)
	}
	if !closed && n >= 2 && gc.CapStyle == CapRound {
		addDisc(&s, p[0].x, p[0].y, w)
		addDisc(&s, p[n-1].x, p[n-1].y, w)
	}
	// Joins at interior vertices, and at the first vertex of a closed path.
	join := func(prev, at, next fpt) {
		if gc.JoinStyle == JoinRound {
			addDisc(&s, at.x, at.y, w)
			return
		}
		ax, ay := at.x-prev.x, at.y-prev.y
		bx, by := next.x-at.x, next.y-at.y
		la, lb := math.Hypot(ax, ay), math.Hypot(bx, by)
		ax, ay, bx, by = ax/la, ay/la, bx/lb, by/lb
		cross := ax*by - ay*bx
		if cross == 0 {
			return
		}
		// The outer side is left of the turn for a right turn and vice versa.
		sgn := 1.0
		if cross > 0 {
			sgn = -1
		}
		na := fpt{-ay * hw * sgn, ax * hw * sgn}
		nb := fpt{-by * hw * sgn, bx * hw * sgn}
		pa := fpt{at.x + na.x, at.y + na.y}
		pb := fpt{at.x + nb.x, at.y + nb.y}
		dot := ax*bx + ay*by
		// Angle between the segments is pi - acos(dot).
		if gc.JoinStyle == JoinMiter && -dot < miterCos {
			// The tip lies on the bisector of the two outer normals, hw/cos(turn/2)
			// from the vertex.
			mx, my := na.x+nb.x, na.y+nb.y
			ml := math.Hypot(mx, my)
			if ml > 0 {
				c := math.Sqrt((1 + dot) / 2)
				if c > 1e-9 {
					k := hw / c / ml
					tip := fpt{at.x + mx*k, at.y + my*k}
					addFloatPolygon(&s, []fpt{at, pa, tip, pb}, sc)
					return
				}
			}
		}
		addFloatPolygon(&s, []fpt{at, pa, pb}, sc)
	}
	for i := 1; i+1 < n; i++ {
		join(p[i-1], p[i], p[i+1])
	}
	if closed {
		join(p[n-2], p[0], p[1])
	}
	and, xor := rop(gc.Function, gc.Foreground, gc.PlaneMask)
	d := im.paintSpans(clips, &s, and, xor)
	im.spanBuf = s.spans[:0]
	return d
}
