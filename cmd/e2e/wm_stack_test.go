package e2e

import (
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/xclient"
	"github.com/xfar/xfar/xclient/x11bridge"
)

// xevProc is one xev the test runs inside a bridge, with the file its
// event log goes to.
type xevProc struct {
	log   string
	outer xproto.Window
	r     image.Rectangle // interior on the X server (and the display)
}

var xevOuter = regexp.MustCompile(`Outer window is 0x([0-9a-f]+)`)

// startXevs runs one xev per geometry in a single bridge (so that they
// share one private X server, where stacking matters) and waits until
// each is mirrored pixel-exact.
func startXevs(t *testing.T, srv *displayserver.Server, geometries ...string) (*x11bridge.Bridge, *xgb.Conn, *xclient.Conn, []*xevProc) {
	t.Helper()
	bridgeNeedTools(t, "Xvfb", "xev")
	dir := t.TempDir()
	var script strings.Builder
	xevs := make([]*xevProc, len(geometries))
	for i, g := range geometries {
		xevs[i] = &xevProc{log: filepath.Join(dir, fmt.Sprintf("xev%d.log", i))}
		fmt.Fprintf(&script, "xev -geometry %s > %s & ", g, xevs[i].log)
	}
	script.WriteString("wait")
	b := startBridge(t, srv, "sh", "-c", script.String())
	x := dialBridgeX(t, b)
	c := bridgeDialTestDisplay(t, srv)
	for _, xv := range xevs {
		bridgeWaitFor(t, 20*time.Second, "xev started", func() string {
			data, _ := os.ReadFile(xv.log)
			m := xevOuter.FindSubmatch(data)
			if m == nil {
				return "no 'Outer window' line in " + xv.log
			}
			id, _ := strconv.ParseUint(string(m[1]), 16, 32)
			xv.outer = xproto.Window(id)
			return ""
		})
		xv.r = waitOnDisplay(t, x, c, xv.outer)
	}
	return b, x, c, xevs
}

// waitOnDisplay waits until X window id is viewable and the display has a
// mapped window at the same place, and returns its interior. (Overlapping
// windows and title bars make a pixel comparison of a lower window moot.)
func waitOnDisplay(t *testing.T, x *xgb.Conn, c *xclient.Conn, id xproto.Window) image.Rectangle {
	t.Helper()
	var r image.Rectangle
	bridgeWaitFor(t, 20*time.Second, "X window mirrored on the display", func() string {
		found := false
		for _, w := range xTopLevels(t, x) {
			if w.id == id {
				r, found = w.r, true
			}
		}
		if !found {
			return fmt.Sprintf("X window %#x not viewable", id)
		}
		for _, d := range displayTopLevels(t, c) {
			if d == r {
				return ""
			}
		}
		return fmt.Sprintf("no display window at %v", r)
	})
	return r
}

// presses counts the ButtonPress events an xev has logged.
func (xv *xevProc) presses() int {
	data, _ := os.ReadFile(xv.log)
	return strings.Count(string(data), "ButtonPress event")
}

// xStackOrder is the X root's mapped children, bottom first.
func xStackOrder(t *testing.T, x *xgb.Conn) []image.Rectangle {
	var out []image.Rectangle
	for _, w := range xTopLevels(t, x) {
		out = append(out, w.r)
	}
	return out
}

// displayStackOrder is the display root's mapped children, bottom first.
func displayStackOrder(t *testing.T, c *xclient.Conn) []image.Rectangle {
	t.Helper()
	tree, err := c.QueryTree(c.Root())
	if err != nil {
		t.Fatalf("display QueryTree: %v", err)
	}
	var out []image.Rectangle
	for _, id := range tree.Children {
		g, err := c.GetGeometry(xclient.Window(id))
		if err != nil || !g.Mapped {
			continue
		}
		min := image.Pt(int(g.X)+int(g.BorderWidth), int(g.Y)+int(g.BorderWidth))
		out = append(out, image.Rectangle{Min: min, Max: min.Add(image.Pt(int(g.Width), int(g.Height)))})
	}
	return out
}

