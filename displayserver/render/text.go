package render

import (
	"image"
	"unicode/utf8"

	"github.com/xfar/xfar/fonts"
	"golang.org/x/image/math/fixed"
)

// DrawText draws the UTF-8 string s with its baseline origin at (x,y), like
// XDrawString, in the face gc.Font at gc.FontSize. With GXcopy glyph edges
// are anti-aliased by blending the foreground over the image with the
// glyph coverage; other functions apply to pixels at least half covered,
// since blending has no meaning for them. When imageText is set the
// background box (text advance wide, face ascent+descent high) is filled
// with gc.Background first, with GXcopy whatever gc.Function says, as X
// ImageText does.
func (im *Image) DrawText(gc *GC, x, y int, s string, imageText bool) image.Rectangle {
	clips := im.clip(gc)
	if len(clips) == 0 || s == "" {
		return image.Rectangle{}
	}
	id, size := gc.Font, gc.FontSize
	var damage image.Rectangle
	if imageText {
		w, asc, desc := fonts.Measure(id, size, s)
		box := image.Rect(x, y-asc, x+w, y+desc)
		bAnd, bXor := rop(GXcopy, gc.Background, gc.PlaneMask)
		damage = im.fillRectClipped(clips, box, bAnd, bXor)
	}
	fn := gc.Function
	if imageText {
		fn = GXcopy
	}
	and, xor := rop(fn, gc.Foreground, gc.PlaneMask)
	blend := fn == GXcopy && gc.PlaneMask&pixelMask == pixelMask
	fg := gc.Foreground & pixelMask
	var dot fixed.Int26_6
	prev := rune(-1)
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		if prev >= 0 {
			dot += fonts.Kern(id, size, prev, r)
		}
		prev = r
		g := fonts.GlyphOf(id, size, r)
		gx := x + dot.Round() + g.Offset.X
		gy := y + g.Offset.Y
		dot += g.Advance
		gr := image.Rect(gx, gy, gx+g.Mask.Rect.Dx(), gy+g.Mask.Rect.Dy())
		for _, c := range clips {
			cr := gr.Intersect(c)
			if cr.Empty() {
				continue
			}
			damage = damage.Union(cr)
			for py := cr.Min.Y; py < cr.Max.Y; py++ {
				mrow := g.Mask.Pix[(py-gy)*g.Mask.Stride:]
				row := im.Pix[py*im.W : py*im.W+im.W]
				for px := cr.Min.X; px < cr.Max.X; px++ {
					a := uint32(mrow[px-gx])
					if a == 0 {
						continue
					}
					if blend {
						row[px] = blendPixel(row[px], fg, a)
					} else if a >= 128 {
						row[px] = row[px]&and ^ xor
					}
				}
			}
		}
	}
	return damage
}

// blendPixel mixes fg over dst with coverage a (0..255), per channel,
// rounding to nearest.
func blendPixel(dst, fg, a uint32) uint32 {
	if a == 255 {
		return fg
	}
	na := 255 - a
	r := ((fg>>16&0xff)*a + (dst>>16&0xff)*na + 127) / 255
	g := ((fg>>8&0xff)*a + (dst>>8&0xff)*na + 127) / 255
	b := ((fg&0xff)*a + (dst&0xff)*na + 127) / 255
	return r<<16 | g<<8 | b
}
