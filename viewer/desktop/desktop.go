// Package desktop presents a display in a native window rendered with
// Ebitengine: the screen at 1:1, updated as clients draw, with the
// window's mouse and keyboard sent back as the display's input.
//
// It presents any feed.Source: the display server in the same process or
// a remote one (viewer/remote). Ebitengine needs cgo and a display, and
// panics while initialising where there is none, so only programs meant
// for a desktop (cmd/xview) may import this package; the display server
// starts xview instead of linking it.
package desktop

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"math"
	"os"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/viewer/desktop/hostinput"
	"github.com/xfar/xfar/viewer/desktop/input"
)

// Options configure Run.
type Options struct {
	// Title is the window's title.
	Title string
	// Logger receives the viewer's logs; nil means slog.Default().
	Logger *slog.Logger
	// Stats, if set, is called from the window's loop about once a second
	// with what the viewer presented.
	Stats func(Stats)
}

// Stats counts what the viewer presented over an interval.
type Stats struct {
	Interval time.Duration
	// Updates is how many feed updates were applied; Pixels how many
	// pixels they carried.
	Updates, Pixels int
	// FPS and TPS are Ebitengine's measured frame and tick rates.
	FPS, TPS float64
}

// Run opens the window and presents src until the window is closed (nil),
// ctx ends (nil), or the feed fails (its error). It must be called from
// the program's main goroutine, as Ebitengine requires.
func Run(ctx context.Context, src feed.Source, o Options) error {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, h := src.Size()
	g := &game{src: src, o: o, ctx: ctx, updates: make(chan *feed.Update, 1),
		failed: make(chan error, 1), tr: input.NewTranslator(w, h), statsAt: time.Now()}
	g.debug = o.Logger.Enabled(ctx, slog.LevelDebug)
	g.resize(w, h)
	if os.Getenv("DISPLAY") != "" {
		// On X11 every button and key event of the window comes from the
		// X server itself, in order: Ebitengine's polling loses those
		// shorter than a frame.
		hw, err := hostinput.Start(os.Getpid())
		if err != nil {
			o.Logger.Info("desktop viewer: polling input once a frame (short clicks may be lost)", "reason", err)
		} else {
			g.host = hw
			defer hw.Close()
		}
	}

	sub := src.Subscribe()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		g.pull(ctx, sub)
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		g.cursor.watch(ctx, src) // cursor.go
	}()
	defer func() {
		cancel()
		sub.Close()
		wg.Wait()
	}()

	ebiten.SetWindowTitle(o.Title)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeDisabled)
	// The picture only changes when an update arrives; keeping the screen
	// between frames lets Ebitengine skip presenting idle frames.
	ebiten.SetScreenClearedEveryFrame(false)
	ebiten.SetRunnableOnUnfocused(true)
	err := ebiten.RunGameWithOptions(g, &ebiten.RunGameOptions{X11ClassName: "xview", X11InstanceName: "xview"})
	if err != nil && !errors.Is(err, ebiten.Termination) {
		return err
	}
	return nil
}

// game is the Ebitengine side. Everything but the handoff channels is
// owned by Ebitengine's loop (Update, Draw, Layout).
type game struct {
	src feed.Source
	o   Options
	ctx context.Context

	// updates is the handoff from the pulling goroutine: one update at a
	// time. While the loop is busy the puller waits, and the subscription
	// behind it coalesces newer damage, so nothing queues up.
	updates chan *feed.Update
	failed  chan error

	fb        *ebiten.Image
	w, h      int
	dirty     bool // fb changed since it was last drawn to the screen
	rgba      []byte
	tr        *input.Translator
	keys      []ebiten.Key
	chars     []rune
	lastScale float64

	focused         bool               // the window had the keyboard at the last tick
	host            *hostinput.Watcher // the X server's events of the window, nil when polling
	hostEvs         []input.HostEvent
	debug           bool // log every input event
	statsAt         time.Time
	nUpdates, nPix  int
	pressed, releas []string

	cursor cursorState
}

// pull hands the subscription's updates to the loop until ctx ends or the
// feed fails.
func (g *game) pull(ctx context.Context, sub feed.Subscription) {
	for {
		up, err := sub.Next(ctx)
		if err != nil {
			if ctx.Err() == nil {
				g.failed <- err
			}
			return
		}
		select {
		case g.updates <- up:
		case <-ctx.Done():
			return
		}
	}
}

// resize makes the framebuffer and the window the screen's size, at one
// window pixel per screen pixel whatever the monitor's scale.
func (g *game) resize(w, h int) {
	g.w, g.h = w, h
	g.fb = ebiten.NewImage(w, h)
	g.dirty = true
	g.tr.SetSize(w, h)
	g.setWindowSize()
}

func (g *game) setWindowSize() {
	scale := 1.0
	if m := ebiten.Monitor(); m != nil && m.DeviceScaleFactor() > 0 {
		scale = m.DeviceScaleFactor()
	}
	g.lastScale = scale
	// Window sizes are in device-independent pixels.
	ebiten.SetWindowSize(int(math.Round(float64(g.w)/scale)), int(math.Round(float64(g.h)/scale)))
}

