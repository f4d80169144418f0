package render

import (
	"image"
	"slices"
)

// edge is one non-horizontal polygon edge. Its x on a scanline is the
// first pixel at or right of the exact edge, ceil(x0 + dx*(y-y0)/dy), the
// X sample server's rule: points on a left or top edge count as inside,
// points on a right or bottom edge do not. x is kept incrementally with an
// exact integer remainder, and the closed form lets an edge that starts
// above the clip jump straight to the first visible row.
type edge struct {
	ytop, ymax int // first and last scanline on which the edge is active
	x0, y0     int // upper vertex
	dx, dy     int // dy > 0
	x, rem     int // x on the seek row; rem = x*dy - exact numerator, in [0, dy)
	qstep      int // floor(dx/dy)
	rstep      int // dx - qstep*dy, in [0, dy)
	dir        int // +1 for an edge walked downwards, -1 upwards (winding)
}

func newEdge(top, bottom image.Point, dir int) edge {
	e := edge{ytop: top.Y, ymax: bottom.Y - 1, x0: top.X, y0: top.Y, dx: bottom.X - top.X, dy: bottom.Y - top.Y, dir: dir}
	e.qstep = floorDiv(e.dx, e.dy)
	e.rstep = e.dx - e.qstep*e.dy
	return e
}

// seek puts the edge on row y.
func (e *edge) seek(y int) {
	num := e.x0*e.dy + e.dx*(y-e.y0)
	e.x = -floorDiv(-num, e.dy)
	e.rem = e.x*e.dy - num
}

// FillPolygon fills the polygon through pts (CoordModeOrigin; the path is
// closed implicitly) with gc's fill rule, as X FillPoly does. Scan
// conversion follows the X sample server: a pixel is filled when its
// integer sample point is inside, points on a left or top edge count as
// inside and points on a right or bottom edge do not. shape is accepted
// for API parity with X and does not change the result for polygons that
// honour it.
//
// The cost is O(n log n) in the edges plus, per visible row, the edges
// crossing it (or the row's width when that is smaller than sorting
// them): rows outside the clip are never visited, whatever the coordinates.
func (im *Image) FillPolygon(gc *GC, pts []image.Point, shape int) image.Rectangle {
	_ = shape
	if len(pts) < 3 {
		return image.Rectangle{}
	}
	clips := im.clip(gc)
	if len(clips) == 0 {
		return image.Rectangle{}
	}
	and, xor := rop(gc.Function, gc.Foreground, gc.PlaneMask)
	ext := extents(clips)
	var damage image.Rectangle
	im.scanPolygon(pts, gc.FillRule == WindingRule, ext, func(y, x0, x1 int) {
		damage = damage.Union(image.Rect(x0, y, x1, y+1))
		im.fillSpan(clips, y, x0, x1, and, xor)
	})
	return damage
}

// polyCrossing is where an active edge crosses the current row.
type polyCrossing struct{ x, dir int }

