package e2e_test

import (
	"image"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// TestWebViewerFollowsWindowSize: a full-control page opened with
// ?resize=1 makes the display take the browser window's size (Chromium's
// window resized through CDP): the root's geometry, the ServerHello of a
// new client and /snapshot.png all follow, clients selecting
// StructureNotify on the root hear it, a window that would be left off
// screen moves back into reach, and the canvas equals the snapshot. A
// view-only page with ?resize=1 changes nothing.
func TestWebViewerFollowsWindowSize(t *testing.T) {
	s := startWebServer(t, 640, 480)
	c := dialTest(t, s)
	if err := c.SelectInput(c.Root(), protocol.StructureNotifyMask); err != nil {
		t.Fatal(err)
	}
	// A window near the bottom-right corner of the big size.
	win, err := c.CreateWindow(c.Root(), 0, 0, 200, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Sync(); err != nil {
		t.Fatal(err)
	}
	browser := startBrowser(t, 2*time.Minute)
	tab, _ := newTab(t, browser)
	size := func(w, h int64) {
		t.Helper()
		if _, err := chromedp.Call(tab, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: w, Height: h, DeviceScaleFactor: 1}); err != nil {
			t.Fatalf("resize the browser window: %v", err)
		}
	}
	waitRoot := func(w, h int) {
		t.Helper()
		var g *protocol.GeometryReply
		for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
			if g, err = c.GetGeometry(c.Root()); err != nil {
				t.Fatal(err)
			}
			if int(g.Width) == w && int(g.Height) == h {
				return
			}
		}
		t.Fatalf("root is %dx%d, want %dx%d", g.Width, g.Height, w, h)
	}
	size(1000, 700)
	openViewer(t, tab, s.viewerURL()+"&resize=1")
	waitRoot(1000, 700)
	ev := nextEvent(t, c, protocol.ConfigureNotify)
	if ev.Window != uint32(c.Root()) || ev.Width != 1000 || ev.Height != 700 {
		t.Errorf("root ConfigureNotify %+v, want the root at 1000x700", ev)
	}
	if err := c.MapWindow(win); err != nil {
		t.Fatal(err)
	}
	findWindow(t, c, 200, 100)
	if err := c.ConfigureWindow(win, xclient.WindowChanges{Mask: protocol.ConfigX | protocol.ConfigY, X: 880, Y: 620}); err != nil {
		t.Fatal(err)
	}
	if err := c.Sync(); err != nil {
		t.Fatal(err)
	}
	if pos := findWindow(t, c, 200, 100); pos.X < 700 || pos.Y < 500 {
		t.Fatalf("the window is at %v; the test needs it beyond 700x500", pos)
	}
	waitCanvasMatches(t, tab, s, 10*time.Second)

	size(700, 500)
	waitRoot(700, 500)
	if b := s.snapshot(t).Bounds(); b.Dx() != 700 || b.Dy() != 500 {
		t.Errorf("snapshot is %v, want 700x500", b)
	}
	pos := findWindow(t, c, 200, 100)
	if r := image.Rect(pos.X, pos.Y, pos.X+200, pos.Y+100); !r.In(image.Rect(0, 0, 700, 500)) {
		t.Errorf("the window is at %v, not wholly on the 700x500 screen", r)
	}
	got := waitCanvasMatches(t, tab, s, 10*time.Second)
	if got.Bounds().Dx() != 700 {
		t.Errorf("canvas %v, want 700 wide", got.Bounds())
	}
	n := dialTest(t, s)
	if w, h := n.ScreenSize(); w != 700 || h != 500 {
		t.Errorf("a new client's ServerHello says %dx%d, want 700x500", w, h)
	}

	// View only: no effect.
	view, _ := newTab(t, browser)
	if _, err := chromedp.Call(view, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: 400, Height: 300, DeviceScaleFactor: 1}); err != nil {
		t.Fatal(err)
	}
	openViewer(t, view, s.viewURL()+"&resize=1")
	time.Sleep(time.Second)
	if w, h := s.Size(); w != 700 || h != 500 {
		t.Errorf("a view-only viewer resized the display to %dx%d", w, h)
	}
}
