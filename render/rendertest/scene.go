// Package rendertest holds the drawing scenes that check xfar's rasterizer
// against a real X server, and the helpers that play them: to X through
// xgb, to render directly, and a pixel diff. Scenes are plain data so the
// same scene can later be replayed through the client library and the
// display server and compared with the same helpers.
package rendertest

import (
	"image"
	"math"
	"math/rand/v2"

	"github.com/xfar/xfar/render"
)

// OpKind names the X request an Op stands for.
type OpKind int

// The drawing requests a scene can contain.
const (
	OpPoints    OpKind = iota // PolyPoint
	OpPolyLine                // PolyLine
	OpSegments                // PolySegment
	OpRects                   // PolyRectangle
	OpFillRects               // PolyFillRectangle
	OpFillPoly                // FillPoly
	OpArcs                    // PolyArc
	OpFillArcs                // PolyFillArc
)

// Op is one drawing request with the GC it is drawn with. Only the slice
// matching Kind is used. Coordinates are absolute in the scene.
type Op struct {
	Kind   OpKind
	GC     render.GC
	Points []image.Point     // OpPoints, OpPolyLine, OpFillPoly
	Segs   []render.Segment  // OpSegments
	Rects  []image.Rectangle // OpRects, OpFillRects (Min = x,y; size = w,h)
	Arcs   []render.Arc      // OpArcs, OpFillArcs
	Shape  int               // OpFillPoly
}

// Group is a set of ops confined to one region of the scene, compared on
// its own so that a failure names the feature that broke.
type Group struct {
	Name   string
	Region image.Rectangle
	// Exact groups must match X pixel for pixel; for the others at least
	// MinShare of the drawn pixels (non-black in either image) must be
	// identical, a measure the empty background cannot flatter.
	Exact    bool
	MinShare float64
	Ops      []Op
}

// Scene is a full test picture: a black W x H drawable and its groups.
type Scene struct {
	W, H   int
	Groups []Group
}

func gcWith(f func(*render.GC)) render.GC {
	gc := render.DefaultGC()
	if f != nil {
		f(&gc)
	}
	return gc
}

