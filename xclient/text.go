package xclient

import "github.com/xfar/xfar/fonts"

// TextWidth returns the advance width in pixels of s drawn with font at
// sizePx, exactly as the display server will draw it (both use package
// fonts), without a round trip.
func TextWidth(font fonts.ID, sizePx int, s string) int {
	w, _, _ := fonts.Measure(font, sizePx, s)
	return w
}

// TextExtents returns the advance width of s and the font's ascent and
// descent in pixels: a line of text drawn at baseline y covers y-ascent to
// y+descent.
func TextExtents(font fonts.ID, sizePx int, s string) (width, ascent, descent int) {
	return fonts.Measure(font, sizePx, s)
}
