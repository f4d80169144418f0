package x11native

import (
	"reflect"
	"testing"

	"github.com/xfar/xfar/xclient"
)

// TestMaskRects: a clip mask's 1 bits become row runs, rows with the same
// runs merged into bands, covering exactly the 1 bits.
func TestMaskRects(t *testing.T) {
	const w, h = 5, 4
	rows := []string{
		".##.#",
		".##.#",
		"#####",
		".....",
	}
	bits := make([]byte, w*h)
	for y, r := range rows {
		for x, ch := range r {
			if ch == '#' {
				bits[y*w+x] = 1
			}
		}
	}
	got := maskRects(bits, w, h)
	want := []xclient.Rect{{X: 1, Y: 0, W: 2, H: 2}, {X: 4, Y: 0, W: 1, H: 2}, {X: 0, Y: 2, W: 5, H: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("maskRects = %v, want %v", got, want)
	}
	if r := maskRects(make([]byte, w*h), w, h); len(r) != 0 {
		t.Errorf("an empty mask gave %v, want no rectangles", r)
	}
}

func TestMod(t *testing.T) {
	for _, c := range [][3]int{{5, 4, 1}, {-1, 4, 3}, {-8, 4, 0}, {0, 2, 0}} {
		if got := mod(c[0], c[1]); got != c[2] {
			t.Errorf("mod(%d, %d) = %d, want %d", c[0], c[1], got, c[2])
		}
	}
}
