package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
	"github.com/xfar/xfar/xclient/x11bridge"
)

// xgb logs to stderr when it finds no Xauthority of its own, which is
// expected: the bridge and the tests hand it the private server's cookie.
var bridgeQuietXGB sync.Once

// bridgeNeedTools fails (never skips) when a program the bridge tests run is
// missing, saying which package provides it.
func bridgeNeedTools(t testing.TB, tools ...string) {
	t.Helper()
	pkgs := map[string]string{"Xvfb": "xvfb", "xlogo": "x11-apps", "xeyes": "x11-apps",
		"xterm": "xterm", "gcc": "gcc", "xcalc": "x11-apps", "x11perf": "x11-apps", "xev": "x11-utils",
		"xdotool": "xdotool", "wmctrl": "wmctrl", "gtk3-demo": "gtk-3-examples", "xprop": "x11-utils",
		"xmessage": "x11-utils", "xedit": "x11-apps", "xclip": "xclip", "top": "procps", "xpra": "xpra",
		"xclock": "x11-apps", "oclock": "x11-apps", "xwininfo": "x11-utils"}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (Debian package %s); the bridge tests need it", tool, pkgs[tool])
		}
	}
}

// bridgeStartDisplay starts a real display server: protocol over TCP on an
// ephemeral port, HTTP (for /snapshot.png) likewise, no auth, an 800x600
// screen.
func bridgeStartDisplay(t testing.TB) *displayserver.Server {
	t.Helper()
	return wmStartDisplay(t, 800, 600)
}

// wmStartDisplay is bridgeStartDisplay with a screen of its own size.
func wmStartDisplay(t testing.TB, w, h int) *displayserver.Server {
	t.Helper()
	srv, err := displayserver.New(displayserver.Config{TCPAddr: "127.0.0.1:0", UnixPath: "none",
		HTTPAddr: "127.0.0.1:0", AuthFile: "none", NoAuth: true, Width: w, Height: h,
		Logger: bridgeTestLogger(t)})
	if err != nil {
		t.Fatalf("display server: %v", err)
	}
	if err := srv.Start(); err != nil {
		t.Fatalf("display server start: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func bridgeTestLogger(t testing.TB) *slog.Logger {
	bridgeQuietXGB.Do(func() { xgb.Logger = log.New(io.Discard, "", 0) })
	level := slog.LevelError
	if os.Getenv("XFAR_TEST_DEBUG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// startBridge runs a bridge in the test's process for command on srv.
func startBridge(t *testing.T, srv *displayserver.Server, command ...string) *x11bridge.Bridge {
	t.Helper()
	return RunBridge(t, x11bridge.Config{Address: srv.TCPAddr().String(),
		Command: command, Logger: bridgeTestLogger(t), Stderr: os.Stderr})
}

// RunBridge runs a bridge in the test's process with cfg, until the test
// ends. The web viewer's tests (package e2e_test) use it too.
func RunBridge(t *testing.T, cfg x11bridge.Config) *x11bridge.Bridge {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b, err := x11bridge.Start(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatalf("start bridge: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		awaitEnd(t, "bridge", func() { b.Wait() })
	})
	return b
}

// awaitEnd waits for wait, which returns once what (a bridge, a session)
// has ended after being cancelled; a hang fails the test instead of
// hanging it.
func awaitEnd(t *testing.T, what string, wait func()) {
	done := make(chan struct{})
	go func() { wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Errorf("%s did not end within 15s of being cancelled", what)
	}
}

// closeByButton clicks the close button that the display's window manager
// draws in the title bar above r, then checks that wait (of the bridge or
// session running xprog) returns xprog's status after WM_DELETE_WINDOW and
// that the display's windows go away.
func closeByButton(t *testing.T, srv *displayserver.Server, c *xclient.Conn, r image.Rectangle, what string, wait func() (int, error)) {
	t.Helper()
	// The close button is at the right end of the title bar, right above
	// the window.
	at := image.Pt(r.Max.X-12, r.Min.Y-12)
	bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: at.X, Y: at.Y})
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonDown, X: at.X, Y: at.Y, Button: 1})
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonUp, X: at.X, Y: at.Y, Button: 1})
	done := make(chan struct{})
	var code int
	var err error
	go func() { code, err = wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not end within 10s of the close button", what)
	}
	if err != nil || code != 5 {
		t.Errorf("%s ended with %d, %v; want 5 (xprog's status after WM_DELETE_WINDOW), nil", what, code, err)
	}
	bridgeWaitFor(t, 5*time.Second, "display windows removed", func() string {
		if n := len(displayTopLevels(t, c)); n != 0 {
			return fmt.Sprintf("%d windows left", n)
		}
		return ""
	})
}

