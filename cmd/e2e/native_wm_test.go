package e2e

import (
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/displayserver/feed"
)

// xtermWM runs xterm under mode ("bridge" or "native"), drags its title
// bar by (40, 30) and its bottom-right corner by 10 columns and 3 rows on
// the display, and checks what the program's X server and xterm learned:
// the window's position there (xwininfo) is where the display shows it,
// and the terminal's size (stty size, which xterm sets when it gets
// ConfigureNotify) grew. Under the bridge (ref nil) it returns the
// display's picture of the resized window; natively it waits for that
// picture to equal ref.
func xtermWM(t *testing.T, mode string, ref *image.RGBA) *image.RGBA {
	t.Helper()
	dir := t.TempDir()
	sizeFile := filepath.Join(dir, "size")
	script := fmt.Sprintf(`trap 'stty size > %[1]s' WINCH; stty size > %[1]s; printf 'natx wm\n'; while :; do sleep 1 & wait; done`, sizeFile)
	args := []string{"xterm", "-T", "natxterm", "-geometry", "40x10+50+50", "-e", "sh", "-c", script}
	srv := bridgeStartDisplay(t)
	var xdisplay, xauth string
	if mode == "bridge" {
		b := startBridge(t, srv, args...)
		xdisplay, xauth = b.XDisplay(), b.XAuthority()
	} else {
		xdisplay = startNative(t, srv, nil, args...).XDisplay()
	}
	c := bridgeDialTestDisplay(t, srv)
	r := waitTopLevel(t, c, "xterm window", nil)
	terminalSize := func() string {
		b, _ := os.ReadFile(sizeFile)
		return strings.TrimSpace(string(b))
	}
	bridgeWaitFor(t, 10*time.Second, "the terminal's first size", func() string {
		if got := terminalSize(); got != "10 40" {
			return fmt.Sprintf("stty size says %q", got)
		}
		return ""
	})
	// xpos is where the program's X server has the window's inside.
	xpos := func() (image.Point, string) {
		cmd := exec.Command("xwininfo", "-name", "natxterm")
		cmd.Env = append(os.Environ(), "DISPLAY="+xdisplay)
		if xauth != "" {
			cmd.Env = append(cmd.Env, "XAUTHORITY="+xauth)
		}
		out, err := cmd.CombinedOutput()
		// xwininfo's corner is the border's; the display's rectangle is
		// the inside.
		m := regexp.MustCompile(`Absolute upper-left X:\s+(-?\d+)\s+Absolute upper-left Y:\s+(-?\d+)`).FindSubmatch(out)
		b := regexp.MustCompile(`Border width:\s+(\d+)`).FindSubmatch(out)
		if err != nil || m == nil || b == nil {
			return image.Point{}, fmt.Sprintf("xwininfo: %v\n%s", err, out)
		}
		var p image.Point
		var bw int
		fmt.Sscan(string(m[1]), &p.X)
		fmt.Sscan(string(m[2]), &p.Y)
		fmt.Sscan(string(b[1]), &bw)
		return p.Add(image.Pt(bw, bw)), ""
	}
	drag := func(from, to image.Point) {
		bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: from.X, Y: from.Y})
		bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonDown, X: from.X, Y: from.Y, Button: 1})
		bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: to.X, Y: to.Y})
		bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonUp, X: to.X, Y: to.Y, Button: 1})
	}
	waitDisplay := func(what string, want image.Rectangle) {
		bridgeWaitFor(t, 15*time.Second, what, func() string {
			for _, wr := range displayTopLevels(t, c) {
				if wr == want {
					return ""
				}
			}
			return fmt.Sprintf("the display has %v, want %v", displayTopLevels(t, c), want)
		})
	}

	from := image.Pt(r.Min.X+30, r.Min.Y-12) // the title bar
	drag(from, from.Add(image.Pt(40, 30)))
	r = r.Add(image.Pt(40, 30))
	waitDisplay("xterm moved on the display", r)
	bridgeWaitFor(t, 10*time.Second, "the X server's xterm where the display shows it", func() string {
		p, msg := xpos()
		if msg == "" && p != r.Min {
			msg = fmt.Sprintf("xwininfo says %v, the display %v", p, r.Min)
		}
		return msg
	})

	corner := r.Max.Add(image.Pt(3, 3))
	// Dragged by a little more than 10 columns and 3 rows: the window
	// manager keeps to xterm's size increments (WM_NORMAL_HINTS).
	drag(corner, corner.Add(image.Pt(64, 43)))
	r.Max = r.Max.Add(image.Pt(60, 39))
	waitDisplay("xterm resized on the display by 10 columns and 3 rows", r)
	bridgeWaitFor(t, 10*time.Second, "xterm's new terminal size", func() string {
		if got := terminalSize(); got != "13 50" {
			return fmt.Sprintf("stty size says %q, want 13 50", got)
		}
		return ""
	})
	// The pointer into the window: under Xvfb, whose focus follows the
	// pointer, xterm then draws its focused (filled) cursor, as it does
	// natively, where the display's window manager gave it the focus.
	mid := r.Min.Add(r.Size().Div(2))
	before := bridgeCrop(bridgeSnapshot(t, srv), r)
	bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: mid.X, Y: mid.Y})
	if ref == nil {
		// Under the bridge xterm had no focus until now: wait for its
		// cursor to change, then for the picture to settle.
		bridgeWaitFor(t, 15*time.Second, "xterm's focused cursor", func() string {
			if bridgeDiffCount(bridgeCrop(bridgeSnapshot(t, srv), r), before) == 0 {
				time.Sleep(50 * time.Millisecond)
				return "the picture did not change"
			}
			return ""
		})
		return stablePicture(t, srv, r)
	}
	var got *image.RGBA
	bridgeWaitFor(t, 15*time.Second, "the resized xterm as under the default bridge", func() string {
		got = bridgeCrop(bridgeSnapshot(t, srv), r)
		if n := bridgeDiffCount(got, ref); n != 0 {
			time.Sleep(50 * time.Millisecond)
			return fmt.Sprintf("%d of %d pixels differ", n, r.Dx()*r.Dy())
		}
		return ""
	})
	if t.Failed() {
		bridgeSavePNG(t, "bridge.png", ref)
		bridgeSavePNG(t, "native.png", got)
	}
	return got
}

// stablePicture returns the display's picture of r once two pictures
// 300 ms apart are the same (the program redrew after a change).
func stablePicture(t *testing.T, srv *displayserver.Server, r image.Rectangle) *image.RGBA {
	t.Helper()
	var img *image.RGBA
	prev := bridgeCrop(bridgeSnapshot(t, srv), r)
	bridgeWaitFor(t, 15*time.Second, "a settled picture", func() string {
		time.Sleep(300 * time.Millisecond)
		img = bridgeCrop(bridgeSnapshot(t, srv), r)
		if n := bridgeDiffCount(img, prev); n != 0 {
			prev = img
			return fmt.Sprintf("%d pixels changed", n)
		}
		return ""
	})
	return img
}

// TestNativeXtermMoveResize: a native xterm is moved by its title bar and
// resized by its corner on the display as under the default bridge: its
// X server has it where the display shows it, xterm learns the new size
// (ConfigureNotify: the terminal grows by 10 columns and 3 rows, in whole
// characters as its size hints ask) and redraws to the same picture.
func TestNativeXtermMoveResize(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xterm", "xwininfo")
	ref := xtermWM(t, "bridge", nil)
	xtermWM(t, "native", ref)
}
