package bench

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/internal/linkem"
	"github.com/xfar/xfar/xclient"
	"github.com/xfar/xfar/xclient/x11bridge"
)

// LinkConfig is one key-to-glass measurement over an emulated link: a
// bridged X program streams full-window frames in one window while key
// presses are echoed in another, the bridge reaching the display server
// through linkem.
type LinkConfig struct {
	// RTT and Rate (bytes per second, 0: no cap) describe the link
	// between the bridge and the display server.
	RTT  time.Duration
	Rate int64
	// Keys is how many key presses are timed (default 20).
	Keys int
	// Stream turns the streaming window on (the point of the
	// measurement); off, it measures the quiet link.
	Stream bool
	// Log receives progress; nil discards it.
	Log *slog.Logger
}

// LinkResult is what RunLink measured.
type LinkResult struct {
	Config LinkConfig
	// KeyToGlass are the latencies from a key press given to the display
	// server until its echo is in the display's picture, sorted.
	KeyToGlass []time.Duration
	// Lost counts key presses whose echo did not arrive within 20 s.
	Lost int
	// StreamFrames is how many frames the streaming X client drew, and
	// UpBytes what crossed the link towards the display server.
	StreamFrames int
	UpBytes      int64
	Elapsed      time.Duration
}

// P50 returns the median key-to-glass latency (0 without samples).
func (r *LinkResult) P50() time.Duration { return percentile(r.KeyToGlass, 50) }

// P95 returns the 95th percentile key-to-glass latency.
func (r *LinkResult) P95() time.Duration { return percentile(r.KeyToGlass, 95) }

func percentile(v []time.Duration, p int) time.Duration {
	if len(v) == 0 {
		return 0
	}
	return v[min(len(v)-1, len(v)*p/100)]
}

// Geometry of the scene, in the bridge's X screen and so on the display
// (both windows are override-redirect: the display places them where X
// has them).
const (
	linkScreenW, linkScreenH = 1024, 768
	streamX, streamY         = 384, 288
	streamW, streamH         = 640, 480
	echoX, echoY, echoSize   = 800, 100, 64
	streamFPS                = 30
)

