package render

import "image"

// Bitmap is a 1-bit glyph, as an X core font holds one: W×H pixels in
// rows of (W+7)/8 bytes, most significant bit leftmost, a set bit is ink.
// Its top-left corner is (X, Y) from the pen (X is the left bearing, Y is
// −ascent), and the pen then moves Advance pixels right.
type Bitmap struct {
	W, H, X, Y, Advance int
	Bits                []byte
}

// PolyGlyph draws glyphs with the pen starting at (x, y): their set bits in
// gc's foreground through its function, plane mask and clip, as X draws
// core-font text (PolyText); nil glyphs are skipped without moving the
// pen. It returns the damage.
func (im *Image) PolyGlyph(gc *GC, x, y int, glyphs []*Bitmap) image.Rectangle {
	clips := im.clip(gc)
	if len(clips) == 0 {
		return image.Rectangle{}
	}
	var bound image.Rectangle
	for _, c := range clips {
		bound = bound.Union(c)
	}
	and, xor := rop(gc.Function, gc.Foreground, gc.PlaneMask)
	var damage image.Rectangle
	for _, g := range glyphs {
		if g == nil {
			continue
		}
		stride := (g.W + 7) / 8
		ox, oy := x+g.X, y+g.Y
		for row := 0; row < g.H && (row+1)*stride <= len(g.Bits); row++ {
			line := g.Bits[row*stride : (row+1)*stride]
			for col := 0; col < g.W; {
				if line[col/8]&(0x80>>(col%8)) == 0 {
					col++
					continue
				}
				start := col
				for col < g.W && line[col/8]&(0x80>>(col%8)) != 0 {
					col++
				}
				im.fillSpan(clips, oy+row, ox+start, ox+col, and, xor)
				damage = damage.Union(image.Rect(ox+start, oy+row, ox+col, oy+row+1).Intersect(bound))
			}
		}
		x += g.Advance
	}
	return damage
}
