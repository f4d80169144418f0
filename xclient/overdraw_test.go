package xclient

import (
	"image"
	"reflect"
	"testing"

	"github.com/xfar/xfar/protocol"
)

// TestOverdrawWithdraws: a drawing request that a later one in the same
// batch paints over arrives as NoOperation, the sequence numbers stay
// those the client counted, and it is kept when something reads the
// window in between, when the cover misses part of its ink, when the
// batch was flushed before the cover, or on a drawable other than the
// cover's.
func TestOverdrawWithdraws(t *testing.T) {
	c, p := newPeer(t, serverHello(), false)
	win := Window(0x00200001)
	other := Window(0x00200002)
	const gc, set = GC(0x00200003), GlyphSet(0x00200004)
	box := image.Rect(0, 0, 12, 13)
	text := func(w Window, cover bool) {
		t.Helper()
		if err := c.ImageGlyph8(w, gc, set, 0, 11, 0xffffff, 0, 11, 2, []byte("ab")); err != nil {
			t.Fatal(err)
		}
		var covers []image.Rectangle
		if cover {
			covers = append(covers, box)
		}
		c.MarkDrawn(protocol.OpImageGlyph8, w, box, covers...)
	}
	flush := func() {
		t.Helper()
		if err := c.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	var seq uint32
	expect := func(what string, ops ...protocol.Opcode) {
		t.Helper()
		for _, op := range ops {
			seq++
			g := p.next()
			if g.op != op || g.seq != seq {
				t.Fatalf("%s: got %v as request %d, want %v as %d", what, g.op, g.seq, op, seq)
			}
		}
	}

	text(win, false)
	text(win, true)
	text(win, true)
	flush()
	expect("overdrawn twice", protocol.OpNoOperation, protocol.OpNoOperation, protocol.OpImageGlyph8)

	text(win, false)
	if err := c.CopyArea(win, win, gc, 0, 0, 5, 5, 1, 1); err != nil {
		t.Fatal(err)
	}
	text(win, true)
	flush()
	expect("read in between", protocol.OpImageGlyph8, protocol.OpCopyArea, protocol.OpImageGlyph8)

	text(win, false)
	if err := c.FillRectangle(win, gc, 0, 0, 12, 12); err != nil {
		t.Fatal(err)
	}
	c.MarkDrawn(protocol.OpPolyFillRectangle, win, image.Rect(0, 0, 12, 12), image.Rect(0, 0, 12, 12))
	flush()
	expect("cover misses a row", protocol.OpImageGlyph8, protocol.OpPolyFillRectangle)

	text(win, false)
	flush()
	text(win, true)
	flush()
	expect("flushed before the cover", protocol.OpImageGlyph8, protocol.OpImageGlyph8)

	text(other, false)
	text(win, true)
	flush()
	expect("another window", protocol.OpImageGlyph8, protocol.OpImageGlyph8)

	// A mark must name the request just queued: a wrong opcode or
	// drawable is ignored.
	text(win, false)
	if err := c.FillRectangle(win, gc, 0, 0, 12, 13); err != nil {
		t.Fatal(err)
	}
	c.MarkDrawn(protocol.OpImageGlyph8, win, box, box)
	c.MarkDrawn(protocol.OpPolyFillRectangle, other, box, box)
	flush()
	expect("mismatched mark", protocol.OpImageGlyph8, protocol.OpPolyFillRectangle)

	if got := c.Withdrawn(); got != 2 {
		t.Errorf("Withdrawn() = %d, want 2", got)
	}
	if c.LastSequence() != seq {
		t.Errorf("client counted %d requests, peer %d", c.LastSequence(), seq)
	}
	p.none("after the last batch")
}

// TestOverdrawOldServer: a 1.1 server has no NoOperation, so nothing is
// withdrawn.
func TestOverdrawOldServer(t *testing.T) {
	h := serverHello()
	h.Minor = 1
	c, p := newPeer(t, h, false)
	win := Window(0x00200001)
	for range 2 {
		if err := c.FillRectangle(win, 3, 0, 0, 4, 4); err != nil {
			t.Fatal(err)
		}
		c.MarkDrawn(protocol.OpPolyFillRectangle, win, image.Rect(0, 0, 4, 4), image.Rect(0, 0, 4, 4))
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if g := p.next(); g.op != protocol.OpPolyFillRectangle {
			t.Fatalf("request %d: %v, want PolyFillRectangle", i+1, g.op)
		}
	}
}

// TestGlyphRunsMerge: consecutive ImageGlyph8 requests of one window, GC,
// set and colours, with the ClearAreas (without exposures) between them,
// arrive as one ImageGlyph8 whose items keep their order and absolute
// positions, followed by a NoOperation per absorbed request, so that the
// sequence numbers stay; a request of another window, other colours or a
// ClearArea with exposures ends the run.
func TestGlyphRunsMerge(t *testing.T) {
	c, p := newPeer(t, serverHello(), false)
	win, other := Window(0x00200001), Window(0x00200002)
	const gc, set = GC(0x00200003), GlyphSet(0x00200004)
	text := func(w Window, y int, fg uint32, s string) {
		t.Helper()
		if err := c.ImageGlyph8(w, gc, set, 2, y, fg, 0xffffff, 11, 2, []byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	clearArea := func(w Window, y int, exposures bool) {
		t.Helper()
		if err := c.ClearArea(w, 476, y, 6, 13, exposures); err != nil {
			t.Fatal(err)
		}
	}
	text(win, 13, 0, "line one")
	clearArea(win, 2, false)
	text(win, 26, 0, "line two")
	clearArea(win, 15, false)
	text(win, 39, 0xff0000, "red")     // other colours: a new run
	text(other, 13, 0xff0000, "other") // another window: a new run
	clearArea(other, 2, true)          // exposures: not merged
	text(other, 26, 0xff0000, "alone")
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		op    protocol.Opcode
		items []protocol.GlyphItem
	}{
		{protocol.OpImageGlyph8, []protocol.GlyphItem{
			{Kind: protocol.GlyphItemText, X: 2, Y: 13, Codes: []byte("line one")},
			{Kind: protocol.GlyphItemClear, X: 476, Y: 2, W: 6, H: 13},
			{Kind: protocol.GlyphItemText, X: 2, Y: 26, Codes: []byte("line two")},
			{Kind: protocol.GlyphItemClear, X: 476, Y: 15, W: 6, H: 13}}},
		{protocol.OpNoOperation, nil}, {protocol.OpNoOperation, nil}, {protocol.OpNoOperation, nil},
		{protocol.OpImageGlyph8, []protocol.GlyphItem{{Kind: protocol.GlyphItemText, X: 2, Y: 39, Codes: []byte("red")}}},
		{protocol.OpImageGlyph8, []protocol.GlyphItem{{Kind: protocol.GlyphItemText, X: 2, Y: 13, Codes: []byte("other")}}},
		{protocol.OpClearArea, nil},
		{protocol.OpImageGlyph8, []protocol.GlyphItem{{Kind: protocol.GlyphItemText, X: 2, Y: 26, Codes: []byte("alone")}}},
	}
	for i, w := range want {
		g := p.next()
		if g.op != w.op || g.seq != uint32(i+1) {
			t.Fatalf("request %d: %v (sequence %d), want %v", i+1, g.op, g.seq, w.op)
		}
		if w.items != nil && !reflect.DeepEqual(g.req.(*protocol.ImageGlyph8).Items, w.items) {
			t.Errorf("request %d: items %+v, want %+v", i+1, g.req.(*protocol.ImageGlyph8).Items, w.items)
		}
	}
	if c.LastSequence() != uint32(len(want)) {
		t.Errorf("client counted %d requests, peer %d", c.LastSequence(), len(want))
	}
	p.none("after the batch")
}

// TestGlyphRunsMergeLimit: merged requests stay within the server's
// max request, splitting a long run, and still count every request.
func TestGlyphRunsMergeLimit(t *testing.T) {
	h := serverHello()
	h.MaxRequest = 1024
	c, p := newPeer(t, h, false)
	line := make([]byte, 100)
	for i := range line {
		line[i] = byte('a' + i%26)
	}
	const lines = 40
	for i := range lines {
		if err := c.ImageGlyph8(Window(0x00200001), 3, 4, 2, 13*(i+1), 0, 0xffffff, 11, 2, line); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	items, merged := 0, 0
	for i := range lines {
		g := p.next()
		if g.seq != uint32(i+1) {
			t.Fatalf("request %d arrived as %d", i+1, g.seq)
		}
		switch r := g.req.(type) {
		case *protocol.ImageGlyph8:
			merged++
			for _, it := range r.Items {
				if it.Y != int16(13*(items+1)) {
					t.Errorf("item %d at y %d, want %d", items, it.Y, 13*(items+1))
				}
				items++
			}
			if n := len(r.AppendBody(nil)); n > 1024 {
				t.Errorf("merged body of %d bytes above the max request 1024", n)
			}
		case *protocol.NoOperation:
		default:
			t.Fatalf("request %d: %v", i+1, g.op)
		}
	}
	if items != lines || merged < 2 || merged == lines {
		t.Errorf("%d lines in %d requests, want all %d lines in several merged requests", items, merged, lines)
	}
	p.none("after the batch")
}
