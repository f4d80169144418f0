package e2e_test

import (
	"context"
	"image"
	"image/color"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xfar/xfar/xclient"
)

// animate has c fill a window with changing colors until stop is called;
// then it paints a final picture and waits until the server has it.
func animate(t testing.TB, c *xclient.Conn, w xclient.Window, size image.Point) (stop func()) {
	t.Helper()
	gc, err := c.CreateGC(w, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := uint32(0); ctx.Err() == nil; i++ {
			c.SetForeground(gc, i*0x010203&0xffffff)
			c.FillRectangle(w, gc, int(i*7)%size.X, int(i*3)%size.Y, 40, 30)
			if err := c.Flush(); err != nil {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	return func() {
		cancel()
		wg.Wait()
		c.SetForeground(gc, 0x3366cc)
		c.FillRectangle(w, gc, 10, 10, 50, 50)
		if err := c.Sync(); err != nil {
			t.Fatalf("client after animation: %v", err)
		}
	}
}

// mapWindow creates and maps a top-level window and returns it with its
// position on the screen.
func mapWindow(t testing.TB, c *xclient.Conn, x, y, w, h int, eventMask uint32) (xclient.Window, image.Point) {
	t.Helper()
	win, err := c.CreateWindow(c.Root(), x, y, w, h, &xclient.WindowOptions{Background: 0x202020, EventMask: eventMask})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MapWindow(win); err != nil {
		t.Fatal(err)
	}
	return win, findWindow(t, c, w, h)
}

func TestWebViewerTwoViewersConverge(t *testing.T) {
	s := startWebServer(t, 800, 600)
	c := dialTest(t, s)
	w, _ := mapWindow(t, c, 40, 40, 400, 300, 0)
	stop := animate(t, c, w, image.Pt(400, 300))

	browser := startBrowser(t, 90*time.Second)
	a, _ := newTab(t, browser)
	b, closeB := newTab(t, browser)
	openViewer(t, a, s.viewerURL())
	openViewer(t, b, s.viewURL())
	// Both watch while the picture changes; then it settles.
	time.Sleep(500 * time.Millisecond)
	stop()
	ga := waitCanvasMatches(t, a, s, 10*time.Second)
	gb := waitCanvasMatches(t, b, s, 10*time.Second)
	if d := diff(ga, gb); d != "" {
		t.Errorf("the two viewers differ: %s", d)
	}
	if c := ga.RGBAAt(60, 60); c.B != 0xcc {
		t.Errorf("viewer pixel (60,60) is %v, want the final blue", c)
	}

	// A viewer closed mid-stream: the other keeps up, the display stays
	// healthy, and the server lets the closed one go.
	stop = animate(t, c, w, image.Pt(400, 300))
	time.Sleep(300 * time.Millisecond)
	closeB()
	time.Sleep(300 * time.Millisecond)
	stop()
	waitCanvasMatches(t, a, s, 10*time.Second)
	end := time.Now().Add(15 * time.Second)
	for s.viewer.Viewers() != 1 {
		if time.Now().After(end) {
			t.Fatalf("%d viewer sessions 15s after one of two closed, want 1", s.viewer.Viewers())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("closed viewer's session ended after %v", time.Since(end.Add(-15*time.Second)))
	if err := c.Sync(); err != nil {
		t.Fatalf("client after a viewer left: %v", err)
	}
	// A late joiner gets the whole picture at once.
	late, _ := newTab(t, browser)
	openViewer(t, late, s.viewerURL())
	if frames, _ := chromedp.Run(late, chromedp.Evaluate[int](`xfar.frames`)); frames != 1 {
		t.Logf("late joiner drew %d frames before the check", frames)
	}
	if d := diff(canvasImage(t, late), s.snapshot(t)); d != "" {
		t.Errorf("late joiner's first frame is not the whole picture: %s", d)
	}
}

func TestWebViewerReconnects(t *testing.T) {
	s := startWebServer(t, 640, 480)
	c := dialTest(t, s)
	w, pos := mapWindow(t, c, 40, 40, 300, 200, 0)
	gc, err := c.CreateGC(w, nil)
	if err != nil {
		t.Fatal(err)
	}

	tab, _ := newTab(t, startBrowser(t, 90*time.Second))
	openViewer(t, tab, s.viewerURL())
	waitCanvasMatches(t, tab, s, 10*time.Second)

	// The server drops the viewer; the application draws meanwhile and
	// notices nothing.
	s.viewer.Disconnect()
	c.SetForeground(gc, 0xff8000)
	c.FillRectangle(w, gc, 20, 20, 100, 60)
	if err := c.Sync(); err != nil {
		t.Fatalf("client while the viewer was away: %v", err)
	}
	waitJS(t, tab, "xfar.connects >= 2 && xfar.connected", 15*time.Second)
	got := waitCanvasMatches(t, tab, s, 10*time.Second)
	orange := color.RGBA{0xff, 0x80, 0x00, 0xff}
	if c := got.RGBAAt(pos.X+70, pos.Y+50); c != orange {
		t.Errorf("after reconnect the canvas at %v is %v, want the orange drawn meanwhile", pos.Add(image.Pt(70, 50)), c)
	}
}
