package e2e_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xfar/xfar/cmd/e2e"
	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/viewer/web"
)

// chromiumPath is Debian's chromium; the web tests need it and fail
// without it, they never skip.
const chromiumPath = "/usr/bin/chromium"

// webServer is a real display server with the web viewer mounted at "/",
// as cmd/displayserver mounts it.
type webServer struct {
	*displayserver.Server
	viewer *web.Handler
	base   string // http://127.0.0.1:port/
}

// startWebServer starts a display server on loopback ports with the web
// viewer mounted, and stops both when the test ends.
func startWebServer(t testing.TB, width, height int) *webServer {
	t.Helper()
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	n := e2e.FreeDisplay(t)
	srv, err := displayserver.New(displayserver.Config{
		Display:  n,
		TCPAddr:  fmt.Sprintf("127.0.0.1:%d", protocol.TCPBasePort+n),
		UnixPath: "none",
		HTTPAddr: "127.0.0.1:0",
		AuthFile: "none",
		Width:    width,
		Height:   height,
		Logger:   log,
	})
	if err != nil {
		t.Fatalf("new display server: %v", err)
	}
	h, err := web.NewHandler(srv, web.Options{Logger: log})
	if err != nil {
		t.Fatalf("new web viewer: %v", err)
	}
	srv.Handle("/", h)
	if err := srv.Start(); err != nil {
		t.Fatalf("start display server: %v", err)
	}
	t.Cleanup(func() {
		if err := h.Close(); err != nil {
			t.Errorf("close web viewer: %v", err)
		}
		if err := srv.Close(); err != nil {
			t.Errorf("close display server: %v", err)
		}
	})
	return &webServer{Server: srv, viewer: h, base: "http://" + srv.HTTPAddr().String() + "/"}
}

// display is the name programs use to reach s.
func (s *webServer) display() string {
	_, port, _ := net.SplitHostPort(s.TCPAddr().String())
	p, _ := strconv.Atoi(port)
	return fmt.Sprintf("127.0.0.1:%d", p-protocol.TCPBasePort)
}

// viewerURL is the full-control link the display server prints.
func (s *webServer) viewerURL() string { return s.base + "?token=" + s.Cookie() }

// viewURL is the view-only link.
func (s *webServer) viewURL() string { return s.base + "?token=" + s.ViewToken() }

// snapshot fetches /snapshot.png over HTTP, as a browser would.
func (s *webServer) snapshot(t testing.TB) *image.RGBA {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.base+"snapshot.png", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.Cookie())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("get snapshot: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("get snapshot: %s: %s", resp.Status, b)
	}
	img, err := png.Decode(resp.Body)
	if err != nil {
		t.Fatalf("decode snapshot: %v", err)
	}
	return toRGBA(img)
}

// testWriter sends the server's warnings to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// startBrowser starts a headless chromium for the whole test, with a
// deadline: a hung browser fails the test rather than hanging CI. The
// returned context is the browser's; newTab opens tabs in it.
func startBrowser(t testing.TB, deadline time.Duration) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the web viewer tests need chromium at %s (Debian package chromium): %v", chromiumPath, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 900),
	)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	// Start the browser now, so that a broken chromium fails here.
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		bcancel()
		acancel()
		cancel()
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		bcancel()
		acancel()
		cancel()
	})
	return bctx
}

// newTab opens a new tab in the browser; closing it is cancel.
func newTab(t testing.TB, browser context.Context) (context.Context, context.CancelFunc) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		cancel()
		t.Fatalf("open tab: %v", err)
	}
	t.Cleanup(cancel)
	return ctx, cancel
}

// openViewer loads url in tab and waits for the viewer to draw a frame.
func openViewer(t testing.TB, tab context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(tab, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open viewer %s: %v", url, err)
	}
	waitJS(t, tab, "window.xfar && xfar.connected && xfar.frames > 0", 20*time.Second)
}

// waitJS polls a JavaScript condition until it is true.
func waitJS(t testing.TB, tab context.Context, cond string, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, d)
	defer cancel()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		if err == nil && ok {
			return
		}
		select {
		case <-ctx.Done():
			state, _ := chromedp.Run(tab, chromedp.Evaluate[string](`JSON.stringify(window.xfar ? {connected: xfar.connected, frames: xfar.frames, error: xfar.error, status: document.getElementById('status').textContent} : null)`))
			t.Fatalf("waiting for %q: %v (last error %v; viewer state %s)", cond, ctx.Err(), err, state)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// canvasImage reads the viewer's canvas pixels, losslessly (PNG).
func canvasImage(t testing.TB, tab context.Context) *image.RGBA {
	t.Helper()
	url, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.getElementById('screen').toDataURL('image/png')`))
	if err != nil {
		t.Fatalf("read canvas: %v", err)
	}
	b64, ok := strings.CutPrefix(url, "data:image/png;base64,")
	if !ok {
		t.Fatalf("canvas data URL %.40q is not a PNG", url)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("decode canvas data URL: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("decode canvas PNG: %v", err)
	}
	return toRGBA(img)
}

func toRGBA(img image.Image) *image.RGBA {
	if m, ok := img.(*image.RGBA); ok {
		return m
	}
	m := image.NewRGBA(img.Bounds())
	draw.Draw(m, m.Bounds(), img, img.Bounds().Min, draw.Src)
	return m
}

// diff describes how two pictures differ, "" if they are the same.
func diff(got, want *image.RGBA) string {
	if got.Bounds().Size() != want.Bounds().Size() {
		return fmt.Sprintf("size %v, want %v", got.Bounds().Size(), want.Bounds().Size())
	}
	n, first := 0, image.Point{-1, -1}
	w, h := want.Bounds().Dx(), want.Bounds().Dy()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			g := got.PixOffset(x+got.Rect.Min.X, y+got.Rect.Min.Y)
			o := want.PixOffset(x+want.Rect.Min.X, y+want.Rect.Min.Y)
			// Compare RGB: the snapshot is opaque, the canvas too.
			if !bytes.Equal(got.Pix[g:g+3], want.Pix[o:o+3]) {
				if n == 0 {
					first = image.Pt(x, y)
				}
				n++
			}
		}
	}
	if n == 0 {
		return ""
	}
	g := got.RGBAAt(first.X+got.Rect.Min.X, first.Y+got.Rect.Min.Y)
	o := want.RGBAAt(first.X+want.Rect.Min.X, first.Y+want.Rect.Min.Y)
	return fmt.Sprintf("%d pixels differ; first at %v: got %v, want %v", n, first, g, o)
}

// waitCanvasMatches waits until the canvas shows exactly the display's
// snapshot. The snapshot is re-read each round, so it converges even while
// the picture changes.
func waitCanvasMatches(t testing.TB, tab context.Context, s *webServer, d time.Duration) *image.RGBA {
	t.Helper()
	end := time.Now().Add(d)
	for {
		want := s.snapshot(t)
		got := canvasImage(t, tab)
		msg := diff(got, want)
		if msg == "" {
			return got
		}
		if time.Now().After(end) {
			t.Fatalf("canvas never matched /snapshot.png within %v: %s", d, msg)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
