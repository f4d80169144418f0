package x11native

import (
	"fmt"

	"github.com/xfar/xfar/protocol"

	"github.com/xfar/xfar/xclient"
)

// Tiles, stipples and clip masks, which xfar's GC does not have, are
// translated here into what the protocol has: a tiled fill becomes
// CopyAreas from a pixmap on the display that holds the tile repeated
// (built there by doubling, so a 2x2 tile costs a handful of requests,
// not one per repeat); a stipple becomes such a tile made from its bits
// (opaque) or two of them drawn with GXand and GXor (transparent); a clip
// mask becomes clip rectangles. The bits of a depth-1 pixmap are read
// from the display once (one round trip) and kept until something draws
// on it again.

// X fill styles (GC fill-style values).
const (
	fillSolid = iota
	fillTiled
	fillStippled
	fillOpaqueStippled
)

// maxTileSide bounds the side of a repeated tile built on the display;
// larger fills take several CopyAreas per rectangle.
const maxTileSide = 256

// maxClipRects bounds the rectangles a clip mask may become; a mask
// more ragged than that is logged and drawn unclipped.
const maxClipRects = 16384

// touch notes that drawable id is about to be drawn on: a depth-1
// pixmap's cached bits are stale from then on.
func (s *Server) touch(id uint32) {
	if p, ok := s.pixmaps[id]; ok {
		p.bits = nil
	}
}

// pixmapBits returns a depth-1 pixmap's pixels, one byte (0 or 1) per
// pixel, row by row, reading them from the display if they are not cached.
func (s *Server) pixmapBits(p *pixmap) ([]byte, error) {
	if p.bits != nil {
		return p.bits, nil
	}
	s.roundTrips.Add(1)
	img, err := s.xc.GetImage(xclient.Pixmap(p.xfar), 0, 0, p.w, p.h)
	if err != nil {
		return nil, fmt.Errorf("read bitmap %#x: %w", p.id, err)
	}
	bits := make([]byte, p.w*p.h)
	for y := 0; y < p.h; y++ {
		for x := 0; x < p.w; x++ {
			bits[y*p.w+x] = img.Pix[img.PixOffset(x, y)+2] & 1 // pixel value 1 is blue 1
		}
	}
	p.bits = bits
	return bits, nil
}

// scratch returns the server's own GC for building tiles: GXcopy, all
// planes, no clip.
func (s *Server) scratch() (xclient.GC, error) {
	if s.scratchGC == 0 {
		g, err := s.xc.CreateGC(xclient.Window(s.root.xfar), &xclient.GCValues{})
		if err != nil {
			return 0, fmt.Errorf("create scratch GC: %w", err)
		}
		s.scratchGC = g
	}
	return s.scratchGC, nil
}

// repeatedTile is a pixmap on the display holding a tile repeated to
// about the size of the area to fill.
type repeatedTile struct {
	pm   xclient.Pixmap
	w, h int
}

// newTile builds a repeatedTile from a tw x th tile that seed draws at
// (0, 0) of the new pixmap, repeated to cover want (up to maxTileSide).
func (s *Server) newTile(tw, th, wantW, wantH int, seed func(xclient.Pixmap, xclient.GC) error) (*repeatedTile, error) {
	gc, err := s.scratch()
	if err != nil {
		return nil, err
	}
	bw, bh := tw, th
	for bw < wantW && bw*2 <= maxTileSide {
		bw *= 2
	}
	for bh < wantH && bh*2 <= maxTileSide {
		bh *= 2
	}
	pm, err := s.xc.CreatePixmap(xclient.Window(s.root.xfar), bw, bh)
	if err != nil {
		return nil, fmt.Errorf("create tile pixmap: %w", err)
	}
	t := &repeatedTile{pm: pm, w: bw, h: bh}
	if err := seed(pm, gc); err != nil {
		s.freeTile(t)
		return nil, err
	}
	for w := tw; w < bw; w *= 2 {
		if err := s.xc.CopyArea(pm, pm, gc, 0, 0, min(w, bw-w), th, w, 0); err != nil {
			s.freeTile(t)
			return nil, fmt.Errorf("repeat tile: %w", err)
		}
	}
	for h := th; h < bh; h *= 2 {
		if err := s.xc.CopyArea(pm, pm, gc, 0, 0, bw, min(h, bh-h), 0, h); err != nil {
			s.freeTile(t)
			return nil, fmt.Errorf("repeat tile: %w", err)
		}
	}
	return t, nil
}

func (s *Server) freeTile(t *repeatedTile) {
	if err := s.xc.FreePixmap(t.pm); err != nil {
		s.log.Warn("x11native: free tile", "err", err)
	}
}

