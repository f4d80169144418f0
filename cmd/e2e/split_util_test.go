package e2e

import (
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/internal/linkem"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/widget"
	"github.com/xfar/xfar/xclient"
)

const splitCookie = "0123456789abcdef0123456789abcdef"

var splits = []string{"pixels", "draw", "widgets"}

// splitXdemo returns the real xdemo binary.
func splitXdemo(t testing.TB) string { return Binary(t, "xdemo") }

// splitSession is the form demo (the real xdemo binary) on a real display
// server, reached through a link emulator; an observer connection reads
// the screen directly.
type splitSession struct {
	t     testing.TB
	split string
	srv   *displayserver.Server
	proxy *linkem.Proxy
	obs   *xclient.Conn
	cmd   *exec.Cmd
	out   *splitBuf // xdemo's stdout
	log   *splitBuf // xdemo's stderr
	done  chan error
	win   image.Rectangle // the form window on the screen
	// emptyField is how the focused, empty field looks.
	emptyField *image.RGBA
}

// startSplit starts a server, a link of the given RTT and the form demo
// in split, and waits for its window.
func startSplit(t testing.TB, split string, rtt time.Duration, codec string) *splitSession {
	t.Helper()
	srv, err := displayserver.New(displayserver.Config{TCPAddr: "127.0.0.1:0", UnixPath: "none", HTTPAddr: "127.0.0.1:0",
		AuthFile: "none", Cookie: splitCookie, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	s := &splitSession{t: t, split: split, srv: srv, out: &splitBuf{}, log: &splitBuf{}, done: make(chan error, 1)}
	// xdemo takes a display name, so the link listens on a display's port.
	var n int
	for n = 300 + os.Getpid()%300; n < 999; n++ {
		p, err := linkem.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", protocol.TCPBasePort+n), "tcp", srv.TCPAddr().String(), linkem.Config{RTT: rtt})
		if err == nil {
			s.proxy = p
			break
		}
	}
	if s.proxy == nil {
		t.Fatal("no free display port for the link emulator")
	}
	t.Cleanup(func() { s.proxy.Close() })
	s.obs, err = xclient.DialAddr("tcp", srv.TCPAddr().String(), xclient.WithAuth(splitCookie))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.obs.Close() })
	s.cmd = exec.Command(splitXdemo(t), "--display", fmt.Sprintf("127.0.0.1:%d", n), "--auth", splitCookie,
		"--codec", codec, "--demo", "form", "--split", split)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.done
		if t.Failed() {
			t.Logf("xdemo --split %s log:\n%s", split, s.log.String())
		}
	})
	s.poll(10*time.Second, "the form window is mapped", func() bool {
		tree, err := s.obs.QueryTree(s.obs.Root())
		if err != nil || len(tree.Children) != 1 {
			return false
		}
		g, err := s.obs.GetGeometry(xclient.Window(tree.Children[0]))
		if err != nil || !g.Mapped {
			return false
		}
		s.win = image.Rect(int(g.X), int(g.Y), int(g.X)+int(g.Width), int(g.Y)+int(g.Height))
		return true
	})
	// Painted: the draw and pixels splits paint on their first Expose.
	s.poll(10*time.Second, "the form is painted", func() bool {
		img := s.screen(s.win.Sub(s.win.Min))
		// The Add button's border is dark where the window background is
		// light.
		lh, _ := widget.Metrics()
		return s.px(img, s.win.Dx()-widget.Margin-1, widget.Margin+lh/2) == widget.ColorBorder
	})
	s.emptyField = s.screen(s.fieldRect())
	return s
}

// poll retries cond until it holds.
func (s *splitSession) poll(limit time.Duration, what string, cond func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			s.t.Fatalf("%s (split %s): not after %v; xdemo's log:\n%s", what, s.split, limit, s.log.String())
		}
		time.Sleep(time.Millisecond)
	}
}

// screen reads r (window coordinates) from the composed screen.
func (s *splitSession) screen(r image.Rectangle) *image.RGBA {
	s.t.Helper()
	r = r.Add(s.win.Min)
	img, err := s.obs.GetImage(s.obs.Root(), r.Min.X, r.Min.Y, r.Dx(), r.Dy())
	if err != nil {
		s.t.Fatal(err)
	}
	return img
}

func (s *splitSession) px(img *image.RGBA, x, y int) uint32 {
	i := img.PixOffset(x, y)
	return uint32(img.Pix[i])<<16 | uint32(img.Pix[i+1])<<8 | uint32(img.Pix[i+2])
}

