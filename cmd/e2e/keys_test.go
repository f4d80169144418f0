package e2e_test

import (
	"context"
	"image"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/cmd/e2e"
	"github.com/xfar/xfar/keyboard"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
	"github.com/xfar/xfar/xclient/x11bridge"
)

// TestKeyboardLayouts types each layout's keys from headless Chromium
// (the events a browser with that layout sends) through the web viewer,
// the display server and the bridge into xterm running `cat -v`, and into
// an xclient program, and checks that both read exactly what xterm reads
// when the same keys are typed natively on an X server with the layout.
// At the end no key is left down on the bridge's X server.
func TestKeyboardLayouts(t *testing.T) {
	nat := e2e.StartNativeX(t)
	s := startWebServer(t, 800, 600)
	remote := e2e.CatTerm{File: filepath.Join(t.TempDir(), "remote.txt")}
	b := e2e.RunBridge(t, x11bridge.Config{Address: s.TCPAddr().String(), Auth: s.Cookie(),
		Command: e2e.CatCommand(remote.File), Logger: quietLogger(t), Stderr: os.Stderr})
	c := dialTest(t, s)
	term := waitTopLevel(t, c, func(r image.Rectangle) bool { return r.Dx() > 300 })

	tab, _ := newTab(t, startBrowser(t, 5*time.Minute))
	openViewer(t, tab, s.viewerURL())
	click(t, tab, term.Min.Add(image.Pt(40, 40)), input.MouseButtonLeft)
	remote.WaitReady(t)

	want := map[string]string{}
	for _, l := range e2e.KeyLayouts {
		t.Run(l.Name, func(t *testing.T) {
			acts := e2e.ParseStrokes(l.Strokes)
			nat.SetLayout(t, l.XKB)
			m := nat.Keymap(t)
			ref := l.RefXKB
			if ref == nil {
				ref = l.XKB
			}
			want[l.Name] = nat.Native(t, ref, acts)
			from := e2e.FileSize(remote.File)
			e2e.DispatchKeys(t, tab, e2e.BrowserEvents(m, acts, l.WindowsAltGr))
			got := remote.Read(t, from, e2e.CountEnters(acts))
			if got != want[l.Name] {
				t.Errorf("xterm through the bridge read %q\nnatively xterm reads  %q", got, want[l.Name])
			}
		})
	}

	// Nothing is left down on the bridge's X server, and nothing repeats.
	x, err := x11bridge.DialX(b.XDisplay(), b.XAuthority())
	if err != nil {
		t.Fatalf("connect to the bridge's X server: %v", err)
	}
	defer x.Close()
	before := e2e.FileSize(remote.File)
	time.Sleep(1200 * time.Millisecond) // beyond X's auto-repeat delay
	if km, err := xproto.QueryKeymap(x).Reply(); err != nil {
		t.Errorf("QueryKeymap: %v", err)
	} else {
		for i, bits := range km.Keys {
			for j := 0; j < 8; j++ {
				if bits&(1<<j) != 0 {
					t.Errorf("keycode %d is still down on the bridge's X server", i*8+j)
				}
			}
		}
	}
	if after := e2e.FileSize(remote.File); after != before {
		b, _ := os.ReadFile(remote.File)
		t.Errorf("xterm got %d more bytes after typing ended (a key repeating): %q", after-before, b[before:])
	}

	// The same keys into an xclient program, which records keysyms and
	// text; what a terminal would make of them must match too.
	w := newKeyWindow(t, c)
	click(t, tab, w.at, input.MouseButtonLeft)
	nextEvent(t, c, protocol.ButtonRelease)
	for _, l := range e2e.KeyLayouts {
		if want[l.Name] == "" {
			continue
		}
		t.Run("xclient/"+l.Name, func(t *testing.T) {
			acts := e2e.ParseStrokes(l.Strokes)
			nat.SetLayout(t, l.XKB)
			e2e.DispatchKeys(t, tab, e2e.BrowserEvents(nat.Keymap(t), acts, l.WindowsAltGr))
			evs := w.until(t, e2e.CountEnters(acts))
			if got := e2e.CatV(e2e.TerminalBytes(evs)); got != want[l.Name] {
				t.Errorf("xclient program got %q\nnatively xterm reads %q\nevents: %s", got, want[l.Name], e2e.Describe(evs))
			}
			if l.Name == "us" {
				checkUSKeysyms(t, evs)
			}
		})
	}
}

