package e2e

import (
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/internal/xvfb"
	"github.com/xfar/xfar/xclient/x11bridge"
)

// TestBridgeXlogo: xlogo's window appears on the display pixel-identical
// to what Xvfb shows for it. Started at 0,0, where the display's window
// manager has no room for its title bar and moves it down; the X window
// follows, so that both agree on where it is.
func TestBridgeXlogo(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xlogo")
	srv := bridgeStartDisplay(t)
	b := startBridge(t, srv, "xlogo", "-geometry", "200x150+0+0")
	x := dialBridgeX(t, b)
	c := bridgeDialTestDisplay(t, srv)
	w := waitMirrored(t, srv, x, c, func(w xTopLevel) bool { return w.r.Dx() == 200 && w.r.Dy() == 150 }, 20*time.Second)
	if w.r.Min.Y <= 0 {
		t.Errorf("xlogo's X window still at y=%d: it did not follow the display's window manager", w.r.Min.Y)
	}
}

// TestBridgeXeyesPointer: pointer motion sent through the display server
// moves the X pointer and changes the eyes, and the display shows the
// changed eyes exactly as Xvfb does.
func TestBridgeXeyesPointer(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xeyes")
	srv := bridgeStartDisplay(t)
	b := startBridge(t, srv, "xeyes", "-geometry", "200x200+100+100")
	x := dialBridgeX(t, b)
	c := bridgeDialTestDisplay(t, srv)
	w := waitMirrored(t, srv, x, c, func(w xTopLevel) bool { return w.r.Dx() == 200 }, 20*time.Second)
	root := xproto.Setup(x).DefaultScreen(x).Root
	var prev *image.RGBA
	// Points inside the eyes: xeyes is shaped, and outside its shape the
	// pointer is over the desktop, not xeyes.
	a, z := w.r.Min.Add(image.Pt(w.r.Dx()/4, w.r.Dy()/4+10)), w.r.Max.Sub(image.Pt(w.r.Dx()/4, w.r.Dy()/4+10))
	for i, p := range []image.Point{a, z, a} {
		bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: p.X, Y: p.Y})
		bridgeWaitFor(t, 5*time.Second, fmt.Sprintf("X pointer at %v", p), func() string {
			q, err := xproto.QueryPointer(x, root).Reply()
			if err != nil {
				return err.Error()
			}
			if int(q.RootX) != p.X || int(q.RootY) != p.Y {
				return fmt.Sprintf("X pointer at %d,%d", q.RootX, q.RootY)
			}
			return ""
		})
		var cur *image.RGBA
		bridgeWaitFor(t, 5*time.Second, fmt.Sprintf("eyes redrawn after move %d", i), func() string {
			cur = bridgeCrop(bridgeSnapshot(t, srv), w.r)
			if prev != nil && bridgeDiffCount(cur, prev) == 0 {
				return "display unchanged"
			}
			if n := bridgeMirrorDiff(xScreenshot(t, x, w.r), cur); n != 0 {
				return fmt.Sprintf("%d pixels differ from Xvfb", n)
			}
			return ""
		})
		prev = cur
	}
}

// TestBridgeXtermTyping: typing `echo ok > FILE` and Enter through the
// display server's input path runs the command in xterm's shell. A second
// line types characters the US keyboard map lacks (é, €, λ), which the
// bridge binds to spare keycodes.
func TestBridgeXtermTyping(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xterm")
	srv := bridgeStartDisplay(t)
	file := filepath.Join(t.TempDir(), "typed_OK.txt")
	file2 := filepath.Join(t.TempDir(), "unicode.txt")
	b := startBridge(t, srv, "env", "LC_ALL=C.UTF-8", "xterm", "-u8", "-geometry", "80x24+20+40", "-e", "/bin/sh")
	x := dialBridgeX(t, b)
	c := bridgeDialTestDisplay(t, srv)
	w := waitMirrored(t, srv, x, c, func(w xTopLevel) bool { return w.r.Dx() > 300 }, 20*time.Second)
	at := w.r.Min.Add(w.r.Size().Div(2))
	bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: at.X, Y: at.Y})
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonDown, X: at.X, Y: at.Y, Button: 1})
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonUp, X: at.X, Y: at.Y, Button: 1})
	// Give the shell a moment to print its prompt; keys typed before are
	// kept by the terminal anyway.
	bridgeTypeText(srv, at, "echo ok > "+file+"\n")
	bridgeTypeText(srv, at, "echo é€λ > "+file2+"\n")
	for f, want := range map[string]string{file: "ok\n", file2: "é€λ\n"} {
		bridgeWaitFor(t, 15*time.Second, "file written by the typed command", func() string {
			b, err := os.ReadFile(f)
			if err != nil {
				return err.Error()
			}
			if string(b) != want {
				return fmt.Sprintf("%s holds %q, want %q", f, b, want)
			}
			return ""
		})
	}
}