// bridgeDialTestDisplay connects a plain xfar client to srv, to look at the
// window tree as any client sees it.
func bridgeDialTestDisplay(t testing.TB, srv *displayserver.Server) *xclient.Conn {
	t.Helper()
	network, address := "unix", srv.UnixPath()
	if a := srv.TCPAddr(); a != nil {
		network, address = "tcp", a.String()
	}
	c, err := xclient.DialAddr(network, address)
	if err != nil {
		t.Fatalf("dial display: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// dialBridgeX connects to the bridge's private X server.
func dialBridgeX(t *testing.T, b *x11bridge.Bridge) *xgb.Conn {
	t.Helper()
	x, err := x11bridge.DialX(b.XDisplay(), b.XAuthority())
	if err != nil {
		t.Fatalf("connect to the bridge's X server: %v", err)
	}
	t.Cleanup(x.Close)
	return x
}

// xTopLevel is a viewable child of an X server's root.
type xTopLevel struct {
	id         xproto.Window
	r          image.Rectangle // interior, in root coordinates
	override   bool
	wmName     string
	borderWide int
}

// xTopLevels lists the viewable, InputOutput children of the X root.
func xTopLevels(t *testing.T, x *xgb.Conn) []xTopLevel {
	t.Helper()
	root := xproto.Setup(x).DefaultScreen(x).Root
	tree, err := xproto.QueryTree(x, root).Reply()
	if err != nil {
		t.Fatalf("X QueryTree: %v", err)
	}
	var out []xTopLevel
	for _, id := range tree.Children {
		attr, err := xproto.GetWindowAttributes(x, id).Reply()
		if err != nil || attr.MapState != xproto.MapStateViewable || attr.Class != xproto.WindowClassInputOutput {
			continue
		}
		g, err := xproto.GetGeometry(x, xproto.Drawable(id)).Reply()
		if err != nil {
			continue
		}
		bw := int(g.BorderWidth)
		min := image.Pt(int(g.X)+bw, int(g.Y)+bw)
		tl := xTopLevel{id: id, r: image.Rectangle{Min: min, Max: min.Add(image.Pt(int(g.Width), int(g.Height)))},
			override: attr.OverrideRedirect, borderWide: bw}
		if p, err := xproto.GetProperty(x, false, id, xproto.AtomWmName, xproto.GetPropertyTypeAny, 0, 256).Reply(); err == nil {
			tl.wmName = string(p.Value)
		}
		out = append(out, tl)
	}
	return out
}

// xScreenshot returns r of the X server's screen, as Xvfb shows it.
func xScreenshot(t *testing.T, x *xgb.Conn, r image.Rectangle) *image.RGBA {
	t.Helper()
	root := xproto.Setup(x).DefaultScreen(x).Root
	rep, err := xproto.GetImage(x, xproto.ImageFormatZPixmap, xproto.Drawable(root),
		int16(r.Min.X), int16(r.Min.Y), uint16(r.Dx()), uint16(r.Dy()), 0xffffffff).Reply()
	if err != nil {
		t.Fatalf("X GetImage %v: %v", r, err)
	}
	img := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	if len(rep.Data) < 4*r.Dx()*r.Dy() {
		t.Fatalf("X GetImage %v: %d bytes", r, len(rep.Data))
	}
	for i := 0; i < r.Dx()*r.Dy(); i++ {
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] =
			rep.Data[4*i+2], rep.Data[4*i+1], rep.Data[4*i], 0xff
	}
	return img
}

// snapshot fetches the display's /snapshot.png over HTTP, as a user would.
func bridgeSnapshot(t testing.TB, srv *displayserver.Server) *image.RGBA {
	t.Helper()
	url := fmt.Sprintf("http://%s/snapshot.png?token=%s", srv.HTTPAddr(), srv.Cookie())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /snapshot.png: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /snapshot.png: %v %s %.200s", err, resp.Status, body)
	}
	img, err := png.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("decode /snapshot.png: %v", err)
	}
	if rgba, ok := img.(*image.RGBA); ok {
		return rgba
	}
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	return rgba
}

// crop copies r of img into a new image at the origin.
func bridgeCrop(img *image.RGBA, r image.Rectangle) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			out.SetRGBA(x, y, img.RGBAAt(r.Min.X+x, r.Min.Y+y))
		}
	}
	return out
}

// bridgeDiffCount counts the pixels in which two same-sized images differ.
func bridgeDiffCount(a, b *image.RGBA) int {
	if a.Bounds().Size() != b.Bounds().Size() {
		return a.Bounds().Dx() * a.Bounds().Dy()
	}
	n := 0
	for i := 0; i < len(a.Pix); i += 4 {
		if !bytes.Equal(a.Pix[i:i+3], b.Pix[i:i+3]) {
			n++
		}
	}
	return n
}

