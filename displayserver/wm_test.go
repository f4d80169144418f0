package displayserver

import (
	"image"
	"testing"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
)

// TestTitleBarReleaseGoesWithPress checks that a button pressed on a title
// bar is released to the window manager wherever the pointer is by then:
// the window below the title bar never saw the press, so it must not see
// the release either. Both title-bar presses that start no drag are
// tried: button 3 on the bar and button 1 on the close button.
func TestTitleBarReleaseGoesWithPress(t *testing.T) {
	s := startServer(t, Config{})
	c := dialRaw(t, s, "zstd")
	win, at := c.inputWindow(100, 100, protocol.ButtonPressMask|protocol.ButtonReleaseMask)
	bar := image.Pt(at.X+50, at.Y-titleHeight/2)
	closeBtn := image.Pt(at.X+200-3-(titleHeight-6)/2, at.Y-titleHeight/2)
	inside := image.Pt(at.X+60, at.Y+40)
	for i, press := range []struct {
		at     image.Point
		button int
	}{{bar, 3}, {closeBtn, 1}} {
		s.Input(feed.InputEvent{Kind: feed.ButtonDown, X: press.at.X, Y: press.at.Y, Button: press.button})
		s.Input(feed.InputEvent{Kind: feed.PointerMove, X: inside.X, Y: inside.Y})
		s.Input(feed.InputEvent{Kind: feed.ButtonUp, X: inside.X, Y: inside.Y, Button: press.button})
		// A click inside the window marks where the release would have
		// been reported.
		s.Input(feed.InputEvent{Kind: feed.ButtonDown, X: inside.X, Y: inside.Y, Button: 2})
		s.Input(feed.InputEvent{Kind: feed.ButtonUp, X: inside.X, Y: inside.Y, Button: 2})
		e := c.waitEvent(protocol.ButtonPress)
		if e.Window != win || e.Detail != 2 {
			t.Fatalf("case %d: ButtonPress = %+v, want button 2 in %#x", i, e, win)
		}
		for _, q := range c.events {
			if q.Code == protocol.ButtonRelease {
				t.Fatalf("case %d: the window got the release of button %d pressed on its title bar (%+v)", i, q.Detail, q)
			}
		}
		if r := c.waitEvent(protocol.ButtonRelease); r.Detail != 2 {
			t.Fatalf("case %d: ButtonRelease of button %d, want 2", i, r.Detail)
		}
		c.events = c.events[:0]
	}
}
