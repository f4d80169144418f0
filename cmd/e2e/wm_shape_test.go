package e2e

import (
	"fmt"
	"image"
	"image/color"
	"testing"
	"time"
)

// desktopRGB is the display's desktop colour (displayserver's root).
var desktopRGB = color.RGBA{0x3b, 0x42, 0x52, 0xff}

// TestWMShapeXeyes: xeyes is shaped (two ellipses); through the bridge
// its window's corners show the desktop in /snapshot.png, not a black
// rectangle, while its middle shows the eyes as Xvfb draws them.
func TestWMShapeXeyes(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xeyes")
	srv := bridgeStartDisplay(t)
	b := startBridge(t, srv, "xeyes", "-geometry", "160x120+300+200")
	x := dialBridgeX(t, b)
	c := bridgeDialTestDisplay(t, srv)
	var r image.Rectangle
	bridgeWaitFor(t, 20*time.Second, "xeyes mirrored", func() string {
		for _, w := range xTopLevels(t, x) {
			if w.r.Dx() == 160 {
				r = w.r
			}
		}
		if r.Empty() {
			return "no xeyes window in X"
		}
		for _, d := range displayTopLevels(t, c) {
			if d == r {
				return ""
			}
		}
		return "not on the display"
	})
	corners := []image.Point{r.Min.Add(image.Pt(1, 1)), image.Pt(r.Max.X-2, r.Min.Y+1),
		image.Pt(r.Min.X+1, r.Max.Y-2), r.Max.Sub(image.Pt(2, 2))}
	var img *image.RGBA
	bridgeWaitFor(t, 10*time.Second, "desktop colour at xeyes' corners", func() string {
		img = bridgeSnapshot(t, srv)
		for _, p := range corners {
			if got := img.RGBAAt(p.X, p.Y); got != desktopRGB {
				return fmt.Sprintf("corner %v is %v, want the desktop %v", p, got, desktopRGB)
			}
		}
		return ""
	})
	// The middle of the left eye is drawn: not the desktop colour.
	mid := image.Pt(r.Min.X+r.Dx()/4, r.Min.Y+r.Dy()/2)
	if got := img.RGBAAt(mid.X, mid.Y); got == desktopRGB {
		bridgeSavePNG(t, "display.png", img)
		t.Fatalf("the eye at %v shows the desktop: the shape hides the window itself", mid)
	}
}