// topOf reports which of the xevs is on top of the other in order.
func topOf(order []image.Rectangle, a, b *xevProc) *xevProc {
	ia, ib := -1, -1
	for i, r := range order {
		if r == a.r {
			ia = i
		}
		if r == b.r {
			ib = i
		}
	}
	if ia > ib {
		return a
	}
	return b
}

func clickAt(srv *displayserver.Server, p image.Point) {
	bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: p.X, Y: p.Y})
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonDown, X: p.X, Y: p.Y, Button: 1})
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonUp, X: p.X, Y: p.Y, Button: 1})
}

// waitSameStacking waits until the display and the X server stack the
// two xevs the same way, with want on top, and returns nothing else.
func waitSameStacking(t *testing.T, x *xgb.Conn, c *xclient.Conn, want, other *xevProc) {
	t.Helper()
	bridgeWaitFor(t, 10*time.Second, "the same stacking on the display and on the X server", func() string {
		xo, do := xStackOrder(t, x), displayStackOrder(t, c)
		if got := topOf(do, want, other); got != want {
			return fmt.Sprintf("display: the xev at %v is on top (display order %v)", got.r, do)
		}
		if got := topOf(xo, want, other); got != want {
			return fmt.Sprintf("X server: the xev at %v is on top (X order %v)", got.r, xo)
		}
		return ""
	})
}

// TestWMStackClickInOverlap: two overlapping xev windows in one bridged X
// server. A click on the visible part of the lower one raises it on the
// display, and the X server follows; the next click, in the overlap, is
// recorded by that xev (the window the user sees there), not by the other.
// Then the program side restacks (xdotool windowraise inside the private
// server): the display follows, and a click in the overlap reaches the
// other xev.
func TestWMStackClickInOverlap(t *testing.T) {
	bridgeNeedTools(t, "xdotool")
	srv := bridgeStartDisplay(t)
	b, x, c, xevs := startXevs(t, srv, "300x200+40+60", "300x200+200+160")
	top := topOf(displayStackOrder(t, c), xevs[0], xevs[1])
	low := xevs[0]
	if top == low {
		low = xevs[1]
	}
	waitSameStacking(t, x, c, top, low)
	overlap := top.r.Intersect(low.r)
	if overlap.Empty() {
		t.Fatalf("the xevs do not overlap: %v %v", top.r, low.r)
	}
	// A point of low that top does not cover.
	var lowOnly image.Point
	for _, p := range []image.Point{low.r.Min.Add(image.Pt(10, 10)), low.r.Max.Sub(image.Pt(10, 10))} {
		if !p.In(top.r) {
			lowOnly = p
		}
	}
	before := low.presses()
	clickAt(srv, lowOnly)
	bridgeWaitFor(t, 10*time.Second, "the raising click reaches the lower xev", func() string {
		if low.presses() <= before {
			return "no ButtonPress in " + low.log
		}
		return ""
	})
	waitSameStacking(t, x, c, low, top)

	lowBefore, topBefore := low.presses(), top.presses()
	mid := overlap.Min.Add(overlap.Size().Div(2))
	clickAt(srv, mid)
	bridgeWaitFor(t, 10*time.Second, "the click in the overlap reaches the raised xev", func() string {
		if low.presses() <= lowBefore {
			return "no ButtonPress in the visible xev's log"
		}
		return ""
	})
	if n := top.presses(); n != topBefore {
		t.Fatalf("the hidden xev recorded %d ButtonPress events for a click in the overlap", n-topBefore)
	}

	// The program side: raise the other window inside the private server.
	cmd := exec.Command("xdotool", "windowraise", strconv.Itoa(int(top.outer)))
	cmd.Env = append(os.Environ(), "DISPLAY="+b.XDisplay(), "XAUTHORITY="+b.XAuthority())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xdotool windowraise: %v\n%s", err, out)
	}
	waitSameStacking(t, x, c, top, low)
	lowBefore, topBefore = low.presses(), top.presses()
	clickAt(srv, mid)
	bridgeWaitFor(t, 10*time.Second, "after the program's raise, the click reaches the raised xev", func() string {
		if top.presses() <= topBefore {
			return "no ButtonPress in the raised xev's log"
		}
		return ""
	})
	if n := low.presses(); n != lowBefore {
		t.Fatalf("the now hidden xev recorded %d ButtonPress events", n-lowBefore)
	}
}