// scanPolygon emits the spans [x0, x1) of the polygon row by row, limited
// to the rectangle ext. Which pixels are inside depends only on the
// multiset of crossings left of each pixel (their count for even-odd,
// their signed sum for winding), so crossings left of ext are clamped to
// its left side and those right of it dropped, and a row is resolved by
// sorting its crossings or, when there are many, by counting them per
// column.
func (im *Image) scanPolygon(pts []image.Point, winding bool, ext image.Rectangle, emit func(y, x0, x1 int)) {
	if ext.Empty() {
		return
	}
	edges := im.edgeBuf[:0]
	ylo, yhi := ext.Max.Y, ext.Min.Y // rows with any edge, within ext
	prev := pts[len(pts)-1]
	for _, cur := range pts {
		top, bottom, dir := cur, prev, -1
		if prev.Y <= cur.Y {
			top, bottom, dir = prev, cur, 1
		}
		// Edges wholly above or below ext never cross a visible row.
		if top.Y != bottom.Y && bottom.Y > ext.Min.Y && top.Y < ext.Max.Y {
			e := newEdge(top, bottom, dir)
			edges = append(edges, e)
			ylo = min(ylo, max(e.ytop, ext.Min.Y))
			yhi = max(yhi, min(e.ymax+1, ext.Max.Y))
		}
		prev = cur
	}
	im.edgeBuf = edges
	if len(edges) == 0 {
		return
	}
	slices.SortFunc(edges, func(a, b edge) int { return a.ytop - b.ytop })
	active := im.activeBuf[:0]
	cs := im.crossBuf[:0]
	pi := 0
	for y := ylo; y < yhi; y++ {
		for pi < len(edges) && edges[pi].ytop <= y {
			e := &edges[pi]
			pi++
			if e.ymax < y {
				continue
			}
			e.seek(y)
			active = append(active, activeEdge{
				ymax: int32(e.ymax), x: int32(e.x), rem: int32(e.rem),
				qstep: int32(e.qstep), rstep: int32(e.rstep), dy: int32(e.dy), dir: int32(e.dir),
			})
		}
		// One pass records each edge's crossing (per column when the row
		// has many, for sorting otherwise) and steps it to the next row.
		counting := len(active) > 32 && len(active)*8 > ext.Dx()
		var cnt []int32
		if counting {
			cnt = im.columns(ext.Dx())
		}
		lo, hi := int32(ext.Min.X), int32(ext.Max.X)
		cs = cs[:0]
		n := 0
		for i := range active {
			e := active[i]
			if e.x < hi {
				if counting {
					cnt[max(e.x, lo)-lo] += e.dir
				} else {
					cs = append(cs, polyCrossing{int(max(e.x, lo)), int(e.dir)})
				}
			}
			if int(e.ymax) == y {
				continue
			}
			e.x += e.qstep
			e.rem -= e.rstep
			if e.rem < 0 {
				e.x++
				e.rem += e.dy
			}
			active[n] = e
			n++
		}
		if counting {
			countedRow(y, cnt, winding, ext, emit)
		} else if len(cs) > 0 {
			sortedRow(y, cs, winding, ext, emit)
		}
		active = active[:n]
	}
	im.activeBuf = active[:0]
	im.crossBuf = cs[:0]
}

// activeEdge is the part of an edge the row loop touches, packed small
// so that tens of thousands of active edges stay in cache.
type activeEdge struct {
	ymax, x, rem, qstep, rstep, dy, dir int32
}

// columns returns a zeroed per-column counter for a row w pixels wide.
func (im *Image) columns(w int) []int32 {
	cnt := im.colBuf
	if cap(cnt) < w {
		cnt = make([]int32, w)
	}
	cnt = cnt[:w]
	clear(cnt)
	im.colBuf = cnt
	return cnt
}

// countedRow emits the inside spans of one row from its crossings counted
// per column (signed by direction), O(width); for rows crossed by many
// edges, where sorting them would cost more.
func countedRow(y int, cnt []int32, winding bool, ext image.Rectangle, emit func(y, x0, x1 int)) {
	var sum int32
	odd := false
	start := -1
	for i, d := range cnt {
		if d != 0 {
			sum += d
			if d&1 != 0 {
				odd = !odd
			}
		}
		in := odd
		if winding {
			in = sum != 0
		}
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			emit(y, ext.Min.X+start, ext.Min.X+i)
			start = -1
		}
	}
	if start >= 0 {
		emit(y, ext.Min.X+start, ext.Max.X)
	}
}

// sortedRow emits the inside spans of one row by sorting its crossings.
func sortedRow(y int, cs []polyCrossing, winding bool, ext image.Rectangle, emit func(y, x0, x1 int)) {
	slices.SortFunc(cs, func(a, b polyCrossing) int { return a.x - b.x })
	if !winding {
		for i := 0; i+1 < len(cs); i += 2 {
			if cs[i].x < cs[i+1].x {
				emit(y, cs[i].x, cs[i+1].x)
			}
		}
		if len(cs)&1 == 1 && cs[len(cs)-1].x < ext.Max.X {
			// Its partner lay right of ext and was dropped.
			emit(y, cs[len(cs)-1].x, ext.Max.X)
		}
		return
	}
	count, start := 0, 0
	for _, c := range cs {
		was := count
		count += c.dir
		if was == 0 && count != 0 {
			start = c.x
		} else if was != 0 && count == 0 && start < c.x {
			emit(y, start, c.x)
		}
	}
	if count != 0 && start < ext.Max.X {
		emit(y, start, ext.Max.X)
	}
}
