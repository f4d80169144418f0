package bench

import (
	"math"
	"math/rand/v2"
	"strings"

	"github.com/xfar/xfar/protocol"
)

// Workload is one x11perf-style test: an operation, how many of them go in
// one request, and the data they draw. Every side draws exactly the same
// geometry and pixels, generated from a fixed seed; the data is varied (not
// one line repeated) so that compression is not flattered.
type Workload struct {
	Name string // short name, used by --workloads
	Desc string // what one operation is
	// PerReq is how many operations one request carries.
	PerReq int
	kind   kind
	pool   pool
}

type kind int

const (
	kLine kind = iota
	kSegment
	kRect
	kFillRect
	kFillArc
	kText
	kPutImage
	kCopyArea
	kWindow
	kRoundTrip
)

// pool is a workload's pre-generated data, one entry per request, cycled.
type pool struct {
	points [][]protocol.Point
	segs   [][]protocol.Segment
	rects  [][]protocol.Rect
	arcs   [][]protocol.Arc
	text   []string
	at     []protocol.Point // text origin, image position, copy destination
	from   []protocol.Point // copy source
	// Images, one per request, as 0x00RRGGBB for xfar and as X's ZPixmap
	// bytes (B, G, R, pad) for X.
	imgW, imgH int
	pix        [][]uint32
	xbytes     [][]byte
	// n is the number of distinct requests; they are cycled.
	n int
}

// distinct is how many operations of its own each workload has: the
// bytes-on-the-wire pass sends at most this many, so that no request
// repeats an earlier one and compression is not flattered by
// repetition. Throughput passes cycle through them.
func (w *Workload) distinct() int { return w.pool.n * w.PerReq }

// area is the drawing area inside each side's window; every operation
// stays inside it so no side gains from clipping work away.
const area = 600

// distinctOps is how many distinct operations a pool holds (fewer for
// 100x100 images, to bound memory).
const distinctOps = 2048

// Workloads returns the benchmark's tests, in report order.
func Workloads() []*Workload {
	rng := rand.New(rand.NewPCG(7, 11))
	ws := []*Workload{
		{Name: "line10", Desc: "10-pixel line, PolyLine of 100 points", PerReq: 99, kind: kLine},
		{Name: "line10-1", Desc: "10-pixel line, one PolyLine per line", PerReq: 1, kind: kLine},
		{Name: "seg10", Desc: "10-pixel segment, PolySegment of 100", PerReq: 100, kind: kSegment},
		{Name: "seg10-1", Desc: "10-pixel segment, one request each", PerReq: 1, kind: kSegment},
		{Name: "rect10", Desc: "10x10 rectangle outline, 100 per request", PerReq: 100, kind: kRect},
		{Name: "fillrect10", Desc: "10x10 filled rectangle, 100 per request", PerReq: 100, kind: kFillRect},
		{Name: "fillrect10-1", Desc: "10x10 filled rectangle, one request each", PerReq: 1, kind: kFillRect},
		{Name: "fillarc100", Desc: "100x100 filled circle, 10 per request", PerReq: 10, kind: kFillArc},
		{Name: "text80", Desc: "80-character text line", PerReq: 1, kind: kText},
		{Name: "putimage10", Desc: "PutImage 10x10", PerReq: 1, kind: kPutImage},
		{Name: "putimage100", Desc: "PutImage 100x100", PerReq: 1, kind: kPutImage},
		{Name: "copyarea100", Desc: "CopyArea 100x100 within the window", PerReq: 1, kind: kCopyArea},
		{Name: "window", Desc: "create + map + destroy a child window", PerReq: 1, kind: kWindow},
		{Name: "roundtrip", Desc: "round trip (xfar Sync, X GetInputFocus)", PerReq: 1, kind: kRoundTrip},
	}
	for _, w := range ws {
		w.pool = makePool(rng, w)
	}
	return ws
}

// dir10 returns a vector of length 10 (rounded) in a random direction.
func dir10(rng *rand.Rand) (int, int) {
	a := rng.Float64() * 2 * math.Pi
	return int(math.Round(10 * math.Cos(a))), int(math.Round(10 * math.Sin(a)))
}

