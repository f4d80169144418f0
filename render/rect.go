package render

import "image"

// PolyFillRectangle fills each rectangle (Min inclusive, Max exclusive)
// with the foreground through gc's function and clip, like X
// PolyFillRectangle with FillSolid. Overlapping rectangles are drawn one
// after the other, as X does, so GXxor overlaps cancel.
func (im *Image) PolyFillRectangle(gc *GC, rects []image.Rectangle) image.Rectangle {
	clips := im.clip(gc)
	and, xor := rop(gc.Function, gc.Foreground, gc.PlaneMask)
	var damage image.Rectangle
	for _, r := range rects {
		if r.Empty() {
			continue
		}
		damage = damage.Union(im.fillRectClipped(clips, r, and, xor))
	}
	return damage
}

// PolyRectangle draws rectangle outlines with X semantics: the outline of
// a rectangle with Min (x,y) and size w x h runs through (x,y) and
// (x+w,y+h), so it covers w+1 x h+1 pixels for thin lines. Like the X.Org
// server it draws thin or dashed outlines as closed five-point polylines
// and solid mitred wide outlines as four filled rectangles.
func (im *Image) PolyRectangle(gc *GC, rects []image.Rectangle) image.Rectangle {
	var damage image.Rectangle
	if gc.LineStyle == LineSolid && gc.JoinStyle == JoinMiter && gc.LineWidth != 0 {
		lw := gc.LineWidth
		o1 := lw >> 1
		o3 := lw - o1
		var fill []image.Rectangle
		for _, r := range rects {
			x, y, w, h := r.Min.X, r.Min.Y, r.Dx(), r.Dy()
			switch {
			case w == 0 && h == 0:
				damage = damage.Union(im.PolyLine(gc, []image.Point{{x, y}, {x, y}}))
			case h < lw || w < o1:
				var f image.Rectangle
				if h == 0 {
					f.Min.X, f.Max.X = x, x+w
				} else {
					f.Min.X, f.Max.X = x-o1, x-o1+w+lw
				}
				if w == 0 {
					f.Min.Y, f.Max.Y = y, y+h
				} else {
					f.Min.Y, f.Max.Y = y-o1, y-o1+h+lw
				}
				fill = append(fill, f)
			default:
				fill = append(fill,
					image.Rect(x-o1, y-o1, x-o1+w+lw, y-o1+lw),
					image.Rect(x-o1, y+o3, x-o1+lw, y+o3+h-lw),
					image.Rect(x+w-o1, y+o3, x+w-o1+lw, y+o3+h-lw),
					image.Rect(x-o1, y+h-o1, x-o1+w+lw, y+h-o1+lw),
				)
			}
		}
		return damage.Union(im.PolyFillRectangle(gc, fill))
	}
	var pts [5]image.Point
	var clips []image.Rectangle
	var and, xor uint32
	thin := gc.LineWidth == 0 && gc.LineStyle == LineSolid
	if thin {
		clips = im.clip(gc)
		and, xor = rop(gc.Function, gc.Foreground, gc.PlaneMask)
	}
	for _, r := range rects {
		x0, y0, x1, y1 := r.Min.X, r.Min.Y, r.Max.X, r.Max.Y
		if thin && len(clips) == 1 && x1 > x0 && y1 > y0 &&
			image.Rect(x0, y0, x1+1, y1+1).In(clips[0]) {
			// A thin solid outline through one clip box touches each of
			// its pixels once (X.Org's closed-polyline rule), so four
			// spans give PolyLine's pixels without its per-rectangle
			// set-up.
			im.outline(x0, y0, x1, y1, and, xor)
			damage = damage.Union(image.Rect(x0, y0, x1+1, y1+1))
			continue
		}
		pts = [5]image.Point{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
		damage = damage.Union(im.PolyLine(gc, pts[:]))
	}
	return damage
}

// outline applies and/xor once to each pixel of the rectangle outline
// with corners (x0,y0) and (x1,y1): the top row and right column without
// their last pixel, the bottom row and left column walked back the same
// way, as the closed thin polyline draws them.
func (im *Image) outline(x0, y0, x1, y1 int, and, xor uint32) {
	W, pix := im.W, im.Pix
	ropRow(pix[y0*W+x0:y0*W+x1], and, xor)
	ropRow(pix[y1*W+x0+1:y1*W+x1+1], and, xor)
	for y := y0; y < y1; y++ {
		o := y*W + x1
		pix[o] = pix[o]&and ^ xor
	}
	for y := y0 + 1; y <= y1; y++ {
		o := y*W + x0
		pix[o] = pix[o]&and ^ xor
	}
}
