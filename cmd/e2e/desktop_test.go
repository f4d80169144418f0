package e2e

import (
	"context"
	"fmt"
	"image"
	"io"
	"log/slog"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/viewer/remote"
	"github.com/xfar/xfar/xclient"
)

// deskSetup is a desktop with a displayserver whose window is open on it.
type deskSetup struct {
	d      *deskDesktop
	s      *deskServer
	view   image.Rectangle // the viewer window's inside on the desktop
	viewID string
}

// startDeskSetup starts Xvfb and displayserver on it, and waits for the
// desktop window to show the display.
func startDeskSetup(t *testing.T) *deskSetup {
	t.Helper()
	d := startDesktop(t)
	s := startDeskServer(t, deskEnv(d.env...))
	id, view := d.findWindow(t, fmt.Sprintf("xfar :%d", s.n))
	if view.Dx() != 1280 || view.Dy() != 800 {
		t.Fatalf("viewer window is %dx%d, want the display's 1280x800 at 1:1", view.Dx(), view.Dy())
	}
	return &deskSetup{d: d, s: s, view: view, viewID: fmt.Sprint(id)}
}

// waitSame waits until the viewer window shows exactly what
// /snapshot.png shows, failing after 10 s.
func (ds *deskSetup) waitSame(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		snap := ds.s.snapshot(t)
		shot := ds.d.shot(t, ds.view)
		n, first := deskDiff(snap, shot)
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			deskSave(t, "snapshot", snap)
			deskSave(t, "xvfb", shot)
			t.Fatalf("the desktop window differs from /snapshot.png in %d pixels (first at %v: window %06x, snapshot %06x)",
				n, first, deskPixel(shot, first.X, first.Y), deskPixel(snap, first.X, first.Y))
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// at returns a display position as a desktop position for xdotool.
func (ds *deskSetup) at(p image.Point) (string, string) {
	q := p.Add(ds.view.Min)
	return fmt.Sprint(q.X), fmt.Sprint(q.Y)
}

// click presses and releases button 1 at display position p, holding it
// long enough for the window's input polling to see it.
func (ds *deskSetup) click(t *testing.T, p image.Point) {
	t.Helper()
	x, y := ds.at(p)
	ds.d.xdotool(t, "mousemove", "--sync", x, y)
	time.Sleep(100 * time.Millisecond)
	ds.d.xdotool(t, "mousedown", "1")
	time.Sleep(250 * time.Millisecond)
	ds.d.xdotool(t, "mouseup", "1")
	time.Sleep(100 * time.Millisecond)
}

// drag drags with button 1 from display position a to b in steps.
func (ds *deskSetup) drag(t *testing.T, a, b image.Point) {
	t.Helper()
	x, y := ds.at(a)
	ds.d.xdotool(t, "mousemove", "--sync", x, y)
	time.Sleep(100 * time.Millisecond)
	ds.d.xdotool(t, "mousedown", "1")
	time.Sleep(150 * time.Millisecond)
	for i := 1; i <= 5; i++ {
		p := a.Add(b.Sub(a).Mul(i).Div(5))
		x, y := ds.at(p)
		ds.d.xdotool(t, "mousemove", "--sync", x, y)
		time.Sleep(60 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	ds.d.xdotool(t, "mouseup", "1")
	time.Sleep(100 * time.Millisecond)
}

// runXdemo starts xdemo on the setup's display and returns it with the
// top-left of its window's inside, found in /snapshot.png.
func (ds *deskSetup) runXdemo(t *testing.T) (*deskProc, image.Point) {
	t.Helper()
	p := deskStart(t, deskEnv(), Binary(t, "xdemo"), "--display", fmt.Sprintf(":%d", ds.s.n), "--auth", ds.s.cookie)
	var inside image.Point
	ds.s.waitSnap(t, "xdemo's window with its title bar and line", func(img *image.RGBA) bool {
		tb, ok := findTitleBar(img, 200)
		if !ok {
			return false
		}
		inside = tb.Add(image.Pt(0, deskTitleHeight))
		// The seed program's line from (10,60) to (180,20).
		return deskPixel(img, inside.X+10, inside.Y+60) == 0xffffff && deskPixel(img, inside.X+180, inside.Y+20) == 0xffffff
	})
	return p, inside
}

// findTitleBar finds the top-left of the first title bar w pixels wide.
func findTitleBar(img *image.RGBA, w int) (image.Point, bool) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := deskPixel(img, x, y)
			if c != deskTitleFocused && c != deskTitlePlain {
				continue
			}
			p := image.Pt(x, y)
			if titleBarAt(img, p, w) {
				// Its right end: the title colour stops exactly w pixels on.
				if r := deskPixel(img, x+w-1, y); (r == deskTitleFocused || r == deskTitlePlain) &&
					(x+w >= b.Max.X || (deskPixel(img, x+w, y) != deskTitleFocused && deskPixel(img, x+w, y) != deskTitlePlain)) {
					return p, true
				}
			}
		}
	}
	return image.Point{}, false
}

