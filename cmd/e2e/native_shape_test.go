package e2e

import (
	"fmt"
	"image"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/displayserver/feed"
)

// Tests of the SHAPE extension in xbridge --native: a shaped program's
// window on the display is compared with the same program's under the
// default bridge as the display shows it (Xvfb's own picture has its
// black root where the display shows the desktop).

// displayReference runs command under the default bridge and returns the
// display's picture of its window (the one want picks) once the display
// mirrors Xvfb exactly (outside a shape: the desktop).
func displayReference(t *testing.T, want func(xTopLevel) bool, before func(srv *displayserver.Server, r image.Rectangle), command ...string) *image.RGBA {
	t.Helper()
	srv := bridgeStartDisplay(t)
	b := startBridge(t, srv, command...)
	x := dialBridgeX(t, b)
	c := bridgeDialTestDisplay(t, srv)
	return mirroredAfter(t, srv, x, c, want, before, func(r image.Rectangle) *image.RGBA { return bridgeCrop(bridgeSnapshot(t, srv), r) })
}

// desktopAt checks that the display shows the desktop at the points of r
// (window coordinates) in img, the window's picture: the shape lets it
// through there.
func desktopAt(t *testing.T, img *image.RGBA, pts ...image.Point) {
	t.Helper()
	for _, p := range pts {
		p = p.Add(img.Bounds().Min)
		if got := img.RGBAAt(p.X, p.Y); got != desktopRGB {
			bridgeSavePNG(t, "shaped.png", img)
			t.Errorf("window pixel %v is %v, want the desktop %v: the window is not shaped there", p.Sub(img.Bounds().Min), got, desktopRGB)
		}
	}
}

// corners are points just inside the corners of a w x h window.
func corners(w, h int) []image.Point {
	return []image.Point{{1, 1}, {w - 2, 1}, {1, h - 2}, {w - 2, h - 2}}
}

// TestNativeXeyesShaped: xeyes with its default shaped window (two
// ellipses, set with ShapeMask from a bitmap) natively: the desktop shows
// around the eyes and the eyes are pixel-identical to the default
// bridge's, with the pointer at the same place relative to the window.
func TestNativeXeyesShaped(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xeyes")
	args := []string{"xeyes", "+render", "+present", "-geometry", "200x160+100+100"}
	pointAt := func(srv *displayserver.Server, r image.Rectangle) {
		p := r.Min.Add(image.Pt(60, 40)) // inside the left eye: the pointer must be in the shape to reach Xvfb
		bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: p.X, Y: p.Y})
	}
	is := func(w xTopLevel) bool { return w.r.Dx() == 200 && w.r.Dy() == 160 }
	ref := displayReference(t, is, pointAt, args...)
	desktopAt(t, ref, corners(200, 160)...)
	srv := bridgeStartDisplay(t)
	startNative(t, srv, nil, args...)
	c := bridgeDialTestDisplay(t, srv)
	r := waitTopLevel(t, c, "xeyes window", func(wr image.Rectangle) bool { return wr.Dx() == 200 })
	pointAt(srv, r)
	waitNative(t, srv, ref, 20*time.Second)
	desktopAt(t, bridgeCrop(bridgeSnapshot(t, srv), r), corners(200, 160)...)
}

// sameMinute runs check, which compares a clock natively with the
// default bridge's, again if it failed: the hands may have moved between
// the two pictures. A clock drawn wrongly fails every attempt; three
// attempts need the minute to turn three times at the wrong moment.
func sameMinute(t *testing.T, check func() string) {
	t.Helper()
	var msg string
	for attempt := 0; attempt < 3; attempt++ {
		if msg = check(); msg == "" {
			return
		}
		t.Logf("attempt %d: %s", attempt+1, msg)
	}
	t.Fatal(msg)
}

// clockCheck compares command's window natively with the default
// bridge's; it reports a difference instead of failing, for sameMinute.
func clockCheck(t *testing.T, w, h int, command ...string) func() string {
	return func() string {
		is := func(x xTopLevel) bool { return x.r.Dx() == w && x.r.Dy() == h }
		ref := displayReference(t, is, nil, command...)
		srv := bridgeStartDisplay(t)
		startNative(t, srv, nil, command...)
		_, msg := matchNative(t, srv, ref, 0, 20*time.Second)
		return msg
	}
}

// TestNativeXclock: xclock natively, analog (its default) and digital
// (with a fixed text), draws the same pixels as under the default bridge. RENDER is absent
// natively, so xclock draws with the core protocol; -norender makes it
// do so under Xvfb too.
func TestNativeXclock(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xclock")
	t.Run("analog", func(t *testing.T) {
		sameMinute(t, clockCheck(t, 164, 164, "xclock", "-norender", "-geometry", "164x164+50+50"))
	})
	t.Run("digital", func(t *testing.T) {
		// A fixed text (-strftime without conversions): the digital face
		// drawn the same way, without the time changing between the two
		// pictures (1 run in 19 under load caught the minute turning).
		if msg := clockCheck(t, 300, 40, "xclock", "-digital", "-norender", "-strftime", "Tue Dec  1 18:57:00 2026",
			"-geometry", "300x40+50+50")(); msg != "" {
			t.Fatal(msg)
		}
	})
}

// TestNativeOclock: oclock (round, shaped with ShapeMask, its hands drawn
// on a transparent face) natively is pixel-identical to the default
// bridge's, the desktop at its corners.
func TestNativeOclock(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "oclock")
	args := []string{"oclock", "-geometry", "120x120+50+50"}
	sameMinute(t, func() string {
		is := func(x xTopLevel) bool { return x.r.Dx() == 120 && x.r.Dy() == 120 }
		ref := displayReference(t, is, nil, args...)
		desktopAt(t, ref, corners(120, 120)...)
		srv := bridgeStartDisplay(t)
		startNative(t, srv, nil, args...)
		_, msg := matchNative(t, srv, ref, 0, 20*time.Second)
		return msg
	})
}

// matchNative waits until the display shows a top-level window of ref's
// size whose pixels equal ref but for maxDiff; it returns the window's
// rectangle, or what differed at the deadline (saving both pictures).
func matchNative(t *testing.T, srv *displayserver.Server, ref *image.RGBA, maxDiff int, d time.Duration) (image.Rectangle, string) {
	t.Helper()
	c := bridgeDialTestDisplay(t, srv)
	var last *image.RGBA
	deadline := time.Now().Add(d)
	for {
		msg := ""
		found := image.Rectangle{}
		for _, r := range displayTopLevels(t, c) {
			if r.Size() == ref.Bounds().Size() {
				found = r
			}
		}
		if found.Empty() {
			msg = fmt.Sprintf("no %v window on the display (it has %v)", ref.Bounds().Size(), displayTopLevels(t, c))
		} else {
			last = bridgeCrop(bridgeSnapshot(t, srv), found)
			if n := bridgeDiffCount(last, ref); n > maxDiff {
				msg = fmt.Sprintf("%d of %d pixels differ", n, found.Dx()*found.Dy())
			}
		}
		if msg == "" {
			return found, ""
		}
		if time.Now().After(deadline) {
			bridgeSavePNG(t, "bridge.png", ref)
			if last != nil {
				bridgeSavePNG(t, "native.png", last)
			}
			return found, fmt.Sprintf("native window identical to the default bridge's: not within %v: %s", d, msg)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
