package e2e_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/png"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/xfar/xfar/cmd/e2e"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
	"github.com/xfar/xfar/xclient/x11bridge"
)

// clipboardTab opens the full-control viewer of s in a browser whose
// clipboard the page may read and write (granted through CDP, as a user
// would allow it), and waits until the page's clipboard is on.
func clipboardTab(t *testing.T, s *webServer, deadline time.Duration) context.Context {
	t.Helper()
	b := startBrowser(t, deadline)
	tab, _ := newTab(t, b)
	origin := strings.TrimSuffix(s.base, "/")
	for _, perm := range []browser.PermissionDescriptor{{Name: "clipboard-read"}, {Name: "clipboard-write", AllowWithoutSanitization: true}} {
		if _, err := chromedp.CallBrowser(tab, browser.SetPermission, browser.SetPermissionParams{
			Permission: &perm, Setting: browser.PermissionSettingGranted, Origin: origin}); err != nil {
			t.Fatalf("grant %s: %v", perm.Name, err)
		}
	}
	// A headless tab is never focused; the Clipboard API wants a focused
	// document.
	if _, err := chromedp.Call(tab, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatalf("focus emulation: %v", err)
	}
	openViewer(t, tab, s.viewerURL())
	waitJS(t, tab, "xfar.clipboard && xfar.clipboard.enabled", 10*time.Second)
	return tab
}

// evalAwait evaluates a JavaScript expression, awaiting a promise.
func evalAwait[T any](t *testing.T, tab context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(tab, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %.80q: %v", expr, err)
	}
	return v
}

// key is one key as CDP dispatches it.
type cdpKey struct {
	key, code string
	vk        int64
}

var (
	keyCtrl   = cdpKey{"Control", "ControlLeft", 17}
	keyShift  = cdpKey{"Shift", "ShiftLeft", 16}
	keyV      = cdpKey{"v", "KeyV", 86}
	keyInsert = cdpKey{"Insert", "Insert", 45}
)

// pressChord presses mod, then k (with the browser's paste command, as a
// real Ctrl+V or Shift+Insert brings), then releases both.
func pressChord(t *testing.T, tab context.Context, mod cdpKey, modBit int64, k cdpKey) {
	t.Helper()
	ev := func(typ input.DispatchKeyEventType, k cdpKey, mods int64, cmds ...string) input.DispatchKeyEventParams {
		return input.DispatchKeyEventParams{Type: typ, Key: k.key, Code: k.code, WindowsVirtualKeyCode: k.vk,
			NativeVirtualKeyCode: k.vk, Modifiers: mods, Commands: cmds}
	}
	for _, p := range []input.DispatchKeyEventParams{
		ev(input.DispatchKeyEventTypeRawKeyDown, mod, modBit),
		ev(input.DispatchKeyEventTypeRawKeyDown, k, modBit, "paste"),
		ev(input.DispatchKeyEventTypeKeyUp, k, modBit),
		ev(input.DispatchKeyEventTypeKeyUp, mod, 0),
	} {
		if _, err := chromedp.Call(tab, input.DispatchKeyEvent, p); err != nil {
			t.Fatalf("press %s+%s: %v", mod.key, k.key, err)
		}
	}
}

// setLocalClipboard puts text on the browser's own clipboard.
func setLocalClipboard(t *testing.T, tab context.Context, jsText string) {
	t.Helper()
	evalAwait[bool](t, tab, `navigator.clipboard.writeText(`+jsText+`).then(() => true)`)
}

// clickCanvas clicks the viewer's canvas at a display position, which
// focuses it (and the X program there).
func clickCanvas(t *testing.T, tab context.Context, at image.Point) {
	t.Helper()
	// The pointer gets there first and rests, so the X program sees a
	// click where it is, never a drag from where the pointer was.
	x, y := canvasOrigin(t, tab)
	if _, err := chromedp.Call(tab, input.DispatchMouseEvent, input.DispatchMouseEventParams{
		Type: input.DispatchMouseEventTypeMouseMoved, X: x + float64(at.X), Y: y + float64(at.Y)}); err != nil {
		t.Fatalf("move the pointer: %v", err)
	}
	time.Sleep(300 * time.Millisecond)
	click(t, tab, at, input.MouseButtonLeft)
}

