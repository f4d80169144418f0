package displayserver

import (
	"image"
	"testing"

	"github.com/xfar/xfar/protocol"
)

// TestWarpPointer: WarpPointer moves the pointer to a point of a window
// (QueryPointer reports it) and the window under it gets EnterNotify and
// MotionNotify as for a real move; a point off the screen is clamped.
func TestWarpPointer(t *testing.T) {
	s := startServer(t, Config{Width: 800, Height: 600})
	c := dialRaw(t, s, "zstd")
	win, at := c.inputWindowSized(100, 100, 200, 150)
	c.send(&protocol.SelectInput{Window: win, EventMask: protocol.PointerMotionMask | protocol.EnterWindowMask | protocol.StructureNotifyMask})
	c.sync()
	c.send(&protocol.WarpPointer{Window: win, X: 20, Y: 30})
	if e := c.waitEvent(protocol.EnterNotify); e.Window != win {
		t.Fatalf("EnterNotify for %#x, want the window %#x", e.Window, win)
	}
	if e := c.waitEvent(protocol.MotionNotify); e.X != 20 || e.Y != 30 {
		t.Fatalf("MotionNotify at %d,%d, want 20,30", e.X, e.Y)
	}
	p, err := protocol.DecodePointerReply(c.ask(&protocol.IDRequest{Op: protocol.OpQueryPointer, ID: win}))
	if err != nil {
		t.Fatal(err)
	}
	if want := at.Add(image.Pt(20, 30)); int(p.RootX) != want.X || int(p.RootY) != want.Y || p.X != 20 || p.Y != 30 {
		t.Fatalf("pointer at root %d,%d window %d,%d; want root %v, window 20,30", p.RootX, p.RootY, p.X, p.Y, want)
	}
	c.send(&protocol.WarpPointer{Window: c.hello.Root, X: 5000, Y: -40})
	p, err = protocol.DecodePointerReply(c.ask(&protocol.IDRequest{Op: protocol.OpQueryPointer, ID: c.hello.Root}))
	if err != nil {
		t.Fatal(err)
	}
	if p.RootX != 799 || p.RootY != 0 {
		t.Fatalf("warp off the screen left the pointer at %d,%d, want 799,0", p.RootX, p.RootY)
	}
	c.send(&protocol.WarpPointer{Window: 0x7777})
	if errs := c.sync(); len(errs) != 1 || errs[0].Code != protocol.BadWindow {
		t.Fatalf("warp to an unknown window: errors %v, want one BadWindow", errs)
	}
}