// TestDesktopWindowShowsDisplay checks the first promise: on a
// desktop, displayserver opens a 1:1 window whose pixels are exactly
// /snapshot.png's, and that follow as clients draw.
func TestDesktopWindowShowsDisplay(t *testing.T) {
	ds := startDeskSetup(t)
	ds.waitSame(t)
	_, inside := ds.runXdemo(t)
	ds.waitSame(t)
	shot := ds.d.shot(t, ds.view)
	if got := deskPixel(shot, inside.X+95, inside.Y+40); got != 0xffffff {
		t.Errorf("xdemo's line pixel on the desktop = %06x, want white", got)
	}
}

// TestDesktopClickDrawsMark clicks inside xdemo's window in the desktop
// window: xdemo must get the press and draw its mark there.
func TestDesktopClickDrawsMark(t *testing.T) {
	ds := startDeskSetup(t)
	_, inside := ds.runXdemo(t)
	p := inside.Add(image.Pt(60, 80))
	ds.click(t, p)
	ds.s.waitSnap(t, "xdemo's mark at the click", func(img *image.RGBA) bool {
		for _, q := range []image.Point{{0, 0}, {-2, -2}, {2, 2}} {
			if deskPixel(img, p.X+q.X, p.Y+q.Y) != 0xffffff {
				return false
			}
		}
		return deskPixel(img, p.X+4, p.Y+4) == 0
	})
	ds.waitSame(t)
}

// TestDesktopTypingReachesClient types into the desktop window and checks
// the keysyms and modifiers a client receives.
func TestDesktopTypingReachesClient(t *testing.T) {
	ds := startDeskSetup(t)
	c, err := xclient.DialAddr("tcp", fmt.Sprintf("127.0.0.1:%d", protocol.TCPBasePort+ds.s.n), xclient.WithAuth(ds.s.cookie))
	if err != nil {
		t.Fatalf("xclient: %v", err)
	}
	defer c.Close()
	win, err := c.CreateWindow(c.Root(), 300, 200, 240, 120, &xclient.WindowOptions{Background: 0x336633,
		EventMask: protocol.KeyPressMask | protocol.StructureNotifyMask})
	if err != nil {
		t.Fatal(err)
	}
	c.SetTitle(win, "typing")
	if err := c.MapWindow(win); err != nil {
		t.Fatal(err)
	}
	c.Flush()
	snap := ds.s.waitSnap(t, "the typing window", func(img *image.RGBA) bool {
		_, ok := findTitleBar(img, 240)
		return ok
	})
	tb, _ := findTitleBar(snap, 240)
	// Click inside to give it the focus, then type with the pointer over
	// it; the desktop's own focus goes to the viewer window.
	ds.click(t, tb.Add(image.Pt(100, 60)))
	ds.d.xdotool(t, "windowfocus", ds.viewID)
	time.Sleep(200 * time.Millisecond)
	ds.d.xdotool(t, "type", "--delay", "250", "aZ!")

	type key struct {
		sym   uint32
		shift bool
		text  string
	}
	want := []key{{'a', false, "a"}, {'Z', true, "Z"}, {'!', true, "!"}}
	var got []key
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for len(got) < len(want) {
		ev, err := c.NextEvent(ctx)
		if err != nil {
			t.Fatalf("waiting for key presses (got %+v): %v", got, err)
		}
		if ev.Code != protocol.KeyPress || ev.Window != uint32(win) {
			continue
		}
		if ev.Keysym == protocol.KeyShiftL || ev.Keysym == protocol.KeyShiftR {
			continue
		}
		got = append(got, key{ev.Keysym, ev.State&protocol.ShiftMask != 0, ev.Text})
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("key %d: got keysym %#x shift %v text %q, want %#x shift %v text %q",
				i, got[i].sym, got[i].shift, got[i].text, want[i].sym, want[i].shift, want[i].text)
		}
	}
}