// clipNeedTools fails (never skips) without the programs a test runs.
func clipNeedTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (scripts/deps.sh installs it); the clipboard tests need it", tool)
		}
	}
}

// clipBridge runs a bridge (private Xvfb) for command on s.
func clipBridge(t *testing.T, s *webServer, command ...string) *x11bridge.Bridge {
	t.Helper()
	return e2e.RunBridge(t, x11bridge.Config{Address: s.TCPAddr().String(), Auth: s.Cookie(),
		Command: command, Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))})
}

// clipWaitWindow waits until the display has a mapped top-level window
// wider than minW (a bridged program's) and returns its rectangle.
func clipWaitWindow(t *testing.T, c *xclient.Conn, minW int) image.Rectangle {
	t.Helper()
	var last string
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		tree, err := c.QueryTree(c.Root())
		if err != nil {
			t.Fatalf("query tree: %v", err)
		}
		for _, w := range tree.Children {
			g, err := c.GetGeometry(xclient.Window(w))
			if err != nil || !g.Mapped || int(g.Width) <= minW {
				continue
			}
			r := image.Rect(int(g.X), int(g.Y), int(g.X)+int(g.Width), int(g.Y)+int(g.Height))
			// The title bar belongs to the window manager's frame; the
			// program's pixels are inside it.
			return r
		}
		last = fmt.Sprintf("%d top-level windows", len(tree.Children))
	}
	t.Fatalf("no bridged window on the display (%s)", last)
	return image.Rectangle{}
}

// clipWaitFor polls cond until it returns "" or 15 s pass.
func clipWaitFor(t *testing.T, what string, cond func() string) {
	t.Helper()
	var msg string
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if msg = cond(); msg == "" {
			return
		}
	}
	t.Fatalf("%s: %s", what, msg)
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// pageSHA is the JavaScript for the SHA-256 of a string's UTF-8 bytes.
const pageSHA = `async (s) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)))).map((b) => b.toString(16).padStart(2, '0')).join('')`

// bigTextJS builds, in the page and in Go, the same 1 MiB of non-ASCII
// text.
const bigTextJS = `(() => { let s = ''; for (let i = 0; s.length < 700000; i++) s += 'Grüße 世界 ✓ 𝄞 ' + (i % 10) + '\n'; return s; })()`

func bigText() string {
	var b strings.Builder
	// JavaScript's length counts UTF-16 units; mirror the loop exactly.
	units := 0
	for i := 0; units < 700000; i++ {
		line := fmt.Sprintf("Grüße 世界 ✓ 𝄞 %d\n", i%10)
		b.WriteString(line)
		for _, r := range line {
			if r > 0xffff {
				units += 2
			} else {
				units++
			}
		}
	}
	return b.String()
}