// tileRects fills rects on d with t through gc, the tile's (0, 0) at
// (ox, oy) of d, as X's FillTiled does.
func (s *Server) tileRects(t *repeatedTile, ox, oy int, d xclient.Drawable, gc xclient.GC, rects []xclient.Rect) error {
	for _, r := range rects {
		x1, y1 := int(r.X)+int(r.W), int(r.Y)+int(r.H)
		for y := int(r.Y); y < y1; {
			sy := mod(y-oy, t.h)
			ph := min(t.h-sy, y1-y)
			for x := int(r.X); x < x1; {
				sx := mod(x-ox, t.w)
				pw := min(t.w-sx, x1-x)
				if err := s.xc.CopyArea(t.pm, d, gc, sx, sy, pw, ph, x, y); err != nil {
					return fmt.Errorf("tile: %w", err)
				}
				x += pw
			}
			y += ph
		}
	}
	return nil
}

func mod(a, m int) int {
	a %= m
	if a < 0 {
		a += m
	}
	return a
}

// bitsTile returns a seed that puts the stipple's bits as pixels: on for
// 1 bits, off for 0 bits.
func (s *Server) bitsTile(bits []byte, w, h int, on, off uint32) func(xclient.Pixmap, xclient.GC) error {
	return func(pm xclient.Pixmap, gc xclient.GC) error {
		pix := make([]uint32, w*h)
		for i, b := range bits {
			if b != 0 {
				pix[i] = on
			} else {
				pix[i] = off
			}
		}
		if err := s.xc.PutPixels(pm, gc, 0, 0, w, h, pix); err != nil {
			return fmt.Errorf("stipple tile: %w", err)
		}
		return nil
	}
}

// fillRects draws PolyFillRectangle with g's fill style; solid fills go
// straight to the display.
func (c *client) fillRects(d xclient.Drawable, g *gcState, rects []xclient.Rect) error {
	s := c.s
	style := g.vals[gcFillStyle]
	if style == fillSolid || len(rects) == 0 {
		return s.xc.FillRectangles(d, xclient.GC(g.xfar), rects)
	}
	// The tile is sized for the largest rectangle; bigger areas repeat it.
	var wantW, wantH int
	for _, r := range rects {
		wantW, wantH = max(wantW, int(r.W)), max(wantH, int(r.H))
	}
	ox, oy := int(int16(g.vals[gcTileX])), int(int16(g.vals[gcTileY]))
	gc := xclient.GC(g.xfar)
	if style == fillTiled {
		p := s.pixmaps[g.vals[gcTile]]
		if p == nil || p.depth == 1 {
			c.logOnce("GC tile that is not a depth-24 pixmap (drawn solid)")
			return s.xc.FillRectangles(d, gc, rects)
		}
		t, err := s.newTile(p.w, p.h, wantW, wantH, func(pm xclient.Pixmap, sg xclient.GC) error {
			return s.xc.CopyArea(xclient.Pixmap(p.xfar), pm, sg, 0, 0, p.w, p.h, 0, 0)
		})
		if err != nil {
			return err
		}
		defer s.freeTile(t)
		return s.tileRects(t, ox, oy, d, gc, rects)
	}
	p := s.pixmaps[g.vals[gcStipple]]
	if p == nil || p.depth != 1 {
		c.logOnce("GC stipple that is not a depth-1 pixmap (drawn solid)")
		return s.xc.FillRectangles(d, gc, rects)
	}
	bits, err := s.pixmapBits(p)
	if err != nil {
		return err
	}
	fg, bg := g.vals[gcForeground]&0xffffff, g.vals[gcBackground]&0xffffff
	if style == fillOpaqueStippled {
		t, err := s.newTile(p.w, p.h, wantW, wantH, s.bitsTile(bits, p.w, p.h, fg, bg))
		if err != nil {
			return err
		}
		defer s.freeTile(t)
		return s.tileRects(t, ox, oy, d, gc, rects)
	}
	// FillStippled: the function applies where the stipple has 1 bits,
	// the destination stays elsewhere. For the functions programs use
	// that is one or two tile copies with a function whose 0-bit pixel
	// leaves the destination alone (GXand with all ones, GXor and GXxor
	// with zero); GXcopy is GXand clearing the 1 bits, then GXor.
	type pass struct {
		fn      uint8
		on, off uint32
	}
	const ones = 0xffffff
	var passes []pass
	switch g.vals[gcFunction] & 15 {
	case 0: // GXclear
		passes = []pass{{1, 0, ones}}
	case 1: // GXand
		passes = []pass{{1, fg, ones}}
	case 5: // GXnoop
		return nil
	case 6: // GXxor
		passes = []pass{{6, fg, 0}}
	case 7: // GXor
		passes = []pass{{7, fg, 0}}
	case 10: // GXinvert
		passes = []pass{{6, ones, 0}}
	case 15: // GXset
		passes = []pass{{7, ones, 0}}
	default:
		if g.vals[gcFunction]&15 != 3 {
			c.logOnce("FillStippled with a function other than clear, and, copy, noop, xor, or, invert, set (drawn as GXcopy)")
		}
		passes = []pass{{1, 0, ones}, {7, fg, 0}}
	}
	for _, ps := range passes {
		t, err := s.newTile(p.w, p.h, wantW, wantH, s.bitsTile(bits, p.w, p.h, ps.on, ps.off))
		if err != nil {
			return err
		}
		err = s.xc.ChangeGC(gc, xclient.GCValues{Mask: protocol.GCFunction, Function: ps.fn})
		if err == nil {
			err = s.tileRects(t, ox, oy, d, gc, rects)
		}
		s.freeTile(t)
		if err != nil {
			return err
		}
	}
	return s.xc.ChangeGC(gc, xclient.GCValues{Mask: protocol.GCFunction, Function: uint8(g.vals[gcFunction] & 15)})
}

