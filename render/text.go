package render

import (
	"image"

	"github.com/xfar/xfar/fonts"
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
	g := glyphInk{
		blend: fn == GXcopy && gc.PlaneMask&pixelMask == pixelMask,
		fg:    gc.Foreground & pixelMask,
		and:   and,
		xor:   xor,
	}
	return damage.Union(im.glyphs(clips, x, y, id, size, s, g))
}

// Text draws s like DrawText with GXcopy, a full plane mask and the single
// clip rectangle clip: glyph coverage blended in colour c (0x00RRGGBB) over
// what is there. It is the text half of the widget painter (package
// widget), so that a widget tree painted into an Image is the same pixels
// as the FillRectangle and DrawText requests a client sends for it.
func (im *Image) Text(clip image.Rectangle, x, y int, id fonts.ID, size int, c uint32, s string) {
	clip = clip.Intersect(im.Bounds())
	if clip.Empty() || s == "" {
		return
	}
	im.clipOne[0] = clip
	im.glyphs(im.clipOne[:], x, y, id, size, s, glyphInk{blend: true, fg: c & pixelMask})
}

// glyphInk says how glyph coverage changes a pixel: blended in fg, or,
// for raster functions where blending means nothing, (dst&and)^xor where
// the glyph covers at least half the pixel.
type glyphInk struct {
	blend    bool
	fg       uint32
	and, xor uint32
}

// glyphs is the one glyph loop: it places the glyphs of s (kerning and
// all, from fonts' pen) at baseline origin (x,y) and applies ink inside
// clips. It returns the bounding box of the pixels it may have changed.
func (im *Image) glyphs(clips []image.Rectangle, x, y int, id fonts.ID, size int, s string, ink glyphInk) image.Rectangle {
	var damage image.Rectangle
	pen := fonts.StrikeOf(id, size).Pen(s)
	for {
		g, px, ok := pen.Next()
		if !ok {
			break
		}
		gx := x + px + g.Offset.X
		gy := y + g.Offset.Y
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
					if ink.blend {
						row[px] = fonts.Blend(row[px], ink.fg, a)
					} else if a >= 128 {
						row[px] = row[px]&ink.and ^ ink.xor
					}
				}
			}
		}
	}
	return damage
}