// TestWebClipboardXterm: copy in the browser, Shift+Insert in a bridged
// xterm pastes it (the page put it on the display before forwarding the
// key); select a word in xterm and the browser's clipboard holds it.
func TestWebClipboardXterm(t *testing.T) {
	clipNeedTools(t, "Xvfb", "xterm", "xdotool")
	s := startWebServer(t, 800, 600)
	file := filepath.Join(t.TempDir(), "pasted.txt")
	b := clipBridge(t, s, "env", "LC_ALL=C.UTF-8", "xterm", "-u8", "-geometry", "80x24+20+40",
		"-e", "sh", "-c", `printf 'xfarselectedword\n'; exec cat > `+file)
	c, err := xclient.DialAddr("tcp", s.TCPAddr().String(), xclient.WithAuth(s.Cookie()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := clipWaitWindow(t, c, 300)
	tab := clipboardTab(t, s, 90*time.Second)

	// Double-click the first word in xterm (xdotool in the bridge's X
	// server): xterm owns PRIMARY, the bridge
	// offers it to the display, the page copies it to the browser's
	// clipboard.
	xdoDoubleClick(t, b, 30, 8)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("page clipboard state: %s", evalAwait[string](t, tab, "JSON.stringify(xfar.clipboard)"))
		}
	})
	waitJS(t, tab, "xfar.clipboard.lastCopied === 'xfarselectedword'", 15*time.Second)
	if got := evalAwait[string](t, tab, "navigator.clipboard.readText()"); got != "xfarselectedword" {
		t.Fatalf("the browser's clipboard holds %q, want xterm's selection", got)
	}
	if shown := evalAwait[string](t, tab, "document.getElementById('xfar-clipboard-note').textContent"); !strings.Contains(shown, "copied 16 characters") {
		t.Errorf("the page says %q, want it to say it copied", shown)
	}

	const text = "pasted from the browser: naïve ✓ 世界"
	setLocalClipboard(t, tab, "'"+text+"\\n'")
	clickCanvas(t, tab, r.Min.Add(r.Size().Div(2)))
	pressChord(t, tab, keyShift, 8, keyInsert)
	clipWaitFor(t, "xterm's paste reaching cat", func() string {
		got, err := os.ReadFile(file)
		if err != nil {
			return err.Error()
		}
		if string(got) != text+"\n" {
			return fmt.Sprintf("cat wrote %q, want %q", got, text+"\n")
		}
		return ""
	})
	if n := evalAwait[int](t, tab, "xfar.clipboard.sent"); n != 1 {
		t.Errorf("page sent its clipboard %d times, want 1", n)
	}
	t.Logf("the page read the browser's clipboard from: %s", evalAwait[string](t, tab, "xfar.clipboard.pastedFrom"))
}

