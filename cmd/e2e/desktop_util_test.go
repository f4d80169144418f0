package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/internal/xvfb"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient/x11bridge"
)

// The desktop tests run the real programs, as a user does: an Xvfb stands
// in for the desktop, displayserver opens its window there (by starting
// xview), xdotool moves the mouse and types through XTEST, and the tests
// compare what the Xvfb screen shows with /snapshot.png.

// deskNeedTools fails, never skips, when the desktop tests' tools are
// missing.
func deskNeedTools(t testing.TB) {
	t.Helper()
	for tool, pkg := range map[string]string{"Xvfb": "xvfb", "xdotool": "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (Debian package %s); the desktop viewer tests need it", tool, pkg)
		}
	}
}

// deskEnv returns the environment with the desktop variables removed and
// extra added.
func deskEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", protocol.EnvAuth, protocol.EnvDisplay:
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// deskProc is a started program.
type deskProc struct {
	name     string
	cmd      *exec.Cmd
	out, err SyncBuffer
	done     chan struct{}
	waitErr  error
}

// deskStart starts a program that the test's cleanup stops (SIGTERM, then
// SIGKILL after 5 s) if it is still running.
func deskStart(t testing.TB, env []string, bin string, args ...string) *deskProc {
	t.Helper()
	p := &deskProc{name: filepath.Base(bin), cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.err
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("%s stdout:\n%s\n%s stderr:\n%s", p.name, p.out.String(), p.name, p.err.String())
		}
	})
	return p
}

func (p *deskProc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// wait waits up to d for the program to end and returns its exit code.
func (p *deskProc) wait(t testing.TB, d time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(d):
		t.Fatalf("%s still running after %v\nstderr:\n%s", p.name, d, p.err.String())
	}
	if p.waitErr == nil {
		return 0
	}
	if ee, ok := p.waitErr.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	t.Fatalf("%s: %v", p.name, p.waitErr)
	return -1
}

// deskDesktop is an Xvfb desktop with an X connection to look at it.
type deskDesktop struct {
	x   *xvfb.Server
	xc  *xgb.Conn
	env []string // DISPLAY and XAUTHORITY of the Xvfb
}

// startDesktop starts an Xvfb large enough for a 1280x800 window.
func startDesktop(t testing.TB) *deskDesktop {
	t.Helper()
	deskNeedTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	x, err := xvfb.Start(ctx, xvfb.Options{Width: 1400, Height: 900, Auth: true, First: 150})
	if err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	t.Cleanup(func() { x.Stop() })
	d := &deskDesktop{x: x, env: []string{"DISPLAY=" + x.Display, "XAUTHORITY=" + x.AuthFile}}
	// One Once for the package: a second write of xgb.Logger would race
	// with the readers of connections other tests left open.
	bridgeQuietXGB.Do(func() { xgb.Logger = log.New(io.Discard, "", 0) })
	d.xc, err = x11bridge.DialX(x.Display, x.AuthFile)
	if err != nil {
		t.Fatalf("connect to Xvfb: %v", err)
	}
	t.Cleanup(d.xc.Close)
	return d
}

