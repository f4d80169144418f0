package icccm

import (
	"testing"

	"github.com/xfar/xfar/protocol"
)

// TestSizeHints: xterm's WM_NORMAL_HINTS (program position, minimum,
// increments and base size of a character grid) become SetWMHints; a
// property too short to be WM_SIZE_HINTS changes nothing.
func TestSizeHints(t *testing.T) {
	v := make([]uint32, 18)
	v[0] = sizePPosition | sizePMinSize | sizePResizeInc | sizePBaseSize
	v[5], v[6] = 10, 17 // minimum
	v[9], v[10] = 6, 13 // increments
	v[15], v[16] = 4, 4 // base
	var h protocol.SetWMHints
	if !SizeHints(&h, v) {
		t.Fatal("an 18-value WM_SIZE_HINTS was refused")
	}
	want := protocol.SetWMHints{Flags: protocol.HintPPosition | protocol.HintMinSize | protocol.HintResizeInc | protocol.HintBaseSize,
		MinW: 10, MinH: 17, IncW: 6, IncH: 13, BaseW: 4, BaseH: 4}
	if h != want {
		t.Errorf("got %+v, want %+v", h, want)
	}
	v[0] = sizePMaxSize
	v[7], v[8] = 1<<20, 300
	h = protocol.SetWMHints{}
	SizeHints(&h, v)
	if h.MaxW != protocol.MaxDimension || h.MaxH != 300 {
		t.Errorf("maximum %dx%d, want %dx300 (clamped)", h.MaxW, h.MaxH, protocol.MaxDimension)
	}
	h = protocol.SetWMHints{}
	if SizeHints(&h, v[:14]) || h != (protocol.SetWMHints{}) {
		t.Errorf("14 values accepted: %+v", h)
	}
}

// TestMotifNoDecorations: decorations 0 (GTK's client-side frames) or
// without "all" and "title" means no frame; a flags word that does not
// mark decorations as set, or "all", keeps it.
func TestMotifNoDecorations(t *testing.T) {
	for _, c := range []struct {
		v    []uint32
		want bool
	}{
		{[]uint32{2, 0, 0, 0, 0}, true},
		{[]uint32{2, 0, 4, 0, 0}, true}, // border only
		{[]uint32{2, 0, 1, 0, 0}, false},
		{[]uint32{2, 0, 8, 0, 0}, false},
		{[]uint32{0, 0, 0, 0, 0}, false},
		{[]uint32{2, 0}, false},
	} {
		if got := MotifNoDecorations(c.v); got != c.want {
			t.Errorf("MotifNoDecorations(%v) = %v, want %v", c.v, got, c.want)
		}
	}
}