// applyClipMask sets g's xfar clip to the rectangles of the 1 bits of its
// clip-mask pixmap, at the GC's clip origin.
func (c *client) applyClipMask(g *gcState) {
	s := c.s
	p := s.pixmaps[g.vals[gcClipMask]]
	if p == nil || p.depth != 1 {
		c.logOnce("clip mask that is not a depth-1 pixmap (drawn unclipped)")
		return
	}
	bits, err := s.pixmapBits(p)
	if err != nil {
		s.log.Warn("x11native: clip mask", "err", err)
		return
	}
	rects := maskRects(bits, p.w, p.h)
	if len(rects) > maxClipRects {
		c.logOnce(fmt.Sprintf("clip mask of more than %d rectangles (drawn unclipped)", maxClipRects))
		return
	}
	x, y := int(int16(g.vals[gcClipX])), int(int16(g.vals[gcClipY]))
	if err := s.xc.SetClipRectangles(xclient.GC(g.xfar), x, y, rects); err != nil {
		s.log.Warn("x11native: clip mask", "err", err)
	}
}

// maskRects turns a bitmap into rectangles covering its 1 bits: the runs
// of each row, rows with the same runs merged into one band.
func maskRects(bits []byte, w, h int) []xclient.Rect {
	var out []xclient.Rect
	var band []xclient.Rect // the open band's rectangles
	var prev []int          // the previous row's runs, as start/end pairs
	flush := func() {
		out = append(out, band...)
		band = nil
	}
	for y := 0; y < h; y++ {
		var runs []int
		row := bits[y*w : (y+1)*w]
		for x := 0; x < w; {
			if row[x] == 0 {
				x++
				continue
			}
			x0 := x
			for x < w && row[x] != 0 {
				x++
			}
			runs = append(runs, x0, x)
		}
		if equalInts(runs, prev) && band != nil {
			for i := range band {
				band[i].H++
			}
			continue
		}
		flush()
		for i := 0; i < len(runs); i += 2 {
			band = append(band, xclient.Rect{X: int16(runs[i]), Y: int16(y), W: uint16(runs[i+1] - runs[i]), H: 1})
		}
		prev = runs
	}
	flush()
	return out
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// copyBitmapPlane is CopyPlane from a depth-1 pixmap to a depth-24
// drawable: the foreground where the bitmap has 1 bits, the background
// elsewhere, through the GC, as pixels made from the bitmap's bits.
func (c *client) copyBitmapPlane(src uint32, dst xclient.Drawable, g *gcState, sx, sy, w, h, dx, dy int) error {
	s := c.s
	p := s.pixmaps[src]
	if p == nil {
		return nil // a window is never depth 1 here
	}
	// Only the part of the source inside the bitmap is copied.
	x0, y0 := max(sx, 0), max(sy, 0)
	x1, y1 := min(sx+w, p.w), min(sy+h, p.h)
	if x1 <= x0 || y1 <= y0 {
		return nil
	}
	bits, err := s.pixmapBits(p)
	if err != nil {
		return err
	}
	fg, bg := g.vals[gcForeground]&0xffffff, g.vals[gcBackground]&0xffffff
	pw, ph := x1-x0, y1-y0
	pix := make([]uint32, pw*ph)
	for y := 0; y < ph; y++ {
		for x := 0; x < pw; x++ {
			if bits[(y0+y)*p.w+x0+x] != 0 {
				pix[y*pw+x] = fg
			} else {
				pix[y*pw+x] = bg
			}
		}
	}
	return s.xc.PutPixels(dst, xclient.GC(g.xfar), dx+x0-sx, dy+y0-sy, pw, ph, pix)
}
