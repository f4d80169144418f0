package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/xclient/x11bridge"
)

// bridgeX runs an X tool (xprop, xdotool, wmctrl) against the bridge's
// private X server.
func bridgeX(t *testing.T, b *x11bridge.Bridge, tool string, args ...string) string {
	t.Helper()
	bridgeNeedTools(t, tool)
	cmd := exec.Command(tool, args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+b.XDisplay(), "XAUTHORITY="+b.XAuthority())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, out)
	}
	return string(out)
}

// waitTitle waits until the display's window list shows want as the title
// of the window whose inside is at the X window's place.
func waitTitle(t *testing.T, srv *displayserver.Server, w xTopLevel, want string) {
	t.Helper()
	bridgeWaitFor(t, 10*time.Second, fmt.Sprintf("title %q", want), func() string {
		for _, info := range srv.Windows() {
			if info.Rect == w.r {
				if info.Title != want {
					return fmt.Sprintf("title is %q", info.Title)
				}
				return ""
			}
		}
		return fmt.Sprintf("no display window at %v in %v", w.r, srv.Windows())
	})
}

// TestWMTitleFallbacks: a bridged window's title is _NET_WM_NAME, then
// WM_NAME, then the WM_CLASS class, then the command, as its properties
// come and go inside the private X server.
func TestWMTitleFallbacks(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xlogo", "xprop")
	srv := bridgeStartDisplay(t)
	b := startBridge(t, srv, "xlogo", "-geometry", "120x100+300+200")
	x := dialBridgeX(t, b)
	c := bridgeDialTestDisplay(t, srv)
	w := waitMirrored(t, srv, x, c, func(w xTopLevel) bool { return w.r.Dx() == 120 }, 20*time.Second)
	id := strconv.Itoa(int(w.id))
	waitTitle(t, srv, w, "xlogo") // WM_NAME, as Xt sets it
	bridgeX(t, b, "xprop", "-id", id, "-f", "_NET_WM_NAME", "8u", "-set", "_NET_WM_NAME", "Logo ✓")
	waitTitle(t, srv, w, "Logo ✓")
	bridgeX(t, b, "xprop", "-id", id, "-remove", "_NET_WM_NAME")
	bridgeX(t, b, "xprop", "-id", id, "-remove", "WM_NAME")
	waitTitle(t, srv, w, "XLogo")
	bridgeX(t, b, "xprop", "-id", id, "-remove", "WM_CLASS")
	waitTitle(t, srv, w, "xlogo") // WM_COMMAND's argv[0], or the process
}
