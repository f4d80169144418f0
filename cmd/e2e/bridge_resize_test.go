package e2e

import (
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/internal/xvfb"
	"github.com/xfar/xfar/xclient/x11bridge"
)

// xRootSize is the X screen's current size, asked of the server (the
// connection's setup keeps the size it had when the connection opened).
func xRootSize(t *testing.T, x *xgb.Conn) image.Point {
	t.Helper()
	root := xproto.Setup(x).DefaultScreen(x).Root
	geo, err := xproto.GetGeometry(x, xproto.Drawable(root)).Reply()
	if err != nil {
		t.Fatalf("X root geometry: %v", err)
	}
	return image.Pt(int(geo.Width), int(geo.Height))
}

// TestBridgeFollowsDisplayResize: xbridge --follow-resize runs xlogo on
// Xorg's dummy driver; wmctrl maximizes it inside that server. The display
// is resized to 1000x700, then to 700x500, then to 1100x450 (as a web
// viewer with ?resize=1 does): each time the X screen takes the new size through RandR, and the
// maximized window fills the new screen below the title bar, on the
// display and in X, pixel for pixel.
func TestBridgeFollowsDisplayResize(t *testing.T) {
	bridgeNeedTools(t, "xlogo", "wmctrl")
	srv := bridgeStartDisplay(t) // 800x600
	b := RunBridge(t, x11bridge.Config{Address: srv.TCPAddr().String(), FollowResize: true,
		Command: []string{"xlogo", "-geometry", "200x150+150+120"},
		Logger:  bridgeTestLogger(t), Stderr: os.Stderr})
	x := dialBridgeX(t, b)
	c := bridgeDialTestDisplay(t, srv)
	w := waitMirrored(t, srv, x, c, func(w xTopLevel) bool { return w.r.Dx() == 200 }, 20*time.Second)
	if got := xRootSize(t, x); got != image.Pt(800, 600) {
		t.Fatalf("the dummy X server started at %v, want the display's 800x600", got)
	}
	bridgeX(t, b, "wmctrl", "-i", "-r", strconv.Itoa(int(w.id)), "-b", "add,maximized_vert,maximized_horz")
	waitBoth(t, srv, x, w.id, "xlogo", image.Rect(0, 24, 800, 600))

	// Wider and taller, then smaller both ways, then wider but shorter
	// (the screen grows and shrinks around the CRTC's change).
	for _, size := range []image.Point{{1000, 700}, {700, 500}, {1100, 450}} {
		if err := srv.Resize(size.X, size.Y); err != nil {
			t.Fatal(err)
		}
		bridgeWaitFor(t, 20*time.Second, fmt.Sprintf("X screen %dx%d", size.X, size.Y), func() string {
			if got := xRootSize(t, x); got != size {
				return fmt.Sprintf("X root is %dx%d", got.X, got.Y)
			}
			return ""
		})
		maxed := image.Rect(0, 24, size.X, size.Y)
		waitBoth(t, srv, x, w.id, "xlogo", maxed)
		waitMirrored(t, srv, x, c, func(tl xTopLevel) bool { return tl.id == w.id && tl.r == maxed }, 20*time.Second)
	}
}

// TestBridgeAttachedFollowsDisplayResize: a bridge attached (--x11) with
// FollowResize to an existing 640x480 Xorg dummy server gives it the
// display's 800x600 at once, then follows the display to 900x650, and
// xlogo running there stays mirrored pixel for pixel.
func TestBridgeAttachedFollowsDisplayResize(t *testing.T) {
	bridgeNeedTools(t, "xlogo")
	s, err := xvfb.Start(context.Background(), xvfb.Options{Width: 640, Height: 480, Dummy: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop() })
	logo := exec.Command("xlogo", "-geometry", "120x120+10+40")
	logo.Env = s.Env()
	if err := logo.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logo.Process.Kill(); logo.Wait() })
	x, err := x11bridge.DialX(s.Display, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)

	srv := bridgeStartDisplay(t) // 800x600
	RunBridge(t, x11bridge.Config{Address: srv.TCPAddr().String(), X11: s.Display, FollowResize: true,
		Logger: bridgeTestLogger(t)})
	c := bridgeDialTestDisplay(t, srv)
	for i, size := range []image.Point{{800, 600}, {900, 650}} {
		if i > 0 {
			if err := srv.Resize(size.X, size.Y); err != nil {
				t.Fatal(err)
			}
		}
		bridgeWaitFor(t, 20*time.Second, fmt.Sprintf("X screen %dx%d", size.X, size.Y), func() string {
			if got := xRootSize(t, x); got != size {
				return fmt.Sprintf("X root is %dx%d", got.X, got.Y)
			}
			return ""
		})
		waitMirrored(t, srv, x, c, func(tl xTopLevel) bool { return tl.r.Dx() == 120 }, 20*time.Second)
	}
}
