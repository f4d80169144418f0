package e2e_test

import (
	"context"
	"image"
	"io"
	"log/slog"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/xfar/xfar/xclient/x11bridge"
)

// TestWMCursorXtermInChromium: over xterm (through the bridge) the web
// viewer's canvas shows the I-beam as its CSS cursor ("text", from X's
// "xterm" cursor via XFixes); over the desktop, the arrow.
func TestWMCursorXtermInChromium(t *testing.T) {
	for _, tool := range []string{"Xvfb", "xterm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (Debian packages xvfb, xterm); this test needs it", tool)
		}
	}
	s := startWebServer(t, 800, 600)
	ctx, cancel := context.WithCancel(context.Background())
	b, err := x11bridge.Start(ctx, x11bridge.Config{Address: s.TCPAddr().String(), Auth: s.Cookie(),
		Command: []string{"xterm", "-geometry", "60x10+100+100"},
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		cancel()
		t.Fatalf("start bridge: %v", err)
	}
	t.Cleanup(func() { cancel(); b.Wait() })
	var r image.Rectangle
	deadline := time.Now().Add(20 * time.Second)
	for r.Empty() {
		for _, w := range s.Windows() {
			if w.Mapped && w.Rect.Dx() > 200 {
				r = w.Rect
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("xterm not on the display: %+v", s.Windows())
		}
		time.Sleep(50 * time.Millisecond)
	}

	tab, _ := newTab(t, startBrowser(t, 90*time.Second))
	openViewer(t, tab, s.viewerURL())
	waitCanvasMatches(t, tab, s, 15*time.Second)
	move := func(p image.Point) {
		t.Helper()
		ox, oy := canvasOrigin(t, tab)
		prm := input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: ox + float64(p.X) + 0.5, Y: oy + float64(p.Y) + 0.5}
		if _, err := chromedp.Call(tab, input.DispatchMouseEvent, prm); err != nil {
			t.Fatalf("mouse move to %v: %v", p, err)
		}
	}
	cursorIs := func(want string) {
		t.Helper()
		ok := false
		for i := 0; i < 150 && !ok; i++ {
			got, _ := chromedp.Run(tab, chromedp.Evaluate[string](`String(document.getElementById("screen").style.cursor)`))
			ok = got == want
			if !ok && i == 149 {
				t.Fatalf("canvas cursor %.200q, want %q", got, want)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	mid := r.Min.Add(r.Size().Div(2))
	move(mid)
	cursorIs("text")
	move(r.Max.Add(image.Pt(100, 100)))
	cursorIs("default")
	move(mid.Add(image.Pt(5, 0)))
	cursorIs("text")
}
