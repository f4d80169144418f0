package displayserver

import (
	"testing"

	"github.com/xfar/xfar/protocol"
)

// TestPixelAndWindowLimitsAreBadAlloc asks for more than the limits allow:
// each such request fails with BadAlloc, the client stays connected and
// what it freed can be allocated again.
func TestPixelAndWindowLimitsAreBadAlloc(t *testing.T) {
	s := startServer(t, Config{MaxClientPixels: 1 << 20, MaxPixels: 3 << 19, MaxClientWindows: 3, MaxClientResources: 6})
	c := dialRaw(t, s, "zstd")
	other := dialRaw(t, s, "zstd")
	expect := func(c *rawClient, what string, n int) {
		t.Helper()
		errs := c.sync()
		if len(errs) != n {
			t.Fatalf("%s: %d errors, want %d: %v", what, len(errs), n, errs)
		}
		for _, e := range errs {
			if e.Code != protocol.BadAlloc {
				t.Fatalf("%s: %v, want BadAlloc", what, e)
			}
		}
	}
	// The attack: a 16384x16384 window is 1 GiB.
	c.send(&protocol.CreateWindow{Window: c.id(), Parent: rootID, Width: 16384, Height: 16384})
	expect(c, "huge window", 1)
	// 1024x1024 fits the client's 1 Mpx exactly; one more pixel does not.
	big := c.id()
	c.send(&protocol.CreatePixmap{Pixmap: big, Drawable: rootID, Width: 1024, Height: 1024})
	c.send(&protocol.CreatePixmap{Pixmap: c.id(), Drawable: rootID, Width: 1, Height: 1})
	expect(c, "client pixel limit", 1)
	// The other client has its own quota but meets the display's 1.5 Mpx.
	other.send(&protocol.CreatePixmap{Pixmap: other.id(), Drawable: rootID, Width: 1024, Height: 1024})
	expect(other, "display pixel limit", 1)
	other.send(&protocol.CreatePixmap{Pixmap: other.id(), Drawable: rootID, Width: 512, Height: 1024})
	expect(other, "display pixel limit, exactly full", 0)
	// Freeing gives the pixels back.
	c.send(&protocol.IDRequest{Op: protocol.OpFreePixmap, ID: big})
	for i := 0; i < 4; i++ {
		c.send(&protocol.CreateWindow{Window: c.id(), Parent: rootID, Width: 10, Height: 10})
	}
	expect(c, "window limit", 1)
	for i := 0; i < 4; i++ {
		c.send(&protocol.CreateGC{GC: c.id(), Drawable: rootID})
	}
	expect(c, "resource limit", 1) // 3 windows + 3 GCs = 6
	// Growing a window is checked too.
	w := c.hello.IDBase | 5
	c.send(&protocol.ConfigureWindow{Window: w, ValueMask: protocol.ConfigWidth | protocol.ConfigHeight, Width: 2000, Height: 2000})
	expect(c, "resize over the limit", 1)
	if g := c.geometry(w); g.Width != 10 {
		t.Fatalf("refused resize changed the window to %dx%d", g.Width, g.Height)
	}
}

// TestHugeReplyRefusedBeforeItIsBuilt asks for a GetImage reply larger
// than the client's output queue: BadAlloc, nothing built, still
// connected.
func TestHugeReplyRefusedBeforeItIsBuilt(t *testing.T) {
	s := startServer(t, Config{MaxQueuedBytes: 1 << 20})
	c := dialRaw(t, s, "zstd")
	c.send(&protocol.GetImage{Drawable: rootID, W: 1000, H: 1000})
	errs := c.sync()
	if len(errs) != 1 || errs[0].Code != protocol.BadAlloc {
		t.Fatalf("errors %v, want one BadAlloc", errs)
	}
	c.xdemoScene()
}