// xdotool runs xdotool against the desktop.
func (d *deskDesktop) xdotool(t testing.TB, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xdotool", args...)
	cmd.Env = deskEnv(d.env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("xdotool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// findWindow waits for a top-level X window whose name is title and
// returns its inside in root coordinates.
func (d *deskDesktop) findWindow(t testing.TB, title string) (xproto.Window, image.Rectangle) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	root := xproto.Setup(d.xc).DefaultScreen(d.xc).Root
	for {
		tree, err := xproto.QueryTree(d.xc, root).Reply()
		if err != nil {
			t.Fatalf("X QueryTree: %v", err)
		}
		for _, w := range tree.Children {
			attr, err := xproto.GetWindowAttributes(d.xc, w).Reply()
			if err != nil || attr.MapState != xproto.MapStateViewable {
				continue
			}
			name, err := xproto.GetProperty(d.xc, false, w, xproto.AtomWmName, xproto.GetPropertyTypeAny, 0, 256).Reply()
			if err != nil || string(name.Value) != title {
				continue
			}
			g, err := xproto.GetGeometry(d.xc, xproto.Drawable(w)).Reply()
			if err != nil {
				continue
			}
			tr, err := xproto.TranslateCoordinates(d.xc, w, root, 0, 0).Reply()
			if err != nil {
				continue
			}
			min := image.Pt(int(tr.DstX), int(tr.DstY))
			return w, image.Rectangle{Min: min, Max: min.Add(image.Pt(int(g.Width), int(g.Height)))}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no window named %q on the desktop after 20 s", title)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// shot returns r of the desktop's screen.
func (d *deskDesktop) shot(t testing.TB, r image.Rectangle) *image.RGBA {
	t.Helper()
	root := xproto.Setup(d.xc).DefaultScreen(d.xc).Root
	img := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	// X replies are bounded in size; fetch in bands of rows.
	for y := 0; y < r.Dy(); y += 128 {
		h := min(128, r.Dy()-y)
		rep, err := xproto.GetImage(d.xc, xproto.ImageFormatZPixmap, xproto.Drawable(root),
			int16(r.Min.X), int16(r.Min.Y+y), uint16(r.Dx()), uint16(h), 0xffffffff).Reply()
		if err != nil {
			t.Fatalf("X GetImage: %v", err)
		}
		if len(rep.Data) < 4*r.Dx()*h {
			t.Fatalf("X GetImage: %d bytes for %dx%d", len(rep.Data), r.Dx(), h)
		}
		for i := 0; i < r.Dx()*h; i++ {
			o := 4 * (y*r.Dx() + i)
			img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = rep.Data[4*i+2], rep.Data[4*i+1], rep.Data[4*i], 0xff
		}
	}
	return img
}

// deskServer is a displayserver process on the desktop.
type deskServer struct {
	*deskProc
	n      int
	url    string // http://127.0.0.1:port
	cookie string
}

var deskURLRe = regexp.MustCompile(`viewer \(full control\): http://[^:/]+:(\d+)/\?token=([0-9a-f]+)`)

// startDeskServer runs displayserver with env (a desktop's, or none) and
// waits for its banner.
func startDeskServer(t testing.TB, env []string, extra ...string) *deskServer {
	t.Helper()
	n := FreeDisplay(t)
	args := append([]string{"--display", fmt.Sprintf(":%d", n),
		"--listen", fmt.Sprintf("127.0.0.1:%d", protocol.TCPBasePort+n),
		"--http", fmt.Sprintf("127.0.0.1:%d", protocol.HTTPBasePort+n)}, extra...)
	p := deskStart(t, env, Binary(t, "displayserver"), args...)
	s := &deskServer{deskProc: p, n: n}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := deskURLRe.FindStringSubmatch(p.out.String()); m != nil {
			s.url, s.cookie = "http://127.0.0.1:"+m[1], m[2]
			return s
		}
		select {
		case <-p.done:
			t.Fatalf("displayserver exited before its banner: %v\nstderr:\n%s", p.waitErr, p.err.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no banner from displayserver after 20 s\nstdout:\n%s\nstderr:\n%s", p.out.String(), p.err.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// snapshot fetches /snapshot.png.
func (s *deskServer) snapshot(t testing.TB) *image.RGBA {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.url+"/snapshot.png", nil)
	req.Header.Set("Authorization", "Bearer "+s.cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /snapshot.png: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /snapshot.png: %s %.200s", resp.Status, body)
	}
	img, err := png.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("decode snapshot: %v", err)
	}
	rgba, ok := img.(*image.RGBA)
	if !ok {
		rgba = image.NewRGBA(img.Bounds())
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
			for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
				rgba.Set(x, y, img.At(x, y))
			}
		}
	}
	return rgba
}

// deskPixel returns the 0xRRGGBB pixel of img at (x, y).
func deskPixel(img *image.RGBA, x, y int) uint32 {
	o := img.PixOffset(x, y)
	return uint32(img.Pix[o])<<16 | uint32(img.Pix[o+1])<<8 | uint32(img.Pix[o+2])
}

// deskDiff counts differing pixels of two same-sized images.
func deskDiff(a, b *image.RGBA) (int, image.Point) {
	n, first := 0, image.Pt(-1, -1)
	for y := 0; y < a.Bounds().Dy(); y++ {
		for x := 0; x < a.Bounds().Dx(); x++ {
			if deskPixel(a, x, y) != deskPixel(b, x, y) {
				if n == 0 {
					first = image.Pt(x, y)
				}
				n++
			}
		}
	}
	return n, first
}

// waitSnap polls /snapshot.png until cond holds, failing after 10 s.
func (s *deskServer) waitSnap(t testing.TB, what string, cond func(*image.RGBA) bool) *image.RGBA {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		img := s.snapshot(t)
		if cond(img) {
			return img
		}
		if time.Now().After(deadline) {
			deskSave(t, "snapshot", img)
			t.Fatalf("after 10 s: %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// deskSave writes img to the test's output directory for a failure's
// post-mortem.
func deskSave(t testing.TB, name string, img image.Image) {
	dir := os.Getenv("XFAR_TEST_ARTIFACTS")
	if dir == "" {
		dir = os.TempDir()
	}
	p := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+"-"+name+".png")
	var b bytes.Buffer
	png.Encode(&b, img)
	if os.WriteFile(p, b.Bytes(), 0o644) == nil {
		t.Logf("saved %s", p)
	}
}

// Title bar colours of the display server's window manager.
const (
	deskTitleFocused = 0x5e81ac
	deskTitlePlain   = 0x4c566a
	deskTitleHeight  = 24
)

// titleBarAt reports whether img has a title bar of width w whose top-left
// is at p.
func titleBarAt(img *image.RGBA, p image.Point, w int) bool {
	if !p.In(img.Bounds()) || !p.Add(image.Pt(w-1, deskTitleHeight-1)).In(img.Bounds()) {
		return false
	}
	for _, q := range []image.Point{{0, 0}, {1, 1}, {0, deskTitleHeight - 1}} {
		c := deskPixel(img, p.X+q.X, p.Y+q.Y)
		if c != deskTitleFocused && c != deskTitlePlain {
			return false
		}
	}
	return true
}