// Update applies waiting updates and sends the tick's input.
func (g *game) Update() error {
	select {
	case err := <-g.failed:
		return fmt.Errorf("display feed: %w", err)
	default:
	}
	if g.ctx.Err() != nil {
		return ebiten.Termination
	}
	if m := ebiten.Monitor(); m != nil && m.DeviceScaleFactor() != g.lastScale {
		g.setWindowSize() // moved to a monitor with another scale
	}
	// A few updates at most per tick, so input stays responsive.
	for i := 0; i < 4; i++ {
		select {
		case up := <-g.updates:
			g.apply(up)
			continue
		default:
		}
		break
	}
	g.cursor.apply()
	if focused := ebiten.IsFocused(); focused != g.focused {
		g.focused = focused
		if !focused {
			for _, ev := range g.tr.ReleaseAll() {
				g.src.Input(ev)
			}
		}
	}
	tk := g.tick()
	var evs []feed.InputEvent
	if g.host != nil {
		g.hostEvs = g.hostEvs[:0]
	drain:
		for {
			select {
			case e, ok := <-g.host.Events():
				if !ok {
					break drain
				}
				g.hostEvs = append(g.hostEvs, input.HostEvent{Button: e.Button, Keycode: e.Keycode, Down: e.Down, X: e.X, Y: e.Y})
			default:
				break drain
			}
		}
		evs = g.tr.StepHost(tk, g.hostEvs, g.host.Keysyms)
	} else {
		evs = g.tr.Step(tk)
	}
	for _, ev := range evs {
		if g.debug {
			g.o.Logger.Debug("input", "tick", fmt.Sprintf("%+v", tk), "event", fmt.Sprintf("%+v", ev))
		}
		g.src.Input(ev)
	}
	if g.o.Stats != nil {
		if d := time.Since(g.statsAt); d >= time.Second {
			g.o.Stats(Stats{Interval: d, Updates: g.nUpdates, Pixels: g.nPix, FPS: ebiten.ActualFPS(), TPS: ebiten.ActualTPS()})
			g.statsAt, g.nUpdates, g.nPix = time.Now(), 0, 0
		}
	}
	return nil
}

// apply writes an update's rectangles into the framebuffer.
func (g *game) apply(up *feed.Update) {
	if up.Width != g.w || up.Height != g.h {
		g.resize(up.Width, up.Height)
	}
	bounds := image.Rect(0, 0, g.w, g.h)
	for _, r := range up.Rects {
		if !r.Rectangle.In(bounds) || len(r.Pix) != r.Dx()*r.Dy() {
			g.o.Logger.Warn("desktop viewer: skipping a malformed rectangle", "rect", r.Rectangle, "pixels", len(r.Pix))
			continue
		}
		n := 4 * len(r.Pix)
		if cap(g.rgba) < n {
			g.rgba = make([]byte, n)
		}
		b := g.rgba[:n]
		for i, p := range r.Pix {
			b[4*i], b[4*i+1], b[4*i+2], b[4*i+3] = byte(p>>16), byte(p>>8), byte(p), 0xff
		}
		g.fb.SubImage(r.Rectangle).(*ebiten.Image).WritePixels(b)
		g.nPix += len(r.Pix)
	}
	g.nUpdates++
	g.dirty = true
}

// tick collects what the window saw since the previous tick.
func (g *game) tick() input.Tick {
	x, y := ebiten.CursorPosition()
	wx, wy := ebiten.Wheel()
	tk := input.Tick{X: x, Y: y, WheelX: wx, WheelY: wy,
		Left:   ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft),
		Middle: ebiten.IsMouseButtonPressed(ebiten.MouseButtonMiddle),
		Right:  ebiten.IsMouseButtonPressed(ebiten.MouseButtonRight)}
	g.chars = ebiten.AppendInputChars(g.chars[:0])
	tk.Chars = g.chars
	g.keys = inpututil.AppendJustPressedKeys(g.keys[:0])
	g.pressed = g.pressed[:0]
	for _, k := range g.keys {
		g.pressed = append(g.pressed, k.String())
	}
	tk.Pressed = g.pressed
	g.keys = inpututil.AppendJustReleasedKeys(g.keys[:0])
	g.releas = g.releas[:0]
	for _, k := range g.keys {
		g.releas = append(g.releas, k.String())
	}
	tk.Released = g.releas
	return tk
}

// Draw copies the framebuffer to the screen when it changed; otherwise
// the screen keeps its picture and Ebitengine need not present it again.
func (g *game) Draw(screen *ebiten.Image) {
	if !g.dirty {
		return
	}
	screen.DrawImage(g.fb, nil)
	g.dirty = false
}

// Layout makes the logical screen the display's size, so that with the
// window sized by setWindowSize each display pixel is one device pixel.
func (g *game) Layout(outsideWidth, outsideHeight int) (int, int) {
	return g.w, g.h
}