// RunLink measures key-to-glass latency in one bridged window while
// another streams, over linkem.
func RunLink(ctx context.Context, cfg LinkConfig) (*LinkResult, error) {
	if cfg.Keys <= 0 {
		cfg.Keys = 20
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := startDisplay(linkScreenW, linkScreenH, quiet)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	proxy, err := linkem.Listen("tcp", "127.0.0.1:0", "tcp", srv.TCPAddr().String(),
		linkem.Config{RTT: cfg.RTT, Rate: cfg.Rate})
	if err != nil {
		return nil, err
	}
	defer proxy.Close()
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	br, err := x11bridge.Start(bctx, x11bridge.Config{Address: proxy.Addr().String(),
		Width: linkScreenW, Height: linkScreenH, Command: []string{"sleep", "3600"}, Logger: quiet})
	if err != nil {
		return nil, fmt.Errorf("start bridge: %w", err)
	}
	defer br.Wait()
	defer cancel()

	x, err := x11bridge.DialX(br.XDisplay(), br.XAuthority())
	if err != nil {
		return nil, fmt.Errorf("dial the bridge's X server: %w", err)
	}
	defer x.Close()
	scr := xproto.Setup(x).DefaultScreen(x)
	// The echo window is an ordinary managed window, as a terminal is: the
	// display's window manager places it and gives it the focus.
	newWin := func(px, py, w, h int16, mask uint32) (xproto.Window, xproto.Gcontext, error) {
		win, err := xproto.NewWindowId(x)
		if err != nil {
			return 0, 0, err
		}
		if err := xproto.CreateWindowChecked(x, scr.RootDepth, win, scr.Root, px, py, uint16(w), uint16(h), 0,
			xproto.WindowClassInputOutput, scr.RootVisual,
			xproto.CwBackPixel|xproto.CwEventMask,
			[]uint32{echoStart, mask}).Check(); err != nil {
			return 0, 0, err
		}
		xproto.MapWindow(x, win)
		gc, err := xproto.NewGcontextId(x)
		if err != nil {
			return 0, 0, err
		}
		xproto.CreateGC(x, gc, xproto.Drawable(win), 0, nil)
		return win, gc, nil
	}
	echo, echoGC, err := newWin(echoX, echoY, echoSize, echoSize, xproto.EventMaskKeyPress)
	if err != nil {
		return nil, fmt.Errorf("echo window: %w", err)
	}
	xproto.SetInputFocus(x, xproto.InputFocusPointerRoot, echo, xproto.TimeCurrentTime)

	// The echo client: each key press fills the echo window with the
	// next colour of a sequence the measuring side knows.
	var presses sync.WaitGroup
	presses.Add(1)
	go func() {
		defer presses.Done()
		n := uint32(0)
		for {
			ev, xerr := x.WaitForEvent()
			if ev == nil && xerr == nil {
				return
			}
			if _, ok := ev.(xproto.KeyPressEvent); ok {
				n++
				xproto.ChangeGC(x, echoGC, xproto.GcForeground, []uint32{echoColour(n)})
				xproto.PolyFillRectangle(x, xproto.Drawable(echo), echoGC,
					[]xproto.Rectangle{{Width: echoSize, Height: echoSize}})
				x.Sync()
			}
		}
	}()
	defer presses.Wait()
	defer x.Close()

	// The probe reads one pixel of the display's root window over a
	// direct connection (not through the link): cheaper than composing a
	// whole snapshot every millisecond on a busy machine.
	pc, err := xclient.DialAddr("tcp", srv.TCPAddr().String(), xclient.WithCodecs("none"))
	if err != nil {
		return nil, fmt.Errorf("probe connection: %w", err)
	}
	defer pc.Close()
	var at image.Point // the echo window's centre on the display
	probe := func() uint32 {
		img, err := pc.GetImage(pc.Root(), at.X, at.Y, 1, 1)
		if err != nil {
			return 0
		}
		c := img.RGBAAt(0, 0)
		return uint32(c.R)<<16 | uint32(c.G)<<8 | uint32(c.B)
	}
	waitColour := func(want uint32, limit time.Duration) bool {
		deadline := time.Now().Add(limit)
		for time.Now().Before(deadline) {
			if probe() == want {
				return true
			}
			time.Sleep(time.Millisecond)
		}
		return false
	}
	found := false
	for deadline := time.Now().Add(30 * time.Second); !found && time.Now().Before(deadline); {
		at, found = findColour(srv.Snapshot(), echoStart)
		time.Sleep(10 * time.Millisecond)
	}
	if !found {
		return nil, errors.New("echo window not mirrored within 30s")
	}
	at = at.Add(image.Pt(echoSize/2, echoSize/2))
	srv.Input(feed.InputEvent{Kind: feed.ButtonDown, X: at.X, Y: at.Y, Button: 1})
	srv.Input(feed.InputEvent{Kind: feed.ButtonUp, X: at.X, Y: at.Y, Button: 1})

	res := &LinkResult{Config: cfg}
	stop := make(chan struct{})
	var streamDone sync.WaitGroup
	if cfg.Stream {
		sx, err := x11bridge.DialX(br.XDisplay(), br.XAuthority())
		if err != nil {
			return nil, fmt.Errorf("dial the bridge's X server: %w", err)
		}
		defer sx.Close()
		streamDone.Add(1)
		go func() {
			defer streamDone.Done()
			res.StreamFrames = StreamFrames(sx, image.Rect(streamX, streamY, streamX+streamW, streamY+streamH), streamFPS, stop, log)
		}()
	}
	start := time.Now()
	up0 := proxy.Stats().Up.Bytes
	time.Sleep(2 * time.Second) // let the stream fill whatever queues it fills
	for i := 1; i <= cfg.Keys; i++ {
		if ctx.Err() != nil {
			break
		}
		key := feed.InputEvent{X: at.X, Y: at.Y, Keysym: 'a', Text: "a"}
		key.Kind = feed.KeyDown
		t0 := time.Now()
		srv.Input(key)
		key.Kind, key.Text = feed.KeyUp, ""
		srv.Input(key)
		if waitColour(echoColour(uint32(i)), 20*time.Second) {
			d := time.Since(t0)
			res.KeyToGlass = append(res.KeyToGlass, d)
			log.Info("key to glass", "n", i, "latency", d)
		} else {
			res.Lost++
			log.Warn("key echo lost", "n", i)
			break // the sequence is out of step from here
		}
		time.Sleep(time.Duration(100+rand.IntN(200)) * time.Millisecond)
	}
	close(stop)
	streamDone.Wait()
	res.Elapsed = time.Since(start)
	res.UpBytes = proxy.Stats().Up.Bytes - up0
	slices.Sort(res.KeyToGlass)
	return res, nil
}

// echoStart is the echo window's colour before the first key.
const echoStart = 0x123456

// findColour returns the top-left-most pixel of img with colour c.
func findColour(img *image.RGBA, c uint32) (image.Point, bool) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			p := img.RGBAAt(x, y)
			if uint32(p.R)<<16|uint32(p.G)<<8|uint32(p.B) == c {
				return image.Pt(x, y), true
			}
		}
	}
	return image.Point{}, false
}