func makePool(rng *rand.Rand, w *Workload) pool {
	var p pool
	p.n = max(64, (distinctOps+w.PerReq-1)/w.PerReq)
	poolSize := p.n
	pt := func(margin int) protocol.Point {
		return protocol.Point{X: int16(margin + rng.IntN(area-2*margin)), Y: int16(margin + rng.IntN(area-2*margin))}
	}
	switch w.kind {
	case kLine:
		for range poolSize {
			cur := pt(10)
			pts := []protocol.Point{cur}
			for len(pts) < w.PerReq+1 {
				dx, dy := dir10(rng)
				nx, ny := int(cur.X)+dx, int(cur.Y)+dy
				if nx < 0 || ny < 0 || nx >= area || ny >= area {
					continue // bounce: pick another direction
				}
				cur = protocol.Point{X: int16(nx), Y: int16(ny)}
				pts = append(pts, cur)
			}
			p.points = append(p.points, pts)
		}
	case kSegment:
		for range poolSize {
			var ss []protocol.Segment
			for range w.PerReq {
				a := pt(10)
				dx, dy := dir10(rng)
				ss = append(ss, protocol.Segment{X1: a.X, Y1: a.Y, X2: a.X + int16(dx), Y2: a.Y + int16(dy)})
			}
			p.segs = append(p.segs, ss)
		}
	case kRect, kFillRect:
		for range poolSize {
			var rs []protocol.Rect
			for range w.PerReq {
				a := pt(0)
				rs = append(rs, protocol.Rect{X: min(a.X, area-11), Y: min(a.Y, area-11), W: 10, H: 10})
			}
			p.rects = append(p.rects, rs)
		}
	case kFillArc:
		for range poolSize {
			var as []protocol.Arc
			for range w.PerReq {
				a := pt(0)
				as = append(as, protocol.Arc{X: min(a.X, area-101), Y: min(a.Y, area-101), W: 100, H: 100, Angle1: 0, Angle2: 360 * 64})
			}
			p.arcs = append(p.arcs, as)
		}
	case kText:
		words := strings.Fields("the quick brown fox jumps over a lazy dog while xfar draws every glyph of this line on a display far away and X draws it here")
		for range poolSize {
			var b strings.Builder
			for b.Len() < 80 {
				b.WriteString(words[rng.IntN(len(words))])
				b.WriteByte(' ')
			}
			p.text = append(p.text, b.String()[:80])
			p.at = append(p.at, protocol.Point{X: int16(rng.IntN(40)), Y: int16(20 + rng.IntN(area-40))})
		}
	case kPutImage:
		side := 10
		if strings.HasSuffix(w.Name, "100") {
			side = 100
		}
		if side == 100 {
			p.n, poolSize = 256, 256
		}
		p.imgW, p.imgH = side, side
		for range poolSize {
			pix, xb := picture(rng, side, side)
			p.pix, p.xbytes = append(p.pix, pix), append(p.xbytes, xb)
			a := pt(0)
			p.at = append(p.at, protocol.Point{X: min(a.X, int16(area-side)), Y: min(a.Y, int16(area-side))})
		}
	case kCopyArea:
		for range poolSize {
			a, b := pt(0), pt(0)
			p.from = append(p.from, protocol.Point{X: min(a.X, area-100), Y: min(a.Y, area-100)})
			p.at = append(p.at, protocol.Point{X: min(b.X, area-100), Y: min(b.Y, area-100)})
		}
	case kWindow:
		for range poolSize {
			a := pt(0)
			p.at = append(p.at, protocol.Point{X: min(a.X, area-50), Y: min(a.Y, area-50)})
		}
	}
	return p
}

// picture makes a w x h image with some structure, neither noise nor a
// flat colour: bands of a random base colour, a horizontal gradient, and
// one pixel in eight random. Every call makes a different one.
func picture(rng *rand.Rand, w, h int) ([]uint32, []byte) {
	pix := make([]uint32, w*h)
	xb := make([]byte, 4*w*h)
	base, band := rng.Uint32()&0xffffff, 4+rng.IntN(8)
	for y := range h {
		for x := range w {
			v := (base + uint32((y/band)*0x203040+(x*255/w))) & 0xffffff
			if rng.IntN(8) == 0 {
				v = rng.Uint32() & 0xffffff
			}
			i := y*w + x
			pix[i] = v
			xb[4*i], xb[4*i+1], xb[4*i+2] = byte(v), byte(v>>8), byte(v>>16)
		}
	}
	return pix, xb
}
