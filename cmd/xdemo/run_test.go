package main

import (
	"bytes"
	"context"
	"image"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/internal/syncbuf"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

const cookie = "00112233445566778899aabbccddeeff"

// startServer starts a real display server with auth on a free display
// number's Unix socket, so xdemo reaches it by --display :N as a user would.
func startServer(t *testing.T) (*displayserver.Server, string) {
	t.Helper()
	for i := 0; i < 50; i++ {
		n := 100 + (os.Getpid()+i*7)%400
		srv, err := displayserver.New(displayserver.Config{Display: n, TCPAddr: "none", HTTPAddr: "none",
			AuthFile: "none", Cookie: cookie, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if srv.Start() == nil {
			t.Cleanup(func() { srv.Close() })
			return srv, ":" + strconv.Itoa(n)
		}
	}
	t.Fatal("no free display number")
	return nil, ""
}

// demoRun is xdemo (either demo) running in the background against a
// real server, with an observer connection that looks at the screen as a
// viewer would.
type demoRun struct {
	t              *testing.T
	srv            *displayserver.Server
	obs            *xclient.Conn
	stdout, stderr *syncbuf.Buffer
	cancel         context.CancelFunc
	code           chan int
	win            image.Rectangle // the demo window's inside on the screen
	border         int
}

// startDemo runs the seed demo with extra flags and checks its window.
func startDemo(t *testing.T, extra ...string) *demoRun {
	t.Helper()
	d := startRun(t, extra...)
	if d.win.Dx() != winWidth || d.win.Dy() != winHeight || d.border != 0 {
		t.Fatalf("window %dx%d border %d, want %dx%d border 0", d.win.Dx(), d.win.Dy(), d.border, winWidth, winHeight)
	}
	return d
}

// startRun runs xdemo with extra flags against a fresh server and waits
// until its window, the root's only child, is mapped.
func startRun(t *testing.T, extra ...string) *demoRun {
	t.Helper()
	srv, display := startServer(t)
	d := &demoRun{t: t, srv: srv, stdout: &syncbuf.Buffer{}, stderr: &syncbuf.Buffer{}, code: make(chan int, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	t.Cleanup(cancel)
	args := append([]string{"--display", display, "--auth", cookie}, extra...)
	go func() { d.code <- run(ctx, args, d.stdout, d.stderr) }()

	obs, err := xclient.Dial(display, xclient.WithAuth(cookie))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { obs.Close() })
	d.obs = obs
	d.poll("the demo window is mapped", func() bool {
		tree, err := obs.QueryTree(obs.Root())
		if err != nil || len(tree.Children) != 1 {
			return false
		}
		g, err := obs.GetGeometry(xclient.Window(tree.Children[0]))
		if err != nil || !g.Mapped {
			return false
		}
		d.win = image.Rect(int(g.X), int(g.Y), int(g.X)+int(g.Width), int(g.Y)+int(g.Height))
		d.border = int(g.BorderWidth)
		return true
	})
	return d
}

// poll retries cond until it holds, failing after 5 s.
func (d *demoRun) poll(what string, cond func() bool) {
	d.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			d.t.Fatalf("%s: not after 5s; xdemo's log:\n%s", what, d.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// screen reads the demo window's area (in window coordinates) from the
// composed screen.
func (d *demoRun) screen() *image.RGBA {
	img, err := d.obs.GetImage(d.obs.Root(), d.win.Min.X, d.win.Min.Y, d.win.Dx(), d.win.Dy())
	if err != nil {
		d.t.Fatal(err)
	}
	return img
}

func px(img *image.RGBA, x, y int) uint32 {
	i := img.PixOffset(x, y)
	return uint32(img.Pix[i])<<16 | uint32(img.Pix[i+1])<<8 | uint32(img.Pix[i+2])
}

// exit waits for run to return and checks its code and that the window is
// gone.
func (d *demoRun) exit(want int) {
	d.t.Helper()
	select {
	case code := <-d.code:
		if code != want {
			d.t.Fatalf("exit code %d, want %d; log:\n%s", code, want, d.stderr.String())
		}
	case <-time.After(5 * time.Second):
		d.t.Fatalf("xdemo still running 5s later; log:\n%s", d.stderr.String())
	}
	d.poll("the window is destroyed", func() bool {
		tree, err := d.obs.QueryTree(d.obs.Root())
		return err == nil && len(tree.Children) == 0
	})
}

// TestDemoDrawsLineAndMarks checks the seed example's picture (a white
// line from (10,60) to (180,20) on black), a click's 5x5 mark, the log,
// and that q ends the demo cleanly.
func TestDemoDrawsLineAndMarks(t *testing.T) {
	d := startDemo(t)
	d.poll("the line is drawn", func() bool {
		img := d.screen()
		return px(img, lineX1, lineY1) == white && px(img, lineX2, lineY2) == white
	})
	img := d.screen()
	if px(img, 100, 90) != black || px(img, 10, 20) != black {
		t.Fatalf("background is not black away from the line")
	}

	mx, my := 50, 80
	d.srv.Input(feed.InputEvent{Kind: feed.ButtonDown, X: d.win.Min.X + mx, Y: d.win.Min.Y + my, Button: 1})
	d.srv.Input(feed.InputEvent{Kind: feed.ButtonUp, X: d.win.Min.X + mx, Y: d.win.Min.Y + my, Button: 1})
	d.poll("the mark is drawn", func() bool { return px(d.screen(), mx, my) == white })
	img = d.screen()
	for y := my - 3; y <= my+3; y++ {
		for x := mx - 3; x <= mx+3; x++ {
			inside := x >= mx-2 && x <= mx+2 && y >= my-2 && y <= my+2
			if got := px(img, x, y); (got == white) != inside {
				t.Fatalf("pixel (%d,%d) = %#06x; the mark should be exactly the 5x5 square centred on (%d,%d)", x, y, got, mx, my)
			}
		}
	}

	d.srv.Input(feed.InputEvent{Kind: feed.KeyDown, X: d.win.Min.X + mx, Y: d.win.Min.Y + my, Keysym: 'q', Text: "q"})
	d.exit(0)
	log := d.stderr.String()
	for _, want := range []string{"connected", "window mapped", "button press, mark", "q pressed, closing"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

// TestDemoCloseButton checks that the window manager's close button (a
// CloseRequest) ends the demo cleanly.
func TestDemoCloseButton(t *testing.T) {
	d := startDemo(t, "--codec", "s2")
	// The title bar is 24 px above the window; the close button is at its
	// right end.
	x, y := d.win.Min.X+winWidth-12, d.win.Min.Y-12
	d.srv.Input(feed.InputEvent{Kind: feed.ButtonDown, X: x, Y: y, Button: 1})
	d.srv.Input(feed.InputEvent{Kind: feed.ButtonUp, X: x, Y: y, Button: 1})
	d.exit(0)
	if log := d.stderr.String(); !strings.Contains(log, "close requested") || !strings.Contains(log, "codec=s2") {
		t.Errorf("log:\n%s", log)
	}
}

// TestDemoSignal checks that cancelling run's context (what SIGINT and
// SIGTERM do in main) ends the demo cleanly.
func TestDemoSignal(t *testing.T) {
	d := startDemo(t)
	d.cancel()
	d.exit(0)
}

// TestDemoCannotConnect checks the message and exit code when there is no
// server.
func TestDemoCannotConnect(t *testing.T) {
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"--display", ":998", "--auth", "x"}, io.Discard, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "xdemo: cannot connect") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}

// TestDemoFlags checks --help and a bad flag.
func TestDemoFlags(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"--help"}, io.Discard, &stderr); code != 0 {
		t.Fatalf("--help exit %d", code)
	}
	for _, f := range []string{"-display", "-auth", "-codec", protocol.EnvDisplay, protocol.EnvAuth} {
		if !strings.Contains(stderr.String(), f) {
			t.Errorf("--help lacks %s:\n%s", f, stderr.String())
		}
	}
	if code := run(context.Background(), []string{"--bogus"}, io.Discard, io.Discard); code != 2 {
		t.Fatalf("bad flag exit %d, want 2", code)
	}
}