// echoColour is the n-th echo's colour: distinct, never the background.
func echoColour(n uint32) uint32 { return (0x400000 + n*0x0b1d37) & 0xffffff }

// StreamFrames maps an override-redirect window at r on its own X
// connection and redraws all of it fps times a second until stop: a
// pattern of 4x4 blocks whose colours are new every frame, as video is,
// so that the frames do not compress away. It returns the number of
// frames drawn.
func StreamFrames(x *xgb.Conn, r image.Rectangle, fps int, stop <-chan struct{}, log *slog.Logger) int {
	scr := xproto.Setup(x).DefaultScreen(x)
	win, _ := xproto.NewWindowId(x)
	w, h := r.Dx(), r.Dy()
	xproto.CreateWindow(x, scr.RootDepth, win, scr.Root, int16(r.Min.X), int16(r.Min.Y), uint16(w), uint16(h), 0,
		xproto.WindowClassInputOutput, scr.RootVisual, xproto.CwBackPixel|xproto.CwOverrideRedirect,
		[]uint32{0, 1})
	xproto.MapWindow(x, win)
	gc, _ := xproto.NewGcontextId(x)
	xproto.CreateGC(x, gc, xproto.Drawable(win), 0, nil)
	// PutImage in bands that fit X's request limit.
	const band = 32
	data := make([]byte, 4*w*band)
	rng := rand.New(rand.NewPCG(1, 2))
	tick := time.NewTicker(time.Second / time.Duration(fps))
	defer tick.Stop()
	frames := 0
	for {
		select {
		case <-stop:
			return frames
		case <-tick.C:
		}
		for y := 0; y < h; y += band {
			rows := min(band, h-y)
			for i := 0; i < 4*w*rows; i += 4 {
				px, py := (i/4)%w, (i/4)/w
				// One random colour per 4x4 block.
				switch {
				case px%4 == 0 && py%4 == 0:
					v := rng.Uint32()
					data[i], data[i+1], data[i+2] = byte(v), byte(v>>8), byte(v>>16)
				case px%4 != 0:
					copy(data[i:i+4], data[i-4:i])
				default:
					copy(data[i:i+4], data[i-4*w:i-4*w+4])
				}
			}
			xproto.PutImage(x, xproto.ImageFormatZPixmap, xproto.Drawable(win), gc,
				uint16(w), uint16(rows), 0, int16(y), 0, scr.RootDepth, data[:4*w*rows])
		}
		if _, err := xproto.GetInputFocus(x).Reply(); err != nil {
			if log != nil {
				log.Warn("stream", "err", err)
			}
			return frames
		}
		frames++
	}
}
