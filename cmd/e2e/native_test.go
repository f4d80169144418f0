package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
	"github.com/xfar/xfar/xclient/x11native"
)

// Tests of xbridge --native: real X programs on the X server inside the
// bridge (package x11native), no Xvfb, against a real display server. The
// reference picture of each is the same program under the default bridge
// (Xvfb), read from Xvfb itself.

// startNative runs command on a native X server drawing on srv.
func startNative(t *testing.T, srv *displayserver.Server, stdout *SyncBuffer, command ...string) *x11native.Session {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg := x11native.SessionConfig{Address: srv.TCPAddr().String(), Command: command,
		Logger: bridgeTestLogger(t), Stderr: os.Stderr}
	if stdout != nil {
		cfg.Stdout = stdout
	}
	s, err := x11native.StartSession(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatalf("start native session: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		awaitEnd(t, "native session", func() { s.Wait() })
	})
	return s
}

// xvfbReference runs command under the default bridge and returns the
// picture Xvfb shows of its window (the one want picks), once the display
// mirrors it exactly. before, if set, runs first (to move the pointer,
// say) with the window's rectangle on the display, and must change the
// picture.
func xvfbReference(t *testing.T, want func(xTopLevel) bool, before func(srv *displayserver.Server, r image.Rectangle), command ...string) *image.RGBA {
	t.Helper()
	srv := bridgeStartDisplay(t)
	b := startBridge(t, srv, command...)
	x := dialBridgeX(t, b)
	c := bridgeDialTestDisplay(t, srv)
	return mirroredAfter(t, srv, x, c, want, before, func(r image.Rectangle) *image.RGBA { return xScreenshot(t, x, r) })
}

// mirroredAfter waits until the display mirrors the window want picks
// and returns shot of its rectangle; with before set it runs before and,
// as what before does reaches the program through XTEST and its redraw
// comes later, waits for a mirrored picture that changed and stays (two
// pictures 200 ms apart the same).
func mirroredAfter(t *testing.T, srv *displayserver.Server, x *xgb.Conn, c *xclient.Conn, want func(xTopLevel) bool,
	before func(srv *displayserver.Server, r image.Rectangle), shot func(image.Rectangle) *image.RGBA) *image.RGBA {
	t.Helper()
	w := waitMirrored(t, srv, x, c, want, 20*time.Second)
	img := shot(w.r)
	if before == nil {
		return img
	}
	prev := img
	before(srv, w.r)
	deadline := time.Now().Add(20 * time.Second)
	for {
		time.Sleep(200 * time.Millisecond)
		w = waitMirrored(t, srv, x, c, want, 20*time.Second)
		next := shot(w.r)
		if bridgeDiffCount(next, prev) > 0 && bridgeDiffCount(next, img) == 0 {
			return next
		}
		img = next
		if time.Now().After(deadline) {
			t.Fatalf("the program's window did not change and settle after the input before the reference picture")
		}
	}
}

// waitNative waits until the display shows a top-level window of ref's
// size whose pixels equal ref, and returns its rectangle.
func waitNative(t *testing.T, srv *displayserver.Server, ref *image.RGBA, d time.Duration) image.Rectangle {
	t.Helper()
	return waitNativeNear(t, srv, ref, 0, d)
}

// waitTopLevel waits until the display has a top-level window that match
// accepts (any, when match is nil) and returns its rectangle.
func waitTopLevel(t *testing.T, c *xclient.Conn, what string, match func(image.Rectangle) bool) image.Rectangle {
	t.Helper()
	var r image.Rectangle
	bridgeWaitFor(t, 20*time.Second, what, func() string {
		for _, wr := range displayTopLevels(t, c) {
			if match == nil || match(wr) {
				r = wr
				return ""
			}
		}
		return "none yet"
	})
	return r
}

// waitNativeNear is waitNative allowing up to maxDiff differing pixels.
func waitNativeNear(t *testing.T, srv *displayserver.Server, ref *image.RGBA, maxDiff int, d time.Duration) image.Rectangle {
	t.Helper()
	r, msg := matchNative(t, srv, ref, maxDiff, d)
	if msg != "" {
		t.Fatal(msg)
	}
	return r
}

