package xclient_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// TestGlyphSet: glyphs uploaded once are drawn by code with the GC's
// foreground and function, placed by their bearings and advances; a code
// the set lacks draws nothing; a freed set is BadValue.
func TestGlyphSet(t *testing.T) {
	c := dial(t)
	pm, err := c.CreatePixmap(c.Root(), 20, 10)
	if err != nil {
		t.Fatal(err)
	}
	gc, err := c.CreateGC(pm, &xclient.GCValues{Mask: protocol.GCForeground, Foreground: 0xff0000})
	if err != nil {
		t.Fatal(err)
	}
	set, err := c.CreateGlyphSet()
	if err != nil {
		t.Fatal(err)
	}
	// Glyph 1: a 2x2 block one pixel right of the pen, top 2 above the
	// baseline; glyph 2: a 9-pixel row whose last pixel is set.
	if err := c.AddGlyphs(set, []xclient.Glyph{
		{Code: 1, W: 2, H: 2, X: 1, Y: -2, Advance: 4, Bits: []byte{0xc0, 0xc0}},
		{Code: 2, W: 9, H: 1, X: 0, Y: -1, Advance: 9, Bits: []byte{0x00, 0x80}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := c.PolyGlyph(pm, gc, set, 2, 5, []uint16{1, 99, 2}); err != nil {
		t.Fatal(err)
	}
	img, err := c.GetImage(pm, 0, 0, 20, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := map[[2]int]bool{{3, 3}: true, {4, 3}: true, {3, 4}: true, {4, 4}: true, {14, 4}: true}
	for y := 0; y < 10; y++ {
		for x := 0; x < 20; x++ {
			got := pixel(img, x, y) == 0xff0000
			if got != want[[2]int{x, y}] {
				t.Errorf("pixel %d,%d: red %v, want %v", x, y, got, want[[2]int{x, y}])
			}
		}
	}
	if err := c.FreeGlyphSet(set); err != nil {
		t.Fatal(err)
	}
	if err := c.PolyGlyph(pm, gc, set, 0, 5, []uint16{1}); err != nil {
		t.Fatal(err)
	}
	wantNextError(t, c, protocol.BadValue, protocol.OpPolyGlyph, "PolyGlyph with a freed set")
}

// TestImageGlyph8: the box from the pen's start to its end, ascent above
// and descent below the baseline, is filled with the background and the
// glyphs drawn in the foreground, both with function copy whatever the
// GC's function, within the GC's clip; an unknown set is BadValue.
func TestImageGlyph8(t *testing.T) {
	c := dial(t)
	pm, err := c.CreatePixmap(c.Root(), 20, 10)
	if err != nil {
		t.Fatal(err)
	}
	gc, err := c.CreateGC(pm, &xclient.GCValues{Mask: protocol.GCForeground | protocol.GCFunction, Foreground: 0, Function: protocol.GXcopy})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.FillRectangle(pm, gc, 0, 0, 20, 10); err != nil {
		t.Fatal(err)
	}
	// The GC's own colour and function must not matter: xor red.
	if err := c.ChangeGC(gc, xclient.GCValues{Mask: protocol.GCForeground | protocol.GCFunction, Foreground: 0xff0000, Function: protocol.GXxor}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetClipRectangles(gc, 0, 0, []xclient.Rect{{X: 0, Y: 0, W: 10, H: 10}}); err != nil {
		t.Fatal(err)
	}
	set, err := c.CreateGlyphSet()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddGlyphs(set, []xclient.Glyph{
		{Code: 1, W: 2, H: 2, X: 1, Y: -2, Advance: 4, Bits: []byte{0xc0, 0xc0}},
		{Code: 2, W: 9, H: 1, X: 0, Y: -1, Advance: 9, Bits: []byte{0x00, 0x80}},
	}); err != nil {
		t.Fatal(err)
	}
	// Pen at (2, 5), ascent 3, descent 1: the box is x 2..14, y 2..5.
	if err := c.ImageGlyph8(pm, gc, set, 2, 5, 0x00ff00, 0x0000ff, 3, 1, []byte{1, 99, 2}); err != nil {
		t.Fatal(err)
	}
	img, err := c.GetImage(pm, 0, 0, 20, 10)
	if err != nil {
		t.Fatal(err)
	}
	ink := map[[2]int]bool{{3, 3}: true, {4, 3}: true, {3, 4}: true, {4, 4}: true}
	for y := 0; y < 10; y++ {
		for x := 0; x < 20; x++ {
			want := uint32(0)
			switch {
			case x >= 10: // clipped (glyph 2's pixel at 14,4 too)
			case ink[[2]int{x, y}]:
				want = 0x00ff00
			case x >= 2 && x < 15 && y >= 2 && y < 6:
				want = 0x0000ff
			}
			if got := pixel(img, x, y); got != want {
				t.Errorf("pixel %d,%d: %#06x, want %#06x", x, y, got, want)
			}
		}
	}
	if err := c.ImageGlyph8(pm, gc, set+100, 0, 5, 1, 2, 3, 1, []byte{1}); err != nil {
		t.Fatal(err)
	}
	wantNextError(t, c, protocol.BadValue, protocol.OpImageGlyph8, "ImageGlyph8 with an unknown set")
}

// TestImageGlyph8Merged: text lines and clears drawn on a window in one
// batch (sent as one merged ImageGlyph8) leave the pixels drawing them
// one by one leaves: each line's box in the background with the glyphs
// in the foreground, each cleared area in the window's background.
func TestImageGlyph8Merged(t *testing.T) {
	c := dial(t)
	w, err := c.CreateWindow(c.Root(), 0, 0, 30, 20, &xclient.WindowOptions{Background: 0x00ff00})
	if err != nil {
		t.Fatal(err)
	}
	gc, err := c.CreateGC(w, &xclient.GCValues{Mask: protocol.GCForeground, Foreground: 0x808080})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.FillRectangle(w, gc, 0, 0, 30, 20); err != nil {
		t.Fatal(err)
	}
	set, err := c.CreateGlyphSet()
	if err != nil {
		t.Fatal(err)
	}
	// Glyph 1: one pixel at the pen, on the baseline's row above; advance 3.
	if err := c.AddGlyphs(set, []xclient.Glyph{{Code: 1, W: 1, H: 1, X: 0, Y: -1, Advance: 3, Bits: []byte{0x80}}}); err != nil {
		t.Fatal(err)
	}
	// Lines at y 4 and 10 (boxes y 2..4 and 8..10, ascent 2, descent 1),
	// a clear of 2x2 at (20, 3) between them, one at (20, 9) after.
	if err := c.ImageGlyph8(w, gc, set, 1, 4, 0xff0000, 0x0000ff, 2, 1, []byte{1, 1}); err != nil {
		t.Fatal(err)
	}
	if err := c.ClearArea(w, 20, 3, 2, 2, false); err != nil {
		t.Fatal(err)
	}
	if err := c.ImageGlyph8(w, gc, set, 1, 10, 0xff0000, 0x0000ff, 2, 1, []byte{1}); err != nil {
		t.Fatal(err)
	}
	if err := c.ClearArea(w, 20, 9, 2, 2, false); err != nil {
		t.Fatal(err)
	}
	img, err := c.GetImage(w, 0, 0, 30, 20)
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < 20; y++ {
		for x := 0; x < 30; x++ {
			want := uint32(0x808080)
			switch {
			case (y == 3 && (x == 1 || x == 4)) || (y == 9 && x == 1):
				want = 0xff0000
			case y >= 2 && y < 5 && x >= 1 && x < 7, y >= 8 && y < 11 && x >= 1 && x < 4:
				want = 0x0000ff
			case x >= 20 && x < 22 && (y == 3 || y == 4 || y == 9 || y == 10):
				want = 0x00ff00
			}
			if got := pixel(img, x, y); got != want {
				t.Errorf("pixel %d,%d: %#06x, want %#06x", x, y, got, want)
			}
		}
	}
}

// wantNextError checks that the next thing c reads is an error of code
// for a request op.
func wantNextError(t *testing.T, c *xclient.Conn, code protocol.ErrorCode, op protocol.Opcode, what string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.NextEvent(ctx)
	var perr *protocol.Error
	if !errors.As(err, &perr) || perr.Code != code || perr.Op != op {
		t.Errorf("%s: %v, want %v", what, err, code)
	}
}
