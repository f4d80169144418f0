package e2e

import (
	"fmt"
	"image"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/xclient/x11bridge"
)

// waitOutput waits until out holds the line last and returns everything
// printed until then.
func waitOutput(t *testing.T, out *SyncBuffer, last string, d time.Duration) string {
	t.Helper()
	var got string
	bridgeWaitFor(t, d, fmt.Sprintf("%q in the program's output", last), func() string {
		got = out.String()
		if !strings.Contains(got, last+"\n") {
			return fmt.Sprintf("output so far:\n%s", got)
		}
		return ""
	})
	return got[:strings.Index(got, last+"\n")+len(last)+1]
}

// TestNativeCopyExposuresWarpReparent: an Xlib program's copies with
// graphics-exposures on get the same GraphicsExpose and NoExpose events
// natively as under the default bridge's Xvfb (areas from outside the
// source, from under a child, from past a pixmap's corner); WarpPointer
// to a window, relative and into a child moves the pointer QueryPointer
// reports the same way; ReparentWindow into a sibling gives the same
// ReparentNotify, tree and coordinates.
func TestNativeCopyExposuresWarpReparent(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "gcc")
	prog := buildNativeProg(t, t.TempDir())
	xvfbOut := &SyncBuffer{}
	srv := bridgeStartDisplay(t)
	RunBridge(t, x11bridge.Config{Address: srv.TCPAddr().String(), Command: []string{prog, "events"},
		Logger: bridgeTestLogger(t), Stdout: xvfbOut, Stderr: os.Stderr})
	want := waitOutput(t, xvfbOut, "done", 20*time.Second)
	for _, line := range []string{"off the right edge: GraphicsExpose", "under a child: GraphicsExpose", "inside: NoExpose",
		"pointer at 37,41", "pointer at 42,35", "in the child yes", "ReparentNotify: parent is a yes"} {
		if !strings.Contains(want, line) {
			t.Fatalf("under Xvfb the program printed no %q: the test's expectations are wrong:\n%s", line, want)
		}
	}
	nsrv := bridgeStartDisplay(t)
	out := &SyncBuffer{}
	startNative(t, nsrv, out, prog, "events")
	got := waitOutput(t, out, "done", 20*time.Second)
	if got != want {
		t.Errorf("natively the program printed\n%s\nunder Xvfb\n%s", got, want)
	}
}

// TestNativeFillStyles: an Xlib program drawing lines, arcs, polygons and
// text with FillTiled, FillStippled and FillOpaqueStippled, and windows
// with a background pixmap and ParentRelative backgrounds (one under the
// tiled window, one under a plain one), looks the same natively as under
// Xvfb; over its windows with a cursor made from two bitmaps
// (XCreatePixmapCursor) and with the cursor font's gumby (no CSS name)
// the display shows the same cursor image, hot spot and colours in both.
func TestNativeFillStyles(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "gcc")
	prog := buildNativeProg(t, t.TempDir())
	xvfbOut := &SyncBuffer{}
	srv := bridgeStartDisplay(t)
	b := RunBridge(t, x11bridge.Config{Address: srv.TCPAddr().String(), Command: []string{prog, "fill"},
		Logger: bridgeTestLogger(t), Stdout: xvfbOut, Stderr: os.Stderr})
	waitOutput(t, xvfbOut, "drawn", 20*time.Second)
	x := dialBridgeX(t, b)
	c := bridgeDialTestDisplay(t, srv)
	w := waitMirrored(t, srv, x, c, func(w xTopLevel) bool { return w.wmName == "natx fill" }, 20*time.Second)
	ref := xScreenshot(t, x, w.r)
	// The child with the pixmap cursor is at 150,140 (60x40) in the window.
	inCursorChild := image.Pt(170, 160)
	refCursor := pixmapCursorAt(t, srv, w.r.Min.Add(inCursorChild))
	inGumbyChild := image.Pt(260, 170)
	refGumby := fontCursorAt(t, srv, w.r.Min.Add(inGumbyChild))

	nsrv := bridgeStartDisplay(t)
	out := &SyncBuffer{}
	startNative(t, nsrv, out, prog, "fill")
	waitOutput(t, out, "drawn", 20*time.Second)
	r := waitNative(t, nsrv, ref, 20*time.Second)
	for _, cc := range []struct {
		what string
		at   image.Point
		ref  feed.Cursor
		get  func(*testing.T, *displayserver.Server, image.Point) feed.Cursor
	}{{"pixmap cursor", inCursorChild, refCursor, pixmapCursorAt}, {"cursor font's gumby", inGumbyChild, refGumby, fontCursorAt}} {
		got := cc.get(t, nsrv, r.Min.Add(cc.at))
		if got.Size != cc.ref.Size || got.Hot != cc.ref.Hot || !slices.Equal(got.Pix, cc.ref.Pix) {
			t.Errorf("%s: natively %v hot %v %x, under Xvfb %v hot %v %x", cc.what, got.Size, got.Hot, got.Pix, cc.ref.Size, cc.ref.Hot, cc.ref.Pix)
		}
	}
}

// fontCursorAt moves the display's pointer to p and returns the image
// cursor the display shows there, once it shows one other than the fill
// program's 8x8 pixmap cursor (the cursor font's gumby, which has no CSS
// name).
func fontCursorAt(t *testing.T, srv *displayserver.Server, p image.Point) feed.Cursor {
	t.Helper()
	cursor := watchCursor(t, srv)
	var c feed.Cursor
	i := 0
	bridgeWaitFor(t, 15*time.Second, fmt.Sprintf("a font image cursor at %v", p), func() string {
		jiggle(srv, p, &i)
		if c = cursor(); c.Size == (image.Point{}) || c.Size == image.Pt(8, 8) {
			time.Sleep(100 * time.Millisecond)
			return fmt.Sprintf("the display shows %q (image %v)", c.Name, c.Size)
		}
		return ""
	})
	return c
}

// pixmapCursorAt moves the display's pointer to p and returns the image
// cursor the display shows there, once it shows an 8x8 one (the fill
// program's).
func pixmapCursorAt(t *testing.T, srv *displayserver.Server, p image.Point) feed.Cursor {
	t.Helper()
	cursor := watchCursor(t, srv)
	var c feed.Cursor
	i := 0
	bridgeWaitFor(t, 15*time.Second, fmt.Sprintf("an 8x8 image cursor at %v", p), func() string {
		jiggle(srv, p, &i)
		if c = cursor(); c.Size != image.Pt(8, 8) {
			time.Sleep(100 * time.Millisecond)
			return fmt.Sprintf("the display shows %q (image %v)", c.Name, c.Size)
		}
		return ""
	})
	return c
}
