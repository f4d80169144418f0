package e2e

import (
	"fmt"
	"image"
	"testing"
	"time"

	"github.com/jezek/xgb/xfixes"

	"github.com/xfar/xfar/xclient"
	"github.com/xfar/xfar/xclient/x11bridge"
)

// deskCursorName is the name XFixes gives the desktop's current cursor
// ("" for an unnamed one, such as a core font cursor).
func deskCursorName(t *testing.T, ds *deskSetup) string {
	t.Helper()
	r, err := xfixes.GetCursorImageAndName(ds.d.xc).Reply()
	if err != nil {
		t.Fatalf("XFixes GetCursorImageAndName: %v", err)
	}
	return r.Name
}

// TestWMCursorXtermInXview: the desktop viewer (xview, a real window on
// an Xvfb standing in for the desktop) shows the desktop's own I-beam
// over xterm (run by xbridge on the display) and another cursor over the
// display's desktop.
func TestWMCursorXtermInXview(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xterm", "xdotool")
	ds := startDeskSetup(t)
	if err := x11bridge.InitXFixes(ds.d.xc); err != nil {
		t.Fatalf("XFixes: %v", err)
	}
	deskStart(t, deskEnv(), Binary(t, "xbridge"), "--display", fmt.Sprintf(":%d", ds.s.n), "--auth", ds.s.cookie,
		"--", "xterm", "-geometry", "60x10+100+100")
	c, err := xclient.Dial(fmt.Sprintf("127.0.0.1:%d", ds.s.n), xclient.WithAuth(ds.s.cookie))
	if err != nil {
		t.Fatalf("dial the display: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	var term image.Rectangle
	bridgeWaitFor(t, 20*time.Second, "xterm on the display", func() string {
		for _, r := range displayTopLevels(t, c) {
			if r.Dx() > 200 {
				term = r
				return ""
			}
		}
		return "not yet"
	})
	moveTo := func(p image.Point) {
		x, y := ds.at(p)
		ds.d.xdotool(t, "mousemove", "--sync", x, y)
	}
	wantCursor := func(what string, ok func(string) bool) {
		t.Helper()
		bridgeWaitFor(t, 10*time.Second, what, func() string {
			if n := deskCursorName(t, ds); !ok(n) {
				return fmt.Sprintf("the desktop's cursor is %q", n)
			}
			return ""
		})
	}
	// Ebitengine (GLFW) loads its text cursor from the desktop's cursor
	// theme by X's name for it, "xterm".
	isIBeam := func(n string) bool { return n == "xterm" }
	mid := term.Min.Add(term.Size().Div(2))
	moveTo(mid)
	wantCursor("the I-beam over xterm in the viewer", isIBeam)
	moveTo(image.Pt(1200, 700))
	wantCursor("another cursor over the display's desktop", func(n string) bool { return !isIBeam(n) })
	moveTo(mid.Add(image.Pt(7, 0)))
	wantCursor("the I-beam again", isIBeam)
}