// checkUSKeysyms checks keysyms the terminal comparison cannot see.
func checkUSKeysyms(t *testing.T, evs []*protocol.Event) {
	var sawBacktab bool
	for _, ev := range evs {
		if ev.Keysym == keyboard.KeyISOLeftTab {
			sawBacktab = true
			if ev.State&protocol.ShiftMask == 0 {
				t.Errorf("ISO_Left_Tab without Shift in its state (%#x)", ev.State)
			}
		}
		if ev.Keysym == protocol.KeyTab && ev.State&protocol.ShiftMask != 0 {
			t.Errorf("Shift+Tab arrived as Tab")
		}
		if ev.Detail == 0 {
			t.Errorf("key event %s without its physical key (detail 0)", e2e.Describe([]*protocol.Event{ev}))
		}
	}
	if !sawBacktab {
		t.Errorf("no ISO_Left_Tab among %s", e2e.Describe(evs))
	}
}

// keyWindow is an xclient window that records the keys it gets.
type keyWindow struct {
	c  *xclient.Conn
	at image.Point // a point inside it, on the screen
}

func newKeyWindow(t *testing.T, c *xclient.Conn) *keyWindow {
	t.Helper()
	_, pos := inputWindow(t, c, 420, 320, protocol.KeyPressMask|protocol.KeyReleaseMask|protocol.ButtonPressMask|protocol.ButtonReleaseMask)
	return &keyWindow{c: c, at: pos.Add(image.Pt(150, 100))}
}

// until returns the key events up to the n-th Return press (and its
// release).
func (w *keyWindow) until(t *testing.T, n int) []*protocol.Event {
	t.Helper()
	var out []*protocol.Event
	for n > 0 {
		ev := nextEvent(t, w.c, protocol.KeyPress, protocol.KeyRelease)
		out = append(out, ev)
		if ev.Code == protocol.KeyRelease && ev.Keysym == protocol.KeyReturn {
			n--
		}
	}
	return out
}

// waitTopLevel waits for a mapped top-level window on the display that
// matches and returns its interior.
func waitTopLevel(t *testing.T, c *xclient.Conn, match func(image.Rectangle) bool) image.Rectangle {
	t.Helper()
	r, ok := pollTopLevel(t, c, 20*time.Second, 50*time.Millisecond, match)
	if !ok {
		t.Fatalf("no matching window on the display within 20s")
	}
	return r
}