// TestNativeXlibDrawing: the seed's Xlib program (lines, rectangles, an
// arc, text in the core font "fixed") draws the same pixels natively as
// under Xvfb, and its exit status is the session's.
func TestNativeXlibDrawing(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "gcc")
	prog := buildXprog(t, t.TempDir())
	ref := xvfbReference(t, func(w xTopLevel) bool { return w.wmName == "xfar C test" }, nil, prog)
	srv := bridgeStartDisplay(t)
	s := startNative(t, srv, nil, prog, "-exit", "1500", "7")
	waitNative(t, srv, ref, 20*time.Second)
	code, err := s.Wait()
	if err != nil || code != 7 {
		t.Errorf("session ended with %d, %v; want the program's status 7", code, err)
	}
}

// TestNativeXlogo: xlogo's window natively is pixel-identical to Xvfb's.
func TestNativeXlogo(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xlogo")
	args := []string{"xlogo", "-geometry", "200x150+30+40"}
	ref := xvfbReference(t, func(w xTopLevel) bool { return w.r.Dx() == 200 && w.r.Dy() == 150 }, nil, args...)
	srv := bridgeStartDisplay(t)
	startNative(t, srv, nil, args...)
	waitNative(t, srv, ref, 20*time.Second)
}

// TestNativeXeyes: with the pointer at the same place relative to its
// window, xeyes natively looks exactly as under Xvfb; moving the pointer
// redraws the eyes.
func TestNativeXeyes(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xeyes")
	args := []string{"xeyes", "+shape", "+render", "+present", "-geometry", "200x200+100+100"}
	pointAt := func(srv *displayserver.Server, r image.Rectangle) {
		p := r.Min.Add(image.Pt(5, 190))
		bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: p.X, Y: p.Y})
	}
	ref := xvfbReference(t, func(w xTopLevel) bool { return w.r.Dx() == 200 && w.r.Dy() == 200 }, pointAt, args...)
	srv := bridgeStartDisplay(t)
	startNative(t, srv, nil, args...)
	c := bridgeDialTestDisplay(t, srv)
	r := waitTopLevel(t, c, "xeyes window", func(wr image.Rectangle) bool { return wr.Dx() == 200 })
	before := bridgeCrop(bridgeSnapshot(t, srv), r)
	pointAt(srv, r)
	waitNative(t, srv, ref, 20*time.Second)
	if bridgeDiffCount(before, ref) == 0 {
		t.Errorf("the eyes looked the same before the pointer moved: the test shows nothing")
	}
}

// TestNativeClickReachesProgram: a click on xev's window through the
// display's input path arrives at xev as ButtonPress and ButtonRelease
// at the right window coordinates.
func TestNativeClickReachesProgram(t *testing.T) {
	if _, err := os.Stat("/usr/bin/xev"); err != nil {
		t.Fatalf("xev is not installed (Debian package x11-utils)")
	}
	srv := bridgeStartDisplay(t)
	out := &SyncBuffer{}
	startNative(t, srv, out, "xev", "-geometry", "200x200+200+150")
	c := bridgeDialTestDisplay(t, srv)
	var r image.Rectangle
	bridgeWaitFor(t, 20*time.Second, "xev window", func() string {
		for _, wr := range displayTopLevels(t, c) {
			if wr.Dx() == 200 {
				r = wr
			}
		}
		if r.Empty() {
			return "none yet"
		}
		if !strings.Contains(out.String(), "Expose event") {
			return "xev has not seen Expose yet"
		}
		return ""
	})
	p := r.Min.Add(image.Pt(150, 120))
	bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: p.X, Y: p.Y})
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonDown, X: p.X, Y: p.Y, Button: 1})
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonUp, X: p.X, Y: p.Y, Button: 1})
	// xev's outer window has a 4-pixel border inside the display's frame:
	// coordinates are those of the interior.
	want := fmt.Sprintf("(150,120), root:(%d,%d)", p.X, p.Y)
	bridgeWaitFor(t, 10*time.Second, "ButtonPress and ButtonRelease in xev's output", func() string {
		o := out.String()
		press := strings.Index(o, "ButtonPress event")
		release := strings.Index(o, "ButtonRelease event")
		if press < 0 || release < press {
			return "not yet"
		}
		// Each event's own block: the press's, then the release's.
		for _, ev := range []struct{ what, block string }{{"press", o[press:release]}, {"release", o[release:]}} {
			if !strings.Contains(ev.block, want) || !strings.Contains(ev.block, "button 1") {
				return fmt.Sprintf("%s without %q and button 1:\n%.600s", ev.what, want, ev.block)
			}
		}
		return ""
	})
}

