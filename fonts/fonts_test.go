package fonts

import (
	"sync"
	"testing"
)

func TestClampSize(t *testing.T) {
	for _, c := range [][2]int{{0, DefaultSize}, {-3, DefaultSize}, {1, MinSize}, {13, 13}, {500, MaxSize}} {
		if got := ClampSize(c[0]); got != c[1] {
			t.Errorf("ClampSize(%d) = %d, want %d", c[0], got, c[1])
		}
	}
}

func TestMeasure(t *testing.T) {
	for id := Regular; id < numIDs; id++ {
		w, a, d := Measure(id, 13, "Hello")
		if w <= 0 || a <= 0 || d <= 0 || a > 20 || d > 10 {
			t.Errorf("%v: Measure = %d, %d, %d", id, w, a, d)
		}
		w2, _, _ := Measure(id, 26, "Hello")
		if w2 < 2*w-4 || w2 > 2*w+4 {
			t.Errorf("%v: width at 26px %d is not about twice %d", id, w2, w)
		}
	}
	m1, _, _ := Measure(Mono, 13, "iiii")
	m2, _, _ := Measure(Mono, 13, "MMMM")
	if m1 != m2 {
		t.Errorf("mono widths differ: %d vs %d", m1, m2)
	}
	if w, _, _ := Measure(ID(200), 13, "x"); w <= 0 {
		t.Error("unknown font id should fall back to Regular")
	}
}

func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for k := 0; k < 50; k++ {
				Measure(ID(i%4), 10+k%5, "concurrent text")
				g := GlyphOf(ID(i%4), 10+k%5, rune('a'+k%26))
				if g.Mask == nil {
					t.Error("nil glyph mask")
				}
			}
		}(i)
	}
	wg.Wait()
}
