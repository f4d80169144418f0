package displayserver

import (
	"image"
	"testing"

	"github.com/xfar/xfar/protocol"
)

// TestResize: the screen takes a new size; the root's geometry, Size, the
// snapshot and new clients' ServerHello follow; a client selecting
// StructureNotify on the root hears ConfigureNotify; a managed window
// that would be left off screen moves back into reach.
func TestResize(t *testing.T) {
	s := startServer(t, Config{Width: 1000, Height: 700})
	c := dialRaw(t, s, "zstd")
	c.send(&protocol.SelectInput{Window: c.hello.Root, EventMask: protocol.StructureNotifyMask})
	win, _ := c.inputWindowSized(0, 0, 200, 100)
	c.send(&protocol.ConfigureWindow{Window: win, ValueMask: protocol.ConfigX | protocol.ConfigY, X: 880, Y: 620})
	if errs := c.sync(); len(errs) > 0 {
		t.Fatal(errs)
	}
	if err := s.Resize(700, 500); err != nil {
		t.Fatal(err)
	}
	for {
		ev := c.waitEvent(protocol.ConfigureNotify)
		if ev.Window == c.hello.Root {
			if ev.Width != 700 || ev.Height != 500 {
				t.Errorf("root ConfigureNotify says %dx%d, want 700x500", ev.Width, ev.Height)
			}
			break
		}
	}
	if g := c.geometry(c.hello.Root); g.Width != 700 || g.Height != 500 {
		t.Errorf("root geometry %dx%d, want 700x500", g.Width, g.Height)
	}
	if w, h := s.Size(); w != 700 || h != 500 {
		t.Errorf("Size %dx%d", w, h)
	}
	if b := s.Snapshot().Bounds(); b != image.Rect(0, 0, 700, 500) {
		t.Errorf("snapshot %v", b)
	}
	if g := c.geometry(win); int(g.X)+200 > 700 || int(g.Y)+100 > 500 || int(g.Y) < 0 {
		t.Errorf("the window is at (%d,%d), out of reach on a 700x500 screen", g.X, g.Y)
	}
	if n := dialRaw(t, s, "zstd"); n.hello.Width != 700 || n.hello.Height != 500 {
		t.Errorf("ServerHello says %dx%d", n.hello.Width, n.hello.Height)
	}
	if err := s.Resize(10, 10); err == nil {
		t.Error("a 10x10 screen was accepted")
	}
}
