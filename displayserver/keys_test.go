package displayserver

import (
	"testing"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
)

// TestKeysHeldByPhysicalKey: a release ends the press of the same
// physical key whatever keysym the viewer reports for it (Shift let go
// before the digit), reaches the window that took the press even after
// the focus moved, releases of keys not down are dropped, and ReleaseAll
// releases what is held.
func TestKeysHeldByPhysicalKey(t *testing.T) {
	s := startServer(t, Config{})
	c := dialRaw(t, s, "zstd")
	mask := protocol.KeyPressMask | protocol.KeyReleaseMask
	a, at := c.inputWindow(100, 100, mask)
	in := func(kind feed.InputKind, code uint8, sym uint32, mods uint16) {
		s.Input(feed.InputEvent{Kind: kind, X: at.X + 5, Y: at.Y + 5, Keycode: code, Keysym: sym, Mods: mods})
	}
	next := func() *protocol.Event {
		t.Helper()
		for {
			m, err := c.next()
			if err != nil {
				t.Fatalf("waiting for a key event: %v", err)
			}
			if e, ok := m.(*protocol.Event); ok && (e.Code == protocol.KeyPress || e.Code == protocol.KeyRelease) {
				return e
			}
		}
	}
	expect := func(code protocol.EventCode, win uint32, keycode uint8, sym uint32) {
		t.Helper()
		e := next()
		if e.Code != code || e.Window != win || e.Detail != keycode || e.Keysym != sym {
			t.Fatalf("got %v window %#x keycode %d keysym %#x; want %v window %#x keycode %d keysym %#x",
				e.Code, e.Window, e.Detail, e.Keysym, code, win, keycode, sym)
		}
	}

	// Shift down, 1 down (!), Shift up, 1 up (the viewer now says "1").
	in(feed.KeyDown, 50, protocol.KeyShiftL, 0)
	in(feed.KeyDown, 10, '!', protocol.ShiftMask)
	in(feed.KeyUp, 50, protocol.KeyShiftL, protocol.ShiftMask)
	in(feed.KeyUp, 10, '1', 0)
	expect(protocol.KeyPress, a, 50, protocol.KeyShiftL)
	expect(protocol.KeyPress, a, 10, '!')
	expect(protocol.KeyRelease, a, 50, protocol.KeyShiftL)
	expect(protocol.KeyRelease, a, 10, '!')

	// A release of a key that is not down is dropped.
	in(feed.KeyUp, 38, 'a', 0)
	in(feed.KeyDown, 39, 's', 0)
	expect(protocol.KeyPress, a, 39, 's')

	// The focus moves to a new window while s is down: its release
	// still goes to the window that took the press.
	b, _ := c.inputWindow(400, 100, mask)
	in(feed.KeyUp, 39, 's', 0)
	expect(protocol.KeyRelease, a, 39, 's')

	// ReleaseAll releases what is held, once.
	in(feed.KeyDown, 40, 'd', 0)
	expect(protocol.KeyPress, b, 40, 'd')
	s.Input(feed.InputEvent{Kind: feed.ReleaseAll}) // at 0,0: not a move
	e := next()
	if e.Code != protocol.KeyRelease || e.Window != b || e.Detail != 40 || int(e.RootX) != at.X+5 {
		t.Fatalf("ReleaseAll gave %v window %#x keycode %d at root x %d; want the release of d on %#x with the pointer where it was (%d)",
			e.Code, e.Window, e.Detail, e.RootX, b, at.X+5)
	}
	in(feed.KeyUp, 40, 'd', 0)
	in(feed.KeyDown, 41, 'f', 0)
	expect(protocol.KeyPress, b, 41, 'f')
}