// quietLogger logs the bridge's errors only (XFAR_TEST_DEBUG: everything).
func quietLogger(t testing.TB) *slog.Logger {
	level := slog.LevelError
	if os.Getenv("XFAR_TEST_DEBUG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: level}))
}

// TestKeyboardTextInput: text an input method commits (a Japanese IME's
// composition, macOS's dead-key composition, insertText from an emoji
// keyboard or a phone's soft keyboard) arrives as text in xterm through
// the bridge and in an xclient program (as a KeyPress with detail 0 and
// the text).
func TestKeyboardTextInput(t *testing.T) {
	s := startWebServer(t, 800, 600)
	remote := e2e.CatTerm{File: filepath.Join(t.TempDir(), "remote.txt")}
	e2e.RunBridge(t, x11bridge.Config{Address: s.TCPAddr().String(), Auth: s.Cookie(),
		Command: e2e.CatCommand(remote.File), Logger: quietLogger(t), Stderr: os.Stderr})
	c := dialTest(t, s)
	term := waitTopLevel(t, c, func(r image.Rectangle) bool { return r.Dx() > 300 })
	tab, _ := newTab(t, startBrowser(t, 2*time.Minute))
	openViewer(t, tab, s.viewerURL())

	typeText := func() {
		t.Helper()
		steps := []struct {
			compose []string // compositions shown before the commit
			commit  string
		}{
			{[]string{"に", "にほ", "にほん", "日本"}, "日本"}, // a Japanese IME
			{[]string{"´"}, "é"}, // macOS: dead acute, then e
			{nil, "ü"},           // insertText with no composition
			{nil, "λ→"},
		}
		for _, st := range steps {
			for _, cmp := range st.compose {
				n := int64(len([]rune(cmp)))
				if _, err := chromedp.Call(tab, input.ImeSetComposition, input.ImeSetCompositionParams{Text: cmp, SelectionStart: n, SelectionEnd: n}); err != nil {
					t.Fatalf("imeSetComposition %q: %v", cmp, err)
				}
			}
			if _, err := chromedp.Call(tab, input.InsertText, input.InsertTextParams{Text: st.commit}); err != nil {
				t.Fatalf("insertText %q: %v", st.commit, err)
			}
		}
		e2e.DispatchKeys(t, tab, e2e.BrowserEvents(e2e.CoreMap{}, e2e.ParseStrokes("Enter"), false))
	}
	const want = "日本éüλ→\r"

	click(t, tab, term.Min.Add(image.Pt(40, 40)), input.MouseButtonLeft)
	remote.WaitReady(t)
	typeText()
	if got := remote.Read(t, 0, 1); got != e2e.CatV(want) {
		t.Errorf("xterm through the bridge read %q, want %q", got, e2e.CatV(want))
	}

	w := newKeyWindow(t, c)
	click(t, tab, w.at, input.MouseButtonLeft)
	nextEvent(t, c, protocol.ButtonRelease)
	typeText()
	evs := w.until(t, 1)
	if got := e2e.TerminalBytes(evs); got != want {
		t.Errorf("xclient program got text %q, want %q; events %s", got, want, e2e.Describe(evs))
	}
	for _, ev := range evs {
		if ev.Code == protocol.KeyPress && ev.Keysym != protocol.KeyReturn && ev.Detail != 0 {
			t.Errorf("committed text came with a physical key (%s)", e2e.Describe([]*protocol.Event{ev}))
		}
	}
}

// TestWebViewerReleasesKeysOnBlurAndClose: keys held when the page loses
// the keyboard (blur, tab switch) or the viewer goes away are released on
// the display.
func TestWebViewerReleasesKeysOnBlurAndClose(t *testing.T) {
	s := startWebServer(t, 800, 600)
	c := dialTest(t, s)
	w := newKeyWindow(t, c)
	browser := startBrowser(t, 2*time.Minute)
	tab, closeTab := newTab(t, browser)
	openViewer(t, tab, s.viewerURL())
	click(t, tab, w.at, input.MouseButtonLeft)
	nextEvent(t, c, protocol.ButtonRelease)
	press := func(code, key string, mods int64) {
		t.Helper()
		p := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeRawKeyDown, Key: key, Code: code, Modifiers: mods}
		if _, err := chromedp.Call(tab, input.DispatchKeyEvent, p); err != nil {
			t.Fatal(err)
		}
	}
	held := func(what string, want ...uint32) {
		t.Helper()
		got := map[uint32]bool{}
		for len(got) < len(want) {
			ev := nextEvent(t, c, protocol.KeyRelease)
			got[ev.Keysym] = true
		}
		for _, k := range want {
			if !got[k] {
				t.Errorf("%s: no KeyRelease of %#x (got %v)", what, k, got)
			}
		}
	}
	press("ShiftLeft", "Shift", cdpShift)
	press("KeyA", "A", cdpShift)
	nextEvent(t, c, protocol.KeyPress)
	nextEvent(t, c, protocol.KeyPress)
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.getElementById('xfar-keys').blur(), true`)); err != nil {
		t.Fatal(err)
	}
	held("blur", protocol.KeyShiftL, 'A')

	click(t, tab, w.at, input.MouseButtonLeft)
	nextEvent(t, c, protocol.ButtonRelease)
	press("ControlLeft", "Control", cdpCtrl)
	nextEvent(t, c, protocol.KeyPress)
	closeTab()
	held("viewer closed", protocol.KeyControlL)
}

// TestBridgeShiftTabIsISOLeftTab: Shift+Tab from the browser reaches an X
// program (xev) through the bridge as ISO_Left_Tab with Shift held, as
// from a keyboard.
func TestBridgeShiftTabIsISOLeftTab(t *testing.T) {
	s := startWebServer(t, 800, 600)
	var out e2e.SyncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	b, err := x11bridge.Start(ctx, x11bridge.Config{Address: s.TCPAddr().String(), Auth: s.Cookie(),
		Command: []string{"xev", "-geometry", "400x300+0+0", "-event", "keyboard"}, Logger: quietLogger(t),
		Stdout: &out, Stderr: os.Stderr})
	if err != nil {
		cancel()
		t.Fatalf("start bridge (xev is in Debian's x11-utils): %v", err)
	}
	t.Cleanup(func() { cancel(); b.Wait() })
	c := dialTest(t, s)
	win := waitTopLevel(t, c, func(r image.Rectangle) bool { return r.Dx() == 400 })
	tab, _ := newTab(t, startBrowser(t, 2*time.Minute))
	openViewer(t, tab, s.viewerURL())
	click(t, tab, win.Min.Add(image.Pt(100, 100)), input.MouseButtonLeft)
	time.Sleep(300 * time.Millisecond) // xev selects its events once mapped
	e2e.DispatchKeys(t, tab, e2e.BrowserEvents(e2e.CoreMap{}, e2e.ParseStrokes("S+Tab"), false))
	end := time.Now().Add(10 * time.Second)
	for time.Now().Before(end) && !strings.Contains(out.String(), "KeyRelease event") {
		time.Sleep(50 * time.Millisecond)
	}
	// xev prints each event as a block; the press of Tab must read
	// "state 0x1, keycode 23 (keysym 0xfe20, ISO_Left_Tab)".
	got := out.String()
	var press string
	for _, block := range strings.Split(got, "\n\n") {
		if strings.HasPrefix(strings.TrimSpace(block), "KeyPress event") && strings.Contains(block, "keycode 23 ") {
			press = block
		}
	}
	if !strings.Contains(press, "state 0x1, keycode 23 (keysym 0xfe20, ISO_Left_Tab)") {
		t.Errorf("xev's KeyPress of Tab is not ISO_Left_Tab with Shift:\n%s\nall of xev's output:\n%s", press, got)
	}
}