// bridgeMirrorDiff counts the pixels in which the display's copy d of a
// window differs from Xvfb's x, except where a shaped window (xeyes) lets
// the desktop through: there the display shows its desktop colour and
// Xvfb its black root.
func bridgeMirrorDiff(x, d *image.RGBA) int {
	if x.Bounds().Size() != d.Bounds().Size() {
		return x.Bounds().Dx() * x.Bounds().Dy()
	}
	n := 0
	for i := 0; i < len(x.Pix); i += 4 {
		if bytes.Equal(x.Pix[i:i+3], d.Pix[i:i+3]) {
			continue
		}
		if bytes.Equal(d.Pix[i:i+3], []byte{0x3b, 0x42, 0x52}) && bytes.Equal(x.Pix[i:i+3], []byte{0, 0, 0}) {
			continue
		}
		n++
	}
	return n
}

// displayTopLevels lists the display's mapped children of root with their
// interior rectangles.
func displayTopLevels(t testing.TB, c *xclient.Conn) map[uint32]image.Rectangle {
	t.Helper()
	tree, err := c.QueryTree(c.Root())
	if err != nil {
		t.Fatalf("display QueryTree: %v", err)
	}
	out := make(map[uint32]image.Rectangle)
	for _, id := range tree.Children {
		g, err := c.GetGeometry(xclient.Window(id))
		if err != nil || !g.Mapped {
			continue
		}
		min := image.Pt(int(g.X)+int(g.BorderWidth), int(g.Y)+int(g.BorderWidth))
		out[id] = image.Rectangle{Min: min, Max: min.Add(image.Pt(int(g.Width), int(g.Height)))}
	}
	return out
}

// bridgeWaitFor polls cond until it returns "" or the deadline passes, then
// fails with cond's last complaint.
func bridgeWaitFor(t *testing.T, d time.Duration, what string, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		msg := cond()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v: %s", what, d, msg)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitMirrored waits until the X server has a window matching want and the
// display shows it, pixel for pixel, at the same place. It returns the X
// window's rectangle.
func waitMirrored(t *testing.T, srv *displayserver.Server, x *xgb.Conn, c *xclient.Conn,
	want func(xTopLevel) bool, d time.Duration) xTopLevel {
	t.Helper()
	var found xTopLevel
	var lastX, lastD *image.RGBA
	bridgeWaitFor(t, d, "mirrored window identical on the display", func() string {
		var ok bool
		for _, w := range xTopLevels(t, x) {
			if want(w) {
				found, ok = w, true
			}
		}
		if !ok {
			return "no such X window yet"
		}
		onDisplay := false
		for _, r := range displayTopLevels(t, c) {
			if r == found.r {
				onDisplay = true
			}
		}
		if !onDisplay {
			return fmt.Sprintf("no display window at %v (display has %v)", found.r, displayTopLevels(t, c))
		}
		lastX = xScreenshot(t, x, found.r)
		lastD = bridgeCrop(bridgeSnapshot(t, srv), found.r)
		if n := bridgeMirrorDiff(lastX, lastD); n != 0 {
			return fmt.Sprintf("%d of %d pixels differ", n, found.r.Dx()*found.r.Dy())
		}
		return ""
	})
	if t.Failed() && lastX != nil {
		bridgeSavePNG(t, "xvfb.png", lastX)
		bridgeSavePNG(t, "display.png", lastD)
	}
	return found
}

func bridgeSavePNG(t *testing.T, name string, img image.Image) {
	dir := os.Getenv("XFAR_TEST_OUT")
	if dir == "" {
		dir = os.TempDir()
	}
	p := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+"-"+name)
	f, err := os.Create(p)
	if err != nil {
		return
	}
	defer f.Close()
	png.Encode(f, img)
	t.Logf("wrote %s", p)
}

// input sends one input event through the display server, as a viewer does.
func bridgeInput(srv *displayserver.Server, ev feed.InputEvent) { srv.Input(ev) }

// bridgeTypeText types s through the display server, pressing Shift around the
// characters that need it on a US keyboard, as a viewer would.
func bridgeTypeText(srv *displayserver.Server, at image.Point, s string) {
	for _, r := range s {
		ks := protocol.KeysymForRune(r)
		shifted := strings.ContainsRune(`~!@#$%^&*()_+{}|:"<>?ABCDEFGHIJKLMNOPQRSTUVWXYZ`, r)
		var mods uint16
		if shifted {
			bridgeInput(srv, feed.InputEvent{Kind: feed.KeyDown, X: at.X, Y: at.Y, Keysym: protocol.KeyShiftL})
			mods = protocol.ShiftMask
		}
		text := string(r)
		if r == '\n' {
			text = "\r"
		}
		bridgeInput(srv, feed.InputEvent{Kind: feed.KeyDown, X: at.X, Y: at.Y, Keysym: ks, Mods: mods, Text: text})
		bridgeInput(srv, feed.InputEvent{Kind: feed.KeyUp, X: at.X, Y: at.Y, Keysym: ks, Mods: mods})
		if shifted {
			bridgeInput(srv, feed.InputEvent{Kind: feed.KeyUp, X: at.X, Y: at.Y, Keysym: protocol.KeyShiftL, Mods: mods})
		}
	}
}
