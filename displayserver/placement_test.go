package displayserver

import (
	"image"
	"testing"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
)

// frameOf is a mapped window's area with its title bar, from the server.
func (c *rawClient) frameOf(win uint32) image.Rectangle {
	g := c.geometry(win)
	r := image.Rect(int(g.X), int(g.Y), int(g.X)+int(g.Width)+2*int(g.BorderWidth), int(g.Y)+int(g.Height)+2*int(g.BorderWidth))
	r.Min.Y -= titleHeight
	return r
}

// TestPlacementFreeSpotsThenCascade: windows that ask for no position
// (created at the origin) are placed where they overlap nothing while the
// screen has room, then cascaded so that none covers another's title bar;
// a window that asks for a position keeps it; every title bar is on
// screen.
func TestPlacementFreeSpotsThenCascade(t *testing.T) {
	s := startServer(t, Config{Width: 640, Height: 480})
	c := dialRaw(t, s, "zstd")
	var wins []uint32
	for i := 0; i < 6; i++ { // 6 × (300×200 + title) cannot all fit apart in 640×480
		w, _ := c.inputWindowSized(0, 0, 300, 200)
		wins = append(wins, w)
	}
	screen := image.Rect(0, 0, 640, 480)
	var frames []image.Rectangle
	for _, w := range wins {
		frames = append(frames, c.frameOf(w))
	}
	for i, f := range frames {
		if title := image.Rect(f.Min.X, f.Min.Y, f.Max.X, f.Min.Y+titleHeight); !title.In(screen) {
			t.Errorf("window %d's title bar %v is not wholly on the %v screen", i, title, screen)
		}
		if i < 4 && !f.In(screen) {
			t.Errorf("window %d at %v is not wholly on the %v screen though there was room", i, f, screen)
		}
	}
	// The first four fit apart (2×2 of 300×224 in 640×480).
	for i := 0; i < 4; i++ {
		for j := 0; j < i; j++ {
			if frames[i].Overlaps(frames[j]) {
				t.Errorf("windows %d %v and %d %v overlap though there was room", j, frames[j], i, frames[i])
			}
		}
	}
	// No window covers an earlier window's title bar.
	for i := range frames {
		for j := 0; j < i; j++ {
			title := image.Rect(frames[j].Min.X, frames[j].Min.Y, frames[j].Max.X, frames[j].Min.Y+titleHeight)
			if frames[i].Overlaps(title) {
				t.Errorf("window %d %v covers window %d's title bar %v", i, frames[i], j, title)
			}
		}
	}
	// A requested position is kept.
	w, at := c.inputWindowSized(130, 170, 100, 50)
	if at != image.Pt(130, 170) {
		t.Errorf("window created at (130,170) was placed at %v", at)
	}
	// Dragging far off screen leaves the title bar within reach.
	grab := at.Add(image.Pt(10, -titleHeight/2))
	s.Input(feed.InputEvent{Kind: feed.ButtonDown, X: grab.X, Y: grab.Y, Button: 1})
	s.Input(feed.InputEvent{Kind: feed.PointerMove, X: 639, Y: 479})
	s.Input(feed.InputEvent{Kind: feed.ButtonUp, X: 639, Y: 479, Button: 1})
	s.settleInput()
	c.sync()
	f := c.frameOf(w)
	title := image.Rect(f.Min.X, f.Min.Y, f.Max.X, f.Min.Y+titleHeight)
	if vis := title.Intersect(screen); vis.Dy() != titleHeight || vis.Dx() < reachMargin {
		t.Errorf("after a drag to the corner the title bar %v shows only %v of itself", title, vis)
	}
	// So does a program's own move far off screen.
	c.send(&protocol.ConfigureWindow{Window: w, ValueMask: protocol.ConfigX | protocol.ConfigY, X: -2000, Y: -2000})
	c.sync()
	f = c.frameOf(w)
	title = image.Rect(f.Min.X, f.Min.Y, f.Max.X, f.Min.Y+titleHeight)
	if vis := title.Intersect(screen); vis.Dy() != titleHeight || vis.Dx() < reachMargin {
		t.Errorf("after a move to (-2000,-2000) the title bar %v shows only %v of itself", title, vis)
	}
}

// inputWindowSized is inputWindow with a size and no event selection.
func (c *rawClient) inputWindowSized(x, y int16, w, h uint16) (uint32, image.Point) {
	c.t.Helper()
	win := c.id()
	c.send(
		&protocol.CreateWindow{Window: win, Parent: c.hello.Root, X: x, Y: y, Width: w, Height: h,
			EventMask: protocol.StructureNotifyMask},
		&protocol.IDRequest{Op: protocol.OpMapWindow, ID: win},
	)
	c.waitEvent(protocol.MapNotify)
	g := c.geometry(win)
	return win, image.Pt(int(g.X), int(g.Y))
}
