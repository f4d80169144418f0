package e2e_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestWebViewerScrollAsCopy: an xclient program scrolls its window with
// CopyArea and draws the new rows; the web viewer receives the scroll as
// a copy record and only the new rows' pixels (a fraction of the bytes
// the window's pixels cost), and its canvas equals /snapshot.png after.
func TestWebViewerScrollAsCopy(t *testing.T) {
	const W, H, step = 400, 300, 16
	s := startWebServer(t, 640, 480)
	c := dialTest(t, s)
	win, _ := mapWindow(t, c, 40, 40, W, H, 0)
	gc, err := c.CreateGC(win, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Noise: costly as pixels, so a scroll resent as pixels shows.
	noise := func(y0, h int, seed uint32) {
		t.Helper()
		pix := make([]uint32, W*h)
		x := seed*2654435761 + 1
		for i := range pix {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			pix[i] = x & 0xffffff
		}
		if err := c.PutPixels(win, gc, 0, y0, W, h, pix); err != nil {
			t.Fatal(err)
		}
	}
	noise(0, H, 1)
	if err := c.Sync(); err != nil {
		t.Fatal(err)
	}
	tab, _ := newTab(t, startBrowser(t, 2*time.Minute))
	openViewer(t, tab, s.viewerURL())
	waitCanvasMatches(t, tab, s, 10*time.Second)
	bytes0, err := chromedp.Run(tab, chromedp.Evaluate[float64](`xfar.bytes`))
	if err != nil {
		t.Fatal(err)
	}
	const scrolls = 5
	for i := range scrolls {
		if err := c.CopyArea(win, win, gc, 0, step, W, H-step, 0, 0); err != nil {
			t.Fatal(err)
		}
		noise(H-step, step, uint32(i+2))
		if err := c.Sync(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond) // frames of their own, mostly
	}
	waitCanvasMatches(t, tab, s, 10*time.Second)
	v, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](`[xfar.bytes, xfar.copies]`))
	if err != nil {
		t.Fatal(err)
	}
	sent, copies := v[0]-bytes0, v[1]
	t.Logf("%d scrolls: %.0f bytes to the viewer, %v copy records (the window's pixels were %.0f bytes)", scrolls, sent, copies, bytes0)
	if copies < 1 {
		t.Errorf("no copy record reached the viewer")
	}
	// New rows: scrolls × step of H rows of noise, about that fraction of
	// the first frame; resending the moved rows would cost a window each.
	if limit := bytes0 * float64(scrolls*step) / H * 1.5; sent > limit {
		t.Errorf("the scrolls cost %.0f bytes, more than %.0f (their new rows and some slack): the moved pixels were resent", sent, limit)
	}
}

// TestWebViewerScrollAsCopyXterm: a bridged xterm that scrolls (the bridge
// sends its scrolls as CopyArea) reaches Chromium as copy records, and
// the canvas equals /snapshot.png when it stops.
func TestWebViewerScrollAsCopyXterm(t *testing.T) {
	clipNeedTools(t, "Xvfb", "xterm")
	s := startWebServer(t, 800, 600)
	tab, _ := newTab(t, startBrowser(t, 2*time.Minute))
	openViewer(t, tab, s.viewerURL())
	clipBridge(t, s, "env", "LC_ALL=C", "xterm", "-geometry", "80x24+20+40", "-e", "/bin/sh", "-c",
		"sleep 2; i=0; while [ $i -lt 60 ]; do i=$((i+1)); echo \"line $i of the scroll test, with some text to make it wide\"; sleep 0.03; done; exec sleep 3600")
	c := dialTest(t, s)
	clipWaitWindow(t, c, 300)
	waitJS(t, tab, `xfar.copies >= 10`, 30*time.Second)
	time.Sleep(3 * time.Second) // the loop ends
	waitCanvasMatches(t, tab, s, 15*time.Second)
	n, _ := chromedp.Run(tab, chromedp.Evaluate[float64](`xfar.copies`))
	t.Logf("%v copy records reached the viewer", n)
}