// Form geometry, in window coordinates, from the shared layout.
func (s *splitSession) fieldRect() image.Rectangle {
	lh, _ := widget.Metrics()
	return image.Rect(widget.Margin, widget.Margin, s.win.Dx()/2, widget.Margin+lh+12)
}

func (s *splitSession) addButton() image.Point {
	lh, _ := widget.Metrics()
	return image.Pt(s.win.Dx()-widget.Margin-10, widget.Margin+(lh+12)/2)
}

func (s *splitSession) listPoint() image.Point {
	lh, _ := widget.Metrics()
	return image.Pt(widget.Margin+30, widget.Margin+(lh+12)+widget.Spacing+(lh+8)+widget.Spacing+10)
}

func (s *splitSession) input(ev feed.InputEvent) {
	ev.X += s.win.Min.X
	ev.Y += s.win.Min.Y
	s.srv.Input(ev)
}

func (s *splitSession) key(r rune) {
	p := s.fieldRect().Min.Add(image.Pt(5, 5))
	s.input(feed.InputEvent{Kind: feed.KeyDown, X: p.X, Y: p.Y, Keysym: protocol.KeysymForRune(r), Text: string(r)})
	s.input(feed.InputEvent{Kind: feed.KeyUp, X: p.X, Y: p.Y, Keysym: protocol.KeysymForRune(r)})
}

func (s *splitSession) click(p image.Point, button int) {
	s.input(feed.InputEvent{Kind: feed.PointerMove, X: p.X, Y: p.Y})
	s.input(feed.InputEvent{Kind: feed.ButtonDown, X: p.X, Y: p.Y, Button: button})
	s.input(feed.InputEvent{Kind: feed.ButtonUp, X: p.X, Y: p.Y, Button: button})
}

// typeEchoed types r and waits until the field shows a change, returning
// how long that took: the time from a key press to its character on the
// display.
func (s *splitSession) typeEchoed(r rune) time.Duration {
	s.t.Helper()
	before := s.screen(s.fieldRect())
	start := time.Now()
	s.key(r)
	s.poll(10*time.Second, fmt.Sprintf("%q shows in the field", r), func() bool {
		return string(s.screen(s.fieldRect()).Pix) != string(before.Pix)
	})
	return time.Since(start)
}

// addAndWait clicks Add and waits until the demo logged n entries and
// the cleared field shows. (In the widgets split the clearing crosses the
// network after the click: a user typing on at once would type into the
// old text.)
func (s *splitSession) addAndWait(n int) {
	s.t.Helper()
	s.click(s.addButton(), 1)
	s.poll(10*time.Second, fmt.Sprintf("entry %d is added", n), func() bool {
		return strings.Contains(s.log.String(), fmt.Sprintf("entries=%d ", n)) &&
			string(s.screen(s.fieldRect()).Pix) == string(s.emptyField.Pix)
	})
}

// snapshot fetches /snapshot.png as a viewer would.
func (s *splitSession) snapshot() image.Image {
	s.t.Helper()
	resp, err := http.Get("http://" + s.srv.HTTPAddr().String() + "/snapshot.png?token=" + splitCookie)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("snapshot: %s", resp.Status)
	}
	img, err := png.Decode(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return img
}

// splitState is what the form prints when it ends.
type splitState struct {
	Split    string   `json:"split"`
	Entries  []string `json:"entries"`
	Count    string   `json:"count"`
	Field    string   `json:"field"`
	Selected int      `json:"selected"`
	Scroll   int      `json:"scroll"`
}

// stop ends the demo with SIGTERM and returns the state it printed.
func (s *splitSession) stop() splitState {
	s.t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		if err != nil {
			s.t.Fatalf("xdemo --split %s: %v", s.split, err)
		}
	case <-time.After(10 * time.Second):
		s.t.Fatalf("xdemo --split %s did not exit", s.split)
	}
	out := s.out.String()
	i := strings.Index(out, "form state ")
	if i < 0 {
		s.t.Fatalf("no state printed: %q", out)
	}
	var st splitState
	if err := json.Unmarshal([]byte(strings.TrimSpace(out[i+len("form state "):])), &st); err != nil {
		s.t.Fatal(err)
	}
	return st
}

// diffImages returns how many pixels differ and their bounding box.
func diffImages(a, b image.Image) (int, image.Rectangle) {
	n := 0
	var box image.Rectangle
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				n++
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return n, box
}

// splitBuf is a buffer safe for a process's output and the test.
type splitBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *splitBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *splitBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
