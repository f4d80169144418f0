package e2e_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// TestWebViewerCrispAtDevicePixels: where a display pixel is not a whole
// number of device pixels (fit shrinking by 0.75, zoom enlarging by 3.5
// at devicePixelRatio 1.5), the picture is shown from a canvas whose
// backing store is the shown size in device pixels, resampled from the
// display's exact pixels (smoothly when shrinking, nearest pixel when
// enlarging: only the display's own colours); in 1:1 it is not used. The
// exact canvas still equals /snapshot.png and the pointer still lands on
// the pixel clicked.
func TestWebViewerCrispAtDevicePixels(t *testing.T) {
	const W, H = 400, 300
	s := startWebServer(t, W, H)
	c := dialTest(t, s)
	win, pos := inputWindow(t, c, 50, 50, protocol.ButtonPressMask|protocol.ButtonReleaseMask)
	gc, err := c.CreateGC(win, &xclient.GCValues{Mask: protocol.GCForeground, Foreground: 0xffffff})
	if err != nil {
		t.Fatal(err)
	}
	// A white block with 1-pixel black lines through it: enlarged by
	// nearest pixel it keeps exactly two colours.
	c.FillRectangle(win, gc, 0, 0, 300, 200)
	c.SetForeground(gc, 0x000000)
	for x := 10; x < 300; x += 7 {
		c.FillRectangle(win, gc, x, 0, 1, 200)
	}
	if err := c.Sync(); err != nil {
		t.Fatal(err)
	}
	tab, _ := newTab(t, startBrowser(t, 2*time.Minute))
	openViewer(t, tab, s.viewerURL())
	waitCanvasMatches(t, tab, s, 10*time.Second)

	read := func(id string) *image.RGBA {
		t.Helper()
		url, err := chromedp.Run(tab, chromedp.Evaluate[string](fmt.Sprintf(`document.getElementById(%q).toDataURL('image/png')`, id)))
		if err != nil {
			t.Fatalf("read %s: %v", id, err)
		}
		b64, ok := strings.CutPrefix(url, "data:image/png;base64,")
		if !ok {
			t.Fatalf("%s data URL %.40q is not a PNG", id, url)
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		return toRGBA(img)
	}
	type geom struct{ cssW, cssH, viewW, viewH, viewCSSW float64 }
	measure := func() geom {
		t.Helper()
		v, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](`(() => { const r = document.getElementById('screen').getBoundingClientRect(); const v = document.getElementById('view'); return [r.width, r.height, v.width, v.height, v.getBoundingClientRect().width]; })()`))
		if err != nil {
			t.Fatal(err)
		}
		return geom{v[0], v[1], v[2], v[3], v[4]}
	}
	emulate := func(w, h int64) {
		t.Helper()
		if _, err := chromedp.Call(tab, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: w, Height: h, DeviceScaleFactor: 1.5}); err != nil {
			t.Fatal(err)
		}
		waitJS(t, tab, fmt.Sprintf("devicePixelRatio === 1.5 && innerWidth === %d", w), 5*time.Second)
	}
	clickAt := func(p image.Point) {
		t.Helper()
		x, y := cssPoint(t, tab, pos.Add(p))
		for _, typ := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMouseMoved, input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
			prm := input.DispatchMouseEventParams{Type: typ, X: x, Y: y}
			if typ != input.DispatchMouseEventTypeMouseMoved {
				prm.Button, prm.ClickCount = input.MouseButtonLeft, 1
			}
			if _, err := chromedp.Call(tab, input.DispatchMouseEvent, prm); err != nil {
				t.Fatal(err)
			}
		}
		ev := nextEvent(t, c, protocol.ButtonPress)
		if got := image.Pt(int(ev.X), int(ev.Y)); got != p {
			t.Errorf("click on pixel %v arrived at %v", p, got)
		}
		nextEvent(t, c, protocol.ButtonRelease)
	}
	snap := s.snapshot(t)

	// Zoom: 400x300 in 1000x700 CSS pixels is 2.333 CSS, 3.5 device
	// pixels per display pixel.
	emulate(1000, 700)
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](`xfar.setScale('zoom'), true`)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, tab, `xfar.resampling === true`, 5*time.Second)
	g := measure()
	if math.Abs(g.cssW-W*7.0/3) > 1 || g.viewW != math.Round(g.cssW*1.5) || g.viewH != math.Round(g.cssH*1.5) || math.Abs(g.viewCSSW-g.cssW) > 0.5 {
		t.Errorf("zoom: canvas shown %.1fx%.1f CSS pixels, view backing store %vx%v (shown %.1f wide); want 933x700 CSS and the backing store 1.5 times that", g.cssW, g.cssH, g.viewW, g.viewH, g.viewCSSW)
	}
	waitJS(t, tab, `(() => { const v = document.getElementById('view').getContext('2d').getImageData(0, 0, 1, 1).data; return v[3] === 255; })()`, 5*time.Second)
	time.Sleep(200 * time.Millisecond) // the frame after the mode change
	v := read("view")
	for y := 0; y < v.Bounds().Dy(); y++ {
		for x := 0; x < v.Bounds().Dx(); x++ {
			// The display pixel under this device pixel's centre.
			sx := int((float64(x) + 0.5) * W / float64(v.Bounds().Dx()))
			sy := int((float64(y) + 0.5) * H / float64(v.Bounds().Dy()))
			got, ok := v.RGBAAt(x, y), false
			// Where a centre falls on a pixel edge, a neighbour is right.
			for dy := -1; dy <= 1 && !ok; dy++ {
				for dx := -1; dx <= 1 && !ok; dx++ {
					ok = got == snap.RGBAAt(sx+dx, sy+dy)
				}
			}
			if !ok {
				t.Fatalf("zoom: device pixel (%d,%d) is %v; the display pixel under it (%d,%d) is %v (blurred or misplaced)", x, y, got, sx, sy, snap.RGBAAt(sx, sy))
			}
		}
	}
	clickAt(image.Pt(10, 5))
	clickAt(image.Pt(299, 199))

	// Fit, shrinking: 400x300 in 200x150 CSS pixels is 0.5 CSS, 0.75
	// device pixels per display pixel.
	emulate(200, 150)
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](`xfar.setScale('fit'), true`)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, tab, `xfar.resampling === true && document.getElementById('view').width === 300`, 5*time.Second)
	time.Sleep(200 * time.Millisecond)
	g = measure()
	if g.cssW != 200 || g.viewW != 300 || g.viewH != 225 {
		t.Errorf("fit: canvas shown %.1fx%.1f CSS pixels, view backing store %vx%v; want 200x150 and 300x225", g.cssW, g.cssH, g.viewW, g.viewH)
	}
	v = read("view")
	// Inside the white block, left of the first line, the shrunk picture
	// is white; the dark root outside stays dark.
	in := pos.Add(image.Pt(4, 100))
	if c := v.RGBAAt(10, 10); c.R > 0x80 {
		t.Errorf("fit: the view over the root is %v, want dark", c)
	}
	if c := v.RGBAAt(in.X*3/4, in.Y*3/4); c.R < 0xf0 {
		t.Errorf("fit: the view in the white block is %v, want white", c)
	}
	clickAt(image.Pt(151, 101))

	// 1:1: no resampling, the backing store freed.
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](`xfar.setScale('1:1'), true`)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, tab, `xfar.resampling === false && document.getElementById('view').width === 0`, 5*time.Second)
	waitCanvasMatches(t, tab, s, 10*time.Second)
}
