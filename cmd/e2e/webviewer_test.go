package e2e_test

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/xfar/xfar/cmd/e2e"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

var (
	white = color.RGBA{0xff, 0xff, 0xff, 0xff}
	black = color.RGBA{0, 0, 0, 0xff}
)

// dialTest connects a test client to s over TCP.
func dialTest(t testing.TB, s *webServer) *xclient.Conn {
	t.Helper()
	c, err := xclient.DialAddr("tcp", s.TCPAddr().String(), xclient.WithAuth(s.Cookie()))
	if err != nil {
		t.Fatalf("dial display server: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// runXdemo builds the real xdemo and runs it against s until the test ends.
func runXdemo(t testing.TB, s *webServer) {
	t.Helper()
	bin := e2e.Binary(t, "xdemo")
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--display", s.display(), "--auth", s.Cookie())
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start xdemo: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		if t.Failed() {
			t.Logf("xdemo output:\n%s", out.String())
		}
	})
}

// inputWindow creates a 300x200 top-level window at x, y that selects
// mask, maps it and returns it with its position on the screen once the
// display shows it.
func inputWindow(t testing.TB, c *xclient.Conn, x, y int, mask uint32) (xclient.Window, image.Point) {
	t.Helper()
	w, err := c.CreateWindow(c.Root(), x, y, 300, 200, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SelectInput(w, mask); err != nil {
		t.Fatal(err)
	}
	if err := c.MapWindow(w); err != nil {
		t.Fatal(err)
	}
	if err := c.Sync(); err != nil {
		t.Fatal(err)
	}
	return w, findWindow(t, c, 300, 200)
}

// findWindow waits for a mapped top-level window of the given size and
// returns its position on the screen.
func findWindow(t testing.TB, c *xclient.Conn, w, h int) image.Point {
	t.Helper()
	r, ok := pollTopLevel(t, c, 10*time.Second, 20*time.Millisecond, func(r image.Rectangle) bool {
		return r.Dx() == w && r.Dy() == h
	})
	if !ok {
		t.Fatalf("no mapped %dx%d window appeared", w, h)
	}
	return r.Min
}

// pollTopLevel looks every poll, for up to within, for a mapped top-level
// window on the display whose interior matches, and returns that interior.
func pollTopLevel(t testing.TB, c *xclient.Conn, within, poll time.Duration, match func(image.Rectangle) bool) (image.Rectangle, bool) {
	t.Helper()
	end := time.Now().Add(within)
	for time.Now().Before(end) {
		tree, err := c.QueryTree(c.Root())
		if err != nil {
			t.Fatalf("query tree: %v", err)
		}
		for _, id := range tree.Children {
			g, err := c.GetGeometry(xclient.Window(id))
			if err != nil || !g.Mapped {
				continue // gone meanwhile, or not shown
			}
			min := image.Pt(int(g.X)+int(g.BorderWidth), int(g.Y)+int(g.BorderWidth))
			r := image.Rectangle{Min: min, Max: min.Add(image.Pt(int(g.Width), int(g.Height)))}
			if match(r) {
				return r, true
			}
		}
		time.Sleep(poll)
	}
	return image.Rectangle{}, false
}

// waitSnapshot waits until /snapshot.png has color c at p.
func waitSnapshot(t testing.TB, s *webServer, p image.Point, c color.RGBA) {
	t.Helper()
	end := time.Now().Add(10 * time.Second)
	var got color.RGBA
	for time.Now().Before(end) {
		if got = s.snapshot(t).RGBAAt(p.X, p.Y); got == c {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("snapshot pixel at %v is %v, want %v", p, got, c)
}

// xdemoLine is the white line xdemo draws, in window coordinates.
var xdemoLine = [2]image.Point{{10, 60}, {180, 20}}

func TestWebViewerShowsXdemo(t *testing.T) {
	s := startWebServer(t, 640, 480)
	runXdemo(t, s)
	win := findWindow(t, dialTest(t, s), 200, 100)
	for _, p := range xdemoLine {
		waitSnapshot(t, s, win.Add(p), white)
	}

	tab, _ := newTab(t, startBrowser(t, 90*time.Second))
	openViewer(t, tab, s.viewerURL())
	got := waitCanvasMatches(t, tab, s, 10*time.Second)
	// The canvas matched the snapshot; make sure that was xdemo's picture
	// and not, say, two blank screens.
	for _, p := range xdemoLine {
		if c := got.RGBAAt(win.X+p.X, win.Y+p.Y); c != white {
			t.Errorf("canvas at line end %v is %v, want white", win.Add(p), c)
		}
	}
	if c := got.RGBAAt(win.X+100, win.Y+90); c != black {
		t.Errorf("canvas inside xdemo's window at %v is %v, want black", win.Add(image.Pt(100, 90)), c)
	}
	// 1:1: the canvas is as big as the screen, in device pixels.
	size, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](`(() => { const c = document.getElementById('screen'); const r = c.getBoundingClientRect(); return [c.width, c.height, r.width * devicePixelRatio, r.height * devicePixelRatio]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if size[0] != 640 || size[1] != 480 || size[2] != 640 || size[3] != 480 {
		t.Errorf("canvas %vx%v shown as %vx%v device pixels, want 640x480 both", size[0], size[1], size[2], size[3])
	}
}

// canvasOrigin returns where the canvas's top-left corner is in the page.
func canvasOrigin(t testing.TB, tab context.Context) (float64, float64) {
	t.Helper()
	xy, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](`(() => { const r = document.getElementById('screen').getBoundingClientRect(); return [r.left, r.top]; })()`))
	if err != nil {
		t.Fatalf("canvas position: %v", err)
	}
	return xy[0], xy[1]
}

// click presses and releases a mouse button at screen point p of the
// viewer's canvas.
func click(t testing.TB, tab context.Context, p image.Point, button input.MouseButton) {
	t.Helper()
	ox, oy := canvasOrigin(t, tab)
	x, y := ox+float64(p.X)+0.5, oy+float64(p.Y)+0.5
	for _, typ := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMouseMoved, input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
		prm := input.DispatchMouseEventParams{Type: typ, X: x, Y: y}
		if typ != input.DispatchMouseEventTypeMouseMoved {
			prm.Button, prm.ClickCount = button, 1
		}
		if _, err := chromedp.Call(tab, input.DispatchMouseEvent, prm); err != nil {
			t.Fatalf("mouse %s at %v: %v", typ, p, err)
		}
	}
}

func TestWebViewerClickDrawsMark(t *testing.T) {
	s := startWebServer(t, 640, 480)
	runXdemo(t, s)
	win := findWindow(t, dialTest(t, s), 200, 100)
	waitSnapshot(t, s, win.Add(xdemoLine[0]), white)

	tab, _ := newTab(t, startBrowser(t, 90*time.Second))
	openViewer(t, tab, s.viewerURL())
	waitCanvasMatches(t, tab, s, 10*time.Second)

	mark := win.Add(image.Pt(120, 80)) // away from the line
	if c := s.snapshot(t).RGBAAt(mark.X, mark.Y); c != black {
		t.Fatalf("before the click the snapshot at %v is %v, want black", mark, c)
	}
	click(t, tab, mark, input.MouseButtonLeft)
	// xdemo draws a 5x5 mark centred on the click: its corners are white,
	// just outside them is black.
	waitSnapshot(t, s, mark, white)
	got := waitCanvasMatches(t, tab, s, 10*time.Second)
	for _, d := range []image.Point{{-2, -2}, {2, -2}, {-2, 2}, {2, 2}, {0, 0}} {
		if c := got.RGBAAt(mark.X+d.X, mark.Y+d.Y); c != white {
			t.Errorf("canvas at %v (mark %+v) is %v, want white", mark.Add(d), d, c)
		}
	}
	for _, d := range []image.Point{{-3, 0}, {3, 0}, {0, -3}, {0, 3}} {
		if c := got.RGBAAt(mark.X+d.X, mark.Y+d.Y); c != black {
			t.Errorf("canvas at %v (just outside the mark) is %v, want black", mark.Add(d), c)
		}
	}
}

// key dispatches a key down and up to the page, as a keyboard would.
func key(t testing.TB, tab context.Context, k, code, text string, vk int64, cdpMods int64) {
	t.Helper()
	down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: k, Code: code, Text: text, UnmodifiedText: text,
		WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk, Modifiers: cdpMods}
	if text == "" {
		down.Type = input.DispatchKeyEventTypeRawKeyDown
	}
	up := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp, Key: k, Code: code,
		WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk, Modifiers: cdpMods}
	for _, p := range []input.DispatchKeyEventParams{down, up} {
		if _, err := chromedp.Call(tab, input.DispatchKeyEvent, p); err != nil {
			t.Fatalf("key %s %q: %v", p.Type, k, err)
		}
	}
}

// nextEvent returns the next event of one of the codes, skipping others.
func nextEvent(t testing.TB, c *xclient.Conn, codes ...protocol.EventCode) *protocol.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		ev, err := c.NextEvent(ctx)
		if err != nil {
			t.Fatalf("waiting for %v: %v", codes, err)
		}
		for _, code := range codes {
			if ev.Code == code {
				return ev
			}
		}
	}
}

// CDP modifier bits.
const (
	cdpAlt   = 1
	cdpCtrl  = 2
	cdpShift = 8
)

func TestWebViewerKeyPress(t *testing.T) {
	s := startWebServer(t, 640, 480)
	c := dialTest(t, s)
	w, pos := inputWindow(t, c, 50, 50, protocol.KeyPressMask|protocol.KeyReleaseMask|protocol.ButtonPressMask)

	tab, _ := newTab(t, startBrowser(t, 90*time.Second))
	openViewer(t, tab, s.viewerURL())
	// A click gives the window the focus, as a window manager does.
	click(t, tab, pos.Add(image.Pt(150, 100)), input.MouseButtonLeft)
	if ev := nextEvent(t, c, protocol.ButtonPress); ev.Detail != 1 {
		t.Fatalf("ButtonPress button %d, want 1", ev.Detail)
	}

	const keyMods = protocol.ShiftMask | protocol.ControlMask | protocol.Mod1Mask | protocol.Mod4Mask
	cases := []struct {
		name      string
		k, code   string
		text      string
		vk        int64
		cdpMods   int64
		keysym    uint32
		state     uint16
		typedText string
	}{
		{"shift+A", "A", "KeyA", "A", 65, cdpShift, 'A', protocol.ShiftMask, "A"},
		{"ctrl+c", "c", "KeyC", "", 67, cdpCtrl, 'c', protocol.ControlMask, ""},
		{"Tab", "Tab", "Tab", "", 9, 0, protocol.KeyTab, 0, "\t"},
		{"F5", "F5", "F5", "", 116, 0, protocol.KeyF1 + 4, 0, ""},
		{"alt+Left", "ArrowLeft", "ArrowLeft", "", 37, cdpAlt, protocol.KeyLeft, protocol.Mod1Mask, ""},
		{"é", "é", "Quote", "é", 222, 0, 0xe9, 0, "é"},
		{"€ (beyond Latin-1)", "€", "KeyE", "€", 69, 0, 0x010020ac, 0, "€"},
	}
	for _, tc := range cases {
		key(t, tab, tc.k, tc.code, tc.text, tc.vk, tc.cdpMods)
		ev := nextEvent(t, c, protocol.KeyPress)
		if ev.Keysym != tc.keysym || ev.State&keyMods != tc.state || ev.Text != tc.typedText {
			t.Errorf("%s: KeyPress keysym %#x state %#x text %q, want keysym %#x state %#x text %q",
				tc.name, ev.Keysym, ev.State&keyMods, ev.Text, tc.keysym, tc.state, tc.typedText)
		}
		if ev.Window != uint32(w) {
			t.Errorf("%s: KeyPress on window %#x, want %#x", tc.name, ev.Window, uint32(w))
		}
		if rel := nextEvent(t, c, protocol.KeyRelease); rel.Keysym != tc.keysym {
			t.Errorf("%s: KeyRelease keysym %#x, want %#x", tc.name, rel.Keysym, tc.keysym)
		}
	}
}

func TestWebViewerViewOnlyIgnoresInput(t *testing.T) {
	s := startWebServer(t, 640, 480)
	c := dialTest(t, s)
	_, pos := inputWindow(t, c, 50, 50, protocol.ButtonPressMask|protocol.KeyPressMask)

	browser := startBrowser(t, 90*time.Second)
	view, _ := newTab(t, browser)
	openViewer(t, view, s.viewURL())
	if a, _ := chromedp.Run(view, chromedp.Evaluate[string](`xfar.access`)); a != "view" {
		t.Errorf("view-only link: page says access %q, want view", a)
	}
	// A normal click, and input sent over the view-only viewer's channel
	// directly, as a modified page could: the server must ignore both.
	click(t, view, pos.Add(image.Pt(150, 100)), input.MouseButtonLeft)
	raw := fmt.Sprintf(`xfar.sendRaw({t: 'bd', b: 2, x: %d, y: %d}); xfar.sendRaw({t: 'bu', b: 2, x: %[1]d, y: %[2]d}); xfar.sendRaw({t: 'kd', k: 'x', c: 'KeyX'})`, pos.X+5, pos.Y+5)
	if sent, err := chromedp.Run(view, chromedp.Evaluate[bool](raw)); err != nil || !sent {
		t.Fatalf("send raw input from the view-only page: sent %v, %v", sent, err)
	}

	// Then a full-control viewer clicks: the first event the client sees
	// must be that click, so the view-only one never arrived.
	full, _ := newTab(t, browser)
	openViewer(t, full, s.viewerURL())
	click(t, full, pos.Add(image.Pt(10, 20)), input.MouseButtonRight)
	ev := nextEvent(t, c, protocol.ButtonPress, protocol.KeyPress)
	if ev.Code != protocol.ButtonPress || ev.Detail != 3 || ev.X != 10 || ev.Y != 20 {
		t.Errorf("first input event %v button %d at (%d,%d); want the full-control viewer's button 3 at (10,20)", ev.Code, ev.Detail, ev.X, ev.Y)
	}
}

func TestWebViewerRefusesWithoutToken(t *testing.T) {
	s := startWebServer(t, 320, 200)
	for _, tc := range []struct {
		method, path, token string
		want                int
	}{
		{"GET", "", "", http.StatusUnauthorized},
		{"GET", "", "wrong", http.StatusForbidden},
		{"POST", "offer", "", http.StatusUnauthorized},
		{"POST", "offer", "wrong", http.StatusForbidden},
		{"GET", "snapshot.png", "", http.StatusUnauthorized},
		{"GET", "snapshot.png", "wrong", http.StatusForbidden},
		{"GET", "", s.Cookie(), http.StatusOK},
		{"GET", "", s.ViewToken(), http.StatusOK},
	} {
		url := s.base + tc.path
		if tc.token != "" {
			url += "?token=" + tc.token
		}
		var body io.Reader
		if tc.method == "POST" {
			body = strings.NewReader(`{"type":"offer","sdp":"v=0"}`)
		}
		req, _ := http.NewRequest(tc.method, url, body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.method, url, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s /%s token %q: %s, want %d", tc.method, tc.path, tc.token, resp.Status, tc.want)
		}
		if tc.want != http.StatusOK && !strings.Contains(strings.ToLower(string(b)), "token") {
			t.Errorf("%s /%s token %q: refusal %q does not say a token is needed", tc.method, tc.path, tc.token, b)
		}
		if tc.want == http.StatusOK && !strings.Contains(string(b), "<canvas") {
			t.Errorf("GET / with token: no viewer page (%d bytes)", len(b))
		}
	}

	// And in a browser: the page without the token shows the refusal.
	tab, _ := newTab(t, startBrowser(t, 60*time.Second))
	if err := chromedp.Do(tab, chromedp.Navigate(s.base)); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "401") || !strings.Contains(text, "token") {
		t.Errorf("browser without token shows %q, want the 401 message", text)
	}
}
