package x11native

import "testing"

// TestLoadFixed: the server's default font loads from the system's PCF
// files with 6x13's metrics, and its glyphs have ink.
func TestLoadFixed(t *testing.T) {
	f, err := openCoreFont("fixed")
	if err != nil {
		t.Fatal(err)
	}
	if f.ascent != 11 || f.descent != 2 || f.maxBounds.width != 6 {
		t.Errorf("fixed: ascent %d descent %d width %d, want 11 2 6", f.ascent, f.descent, f.maxBounds.width)
	}
	g := f.glyph(0, 'A')
	if g < 0 {
		t.Fatal("no glyph for A")
	}
	ink := 0
	for _, b := range f.bitmaps[g] {
		for ; b != 0; b &= b - 1 {
			ink++
		}
	}
	if ink < 10 {
		t.Errorf("glyph A has %d set pixels", ink)
	}
}