// TestNativeXtermTyping: typing a shell command through the display's
// input path into xterm on the native server runs it.
func TestNativeXtermTyping(t *testing.T) {
	bridgeNeedTools(t, "xterm")
	srv := bridgeStartDisplay(t)
	file := filepath.Join(t.TempDir(), "typed_OK.txt")
	startNative(t, srv, nil, "xterm", "-geometry", "80x24+20+40", "-e", "/bin/sh")
	c := bridgeDialTestDisplay(t, srv)
	r := waitTopLevel(t, c, "xterm window", func(wr image.Rectangle) bool { return wr.Dx() > 300 })
	at := r.Min.Add(r.Size().Div(2))
	bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: at.X, Y: at.Y})
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonDown, X: at.X, Y: at.Y, Button: 1})
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonUp, X: at.X, Y: at.Y, Button: 1})
	bridgeTypeText(srv, at, "echo OK > "+file+"\n")
	bridgeWaitFor(t, 15*time.Second, "file written by the typed command", func() string {
		b, err := os.ReadFile(file)
		if err != nil {
			return err.Error()
		}
		if string(b) != "OK\n" {
			return fmt.Sprintf("%s holds %q, want %q", file, b, "OK\n")
		}
		return ""
	})
}

// TestNativeXcalc: xcalc (Athena widgets, core fonts) natively is
// pixel-identical to Xvfb, also after a click on its "4" key (which
// then shows 4, the key highlighted under the pointer).
func TestNativeXcalc(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xcalc")
	args := []string{"xcalc", "-geometry", "+40+40"}
	// The "4" key of xcalc's default layout, relative to the window.
	four := image.Pt(70, 310)
	click := func(srv *displayserver.Server, r image.Rectangle) {
		p := r.Min.Add(four)
		bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: p.X, Y: p.Y})
		bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonDown, X: p.X, Y: p.Y, Button: 1})
		bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonUp, X: p.X, Y: p.Y, Button: 1})
	}
	isCalc := func(w xTopLevel) bool { return w.r.Dx() > 150 && w.r.Dy() > 300 }
	plain := xvfbReference(t, isCalc, nil, args...)
	clicked := xvfbReference(t, isCalc, click, args...)
	if bridgeDiffCount(plain, clicked) == 0 {
		t.Fatalf("clicking at %v changed nothing under Xvfb: the test shows nothing", four)
	}
	srv := bridgeStartDisplay(t)
	startNative(t, srv, nil, args...)
	r := waitNative(t, srv, plain, 20*time.Second)
	click(srv, r)
	waitNative(t, srv, clicked, 20*time.Second)
}

// TestNativeX11perf: x11perf's line, rectangle, segment and
// window-to-window copy tests run to completion natively.
func TestNativeX11perf(t *testing.T) {
	bridgeNeedTools(t, "x11perf")
	srv := bridgeStartDisplay(t)
	out := &SyncBuffer{}
	s := startNative(t, srv, out, "x11perf", "-repeat", "1", "-reps", "3000",
		"-line10", "-rect10", "-orect10", "-seg10", "-copywinwin10")
	code, err := s.Wait()
	if err != nil || code != 0 {
		t.Fatalf("x11perf ended with %d, %v:\n%s", code, err, out.String())
	}
	for _, want := range []string{"10-pixel line", "10x10 rectangle", "10x10 rectangle outline",
		"10-pixel line segment", "Copy 10x10 from window to window"} {
		if !strings.Contains(out.String(), "reps @") || !strings.Contains(out.String(), want) {
			t.Errorf("x11perf output lacks a result for %q:\n%s", want, out.String())
		}
	}
}

// TestNativeCloseButton: the display's close button reaches the program
// as WM_DELETE_WINDOW; it exits, the session with its status, and its
// window leaves the display.
func TestNativeCloseButton(t *testing.T) {
	bridgeNeedTools(t, "gcc")
	prog := buildXprog(t, t.TempDir())
	srv := bridgeStartDisplay(t)
	s := startNative(t, srv, nil, prog)
	c := bridgeDialTestDisplay(t, srv)
	r := waitTopLevel(t, c, "xprog window", func(wr image.Rectangle) bool { return wr.Dx() == 300 && wr.Dy() == 200 })
	closeByButton(t, srv, c, r, "session", s.Wait)
}