// TestDesktopWindowManagement drives the window manager through the
// desktop window: dragging xdemo's title bar moves it, clicking another
// window raises that one, and xdemo's close button ends xdemo.
func TestDesktopWindowManagement(t *testing.T) {
	ds := startDeskSetup(t)
	demo, inside := ds.runXdemo(t)
	title := inside.Sub(image.Pt(0, deskTitleHeight))

	// Drag the title bar (away from its text and close button).
	move := image.Pt(300, 200)
	grab := title.Add(image.Pt(120, 12))
	ds.drag(t, grab, grab.Add(move))
	moved := title.Add(move)
	ds.s.waitSnap(t, fmt.Sprintf("xdemo's title bar moved from %v to %v", title, moved), func(img *image.RGBA) bool {
		return titleBarAt(img, moved, 200) && !titleBarAt(img, title, 200) &&
			deskPixel(img, moved.X+95, moved.Y+deskTitleHeight+40) == 0xffffff
	})

	// Another window, overlapping xdemo's right half.
	c, err := xclient.DialAddr("tcp", fmt.Sprintf("127.0.0.1:%d", protocol.TCPBasePort+ds.s.n), xclient.WithAuth(ds.s.cookie))
	if err != nil {
		t.Fatalf("xclient: %v", err)
	}
	defer c.Close()
	other := moved.Add(image.Pt(100, deskTitleHeight+50))
	win, err := c.CreateWindow(c.Root(), other.X, other.Y, 200, 100, &xclient.WindowOptions{Background: 0x00c000})
	if err != nil {
		t.Fatal(err)
	}
	c.SetTitle(win, "other")
	c.MapWindow(win)
	c.Flush()
	overlap := moved.Add(image.Pt(150, deskTitleHeight+80)) // inside both
	ds.s.waitSnap(t, "the new window on top of xdemo", func(img *image.RGBA) bool {
		return deskPixel(img, overlap.X, overlap.Y) == 0x00c000
	})
	// A click on xdemo's visible part raises it over the other window.
	ds.click(t, moved.Add(image.Pt(30, deskTitleHeight+90)))
	ds.s.waitSnap(t, "xdemo raised over the other window", func(img *image.RGBA) bool {
		return deskPixel(img, overlap.X, overlap.Y) != 0x00c000
	})
	// And a click on the other window's visible part raises it back.
	ds.click(t, other.Add(image.Pt(180, 80)))
	ds.s.waitSnap(t, "the other window raised over xdemo", func(img *image.RGBA) bool {
		return deskPixel(img, overlap.X, overlap.Y) == 0x00c000
	})
	ds.waitSame(t)

	// xdemo's close button: the right end of its title bar.
	ds.click(t, moved.Add(image.Pt(200-12, 12)))
	if code := demo.wait(t, 10*time.Second); code != 0 {
		t.Fatalf("xdemo exited with %d after its close button, want 0\n%s", code, demo.err.String())
	}
	if !strings.Contains(demo.err.String(), "close requested") {
		t.Errorf("xdemo did not log a close request:\n%s", demo.err.String())
	}
}