// TestBridgeXlibDrawing: a small Xlib program's lines, rectangles, arcs and
// text appear on the display exactly as on Xvfb, and its override-redirect
// popup sits at its place, above the window, without a title bar.
func TestBridgeXlibDrawing(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "gcc")
	prog := buildXprog(t, t.TempDir())
	srv := bridgeStartDisplay(t)
	b := startBridge(t, srv, prog, "-popup")
	x := dialBridgeX(t, b)
	c := bridgeDialTestDisplay(t, srv)
	popup := waitMirrored(t, srv, x, c, func(w xTopLevel) bool { return w.override && w.r.Dx() == 120 }, 20*time.Second)
	if popup.r.Min != image.Pt(200, 150) {
		t.Errorf("popup at %v on X, want 200,150", popup.r.Min)
	}
	// The main window's region includes the popup: equal pixels there mean
	// the popup is stacked above the window and undecorated.
	main := waitMirrored(t, srv, x, c, func(w xTopLevel) bool { return w.wmName == "xfar C test" }, 20*time.Second)
	if !popup.r.In(main.r) {
		t.Fatalf("popup %v not inside the main window %v; the test needs it there", popup.r, main.r)
	}
	tree, err := c.QueryTree(c.Root())
	if err != nil {
		t.Fatal(err)
	}
	rects := displayTopLevels(t, c)
	var order []image.Rectangle
	for _, id := range tree.Children {
		if r, ok := rects[id]; ok {
			order = append(order, r)
		}
	}
	if len(order) != 2 || order[0] != main.r || order[1] != popup.r {
		t.Errorf("display stacking (bottom first) %v, want [%v %v]", order, main.r, popup.r)
	}
}

// TestBridgeCloseButton: the display's close button sends WM_DELETE_WINDOW
// to a window that takes it; the program exits and the bridge with it,
// with the program's status.
func TestBridgeCloseButton(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "gcc")
	prog := buildXprog(t, t.TempDir())
	srv := bridgeStartDisplay(t)
	b := startBridge(t, srv, prog)
	x := dialBridgeX(t, b)
	c := bridgeDialTestDisplay(t, srv)
	w := waitMirrored(t, srv, x, c, func(w xTopLevel) bool { return w.wmName == "xfar C test" }, 20*time.Second)
	closeByButton(t, srv, c, w.r, "bridge", b.Wait)
}

// TestBridgeSeveral: several programs under one bridge and several bridges
// on one display are all mirrored, each at its place.
func TestBridgeSeveral(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xlogo", "xeyes", "gcc")
	prog := buildXprog(t, t.TempDir())
	srv := bridgeStartDisplay(t)
	b1 := startBridge(t, srv, "/bin/sh", "-c", "xlogo -geometry 100x100+600+300 & exec xeyes -geometry 150x150+600+40")
	b2 := startBridge(t, srv, prog)
	c := bridgeDialTestDisplay(t, srv)
	x1, x2 := dialBridgeX(t, b1), dialBridgeX(t, b2)
	waitMirrored(t, srv, x1, c, func(w xTopLevel) bool { return w.r.Dx() == 100 }, 20*time.Second)
	waitMirrored(t, srv, x1, c, func(w xTopLevel) bool { return w.r.Dx() == 150 }, 20*time.Second)
	waitMirrored(t, srv, x2, c, func(w xTopLevel) bool { return w.wmName == "xfar C test" }, 20*time.Second)
	if n := len(displayTopLevels(t, c)); n != 3 {
		t.Errorf("display has %d top-level windows, want 3", n)
	}
}

