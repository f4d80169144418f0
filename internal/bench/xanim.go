package bench

import (
	"fmt"
	"math"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// AnimFrames returns n frames of a w x h animation: a smooth colour field
// that moves, with a white bar sweeping across, so every pixel changes
// every frame, as in a video or a game, yet the picture has the structure
// real animations have. Pixels are 0x00RRGGBB.
func AnimFrames(w, h, n int) [][]uint32 {
	frames := make([][]uint32, n)
	for f := range frames {
		pix := make([]uint32, w*h)
		t := float64(f) / float64(n) * 2 * math.Pi
		bar := f * w / n
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				r := 128 + 127*math.Sin(float64(x)/60+t)
				g := 128 + 127*math.Sin(float64(y)/45-t)
				b := 128 + 127*math.Sin(float64(x+y)/80+2*t)
				if x >= bar && x < bar+20 {
					r, g, b = 255, 255, 255
				}
				pix[y*w+x] = uint32(r)<<16 | uint32(g)<<8 | uint32(b)
			}
		}
		frames[f] = pix
	}
	return frames
}

// Animate is the peers comparison's full-window animation, an X program:
// it opens a w x h window titled "xanim" on the X display (DISPLAY when
// display is "") and redraws all of it fps times a second until stop is
// closed or the connection ends.
func Animate(display string, w, h, fps int, stop <-chan struct{}) error {
	x, err := xgb.NewConnDisplay(display)
	if err != nil {
		return fmt.Errorf("xanim: %w", err)
	}
	defer x.Close()
	scr := xproto.Setup(x).DefaultScreen(x)
	win, err := xproto.NewWindowId(x)
	if err != nil {
		return err
	}
	xproto.CreateWindow(x, scr.RootDepth, win, scr.Root, 0, 0, uint16(w), uint16(h), 0,
		xproto.WindowClassInputOutput, scr.RootVisual, xproto.CwBackPixel, []uint32{0})
	xproto.ChangeProperty(x, xproto.PropModeReplace, win, xproto.AtomWmName, xproto.AtomString, 8, 5, []byte("xanim"))
	xproto.MapWindow(x, win)
	gc, err := xproto.NewGcontextId(x)
	if err != nil {
		return err
	}
	xproto.CreateGC(x, gc, xproto.Drawable(win), 0, nil)
	frames := AnimFrames(w, h, 15)
	const band = 64
	data := make([]byte, 4*w*band)
	tick := time.NewTicker(time.Second / time.Duration(fps))
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return nil
		case <-tick.C:
		}
		pix := frames[i%len(frames)]
		for y := 0; y < h; y += band {
			rows := min(band, h-y)
			for k, p := range pix[y*w : (y+rows)*w] {
				data[4*k], data[4*k+1], data[4*k+2], data[4*k+3] = byte(p), byte(p>>8), byte(p>>16), 0
			}
			xproto.PutImage(x, xproto.ImageFormatZPixmap, xproto.Drawable(win), gc,
				uint16(w), uint16(rows), 0, int16(y), 0, scr.RootDepth, data[:4*w*rows])
		}
		if _, err := xproto.GetInputFocus(x).Reply(); err != nil {
			return nil // the X server went away: the run is over
		}
	}
}
