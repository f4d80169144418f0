package e2e

import (
	"context"
	"image"
	"math"
	"testing"
	"time"

	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/internal/linkem"
	"github.com/xfar/xfar/xclient/x11bridge"
)

// TestBridgeQuality shows a photo-like X window (a smooth field of many
// colours) through the bridge twice: lossless, it must arrive exact; with
// Quality 60, it must arrive close (JPEG), in far fewer bytes on the link.
func TestBridgeQuality(t *testing.T) {
	bridgeNeedTools(t, "Xvfb")
	r := image.Rect(40, 40, 440, 340)
	run := func(quality int) (bytes int64, meanErr float64) {
		srv := bridgeStartDisplay(t)
		proxy, err := linkem.Listen("tcp", "127.0.0.1:0", "tcp", srv.TCPAddr().String(), linkem.Config{})
		if err != nil {
			t.Fatal(err)
		}
		defer proxy.Close()
		ctx, cancel := context.WithCancel(context.Background())
		b, err := x11bridge.Start(ctx, x11bridge.Config{Address: proxy.Addr().String(), Quality: quality,
			Command: []string{"sleep", "3600"}, Logger: bridgeTestLogger(t)})
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		defer func() { cancel(); b.Wait() }()
		x := dialBridgeX(t, b)
		scr := xproto.Setup(x).DefaultScreen(x)
		win, _ := xproto.NewWindowId(x)
		xproto.CreateWindow(x, scr.RootDepth, win, scr.Root, int16(r.Min.X), int16(r.Min.Y), uint16(r.Dx()), uint16(r.Dy()), 0,
			xproto.WindowClassInputOutput, scr.RootVisual, xproto.CwBackPixel|xproto.CwOverrideRedirect, []uint32{0, 1})
		xproto.MapWindow(x, win)
		gc, _ := xproto.NewGcontextId(x)
		xproto.CreateGC(x, gc, xproto.Drawable(win), 0, nil)
		w, h := r.Dx(), r.Dy()
		const band = 50
		data := make([]byte, 4*w*band)
		for y0 := 0; y0 < h; y0 += band {
			for i := 0; i < w*band; i++ {
				px, py := float64(i%w), float64(y0+i/w)
				data[4*i] = byte(128 + 127*math.Sin(px/23+py/41))
				data[4*i+1] = byte(128 + 127*math.Sin(py/17))
				data[4*i+2] = byte(128 + 127*math.Cos((px+py)/31))
			}
			xproto.PutImage(x, xproto.ImageFormatZPixmap, xproto.Drawable(win), gc, uint16(w), band, 0, int16(y0), 0, scr.RootDepth, data)
		}
		xproto.GetInputFocus(x).Reply()
		want := xScreenshot(t, x, r)
		var got *image.RGBA
		bridgeWaitFor(t, 20*time.Second, "the window on the display", func() string {
			got = bridgeCrop(bridgeSnapshot(t, srv), r)
			if mean(want, got) > 8 {
				return "not there yet"
			}
			return ""
		})
		time.Sleep(500 * time.Millisecond) // let the last bytes be counted
		return proxy.Stats().Up.Bytes, mean(want, got)
	}
	exactBytes, exactErr := run(0)
	lossyBytes, lossyErr := run(60)
	t.Logf("lossless: %d bytes, mean error %.2f; quality 60: %d bytes, mean error %.2f", exactBytes, exactErr, lossyBytes, lossyErr)
	if exactErr != 0 {
		t.Errorf("lossless: mean error %.2f, want 0", exactErr)
	}
	if lossyErr == 0 || lossyErr > 6 {
		t.Errorf("quality 60: mean error %.2f per channel, want above 0 (JPEG) and at most 6", lossyErr)
	}
	if lossyBytes*2 > exactBytes {
		t.Errorf("quality 60 sent %d bytes, lossless %d: want less than half", lossyBytes, exactBytes)
	}
}

// mean is the mean absolute difference per colour channel.
func mean(a, b *image.RGBA) float64 {
	if a.Bounds().Size() != b.Bounds().Size() {
		return 255
	}
	var s int
	for i := 0; i < len(a.Pix); i += 4 {
		for c := 0; c < 3; c++ {
			d := int(a.Pix[i+c]) - int(b.Pix[i+c])
			s += max(d, -d)
		}
	}
	return float64(s) / float64(3*len(a.Pix)/4)
}