// TestBridgeFollowsWindow: a window's moves, resizes, unmaps, re-maps and
// destruction on the X server are followed on the display, pixels
// included; and dragging its title bar on the display moves the X window.
func TestBridgeFollowsWindow(t *testing.T) {
	bridgeNeedTools(t, "Xvfb")
	srv := bridgeStartDisplay(t)
	b := startBridge(t, srv, "sleep", "3600")
	x := dialBridgeX(t, b)
	c := bridgeDialTestDisplay(t, srv)
	scr := xproto.Setup(x).DefaultScreen(x)
	win, err := xproto.NewWindowId(x)
	if err != nil {
		t.Fatal(err)
	}
	xproto.CreateWindow(x, scr.RootDepth, win, scr.Root, 30, 40, 200, 100, 0,
		xproto.WindowClassInputOutput, scr.RootVisual, xproto.CwBackPixel, []uint32{0x336699})
	title := "follow me"
	xproto.ChangeProperty(x, xproto.PropModeReplace, win, xproto.AtomWmName, xproto.AtomString, 8, uint32(len(title)), []byte(title))
	xproto.MapWindow(x, win)
	gc, _ := xproto.NewGcontextId(x)
	xproto.CreateGC(x, gc, xproto.Drawable(win), xproto.GcForeground, []uint32{0xffcc00})
	draw := func() {
		xproto.PolyFillRectangle(x, xproto.Drawable(win), gc, []xproto.Rectangle{{X: 10, Y: 10, Width: 50, Height: 30}})
		xproto.PolySegment(x, xproto.Drawable(win), gc, []xproto.Segment{{X1: 0, Y1: 99, X2: 199, Y2: 0}})
	}
	draw()
	isWin := func(w xTopLevel) bool { return w.id == win }
	w := waitMirrored(t, srv, x, c, isWin, 20*time.Second)
	if w.r != image.Rect(30, 40, 230, 140) || w.wmName != title {
		t.Errorf("X window %v %q", w.r, w.wmName)
	}

	xproto.ConfigureWindow(x, win, xproto.ConfigWindowX|xproto.ConfigWindowY, []uint32{100, 120})
	w = waitMirrored(t, srv, x, c, isWin, 20*time.Second)
	if w.r.Min != image.Pt(100, 120) {
		t.Errorf("moved X window at %v, want 100,120", w.r.Min)
	}

	xproto.ConfigureWindow(x, win, xproto.ConfigWindowWidth|xproto.ConfigWindowHeight, []uint32{300, 150})
	draw()
	w = waitMirrored(t, srv, x, c, isWin, 20*time.Second)
	if w.r.Size() != image.Pt(300, 150) {
		t.Errorf("resized X window is %v, want 300x150", w.r.Size())
	}

	xproto.UnmapWindow(x, win)
	x.Sync()
	bridgeWaitFor(t, 10*time.Second, "display window unmapped", func() string {
		if n := len(displayTopLevels(t, c)); n != 0 {
			return fmt.Sprintf("%d mapped windows", n)
		}
		return ""
	})
	xproto.MapWindow(x, win)
	w = waitMirrored(t, srv, x, c, isWin, 20*time.Second)

	// Drag the title bar (right above the window) by +40,+30.
	from := image.Pt(w.r.Min.X+30, w.r.Min.Y-12)
	to := from.Add(image.Pt(40, 30))
	bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: from.X, Y: from.Y})
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonDown, X: from.X, Y: from.Y, Button: 1})
	bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: to.X, Y: to.Y})
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonUp, X: to.X, Y: to.Y, Button: 1})
	want := w.r.Min.Add(image.Pt(40, 30))
	w = waitMirrored(t, srv, x, c, func(w xTopLevel) bool { return w.id == win && w.r.Min == want }, 20*time.Second)

	xproto.DestroyWindow(x, win)
	x.Sync()
	bridgeWaitFor(t, 10*time.Second, "display window destroyed", func() string {
		tree, err := c.QueryTree(c.Root())
		if err != nil {
			return err.Error()
		}
		if len(tree.Children) != 0 {
			return fmt.Sprintf("%d windows", len(tree.Children))
		}
		return ""
	})
}

// TestBridgeAttach: attached to an existing X display, the bridge mirrors
// the windows already there and those that come later, and on leaving it
// removes its windows from the display but leaves the X programs running.
func TestBridgeAttach(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xlogo", "xeyes")
	s, err := xvfb.Start(context.Background(), xvfb.Options{Width: 800, Height: 600})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop() })
	run := func(args ...string) *exec.Cmd {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = s.Env()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd
	}
	logo := run("xlogo", "-geometry", "120x120+10+40")
	x, err := x11bridge.DialX(s.Display, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	bridgeWaitFor(t, 10*time.Second, "xlogo mapped", func() string {
		if len(xTopLevels(t, x)) == 0 {
			return "not yet"
		}
		return ""
	})

	srv := bridgeStartDisplay(t)
	c := bridgeDialTestDisplay(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b, err := x11bridge.Start(ctx, x11bridge.Config{Address: srv.TCPAddr().String(), X11: s.Display, Logger: bridgeTestLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	waitMirrored(t, srv, x, c, func(w xTopLevel) bool { return w.r.Dx() == 120 }, 20*time.Second)
	run("xeyes", "-geometry", "150x100+300+40")
	waitMirrored(t, srv, x, c, func(w xTopLevel) bool { return w.r.Dx() == 150 }, 20*time.Second)

	cancel()
	if code, err := b.Wait(); code != 0 || err != nil {
		t.Errorf("bridge ended with %d, %v; want 0, nil", code, err)
	}
	if n := len(displayTopLevels(t, c)); n != 0 {
		t.Errorf("%d windows left on the display", n)
	}
	if logo.ProcessState != nil || syscall.Kill(logo.Process.Pid, 0) != nil {
		t.Errorf("xlogo did not survive the bridge leaving")
	}
}

// TestBridgeDisplayGone: when the display server goes away the bridge
// ends with an error, ending the program and its X server.
func TestBridgeDisplayGone(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xlogo")
	srv := bridgeStartDisplay(t)
	b := startBridge(t, srv, "xlogo")
	x := dialBridgeX(t, b)
	c := bridgeDialTestDisplay(t, srv)
	waitMirrored(t, srv, x, c, func(xTopLevel) bool { return true }, 20*time.Second)
	srv.Close()
	done := make(chan struct{})
	var err error
	go func() { _, err = b.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("bridge still running 10s after the display server closed")
	}
	if err == nil {
		t.Error("bridge ended without an error although the display went away")
	}
	if runningXvfb(b.XDisplay()) {
		t.Errorf("Xvfb %s still running", b.XDisplay())
	}
}
