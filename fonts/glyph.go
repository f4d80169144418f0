package fonts

import (
	"image"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// Glyph is a rasterized glyph: an 8-bit coverage mask placed relative to
// the pen position (the baseline origin), and the pen advance. Glyphs are
// shared and must not be modified.
type Glyph struct {
	Mask    *image.Alpha  // coverage, Bounds().Min is (0,0)
	Offset  image.Point   // where Mask's top-left goes, relative to the pen
	Advance fixed.Int26_6 // horizontal pen advance
}

type glyphKey struct {
	id   ID
	size int
	r    rune
}

var (
	glyphMu    sync.RWMutex
	glyphCache = map[glyphKey]*Glyph{}
)

// maxCachedGlyphs bounds the glyph cache; a client printing every code
// point of Unicode at every size must not grow the server without limit.
const maxCachedGlyphs = 1 << 16

// GlyphOf returns the glyph for r rendered at an integer pen position, or
// the face's replacement glyph if the font has none. Glyphs are cached and
// safe for concurrent use; drawing text by whole pixels is what lets the
// cache work and keeps every occurrence of a letter identical.
func GlyphOf(id ID, sizePx int, r rune) *Glyph {
	if !id.Valid() {
		id = Regular
	}
	k := glyphKey{id, ClampSize(sizePx), r}
	glyphMu.RLock()
	g := glyphCache[k]
	glyphMu.RUnlock()
	if g != nil {
		return g
	}
	f := Face(id, k.size)
	dr, mask, mp, adv, ok := f.Glyph(fixed.Point26_6{}, r)
	if !ok {
		dr, mask, mp, adv, _ = f.Glyph(fixed.Point26_6{}, '\ufffd')
	}
	g = &Glyph{Advance: adv, Offset: dr.Min, Mask: image.NewAlpha(image.Rect(0, 0, dr.Dx(), dr.Dy()))}
	if mask != nil {
		for y := 0; y < dr.Dy(); y++ {
			for x := 0; x < dr.Dx(); x++ {
				_, _, _, a := mask.At(mp.X+x, mp.Y+y).RGBA()
				g.Mask.Pix[y*g.Mask.Stride+x] = uint8(a >> 8)
			}
		}
	}
	glyphMu.Lock()
	if len(glyphCache) >= maxCachedGlyphs {
		clear(glyphCache)
	}
	glyphCache[k] = g
	glyphMu.Unlock()
	return g
}

// Kern returns the kerning adjustment between two runes.
func Kern(id ID, sizePx int, r0, r1 rune) fixed.Int26_6 {
	return Face(id, sizePx).Kern(r0, r1)
}

// Metrics returns the face metrics (ascent, descent, height) for id at the
// clamped size.
func Metrics(id ID, sizePx int) font.Metrics {
	return Face(id, sizePx).Metrics()
}