// Conformance returns the scene used by the Xvfb conformance test. It is
// deterministic: the pseudo-random parts use a fixed seed.
func Conformance() Scene {
	rng := rand.New(rand.NewPCG(1, 2))
	s := Scene{W: 640, H: 600}
	cell := func(col, row int) image.Rectangle {
		return image.Rect(col*160, row*120, col*160+160, row*120+120)
	}
	randPt := func(r image.Rectangle, margin int) image.Point {
		return image.Pt(r.Min.X+margin+rng.IntN(r.Dx()-2*margin), r.Min.Y+margin+rng.IntN(r.Dy()-2*margin))
	}
	colors := []uint32{0xff0000, 0x00ff00, 0x0000ff, 0xffff00, 0x00ffff, 0xff00ff, 0xffffff, 0x808080}
	col := func(i int) uint32 { return colors[i%len(colors)] }

	// Points.
	{
		r := cell(0, 0)
		g := Group{Name: "points", Region: r, Exact: true}
		var pts []image.Point
		for i := 0; i < 300; i++ {
			pts = append(pts, randPt(r, 0))
		}
		g.Ops = append(g.Ops, Op{Kind: OpPoints, GC: gcWith(nil), Points: pts})
		xp := append([]image.Point(nil), pts[:100]...)
		xp = append(xp, xp[:10]...) // repeated points cancel under xor
		g.Ops = append(g.Ops, Op{Kind: OpPoints, GC: gcWith(func(gc *render.GC) { gc.Function = render.GXxor; gc.Foreground = 0x00ff00 }), Points: xp})
		s.Groups = append(s.Groups, g)
	}
	// Thin lines: a star through every octant and exact ties, random lines,
	// polylines, CapNotLast and xor.
	{
		r := cell(1, 0)
		g := Group{Name: "thin lines", Region: r, Exact: true}
		c := image.Pt(r.Min.X+50, r.Min.Y+50)
		var segs []render.Segment
		for dx := -40; dx <= 40; dx += 8 {
			for _, dy := range []int{-40, 40} {
				segs = append(segs, render.Segment{X1: c.X, Y1: c.Y, X2: c.X + dx, Y2: c.Y + dy})
				segs = append(segs, render.Segment{X1: c.X, Y1: c.Y, X2: c.X + dy, Y2: c.Y + dx})
			}
		}
		g.Ops = append(g.Ops, Op{Kind: OpSegments, GC: gcWith(nil), Segs: segs})
		var rs []render.Segment
		for i := 0; i < 60; i++ {
			a, b := randPt(r, 2), randPt(r, 2)
			rs = append(rs, render.Segment{X1: a.X, Y1: a.Y, X2: b.X, Y2: b.Y})
		}
		g.Ops = append(g.Ops, Op{Kind: OpSegments, GC: gcWith(func(gc *render.GC) { gc.Foreground = 0xff8000 }), Segs: rs})
		// Short lines in all directions including the 1:2 and 2:1 ties.
		var sh []render.Segment
		base := image.Pt(r.Min.X+110, r.Min.Y+15)
		for i, d := range []image.Point{{2, 1}, {1, 2}, {-2, 1}, {-1, 2}, {2, -1}, {1, -2}, {-2, -1}, {-1, -2}, {3, 1}, {1, 3}, {-3, -1}, {-1, -3}, {4, 2}, {-4, 2}, {5, 3}, {-5, -3}, {3, 5}, {-3, 5}, {0, 0}, {6, 0}, {-6, 0}, {0, 6}, {0, -6}} {
			o := base.Add(image.Pt((i%4)*12, (i/4)*15))
			sh = append(sh, render.Segment{X1: o.X, Y1: o.Y, X2: o.X + d.X, Y2: o.Y + d.Y})
		}
		g.Ops = append(g.Ops, Op{Kind: OpSegments, GC: gcWith(func(gc *render.GC) { gc.Foreground = 0x00ffff }), Segs: sh})
		var pl []image.Point
		for i := 0; i < 12; i++ {
			pl = append(pl, randPt(r, 3))
		}
		g.Ops = append(g.Ops, Op{Kind: OpPolyLine, GC: gcWith(func(gc *render.GC) { gc.Function = render.GXxor; gc.Foreground = 0x4040ff }), Points: pl})
		closed := []image.Point{{r.Min.X + 5, r.Min.Y + 100}, {r.Min.X + 60, r.Min.Y + 90}, {r.Min.X + 40, r.Min.Y + 115}, {r.Min.X + 5, r.Min.Y + 100}}
		g.Ops = append(g.Ops, Op{Kind: OpPolyLine, GC: gcWith(func(gc *render.GC) { gc.Function = render.GXxor; gc.Foreground = 0xffffff }), Points: closed})
		var nl []render.Segment
		for i := 0; i < 10; i++ {
			a, b := randPt(r, 2), randPt(r, 2)
			nl = append(nl, render.Segment{X1: a.X, Y1: a.Y, X2: b.X, Y2: b.Y})
		}
		g.Ops = append(g.Ops, Op{Kind: OpSegments, GC: gcWith(func(gc *render.GC) {
			gc.CapStyle = render.CapNotLast
			gc.Function = render.GXxor
			gc.Foreground = 0xff00ff
		}), Segs: nl})
		s.Groups = append(s.Groups, g)
	}
	// Clipped thin lines: single and multiple clip rectangles, lines that
	// start and end outside.
	{
		r := cell(2, 0)
		g := Group{Name: "clipped thin lines", Region: r, Exact: true}
		one := gcWith(func(gc *render.GC) {
			gc.ClipOrigin = r.Min
			gc.Clip = []image.Rectangle{image.Rect(20, 15, 140, 105)}
		})
		many := gcWith(func(gc *render.GC) {
			gc.ClipOrigin = r.Min
			gc.Foreground = 0xffff00
			gc.Clip = []image.Rectangle{image.Rect(5, 5, 50, 50), image.Rect(30, 30, 120, 70), image.Rect(100, 60, 155, 115), image.Rect(10, 80, 40, 110)}
		})
		var a, b []render.Segment
		for i := 0; i < 40; i++ {
			p, q := randPt(r, 0), randPt(r, 0)
			a = append(a, render.Segment{X1: p.X, Y1: p.Y, X2: q.X, Y2: q.Y})
			p, q = randPt(r, 0), randPt(r, 0)
			b = append(b, render.Segment{X1: p.X, Y1: p.Y, X2: q.X, Y2: q.Y})
		}
		g.Ops = append(g.Ops, Op{Kind: OpSegments, GC: one, Segs: a})
		g.Ops = append(g.Ops, Op{Kind: OpSegments, GC: many, Segs: b})
		var pl []image.Point
		for i := 0; i < 10; i++ {
			pl = append(pl, randPt(r, 0))
		}
		pl = append(pl, pl[0])
		xm := many
		xm.Function = render.GXxor
		xm.Foreground = 0x00ff80
		g.Ops = append(g.Ops, Op{Kind: OpPolyLine, GC: xm, Points: pl})
		xo := one
		xo.Function = render.GXxor
		xo.Foreground = 0x8000ff
		g.Ops = append(g.Ops, Op{Kind: OpPolyLine, GC: xo, Points: pl})
		s.Groups = append(s.Groups, g)
	}
	// Rectangle outlines.
	{
		r := cell(3, 0)
		g := Group{Name: "rectangles", Region: r, Exact: true}
		var rs []image.Rectangle
		for i := 0; i < 15; i++ {
			p := randPt(r, 2)
			w, h := rng.IntN(r.Max.X-p.X-1), rng.IntN(r.Max.Y-p.Y-1)
			rs = append(rs, image.Rect(p.X, p.Y, p.X+w, p.Y+h))
		}
		rs = append(rs, image.Rect(r.Min.X+3, r.Min.Y+3, r.Min.X+3, r.Min.Y+3), image.Rect(r.Min.X+10, r.Min.Y+3, r.Min.X+30, r.Min.Y+3), image.Rect(r.Min.X+3, r.Min.Y+10, r.Min.X+3, r.Min.Y+40))
		g.Ops = append(g.Ops, Op{Kind: OpRects, GC: gcWith(nil), Rects: rs[:8]})
		g.Ops = append(g.Ops, Op{Kind: OpRects, GC: gcWith(func(gc *render.GC) { gc.Function = render.GXxor; gc.Foreground = 0xff0000 }), Rects: rs[8:]})
		cl := gcWith(func(gc *render.GC) {
			gc.Foreground = 0x00ff00
			gc.ClipOrigin = r.Min
			gc.Clip = []image.Rectangle{image.Rect(0, 60, 80, 120), image.Rect(60, 0, 160, 70)}
			gc.Function = render.GXxor
		})
		g.Ops = append(g.Ops, Op{Kind: OpRects, GC: cl, Rects: []image.Rectangle{image.Rect(r.Min.X+20, r.Min.Y+20, r.Min.X+140, r.Min.Y+100)}})
		s.Groups = append(s.Groups, g)
	}
	// Filled rectangles.
	{
		r := cell(0, 1)
		g := Group{Name: "filled rectangles", Region: r, Exact: true}
		for i := 0; i < 12; i++ {
			p := randPt(r, 0)
			w, h := rng.IntN(r.Max.X-p.X+1), rng.IntN(r.Max.Y-p.Y+1)
			fn := render.GXcopy
			if i%3 == 0 {
				fn = render.GXxor
			}
			if i%5 == 0 {
				fn = render.GXinvert
			}
			gc := gcWith(func(gc *render.GC) { gc.Function = fn; gc.Foreground = col(i) })
			if i%4 == 1 {
				gc.ClipOrigin = r.Min
				gc.Clip = []image.Rectangle{image.Rect(0, 0, 70, 50), image.Rect(50, 40, 160, 120)}
			}
			g.Ops = append(g.Ops, Op{Kind: OpFillRects, GC: gc, Rects: []image.Rectangle{image.Rect(p.X, p.Y, p.X+w, p.Y+h)}})
		}
		s.Groups = append(s.Groups, g)
	}
	// Dashed thin lines.
	{
		r := cell(1, 1)
		g := Group{Name: "dashed thin lines", Region: r, Exact: true}
		var pl []image.Point
		for i := 0; i < 8; i++ {
			pl = append(pl, randPt(r, 2))
		}
		g.Ops = append(g.Ops, Op{Kind: OpPolyLine, GC: gcWith(func(gc *render.GC) { gc.LineStyle = render.LineOnOffDash; gc.Dashes = []uint8{5, 3}; gc.DashOffset = 2 }), Points: pl})
		var sg []render.Segment
		for i := 0; i < 12; i++ {
			a, b := randPt(r, 2), randPt(r, 2)
			sg = append(sg, render.Segment{X1: a.X, Y1: a.Y, X2: b.X, Y2: b.Y})
		}
		g.Ops = append(g.Ops, Op{Kind: OpSegments, GC: gcWith(func(gc *render.GC) {
			gc.LineStyle = render.LineDoubleDash
			gc.Foreground = 0xffff00
			gc.Background = 0x0000ff
			gc.Dashes = []uint8{7, 2, 3}
		}), Segs: sg})
		g.Ops = append(g.Ops, Op{Kind: OpRects, GC: gcWith(func(gc *render.GC) {
			gc.LineStyle = render.LineOnOffDash
			gc.Foreground = 0xff00ff
		}), Rects: []image.Rectangle{image.Rect(r.Min.X+10, r.Min.Y+10, r.Min.X+150, r.Min.Y+110)}})
		s.Groups = append(s.Groups, g)
	}
	// Wide lines with every cap and join.
	{
		r := image.Rect(320, 120, 640, 240)
		g := Group{Name: "wide lines", Region: r, MinShare: 0.99}
		x := r.Min.X + 15
		for ci, cap := range []render.CapStyle{render.CapButt, render.CapRound, render.CapProjecting} {
			for ji, join := range []render.JoinStyle{render.JoinMiter, render.JoinRound, render.JoinBevel} {
				o := image.Pt(x+(ci*3+ji)*33, r.Min.Y+12)
				lw := 3 + (ci*3+ji)%4*2
				g.Ops = append(g.Ops, Op{Kind: OpPolyLine, GC: gcWith(func(gc *render.GC) {
					gc.LineWidth = lw
					gc.CapStyle = cap
					gc.JoinStyle = join
					gc.Foreground = col(ci*3 + ji)
				}), Points: []image.Point{o, o.Add(image.Pt(20, 15)), o.Add(image.Pt(2, 40)), o.Add(image.Pt(22, 60)), o.Add(image.Pt(10, 95))}})
			}
		}
		s.Groups = append(s.Groups, g)
	}
	// Polygons.
	{
		r := image.Rect(0, 240, 320, 360)
		g := Group{Name: "polygons", Region: r, Exact: true}
		o := r.Min
		star := func(c image.Point, rad int) []image.Point {
			// A five-pointed star drawn as one self-intersecting path.
			pts := []image.Point{{0, -10}, {6, 8}, {-9, -3}, {9, -3}, {-6, 8}}
			out := make([]image.Point, len(pts))
			for i, p := range pts {
				out[i] = c.Add(image.Pt(p.X*rad/10, p.Y*rad/10))
			}
			return out
		}
		g.Ops = append(g.Ops,
			Op{Kind: OpFillPoly, GC: gcWith(nil), Points: []image.Point{o.Add(image.Pt(10, 10)), o.Add(image.Pt(70, 15)), o.Add(image.Pt(60, 60)), o.Add(image.Pt(15, 50))}, Shape: render.ShapeConvex},
			Op{Kind: OpFillPoly, GC: gcWith(func(gc *render.GC) { gc.Foreground = 0xff0000 }), Points: star(o.Add(image.Pt(120, 40)), 35), Shape: render.ShapeComplex},
			Op{Kind: OpFillPoly, GC: gcWith(func(gc *render.GC) { gc.Foreground = 0x00ff00; gc.FillRule = render.WindingRule }), Points: star(o.Add(image.Pt(200, 40)), 35), Shape: render.ShapeComplex},
			Op{Kind: OpFillPoly, GC: gcWith(func(gc *render.GC) { gc.Foreground = 0x0000ff }), Points: []image.Point{o.Add(image.Pt(10, 70)), o.Add(image.Pt(90, 75)), o.Add(image.Pt(50, 90)), o.Add(image.Pt(95, 115)), o.Add(image.Pt(5, 112))}, Shape: render.ShapeNonconvex},
		)
		for i := 0; i < 6; i++ {
			var pts []image.Point
			sub := image.Rect(r.Min.X+240, r.Min.Y, r.Max.X, r.Max.Y)
			if i >= 3 {
				sub = image.Rect(r.Min.X+100, r.Min.Y+70, r.Min.X+240, r.Max.Y)
			}
			for k := 0; k < 5+i; k++ {
				pts = append(pts, randPt(sub, 1))
			}
			fr := render.EvenOddRule
			if i%2 == 1 {
				fr = render.WindingRule
			}
			g.Ops = append(g.Ops, Op{Kind: OpFillPoly, GC: gcWith(func(gc *render.GC) { gc.Foreground = col(i); gc.FillRule = fr; gc.Function = render.GXxor }), Points: pts, Shape: render.ShapeComplex})
		}
		s.Groups = append(s.Groups, g)
	}
	// Filled arcs: circles, ellipses, pie slices and chords.
	{
		r := image.Rect(320, 240, 640, 360)
		g := Group{Name: "filled arcs", Region: r, Exact: true}
		o := r.Min
		var full []render.Arc
		for i, sz := range []image.Point{{10, 10}, {11, 11}, {30, 30}, {31, 20}, {20, 31}, {40, 25}, {1, 1}, {2, 2}, {3, 3}} {
			full = append(full, render.Arc{X: o.X + 5 + i*34, Y: o.Y + 5, W: sz.X, H: sz.Y, Angle1: 0, Angle2: 360 * 64})
		}
		g.Ops = append(g.Ops, Op{Kind: OpFillArcs, GC: gcWith(nil), Arcs: full})
		angles := [][2]int{{0, 90}, {45, 90}, {30, 200}, {100, -150}, {270, 45}, {-30, 300}, {180, 180}, {0, 180}, {10, 350}}
		for mi, mode := range []render.ArcMode{render.ArcPieSlice, render.ArcChord} {
			var as []render.Arc
			for i, a := range angles {
				w, h := 30, 30
				if i%2 == 1 {
					w, h = 33, 24
				}
				as = append(as, render.Arc{X: o.X + 5 + i*34, Y: o.Y + 42 + mi*38, W: w, H: h, Angle1: a[0] * 64, Angle2: a[1] * 64})
			}
			g.Ops = append(g.Ops, Op{Kind: OpFillArcs, GC: gcWith(func(gc *render.GC) { gc.ArcMode = mode; gc.Foreground = col(mi + 1) }), Arcs: as})
		}
		s.Groups = append(s.Groups, g)
	}
	// Thin arcs.
	{
		r := image.Rect(0, 360, 320, 480)
		g := Group{Name: "thin arcs", Region: r, MinShare: 0.98}
		o := r.Min
		var as []render.Arc
		for i, sz := range []image.Point{{10, 10}, {11, 11}, {30, 30}, {31, 20}, {20, 31}, {50, 30}} {
			as = append(as, render.Arc{X: o.X + 5 + i*52, Y: o.Y + 5, W: sz.X, H: sz.Y, Angle1: 0, Angle2: 360 * 64})
		}
		for i, a := range [][2]int{{0, 90}, {45, 90}, {30, 200}, {100, -150}, {270, 45}, {-30, 300}} {
			as = append(as, render.Arc{X: o.X + 5 + i*52, Y: o.Y + 60, W: 40, H: 30 + i*3, Angle1: a[0] * 64, Angle2: a[1] * 64})
		}
		g.Ops = append(g.Ops, Op{Kind: OpArcs, GC: gcWith(nil), Arcs: as})
		s.Groups = append(s.Groups, g)
	}
	// Wide arcs.
	{
		r := image.Rect(320, 360, 640, 480)
		g := Group{Name: "wide arcs", Region: r, MinShare: 0.99}
		o := r.Min
		var as []render.Arc
		for i, a := range [][2]int{{0, 360}, {0, 90}, {45, 180}, {200, -120}, {90, 270}} {
			as = append(as, render.Arc{X: o.X + 10 + i*60, Y: o.Y + 10, W: 40, H: 30 + i*5, Angle1: a[0] * 64, Angle2: a[1] * 64})
		}
		g.Ops = append(g.Ops, Op{Kind: OpArcs, GC: gcWith(func(gc *render.GC) { gc.LineWidth = 5; gc.Foreground = 0x00ff00 }), Arcs: as})
		s.Groups = append(s.Groups, g)
	}
	// Wide segments in every direction and with small widths (width 1 is a
	// wide line in X, not a thin one).
	{
		r := image.Rect(0, 480, 320, 600)
		g := Group{Name: "wide segments", Region: r, MinShare: 0.99}
		for i, lw := range []int{1, 2, 4, 7} {
			c := image.Pt(r.Min.X+40+i*78, r.Min.Y+60)
			var segs []render.Segment
			for k := 0; k < 12; k++ {
				a := float64(k) * math.Pi / 6.3
				segs = append(segs, render.Segment{X1: c.X + int(8*math.Cos(a)), Y1: c.Y + int(8*math.Sin(a)), X2: c.X + int(34*math.Cos(a)), Y2: c.Y + int(50*math.Sin(a))})
			}
			g.Ops = append(g.Ops, Op{Kind: OpSegments, GC: gcWith(func(gc *render.GC) {
				gc.LineWidth = lw
				gc.CapStyle = render.CapStyle(1 + i%3)
				gc.Foreground = col(i)
			}), Segs: segs})
		}
		s.Groups = append(s.Groups, g)
	}
	// Wide rectangle outlines (mitred ones become filled rectangles in X)
	// and closed wide polylines.
	{
		r := image.Rect(320, 480, 640, 600)
		g := Group{Name: "wide rectangles", Region: r, MinShare: 0.99}
		o := r.Min
		g.Ops = append(g.Ops,
			Op{Kind: OpRects, GC: gcWith(func(gc *render.GC) { gc.LineWidth = 5 }), Rects: []image.Rectangle{image.Rect(o.X+10, o.Y+10, o.X+60, o.Y+50), image.Rect(o.X+70, o.Y+10, o.X+72, o.Y+50), image.Rect(o.X+80, o.Y+10, o.X+120, o.Y+10)}},
			Op{Kind: OpRects, GC: gcWith(func(gc *render.GC) { gc.LineWidth = 4; gc.JoinStyle = render.JoinRound; gc.Foreground = 0xff0000 }), Rects: []image.Rectangle{image.Rect(o.X+140, o.Y+10, o.X+200, o.Y+50)}},
			Op{Kind: OpRects, GC: gcWith(func(gc *render.GC) { gc.LineWidth = 3; gc.JoinStyle = render.JoinBevel; gc.Foreground = 0x00ff00 }), Rects: []image.Rectangle{image.Rect(o.X+220, o.Y+10, o.X+300, o.Y+50)}},
			Op{Kind: OpPolyLine, GC: gcWith(func(gc *render.GC) { gc.LineWidth = 6; gc.Foreground = 0x0000ff }), Points: []image.Point{o.Add(image.Pt(20, 70)), o.Add(image.Pt(120, 80)), o.Add(image.Pt(60, 110)), o.Add(image.Pt(20, 70))}},
			Op{Kind: OpPolyLine, GC: gcWith(func(gc *render.GC) {
				gc.LineWidth = 5
				gc.JoinStyle = render.JoinRound
				gc.Function = render.GXxor
				gc.Foreground = 0xffff00
			}), Points: []image.Point{o.Add(image.Pt(150, 70)), o.Add(image.Pt(290, 75)), o.Add(image.Pt(200, 112)), o.Add(image.Pt(160, 90))}},
		)
		s.Groups = append(s.Groups, g)
	}
	return s
}

// PlayRender draws the scene into a new black image with render.
func PlayRender(s Scene) *render.Image {
	im := render.NewImage(s.W, s.H)
	for _, g := range s.Groups {
		for i := range g.Ops {
			PlayOpRender(im, &g.Ops[i])
		}
	}
	return im
}

// PlayOpRender draws one op into im.
func PlayOpRender(im *render.Image, op *Op) image.Rectangle {
	gc := op.GC
	switch op.Kind {
	case OpPoints:
		return im.PolyPoint(&gc, op.Points)
	case OpPolyLine:
		return im.PolyLine(&gc, op.Points)
	case OpSegments:
		return im.PolySegment(&gc, op.Segs)
	case OpRects:
		return im.PolyRectangle(&gc, op.Rects)
	case OpFillRects:
		return im.PolyFillRectangle(&gc, op.Rects)
	case OpFillPoly:
		return im.FillPolygon(&gc, op.Points, op.Shape)
	case OpArcs:
		return im.PolyArc(&gc, op.Arcs)
	case OpFillArcs:
		return im.PolyFillArc(&gc, op.Arcs)
	}
	return image.Rectangle{}
}
