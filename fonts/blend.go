package fonts

// Blend mixes the 0x00RRGGBB colour fg over dst with glyph coverage a
// (0..255), per channel, rounded to nearest: (fg*a + dst*(255-a)) / 255.
// Every painter of text uses it, so that text is the same pixels wherever
// it is drawn.
func Blend(dst, fg, a uint32) uint32 {
	if a == 255 {
		return fg
	}
	na := 255 - a
	r := ((fg>>16&0xff)*a + (dst>>16&0xff)*na + 127) / 255
	g := ((fg>>8&0xff)*a + (dst>>8&0xff)*na + 127) / 255
	b := ((fg&0xff)*a + (dst&0xff)*na + 127) / 255
	return r<<16 | g<<8 | b
}
