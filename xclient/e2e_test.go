package xclient_test

import (
	"context"
	"errors"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/xfar/xfar/compress"
	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// startTCP starts a private display server on an ephemeral TCP port.
func startTCP(t *testing.T, cfg displayserver.Config) *displayserver.Server {
	t.Helper()
	cfg.TCPAddr, cfg.UnixPath, cfg.HTTPAddr = "127.0.0.1:0", "none", "none"
	if cfg.AuthFile == "" {
		cfg.AuthFile = "none"
	}
	cfg.Logger = quietLogger()
	srv, err := displayserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func dial(t *testing.T, opts ...xclient.Option) *xclient.Conn {
	t.Helper()
	c, err := xclient.Dial("", opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func pixel(img *image.RGBA, x, y int) uint32 {
	i := img.PixOffset(x, y)
	return uint32(img.Pix[i])<<16 | uint32(img.Pix[i+1])<<8 | uint32(img.Pix[i+2])
}

// TestEndToEndCodecs draws and reads back through each codec, with an
// image large enough to span many compressed blocks: what comes back is
// exactly what was sent.
func TestEndToEndCodecs(t *testing.T) {
	for _, name := range compress.Names() {
		t.Run(name, func(t *testing.T) {
			c := dial(t, xclient.WithCodecs(name))
			if c.Codec() != name {
				t.Fatalf("negotiated %q, asked for %q", c.Codec(), name)
			}
			const w, h = 300, 200
			pm, err := c.CreatePixmap(c.Root(), w, h)
			if err != nil {
				t.Fatal(err)
			}
			gc, _ := c.CreateGC(pm, nil)
			rng := rand.New(rand.NewPCG(1, 2))
			pix := make([]uint32, w*h)
			for i := range pix {
				if i%7 == 0 {
					pix[i] = rng.Uint32() & 0xffffff // some noise among structure
				} else {
					pix[i] = uint32(i) & 0xffffff
				}
			}
			if err := c.PutPixels(pm, gc, 0, 0, w, h, pix); err != nil {
				t.Fatal(err)
			}
			c.SetForeground(gc, 0x00ff00)
			c.DrawLine(pm, gc, 0, 0, 0, 9) // overwrite column 0, rows 0..9
			img, err := c.GetImage(pm, 0, 0, w, h)
			if err != nil {
				t.Fatal(err)
			}
			for y := 0; y < h; y++ {
				for x := 0; x < w; x++ {
					want := pix[y*w+x]
					if x == 0 && y <= 9 {
						want = 0x00ff00
					}
					if got := pixel(img, x, y); got != want {
						t.Fatalf("pixel (%d,%d) = %#06x, want %#06x", x, y, got, want)
					}
				}
			}
		})
	}
}

// TestEndToEndAsyncError checks that a failing request without a reply is
// reported through NextEvent with its own sequence number, and the
// connection keeps working.
func TestEndToEndAsyncError(t *testing.T) {
	c := dial(t)
	pm, _ := c.CreatePixmap(c.Root(), 4, 4)
	if err := c.MapWindow(xclient.Window(0x7fff0001)); err != nil {
		t.Fatal(err)
	}
	seq := c.LastSequence()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ev, err := c.NextEvent(ctx)
	var perr *protocol.Error
	if !errors.As(err, &perr) {
		t.Fatalf("NextEvent = %v, %v; want a *protocol.Error", ev, err)
	}
	if perr.Seq != seq || perr.Op != protocol.OpMapWindow || perr.Code != protocol.BadWindow {
		t.Fatalf("got %v, want BadWindow in MapWindow at sequence %d", perr, seq)
	}
	if _, err := c.GetGeometry(pm); err != nil {
		t.Fatalf("connection unusable after the error: %v", err)
	}
}

// TestEndToEndReplyError checks that an error answering a question comes
// back from Reply, and only there.
func TestEndToEndReplyError(t *testing.T) {
	c := dial(t)
	k := c.GetGeometryAsync(xclient.Pixmap(0x7fff0002))
	_, err := k.Reply()
	var perr *protocol.Error
	if !errors.As(err, &perr) || perr.Seq != k.Sequence() || perr.Op != protocol.OpGetGeometry {
		t.Fatalf("Reply: %v, want a *protocol.Error for GetGeometry at sequence %d", err, k.Sequence())
	}
	if err := c.Sync(); err != nil {
		t.Fatal(err)
	}
	if n := c.PendingEvents(); n != 0 {
		t.Fatalf("%d events queued; the error belonged to the reply", n)
	}
}

// TestEndToEndInputEvents maps a window, injects a click and a key press
// the way a viewer does, and checks the events, in window coordinates.
func TestEndToEndInputEvents(t *testing.T) {
	srv := startTCP(t, displayserver.Config{NoAuth: true})
	c, err := xclient.DialAddr("tcp", srv.TCPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	w, _ := c.CreateWindow(c.Root(), 100, 100, 50, 40, &xclient.WindowOptions{
		EventMask: protocol.StructureNotifyMask | protocol.ButtonPressMask | protocol.KeyPressMask})
	c.MapWindow(w)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	waitFor(t, ctx, c, protocol.MapNotify)
	g, err := c.GetGeometry(w)
	if err != nil {
		t.Fatal(err)
	}
	sx, sy := int(g.X)+10, int(g.Y)+20 // the window is a child of the root
	srv.Input(feedClick(sx, sy))
	ev := waitFor(t, ctx, c, protocol.ButtonPress)
	if ev.Window != uint32(w) || ev.X != 10 || ev.Y != 20 || ev.Detail != 1 {
		t.Fatalf("ButtonPress window %#x at (%d,%d) button %d; want %#x at (10,20) button 1", ev.Window, ev.X, ev.Y, ev.Detail, w)
	}
	srv.Input(feedKey(sx, sy, 'q'))
	ev = waitFor(t, ctx, c, protocol.KeyPress)
	if ev.Keysym != 'q' || ev.Text != "q" {
		t.Fatalf("KeyPress keysym %#x text %q", ev.Keysym, ev.Text)
	}
}

// waitFor returns the next event with code, failing on errors and timeout.
func waitFor(t *testing.T, ctx context.Context, c *xclient.Conn, code protocol.EventCode) *protocol.Event {
	t.Helper()
	for {
		ev, err := c.NextEvent(ctx)
		if err != nil {
			t.Fatalf("waiting for %v: %v", code, err)
		}
		if ev.Code == code {
			return ev
		}
	}
}

// TestEndToEndServerGone checks that a display server that goes away
// wakes a blocked NextEvent with ErrClosed, and later calls fail fast.
func TestEndToEndServerGone(t *testing.T) {
	srv := startTCP(t, displayserver.Config{NoAuth: true})
	c, err := xclient.DialAddr("tcp", srv.TCPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Sync(); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { _, err := c.NextEvent(context.Background()); errc <- err }()
	srv.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, xclient.ErrClosed) {
			t.Fatalf("NextEvent: %v, want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("NextEvent still blocked 5s after the server closed")
	}
	done := make(chan error, 1)
	go func() { done <- c.Sync() }()
	select {
	case err := <-done:
		if !errors.Is(err, xclient.ErrClosed) {
			t.Fatalf("Sync after loss: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Sync hangs after the server closed")
	}
}

// TestEndToEndAuth checks the cookie sources in order against a server
// that requires one: none (refused, with the server's reason), wrong
// (refused), WithAuth, XFAR_AUTH.
func TestEndToEndAuth(t *testing.T) {
	const cookie = "0123456789abcdef0123456789abcdef"
	srv := startTCP(t, displayserver.Config{Cookie: cookie})
	addr := srv.TCPAddr().String()
	var re *xclient.RefusedError
	if _, err := xclient.DialAddr("tcp", addr); !errors.As(err, &re) || re.Reason == "" {
		t.Fatalf("no cookie: %v, want a RefusedError with a reason", err)
	}
	if _, err := xclient.DialAddr("tcp", addr, xclient.WithAuth("bad")); !errors.As(err, &re) {
		t.Fatalf("wrong cookie: %v, want a RefusedError", err)
	}
	c, err := xclient.DialAddr("tcp", addr, xclient.WithAuth(cookie))
	if err != nil {
		t.Fatalf("WithAuth: %v", err)
	}
	c.Close()
	t.Setenv(protocol.EnvAuth, cookie+"\n")
	c, err = xclient.DialAddr("tcp", addr)
	if err != nil {
		t.Fatalf("XFAR_AUTH: %v", err)
	}
	c.Close()
}

// TestEndToEndDialCookieFile checks Dial(":N") on the Unix socket with the
// cookie the server wrote to protocol.AuthFile(N), as a user would run it.
func TestEndToEndDialCookieFile(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home) // AuthFile lives under the home directory
	t.Setenv(protocol.EnvAuth, "")
	var srv *displayserver.Server
	n := 0
	for i := 0; srv == nil && i < 50; i++ {
		n = 100 + (os.Getpid()+i)%400
		s, err := displayserver.New(displayserver.Config{Display: n, TCPAddr: "none", HTTPAddr: "none", Logger: quietLogger()})
		if err != nil {
			t.Fatal(err)
		}
		if s.Start() == nil {
			srv = s
		}
	}
	if srv == nil {
		t.Fatal("no free display number")
	}
	defer srv.Close()
	if want := filepath.Join(home, ".xfar", "auth-"+strconv.Itoa(n)); protocol.AuthFile(n) != want {
		t.Fatalf("AuthFile(%d) = %s, want %s", n, protocol.AuthFile(n), want)
	}
	c, err := xclient.Dial(":" + strconv.Itoa(n))
	if err != nil {
		t.Fatalf("Dial with the cookie file: %v", err)
	}
	defer c.Close()
	if err := c.Sync(); err != nil {
		t.Fatal(err)
	}
}

// TestEndToEndConcurrent has several goroutines draw into their own
// pixmaps while another asks questions, on one connection (run with
// -race), then checks every pixmap's pixels.
func TestEndToEndConcurrent(t *testing.T) {
	c := dial(t)
	const drawers, size = 4, 64
	pms := make([]xclient.Pixmap, drawers)
	gcs := make([]xclient.GC, drawers)
	for i := range pms {
		pms[i], _ = c.CreatePixmap(c.Root(), size, size)
		gcs[i], _ = c.CreateGC(pms[i], &xclient.GCValues{Mask: protocol.GCForeground, Foreground: uint32(0x10 * (i + 1))})
	}
	var wg sync.WaitGroup
	for i := 0; i < drawers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for y := 0; y < size; y++ { // one horizontal line per row
				if err := c.DrawLine(pms[i], gcs[i], 0, y, size-1, y); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 20; i++ {
			g, err := c.GetGeometry(pms[i%drawers])
			if err != nil || g.Width != size {
				t.Errorf("GetGeometry: %+v, %v", g, err)
				return
			}
		}
	}()
	wg.Wait()
	for i, pm := range pms {
		img, err := c.GetImage(pm, 0, 0, size, size)
		if err != nil {
			t.Fatal(err)
		}
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				if got := pixel(img, x, y); got != uint32(0x10*(i+1)) {
					t.Fatalf("pixmap %d pixel (%d,%d) = %#x", i, x, y, got)
				}
			}
		}
	}
}

// feedClick is a left-button press at screen (x, y), as a viewer sends it.
func feedClick(x, y int) feed.InputEvent {
	return feed.InputEvent{Kind: feed.ButtonDown, X: x, Y: y, Button: 1}
}

// feedKey is a key press typing r with the pointer at (x, y).
func feedKey(x, y int, r rune) feed.InputEvent {
	return feed.InputEvent{Kind: feed.KeyDown, X: x, Y: y, Keysym: protocol.KeysymForRune(r), Text: string(r)}
}