// TestDesktopHeadless runs displayserver with no desktop at all: it must
// start without a panic or an error, serve /snapshot.png and the feed,
// and stop cleanly.
func TestDesktopHeadless(t *testing.T) {
	s := startDeskServer(t, deskEnv())
	img := s.snapshot(t)
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 800 {
		t.Fatalf("snapshot is %v, want 1280x800", b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := remote.Dial(ctx, s.url, s.cookie)
	if err != nil {
		t.Fatalf("remote feed of a headless server: %v", err)
	}
	conn.Close()
	s.stop()
	if s.waitErr != nil {
		t.Errorf("displayserver exit: %v", s.waitErr)
	}
	for _, bad := range []string{"panic", "level=ERROR", "goroutine "} {
		if strings.Contains(s.err.String(), bad) {
			t.Errorf("displayserver's stderr has %q:\n%s", bad, s.err.String())
		}
	}
}

// TestDesktopNoWindowFlag checks that --no-window keeps the desktop free
// of a viewer window even where a desktop exists.
func TestDesktopNoWindowFlag(t *testing.T) {
	d := startDesktop(t)
	s := startDeskServer(t, deskEnv(d.env...), "--no-window")
	s.snapshot(t)
	time.Sleep(time.Second) // give a wrongly started viewer time to appear
	out := strings.TrimSpace(runQuiet(d, "search", "--name", fmt.Sprintf("^xfar :%d$", s.n)))
	if out != "" {
		t.Fatalf("a viewer window appeared despite --no-window: %q", out)
	}
}

// runQuiet runs xdotool and returns its output, ignoring its status
// (search exits 1 when nothing matches).
func runQuiet(d *deskDesktop, args ...string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xdotool", args...)
	cmd.Env = deskEnv(d.env...)
	out, _ := cmd.Output()
	return string(out)
}

// TestXviewRemoteDisplay runs xview by hand against a display server that
// has no window of its own, as a user watches a headless host; when that
// server goes away xview exits 1 and says so.
func TestXviewRemoteDisplay(t *testing.T) {
	d := startDesktop(t)
	srv, err := displayserver.New(displayserver.Config{TCPAddr: "127.0.0.1:0", UnixPath: "none",
		HTTPAddr: "127.0.0.1:0", AuthFile: "none", Width: 640, Height: 480,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv.Handle("/feed", remote.Handler(srv))
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := xclient.DialAddr("tcp", srv.TCPAddr().String(), xclient.WithAuth(srv.Cookie()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	win, _ := c.CreateWindow(c.Root(), 50, 60, 300, 200, &xclient.WindowOptions{Background: 0xc04000})
	c.SetTitle(win, "remote")
	c.MapWindow(win)
	c.Flush()

	xv := deskStart(t, deskEnv(append(d.env, protocol.EnvAuth+"="+srv.Cookie())...), Binary(t, "xview"),
		"--url", "http://"+srv.HTTPAddr().String(), "--title", "remote view")
	_, view := d.findWindow(t, "remote view")
	if view.Dx() != 640 || view.Dy() != 480 {
		t.Fatalf("xview window %v, want 640x480", view)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		snap := srv.Snapshot()
		n, first := deskDiff(snap, d.shot(t, view))
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("xview differs from the display in %d pixels (first at %v)", n, first)
		}
		time.Sleep(150 * time.Millisecond)
	}
	srv.Close()
	if code := xv.wait(t, 10*time.Second); code != 1 {
		t.Fatalf("xview exited %d after the display server went away, want 1", code)
	}
	if !strings.Contains(xv.err.String(), "went away") {
		t.Fatalf("xview did not say the display went away:\n%s", xv.err.String())
	}
}

// TestXviewRefused checks xview's message for a wrong token.
func TestXviewRefused(t *testing.T) {
	d := startDesktop(t)
	s := startDeskServer(t, deskEnv(), "--no-window")
	xv := deskStart(t, deskEnv(d.env...), Binary(t, "xview"), "--url", s.url, "--auth", "wrong")
	if code := xv.wait(t, 20*time.Second); code != 1 {
		t.Fatalf("xview with a wrong token exited %d, want 1", code)
	}
	if msg := xv.err.String(); !strings.Contains(msg, "403") {
		t.Fatalf("xview's message does not say the token was refused:\n%s", msg)
	}
	resp, err := http.Get(s.url + "/feed?token=" + s.cookie)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUpgradeRequired {
		t.Fatalf("plain GET /feed: %s, want 426", resp.Status)
	}
}