// TestWebClipboardXclient: an xclient program's clipboard reaches the
// browser's, and the browser's reaches the program, short text and 1 MiB
// of non-ASCII text byte for byte; a view-only viewer gets nothing.
func TestWebClipboardXclient(t *testing.T) {
	s := startWebServer(t, 640, 480)
	c, err := xclient.DialAddr("tcp", s.TCPAddr().String(), xclient.WithAuth(s.Cookie()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tab := clipboardTab(t, s, 90*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// Program → browser, short (inline with the change) and long (fetched).
	if err := c.SetClipboardText("from xclient ✓"); err != nil {
		t.Fatal(err)
	}
	waitJS(t, tab, "xfar.clipboard.lastCopied === 'from xclient ✓'", 10*time.Second)
	big := bigText()
	if len(big) < 1<<20 {
		t.Fatalf("test text is %d bytes, want at least 1 MiB", len(big))
	}
	if err := c.SetClipboardText(big); err != nil {
		t.Fatal(err)
	}
	waitJS(t, tab, fmt.Sprintf("xfar.clipboard.lastCopied.length === %d", len([]rune(big))+strings.Count(big, "𝄞")), 20*time.Second)
	if got := evalAwait[string](t, tab, "navigator.clipboard.readText().then("+pageSHA+")"); got != sha([]byte(big)) {
		t.Fatalf("browser's clipboard after 1 MiB: sha256 %s, want %s", got, sha([]byte(big)))
	}

	// Browser → program: Ctrl+V on the canvas sends the browser's
	// clipboard first.
	clickCanvas(t, tab, image.Pt(10, 10))
	setLocalClipboard(t, tab, "'from the browser ✓'")
	pressChord(t, tab, keyCtrl, 2, keyV)
	waitJS(t, tab, "xfar.clipboard.sent === 1", 10*time.Second)
	if got, err := c.ClipboardText(ctx); err != nil || got != "from the browser ✓" {
		t.Fatalf("program reads %q, %v; want the browser's text", got, err)
	}
	setLocalClipboard(t, tab, bigTextJS)
	pressChord(t, tab, keyCtrl, 2, keyV)
	waitJS(t, tab, "xfar.clipboard.sent === 2", 20*time.Second)
	got, err := c.ReadSelection(ctx, protocol.Clipboard, protocol.MimeText)
	if err != nil || sha(got) != sha([]byte(big)) {
		t.Fatalf("program reads %d bytes (%v), want the page's %d bytes exactly", len(got), err, len(big))
	}
	got, err = c.ReadSelection(ctx, protocol.Primary, protocol.MimeText)
	if err != nil || sha(got) != sha([]byte(big)) {
		t.Fatalf("PRIMARY: %d bytes (%v), want the page's %d bytes", len(got), err, len(big))
	}

	// View only: no clipboard in the page, and the server refuses the
	// view token whatever the page does.
	view, _ := newTab(t, startBrowser(t, 30*time.Second))
	openViewer(t, view, s.viewURL())
	time.Sleep(500 * time.Millisecond)
	if on := evalAwait[bool](t, view, "xfar.clipboard.enabled"); on {
		t.Error("a view-only page turned its clipboard on")
	}
	for _, req := range []string{
		"fetch('clipboard?token=" + s.ViewToken() + "').then((r) => r.status)",
		"fetch('clipboard?token=" + s.ViewToken() + "', {method: 'PUT', body: 'x'}).then((r) => r.status)",
		"fetch('clipboard/events?token=" + s.ViewToken() + "').then((r) => r.status)",
	} {
		if code := evalAwait[int](t, view, req); code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", req, code)
		}
	}
	// The clipboard still holds the page's 1 MiB text, read without error.
	if got, err := c.ReadSelection(ctx, protocol.Clipboard, protocol.MimeText); err != nil || sha(got) != sha([]byte(big)) {
		t.Errorf("after the view-only viewer: the program reads %d bytes %.40q (%v), want the page's %d bytes unchanged", len(got), got, err, len(big))
	}
}

// TestWebClipboardBridges: select a word in a bridged xterm; an X program
// of another bridge (another private X server) reads it from PRIMARY, as
// a middle click would paste it.
func TestWebClipboardBridges(t *testing.T) {
	clipNeedTools(t, "Xvfb", "xterm", "xdotool", "xclip")
	s := startWebServer(t, 800, 600)
	b1 := clipBridge(t, s, "env", "LC_ALL=C.UTF-8", "xterm", "-u8", "-geometry", "60x10+10+10",
		"-e", "sh", "-c", `printf 'crossbridgeword\n'; exec sleep 600`)
	b2 := clipBridge(t, s, "sleep", "600")
	c, err := xclient.DialAddr("tcp", s.TCPAddr().String(), xclient.WithAuth(s.Cookie()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	clipWaitWindow(t, c, 200)
	time.Sleep(300 * time.Millisecond) // xterm prints its line
	xdoDoubleClick(t, b1, 30, 8)
	clipWaitFor(t, "xterm's selection in the other X server", func() string {
		cmd := exec.Command("xclip", "-o", "-selection", "primary")
		cmd.Env = xEnv(b2)
		out, err := cmd.Output()
		if err != nil || string(out) != "crossbridgeword" {
			return fmt.Sprintf("xclip -o in the second X server: %q, %v", out, err)
		}
		return ""
	})
}

// TestBridgeClipboardGtk: select a word in a bridged xterm and paste it
// with the middle button into a bridged gtk3-demo entry (another private X
// server); copy it there with Ctrl+A Ctrl+C and it is on the first X
// server's CLIPBOARD. Both programs are real; the text crosses the
// display twice.
func TestBridgeClipboardGtk(t *testing.T) {
	clipNeedTools(t, "Xvfb", "xterm", "xdotool", "xclip", "gtk3-demo")
	s := startWebServer(t, 1024, 768)
	b1 := clipBridge(t, s, "env", "LC_ALL=C.UTF-8", "xterm", "-u8", "-geometry", "60x10+10+10",
		"-e", "sh", "-c", `printf 'gtkbridgeword\n'; exec sleep 600`)
	b2 := clipBridge(t, s, "env", "NO_AT_BRIDGE=1", "GDK_BACKEND=x11", "gtk3-demo", "--run=entry_completion")
	xdo := func(b *x11bridge.Bridge, args ...string) (string, error) {
		cmd := exec.Command("xdotool", args...)
		cmd.Env = xEnv(b)
		out, err := cmd.CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	var entryWin string
	clipWaitFor(t, "gtk3-demo's entry window", func() string {
		out, err := xdo(b2, "search", "--onlyvisible", "--name", "Entry Completion")
		if err != nil || out == "" {
			return fmt.Sprintf("xdotool search: %q %v", out, err)
		}
		entryWin = strings.Fields(out)[0]
		return ""
	})
	clipWaitFor(t, "xterm's window", func() string {
		out, err := xdo(b1, "search", "--onlyvisible", "--class", "xterm")
		if err != nil || out == "" {
			return fmt.Sprintf("xdotool search: %q %v", out, err)
		}
		return ""
	})
	time.Sleep(300 * time.Millisecond) // xterm prints its line
	xdoDoubleClick(t, b1, 30, 8)
	clipWaitFor(t, "xterm's selection as PRIMARY in gtk3-demo's X server", func() string {
		cmd := exec.Command("xclip", "-o", "-selection", "primary")
		cmd.Env = xEnv(b2)
		out, err := cmd.Output()
		if err != nil || string(out) != "gtkbridgeword" {
			return fmt.Sprintf("%q, %v", out, err)
		}
		return ""
	})
	// The entry sits under the window's label, across its width.
	if out, err := xdo(b2, "mousemove", "--window", entryWin, "--sync", "200", "45", "click", "2",
		"sleep", "0.3", "key", "--clearmodifiers", "ctrl+a", "ctrl+c"); err != nil {
		t.Fatalf("xdotool in gtk3-demo's X server: %v: %s", err, out)
	}
	clipWaitFor(t, "the entry's copy on xterm's X server", func() string {
		cmd := exec.Command("xclip", "-o", "-selection", "clipboard")
		cmd.Env = xEnv(b1)
		out, err := cmd.Output()
		if err != nil || string(out) != "gtkbridgeword" {
			return fmt.Sprintf("xclip -o -selection clipboard in xterm's X server: %q, %v", out, err)
		}
		return ""
	})
}

func xEnv(b *x11bridge.Bridge) []string {
	return append(os.Environ(), "DISPLAY="+b.XDisplay(), "XAUTHORITY="+b.XAuthority())
}

// xdoDoubleClick double-clicks button 1 at (x, y) of the xterm window in
// b's X server (the display's window manager may have moved it; the
// bridge follows).
func xdoDoubleClick(t *testing.T, b *x11bridge.Bridge, x, y int) {
	t.Helper()
	cmd := exec.Command("xdotool", "search", "--onlyvisible", "--class", "xterm",
		"mousemove", "--window", "%1", "--sync", fmt.Sprint(x), fmt.Sprint(y),
		"click", "--repeat", "2", "--delay", "80", "1")
	cmd.Env = xEnv(b)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xdotool: %v: %s", err, out)
	}
}

// TestWebClipboardButton: where the Clipboard API is refused, the
// display's clipboard waits and the page says so; the next click copies
// it with the page's own copy command, and the clipboard button's panel
// shows it and copies it again.
func TestWebClipboardButton(t *testing.T) {
	s := startWebServer(t, 640, 480)
	c, err := xclient.DialAddr("tcp", s.TCPAddr().String(), xclient.WithAuth(s.Cookie()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	b := startBrowser(t, 60*time.Second)
	tab, _ := newTab(t, b)
	openViewer(t, tab, s.viewerURL())
	waitJS(t, tab, "xfar.clipboard && xfar.clipboard.enabled", 10*time.Second)
	// Refuse the Clipboard API outright, as a browser or a policy may.
	evalAwait[bool](t, tab, `(() => { const deny = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
		Object.defineProperty(navigator, 'clipboard', { value: { writeText: deny, write: deny, readText: deny, read: deny } }); return true; })()`)
	if err := c.SetClipboardText("via the button ✓"); err != nil {
		t.Fatal(err)
	}
	waitJS(t, tab, "xfar.clipboard.pending === true", 10*time.Second)
	if note := evalAwait[string](t, tab, "document.getElementById('xfar-clipboard-note').textContent"); !strings.Contains(note, "click or press a key") {
		t.Errorf("the page says %q, want it to ask for a click", note)
	}
	// Record what the page's copy command puts on the clipboard.
	evalAwait[bool](t, tab, `(() => { window.copiedData = null; document.addEventListener('copy', (e) => { window.copiedData = e.clipboardData.getData('text/plain'); }); return true; })()`)
	realClick := func(id string) {
		t.Helper()
		// A real click (CDP input), so the page has a user gesture.
		xy := evalAwait[[]float64](t, tab, `(() => { const r = document.getElementById('`+id+`').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
		for _, typ := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMouseMoved,
			input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
			prm := input.DispatchMouseEventParams{Type: typ, X: xy[0], Y: xy[1]}
			if typ != input.DispatchMouseEventTypeMouseMoved {
				prm.Button, prm.ClickCount = input.MouseButtonLeft, 1
			}
			if _, err := chromedp.Call(tab, input.DispatchMouseEvent, prm); err != nil {
				t.Fatalf("click %s: %v", id, err)
			}
		}
	}
	// The next gesture (a click on the clipboard button) copies it.
	realClick("xfar-clipboard")
	waitJS(t, tab, "xfar.clipboard.lastCopied === 'via the button ✓' && xfar.clipboard.pending === false", 10*time.Second)
	if got := evalAwait[string](t, tab, "window.copiedData || ''"); got != "via the button ✓" {
		t.Errorf("the gesture's copy command carried %q", got)
	}
	// The panel shows it, and its Copy button copies it again.
	if got := evalAwait[string](t, tab, "document.getElementById('xfar-clipboard-text').value"); got != "via the button ✓" {
		t.Errorf("the panel shows %q", got)
	}
	evalAwait[bool](t, tab, "(() => { window.copiedData = null; return true; })()")
	realClick("xfar-clipboard-copy")
	waitJS(t, tab, "window.copiedData === 'via the button ✓'", 5*time.Second)
}

// TestWebClipboardImage: an image pasted in the page (from the browser's
// paste event) reaches xfar programs as image/png byte for byte, and an
// image/png a program copies reaches the browser's clipboard as an image.
func TestWebClipboardImage(t *testing.T) {
	s := startWebServer(t, 640, 480)
	c, err := xclient.DialAddr("tcp", s.TCPAddr().String(), xclient.WithAuth(s.Cookie()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tab := clipboardTab(t, s, 60*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	img := image.NewRGBA(image.Rect(0, 0, 5, 3))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255
	}
	var pngBytes bytes.Buffer
	if err := png.Encode(&pngBytes, img); err != nil {
		t.Fatal(err)
	}
	js := make([]string, pngBytes.Len())
	for i, b := range pngBytes.Bytes() {
		js[i] = fmt.Sprint(b)
	}
	// The browser's paste event, carrying an image file, as a paste from
	// its menu or an image copied elsewhere brings it.
	evalAwait[bool](t, tab, `(() => { const dt = new DataTransfer();
		dt.items.add(new File([new Uint8Array([`+strings.Join(js, ",")+`])], 'x.png', { type: 'image/png' }));
		document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true })); return true; })()`)
	waitJS(t, tab, "xfar.clipboard.sent === 1", 10*time.Second)
	got, err := c.ReadSelection(ctx, protocol.Clipboard, protocol.MimePNG)
	if err != nil || !bytes.Equal(got, pngBytes.Bytes()) {
		t.Fatalf("program reads %d bytes (%v), want the page's %d-byte PNG", len(got), err, pngBytes.Len())
	}

	// Program → browser: the browser's clipboard holds a 5x3 image.
	if err := c.SetSelection(protocol.Clipboard, map[string][]byte{protocol.MimePNG: pngBytes.Bytes()}); err != nil {
		t.Fatal(err)
	}
	waitJS(t, tab, "xfar.clipboard.copied === 1", 10*time.Second)
	size := evalAwait[string](t, tab, `navigator.clipboard.read().then(async (items) => {
		const b = await items[0].getType('image/png'); const bm = await createImageBitmap(b); return bm.width + 'x' + bm.height; })`)
	if size != "5x3" {
		t.Fatalf("the browser's clipboard image is %s, want 5x3", size)
	}
}