// TestNativeXmessage: xmessage (Athena widgets; its buttons are shaped
// as rounded rectangles with SHAPE, its text's inactive insert cursor is
// a FillStippled rectangle) natively is pixel-identical to Xvfb.
func TestNativeXmessage(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xmessage")
	args := []string{"xmessage", "-geometry", "+40+40", "-buttons", "okay,cancel", "hello from xfar"}
	isMsg := func(w xTopLevel) bool { return w.r.Dx() > 50 && w.r.Dy() > 30 }
	ref := xvfbReference(t, isMsg, nil, args...)
	srv := bridgeStartDisplay(t)
	startNative(t, srv, nil, args...)
	waitNative(t, srv, ref, 20*time.Second)
}

// TestNativeXedit: xedit (Athena: its scrollbars are PolyFillRectangles
// with a FillTiled GC, its buttons and text panes core text) natively
// matches Xvfb but for at most one pixel in 120000: one corner pixel of
// the text pane's GXxor insert-cursor outline (PolyRectangle) comes out
// flipped natively: X.Org omits a closed thin polyline's closing point
// only through a one-rectangle clip, and under Xvfb the pane's clip is
// cut by its scrollbar child; the display does not clip drawing by
// children, its clip is one rectangle, and it draws the corner once.
// Without tiles 1141 pixels differ.
func TestNativeXedit(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xedit")
	args := []string{"xedit", "-geometry", "400x300+40+40"}
	isEdit := func(w xTopLevel) bool { return w.r.Dx() == 400 && w.r.Dy() == 300 }
	ref := xvfbReference(t, isEdit, nil, args...)
	srv := bridgeStartDisplay(t)
	startNative(t, srv, nil, args...)
	waitNativeNear(t, srv, ref, 1, 20*time.Second)
}

// TestNativeSelections: the X selections of the native server are xfar's
// clipboard, both ways. A word double-clicked in a native xterm (xterm
// takes PRIMARY) is read by a Go program on the display through xclient
// and by xclip on the native server (routed there between X clients);
// text a Go program puts on the display's CLIPBOARD is what xclip -o reads
// natively.
func TestNativeSelections(t *testing.T) {
	bridgeNeedTools(t, "xterm", "xclip")
	srv := bridgeStartDisplay(t)
	s := startNative(t, srv, nil, "xterm", "-geometry", "40x5+0+0", "-e", "sh", "-c", "printf xfarsel42; sleep 120")
	c := bridgeDialTestDisplay(t, srv)
	r := waitTopLevel(t, c, "xterm window", nil)
	xclipOut := func(sel string) (string, error) {
		cmd := exec.Command("xclip", "-o", "-selection", sel)
		cmd.Env = append(os.Environ(), "DISPLAY="+s.XDisplay())
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			err = fmt.Errorf("%w: %s", err, stderr.String())
		}
		return string(out), err
	}
	// The word's third character, in xterm's first line.
	p := r.Min.Add(image.Pt(4+2*6+3, 4+6))
	bridgeWaitFor(t, 30*time.Second, "the word xterm selected on the display's PRIMARY", func() string {
		bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: p.X, Y: p.Y})
		for range 2 {
			bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonDown, X: p.X, Y: p.Y, Button: 1})
			bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonUp, X: p.X, Y: p.Y, Button: 1})
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		got, err := c.ReadSelection(ctx, protocol.Primary, protocol.MimeText)
		if err != nil || string(got) != "xfarsel42" {
			time.Sleep(500 * time.Millisecond)
			return fmt.Sprintf("read %q, %v", got, err)
		}
		return ""
	})
	if got, err := xclipOut("primary"); err != nil || got != "xfarsel42" {
		t.Errorf("xclip -o natively read PRIMARY %q, %v; want xterm's xfarsel42", got, err)
	}
	if err := c.SetClipboardText("from xfar, ünïcode"); err != nil {
		t.Fatal(err)
	}
	bridgeWaitFor(t, 10*time.Second, "xclip -o reading the display's CLIPBOARD natively", func() string {
		got, err := xclipOut("clipboard")
		if err != nil || got != "from xfar, ünïcode" {
			return fmt.Sprintf("read %q, %v", got, err)
		}
		return ""
	})
}
