package e2e_test

import (
	"fmt"
	"image"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/viewer/web"
)

// startCookieServer starts a display server with the web viewer on the
// given HTTP address and cookie; stop ends both.
func startCookieServer(t *testing.T, httpAddr, cookie string, w, h int) (srv *displayserver.Server, stop func()) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := displayserver.New(displayserver.Config{TCPAddr: "127.0.0.1:0", UnixPath: "none",
		HTTPAddr: httpAddr, AuthFile: "none", Cookie: cookie, Width: w, Height: h, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	hd, err := web.NewHandler(srv, web.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	srv.Handle("/", hd)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	var once bool
	stop = func() {
		if !once {
			once = true
			hd.Close()
			srv.Close()
		}
	}
	t.Cleanup(stop)
	return srv, stop
}

// TestWebViewerDimsWhenOfflineAndStopsOnRefusal: when the display server
// goes away the page keeps the picture, dimmed, and says it is retrying;
// when a server comes back on the same address with another cookie (a
// restart), the page's token is refused, and it stops retrying and says
// to open the newly printed URL.
func TestWebViewerDimsWhenOfflineAndStopsOnRefusal(t *testing.T) {
	srv, stop := startCookieServer(t, "127.0.0.1:0", "first-cookie", 320, 200)
	addr := srv.HTTPAddr().String()
	tab, _ := newTab(t, startBrowser(t, 2*time.Minute))
	openViewer(t, tab, "http://"+addr+"/?token=first-cookie")
	stop()
	waitJS(t, tab, `xfar.offline && document.body.classList.contains('offline') && !xfar.connected`, 20*time.Second)
	filter, err := chromedp.Run(tab, chromedp.Evaluate[string](`getComputedStyle(document.getElementById('screen')).filter`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(filter, "brightness") {
		t.Errorf("offline canvas filter %q; want it dimmed", filter)
	}
	status, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.getElementById('status').textContent`))
	if !strings.Contains(status, "retrying") {
		t.Errorf("offline status %q; want it to say it is retrying", status)
	}

	// The same address, a new cookie: the old link is refused.
	if ln, err := net.Listen("tcp", addr); err == nil {
		ln.Close()
	} else {
		t.Fatalf("the address %s is not free again: %v", addr, err)
	}
	startCookieServer(t, addr, "second-cookie", 320, 200)
	waitJS(t, tab, `xfar.refused === true`, 30*time.Second)
	connects := func() int {
		t.Helper()
		n, err := chromedp.Run(tab, chromedp.Evaluate[int](`xfar.connects`))
		if err != nil {
			t.Fatalf("read xfar.connects: %v", err)
		}
		return n
	}
	n0 := connects()
	if n0 < 2 {
		t.Errorf("the page counted %d connection attempts; want the first and at least one retry", n0)
	}
	time.Sleep(3 * time.Second)
	n1 := connects()
	if n1 != n0 {
		t.Errorf("the page went on connecting after the refusal: %d then %d attempts", n0, n1)
	}
	status, _ = chromedp.Run(tab, chromedp.Evaluate[string](`document.getElementById('status').textContent`))
	if !strings.Contains(status, "viewer URL") || !strings.Contains(status, "refused") {
		t.Errorf("refusal status %q; want it to say the link was refused and what to open", status)
	}
}

// TestWebViewerFitsLargeDisplay: a display larger than the browser
// window is shrunk to fit it by default, shown at one display pixel per
// device pixel in 1:1 mode, and the canvas keeps the display's exact
// pixels either way.
func TestWebViewerFitsLargeDisplay(t *testing.T) {
	const W, H = 2000, 1200 // the browser's window is 1400x900
	s := startWebServer(t, W, H)
	tab, _ := newTab(t, startBrowser(t, 2*time.Minute))
	openViewer(t, tab, s.viewerURL())
	// size returns the canvas's shown size and the window's, in CSS
	// pixels, and the device pixel ratio.
	size := func() (w, h, iw, ih, dpr float64) {
		v, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](`(() => { const r = document.getElementById('screen').getBoundingClientRect(); return [r.width, r.height, innerWidth, innerHeight, devicePixelRatio]; })()`))
		if err != nil {
			t.Fatal(err)
		}
		return v[0], v[1], v[2], v[3], v[4]
	}
	w, h, iw, ih, _ := size()
	if w > iw+1 || h > ih+1 {
		t.Errorf("fit: canvas shown %.0fx%.0f in a %.0fx%.0f window", w, h, iw, ih)
	}
	if r := w / h; r < float64(W)/H-0.01 || r > float64(W)/H+0.01 {
		t.Errorf("fit: aspect %.3f, want %.3f", r, float64(W)/H)
	}
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](`xfar.setScale('1:1'), true`)); err != nil {
		t.Fatal(err)
	}
	w, h, _, _, dpr := size()
	if fmt.Sprintf("%.0fx%.0f", w*dpr, h*dpr) != fmt.Sprintf("%dx%d", W, H) {
		t.Errorf("1:1: canvas shown at %.0fx%.0f device pixels, want %dx%d", w*dpr, h*dpr, W, H)
	}
	waitCanvasMatches(t, tab, s, 10*time.Second)
}

// TestWebViewerSmallRectsExact: a client changes several small areas at
// once (as a terminal or top does); the viewer gets them in one atlas
// image, and the canvas equals the display pixel for pixel.
func TestWebViewerSmallRectsExact(t *testing.T) {
	s := startWebServer(t, 640, 400)
	c := dialTest(t, s)
	tab, _ := newTab(t, startBrowser(t, 2*time.Minute))
	openViewer(t, tab, s.viewerURL())
	win, _ := mapWindow(t, c, 0, 0, 640, 400, 0)
	gc, err := c.CreateGC(win, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitCanvasMatches(t, tab, s, 10*time.Second)
	before, _ := chromedp.Run(tab, chromedp.Evaluate[int](`xfar.atlases`))
	for i, r := range []image.Rectangle{image.Rect(10, 10, 90, 26), image.Rect(300, 40, 330, 200),
		image.Rect(100, 250, 600, 266), image.Rect(20, 350, 21, 390), image.Rect(500, 300, 540, 340)} {
		pix := make([]uint32, r.Dx()*r.Dy())
		for k := range pix {
			pix[k] = uint32((k*37+i*101)%251)<<16 | uint32((k*11)%241)<<8 | uint32(i*40)
		}
		if err := c.PutPixels(win, gc, r.Min.X, r.Min.Y, r.Dx(), r.Dy(), pix); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	waitCanvasMatches(t, tab, s, 10*time.Second)
	after, _ := chromedp.Run(tab, chromedp.Evaluate[int](`xfar.atlases`))
	if after <= before {
		t.Errorf("no atlas record arrived (%d before, %d after)", before, after)
	}
}
