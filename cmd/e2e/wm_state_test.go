package e2e

import (
	"fmt"
	"image"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/displayserver/feed"
)

// xWindowRect is an X window's inside in root coordinates and whether it
// is viewable.
func xWindowRect(t *testing.T, x *xgb.Conn, id xproto.Window) (image.Rectangle, bool) {
	t.Helper()
	for _, w := range xTopLevels(t, x) {
		if w.id == id {
			return w.r, true
		}
	}
	return image.Rectangle{}, false
}

// displayWindow finds the display's window-list entry whose title is
// title.
func displayWindow(srv *displayserver.Server, title string) (displayserver.WindowInfo, bool) {
	for _, w := range srv.Windows() {
		if w.Title == title {
			return w, true
		}
	}
	return displayserver.WindowInfo{}, false
}

// waitBoth waits until the display shows the window titled title at want
// (mapped) and the X server has the X window there too; an empty want
// means unmapped on both sides.
func waitBoth(t *testing.T, srv *displayserver.Server, x *xgb.Conn, id xproto.Window, title string, want image.Rectangle) {
	t.Helper()
	bridgeWaitFor(t, 10*time.Second, fmt.Sprintf("%q at %v on the display and in X", title, want), func() string {
		d, ok := displayWindow(srv, title)
		if !ok {
			return "not in the display's window list"
		}
		xr, viewable := xWindowRect(t, x, id)
		if want.Empty() {
			if d.Mapped || viewable {
				return fmt.Sprintf("display mapped %v, X viewable %v", d.Mapped, viewable)
			}
			return ""
		}
		if !d.Mapped || d.Rect != want {
			return fmt.Sprintf("display: mapped %v at %v", d.Mapped, d.Rect)
		}
		if !viewable || xr != want {
			return fmt.Sprintf("X: viewable %v at %v", viewable, xr)
		}
		return ""
	})
}

// TestWMStatesFromProgramAndTitleBar: xlogo through the bridge is
// maximized, restored and made full screen by wmctrl inside the private
// X server, minimized by xdotool there, brought back from the display's
// window list, and maximized and restored with the title bar's button;
// each time the display and the X server agree on the geometry, and the
// X window's _NET_WM_STATE says what the display did.
func TestWMStatesFromProgramAndTitleBar(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xlogo", "wmctrl", "xdotool", "xprop")
	srv := bridgeStartDisplay(t) // 800x600
	b := startBridge(t, srv, "xlogo", "-geometry", "200x150+150+120")
	x := dialBridgeX(t, b)
	c := bridgeDialTestDisplay(t, srv)
	w := waitMirrored(t, srv, x, c, func(w xTopLevel) bool { return w.r.Dx() == 200 }, 20*time.Second)
	id := strconv.Itoa(int(w.id))
	normal := w.r
	maxed := image.Rect(0, 24, 800, 600)
	full := image.Rect(0, 0, 800, 600)
	state := func(want ...string) {
		t.Helper()
		bridgeWaitFor(t, 10*time.Second, fmt.Sprintf("_NET_WM_STATE %v", want), func() string {
			out := bridgeX(t, b, "xprop", "-id", id, "_NET_WM_STATE")
			for _, s := range want {
				if !strings.Contains(out, s) {
					return strings.TrimSpace(out)
				}
			}
			if len(want) == 0 && strings.Contains(out, "_NET_WM_STATE_") {
				return strings.TrimSpace(out)
			}
			return ""
		})
	}

	bridgeX(t, b, "wmctrl", "-i", "-r", id, "-b", "add,maximized_vert,maximized_horz")
	waitBoth(t, srv, x, w.id, "xlogo", maxed)
	state("_NET_WM_STATE_MAXIMIZED_VERT", "_NET_WM_STATE_MAXIMIZED_HORZ")
	bridgeX(t, b, "wmctrl", "-i", "-r", id, "-b", "remove,maximized_vert,maximized_horz")
	waitBoth(t, srv, x, w.id, "xlogo", normal)
	state()
	bridgeX(t, b, "wmctrl", "-i", "-r", id, "-b", "add,fullscreen")
	waitBoth(t, srv, x, w.id, "xlogo", full)
	state("_NET_WM_STATE_FULLSCREEN")
	bridgeX(t, b, "wmctrl", "-i", "-r", id, "-b", "remove,fullscreen")
	waitBoth(t, srv, x, w.id, "xlogo", normal)
	state()

	bridgeX(t, b, "xdotool", "windowminimize", id)
	waitBoth(t, srv, x, w.id, "xlogo", image.Rectangle{})
	state("_NET_WM_STATE_HIDDEN")
	// The window list: a right click on the desktop, then the entry.
	clickButton(srv, image.Pt(780, 580), 3)
	bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: 700, Y: 500})
	var list image.Rectangle
	bridgeWaitFor(t, 5*time.Second, "the window list open", func() string {
		list = srv.WindowListRect()
		if list.Empty() {
			return "no window list"
		}
		return ""
	})
	clickButton(srv, list.Min.Add(image.Pt(20, 4+11)), 1)
	waitBoth(t, srv, x, w.id, "xlogo", normal)
	state()

	// The title bar's maximize button: the second from the right.
	maxButton := image.Pt(normal.Max.X-3-18-4-9, normal.Min.Y-12)
	clickButton(srv, maxButton, 1)
	waitBoth(t, srv, x, w.id, "xlogo", maxed)
	state("_NET_WM_STATE_MAXIMIZED_VERT", "_NET_WM_STATE_MAXIMIZED_HORZ")
	clickButton(srv, image.Pt(maxed.Max.X-3-18-4-9, maxed.Min.Y-12), 1)
	waitBoth(t, srv, x, w.id, "xlogo", normal)
	state()
}

func clickButton(srv *displayserver.Server, p image.Point, button int) {
	bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: p.X, Y: p.Y})
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonDown, X: p.X, Y: p.Y, Button: button})
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonUp, X: p.X, Y: p.Y, Button: button})
}
