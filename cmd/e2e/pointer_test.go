package e2e_test

import (
	"context"
	"fmt"
	"image"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// pointerWindow maps a 300x200 window that selects every pointer event,
// and returns where its interior is on the screen.
func pointerWindow(t *testing.T, c *xclient.Conn) image.Point {
	t.Helper()
	_, pos := inputWindow(t, c, 50, 50, protocol.ButtonPressMask|protocol.ButtonReleaseMask|protocol.PointerMotionMask)
	return pos
}

// cssPoint returns the page (CSS) coordinates of the centre of screen
// pixel p as the canvas shows it now, whatever its scale.
func cssPoint(t testing.TB, tab context.Context, p image.Point) (float64, float64) {
	t.Helper()
	r, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](`(() => { const c = document.getElementById('screen'); const r = c.getBoundingClientRect(); return [r.left, r.top, r.width / c.width, r.height / c.height]; })()`))
	if err != nil {
		t.Fatalf("canvas geometry: %v", err)
	}
	return r[0] + (float64(p.X)+0.5)*r[2], r[1] + (float64(p.Y)+0.5)*r[3]
}

// TestWebViewerPointerExactAtScales clicks pixels of a window at device
// pixel ratios 1, 1.25, 1.5 and 2 and checks that each ButtonPress names
// exactly the pixel clicked.
func TestWebViewerPointerExactAtScales(t *testing.T) {
	s := startWebServer(t, 640, 480)
	c := dialTest(t, s)
	pos := pointerWindow(t, c)
	tab, _ := newTab(t, startBrowser(t, 2*time.Minute))
	openViewer(t, tab, s.viewerURL())
	for _, dpr := range []float64{1, 1.25, 1.5, 2} {
		if _, err := chromedp.Call(tab, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: 1000, Height: 700, DeviceScaleFactor: dpr}); err != nil {
			t.Fatalf("emulate device pixel ratio %v: %v", dpr, err)
		}
		waitJS(t, tab, fmt.Sprintf("devicePixelRatio === %v", dpr), 5*time.Second)
		for _, p := range []image.Point{{0, 0}, {1, 1}, {137, 59}, {138, 60}, {299, 199}, {201, 3}} {
			x, y := cssPoint(t, tab, pos.Add(p))
			for _, typ := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMouseMoved, input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
				prm := input.DispatchMouseEventParams{Type: typ, X: x, Y: y}
				if typ != input.DispatchMouseEventTypeMouseMoved {
					prm.Button, prm.ClickCount = input.MouseButtonLeft, 1
				}
				if _, err := chromedp.Call(tab, input.DispatchMouseEvent, prm); err != nil {
					t.Fatalf("mouse %s: %v", typ, err)
				}
			}
			ev := nextEvent(t, c, protocol.ButtonPress)
			if got := image.Pt(int(ev.X), int(ev.Y)); got != p {
				t.Errorf("dpr %v: click on pixel %v (CSS %.3f,%.3f) arrived at %v", dpr, p, x, y, got)
			}
			nextEvent(t, c, protocol.ButtonRelease)
		}
	}
}

// touch dispatches one touch event with fingers at screen pixels ps.
func touch(t testing.TB, tab context.Context, typ input.DispatchTouchEventType, ps ...image.Point) {
	t.Helper()
	var pts []*input.TouchPoint
	for i, p := range ps {
		x, y := cssPoint(t, tab, p)
		id := float64(i + 1)
		pts = append(pts, &input.TouchPoint{X: x, Y: y, ID: &id})
	}
	if pts == nil {
		pts = []*input.TouchPoint{}
	}
	if _, err := chromedp.Call(tab, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: pts}); err != nil {
		t.Fatalf("touch %s: %v", typ, err)
	}
}

// TestWebViewerTouch: a tap clicks button 1 where it lands, a drag is a
// button-1 drag, a long press is button 3, and two fingers dragging down
// scroll up (button 4), with no button 1.
func TestWebViewerTouch(t *testing.T) {
	s := startWebServer(t, 640, 480)
	c := dialTest(t, s)
	pos := pointerWindow(t, c)
	tab, _ := newTab(t, startBrowser(t, 2*time.Minute))
	openViewer(t, tab, s.viewerURL())
	if _, err := chromedp.Call(tab, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 5}); err != nil {
		t.Fatalf("touch emulation: %v", err)
	}
	at := func(x, y int) image.Point { return pos.Add(image.Pt(x, y)) }
	expect := func(what string, code protocol.EventCode, button uint8, p image.Point) {
		t.Helper()
		ev := nextEvent(t, c, protocol.ButtonPress, protocol.ButtonRelease)
		if ev.Code != code || ev.Detail != button || image.Pt(int(ev.X), int(ev.Y)).Add(pos) != p {
			t.Errorf("%s: got %v button %d at %v, want %v button %d at %v", what, ev.Code, ev.Detail,
				image.Pt(int(ev.X), int(ev.Y)).Add(pos), code, button, p)
		}
	}

	// Tap.
	touch(t, tab, input.DispatchTouchEventTypeTouchStart, at(40, 30))
	touch(t, tab, input.DispatchTouchEventTypeTouchEnd)
	expect("tap", protocol.ButtonPress, 1, at(40, 30))
	expect("tap", protocol.ButtonRelease, 1, at(40, 30))
	// The tap gave the keyboard focus to the page's text input, which is
	// what brings up a phone's soft keyboard.
	if id, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.activeElement && document.activeElement.id`)); err != nil || id != "xfar-keys" {
		t.Errorf("after a tap the focus is on %q (%v), want the keyboard input xfar-keys", id, err)
	}

	// Drag.
	touch(t, tab, input.DispatchTouchEventTypeTouchStart, at(60, 60))
	for i := 1; i <= 10; i++ {
		touch(t, tab, input.DispatchTouchEventTypeTouchMove, at(60+8*i, 60+4*i))
	}
	touch(t, tab, input.DispatchTouchEventTypeTouchEnd)
	expect("drag", protocol.ButtonPress, 1, at(60, 60))
	expect("drag", protocol.ButtonRelease, 1, at(140, 100))

	// Long press.
	touch(t, tab, input.DispatchTouchEventTypeTouchStart, at(200, 50))
	time.Sleep(900 * time.Millisecond)
	touch(t, tab, input.DispatchTouchEventTypeTouchEnd)
	expect("long press", protocol.ButtonPress, 3, at(200, 50))
	expect("long press", protocol.ButtonRelease, 3, at(200, 50))

	// Two fingers dragging down.
	touch(t, tab, input.DispatchTouchEventTypeTouchStart, at(100, 20), at(150, 20))
	for i := 1; i <= 12; i++ {
		touch(t, tab, input.DispatchTouchEventTypeTouchMove, at(100, 20+10*i), at(150, 20+10*i))
	}
	touch(t, tab, input.DispatchTouchEventTypeTouchEnd)
	ev := nextEvent(t, c, protocol.ButtonPress)
	if ev.Detail != 4 {
		t.Errorf("two-finger drag down: ButtonPress %d, want 4 (scroll up)", ev.Detail)
	}
}
