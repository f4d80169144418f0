package e2e

import (
	"fmt"
	"image"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

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
// is resized to 1000x700, then to 700x500 (as a web viewer with ?resize=1
// does): each time the X screen takes the new size through RandR, and the
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

	for _, size := range []image.Point{{1000, 700}, {700, 500}} {
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
