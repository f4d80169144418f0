package xclient_test

import (
	"testing"
)

// TestCreateGCDefaults checks the defaults CreateGC documents, on pixels
// the display server really draws: DrawImageText with a nil GCValues
// paints its box in background pixel 1 and its glyphs in foreground 0.
func TestCreateGCDefaults(t *testing.T) {
	c := dial(t)
	const w, h = 120, 40
	pm, err := c.CreatePixmap(c.Root(), w, h)
	if err != nil {
		t.Fatal(err)
	}
	white := make([]uint32, w*h)
	for i := range white {
		white[i] = 0xffffff
	}
	gc, err := c.CreateGC(pm, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.PutPixels(pm, gc, 0, 0, w, h, white); err != nil {
		t.Fatal(err)
	}
	if err := c.DrawImageText(pm, gc, 4, 28, "Hi"); err != nil {
		t.Fatal(err)
	}
	img, err := c.GetImage(pm, 0, 0, w, h)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[uint32]int{}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			counts[pixel(img, x, y)]++
		}
	}
	if counts[0x000001] < 50 {
		t.Errorf("%d pixels of the default background 0x000001; want the text box painted with it (pixels: %v)", counts[0x000001], counts)
	}
	if counts[0x000000] < 10 {
		t.Errorf("%d pixels of the default foreground 0; want the glyphs drawn with it", counts[0x000000])
	}
	if counts[0xffffff] < w*h/2 {
		t.Errorf("%d white pixels left; the text box should be small", counts[0xffffff])
	}
}
