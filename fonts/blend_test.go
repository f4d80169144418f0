package fonts

import "testing"

// TestBlend checks the ends and the rounding of coverage blending.
func TestBlend(t *testing.T) {
	for _, c := range []struct{ dst, fg, a, want uint32 }{
		{0x123456, 0xabcdef, 0, 0x123456},   // no coverage: the destination
		{0x123456, 0xabcdef, 255, 0xabcdef}, // full coverage: the colour
		{0x000000, 0xffffff, 128, 0x808080}, // 255*128/255 = 128
		{0xffffff, 0x000000, 128, 0x7f7f7f}, // 255*127/255 = 127
		{0x000000, 0x0000ff, 1, 0x000001},   // 255/255 = 1
		{0x000000, 0x000080, 1, 0x000001},   // 128/255 rounds up
		{0x000000, 0x00007f, 1, 0x000000},   // 127/255 rounds down
		{0xff0000, 0x00ff00, 51, 0xcc3300},  // per channel, independently
	} {
		if got := Blend(c.dst, c.fg, c.a); got != c.want {
			t.Errorf("Blend(%06x, %06x, %d) = %06x, want %06x", c.dst, c.fg, c.a, got, c.want)
		}
	}
}
