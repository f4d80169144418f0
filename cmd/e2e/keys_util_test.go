package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
	"github.com/jezek/xgb/xtest"

	"github.com/xfar/xfar/internal/xvfb"
	"github.com/xfar/xfar/keyboard"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient/x11bridge"
)

// The keyboard tests type the same physical keys two ways and compare what
// a terminal program reads:
//
//   - natively: XTEST presses the keys' keycodes on an Xvfb whose layout is
//     set with setxkbmap, into xterm running `cat -v`, as a user at that
//     machine would;
//   - remotely: headless Chromium gets the key events a browser with that
//     layout sends (Input.dispatchKeyEvent with the key, code, text and
//     modifiers Chromium derives from the same XKB layout), the web viewer
//     sends them to the display server, and the bridge types them into
//     xterm running `cat -v` on its own (US) Xvfb.
//
// A layout is added by adding a KeyLayout to keyLayouts (keys_test.go).

// KeyLayout is one keyboard layout under test.
type KeyLayout struct {
	Name string
	// xkb are the setxkbmap arguments of the layout the browser has.
	XKB []string
	// refXKB, if set, is the layout of the native reference instead:
	// shortcuts on non-Latin layouts act on the US letter (toolkits do so;
	// xterm itself does not), so their reference is the US layout.
	RefXKB []string
	// windowsAltGr sends AltGr as Windows browsers do: Control held and
	// Alt held (ctrlKey and altKey both set), instead of an AltGraph key.
	WindowsAltGr bool
	// strokes are the keys typed (see ParseStrokes).
	Strokes string
}

// KeyAct is one physical key going down or up.
type KeyAct struct {
	down bool
	code string // W3C code; "AltRight" is AltGr where the layout has one
}

// ParseStrokes turns a stroke list into key acts. Tokens, space-separated:
// "KeyA" taps a key; prefixes hold modifiers around it ("S+Digit1" Shift,
// "C+KeyC" Control, "A+KeyF" Alt, "G+KeyQ" AltGr, combinable: "SG+KeyQ");
// "+Code" and "-Code" press and release one key, for overlapping keys.
func ParseStrokes(s string) []KeyAct {
	mods := map[rune]string{'S': "ShiftLeft", 'C': "ControlLeft", 'A': "AltLeft", 'G': "AltRight"}
	var acts []KeyAct
	for _, tok := range strings.Fields(s) {
		switch {
		case tok[0] == '+':
			acts = append(acts, KeyAct{true, tok[1:]})
		case tok[0] == '-':
			acts = append(acts, KeyAct{false, tok[1:]})
		default:
			var held []string
			if p, code, ok := strings.Cut(tok, "+"); ok {
				for _, r := range p {
					held = append(held, mods[r])
				}
				tok = code
			}
			for _, m := range held {
				acts = append(acts, KeyAct{true, m})
			}
			acts = append(acts, KeyAct{true, tok}, KeyAct{false, tok})
			for i := len(held) - 1; i >= 0; i-- {
				acts = append(acts, KeyAct{false, held[i]})
			}
		}
	}
	return acts
}

// CoreMap is an X server's keyboard map: keysyms per keycode.
type CoreMap struct {
	min     int
	perCode int
	syms    []xproto.Keysym
}

func LoadCoreMap(t testing.TB, x *xgb.Conn) CoreMap {
	t.Helper()
	s := xproto.Setup(x)
	n := int(s.MaxKeycode) - int(s.MinKeycode) + 1
	r, err := xproto.GetKeyboardMapping(x, s.MinKeycode, byte(n)).Reply()
	if err != nil {
		t.Fatalf("GetKeyboardMapping: %v", err)
	}
	return CoreMap{min: int(s.MinKeycode), perCode: int(r.KeysymsPerKeycode), syms: r.Keysyms}
}

// sym returns keycode's keysym in column col (XKB's core columns: 0 and 1
// are group 1 levels 1 and 2, 4 and 5 its levels 3 and 4).
func (m CoreMap) sym(keycode uint8, col int) uint32 {
	i := (int(keycode)-m.min)*m.perCode + col
	if col >= m.perCode || i < 0 || i >= len(m.syms) {
		return 0
	}
	return uint32(m.syms[i])
}

// level returns what keycode types with Shift and AltGr as given.
func (m CoreMap) level(keycode uint8, shift, altgr bool) uint32 {
	col := 0
	if shift {
		col = 1
	}
	if altgr {
		col += 4
	}
	if s := m.sym(keycode, col); s != 0 {
		return s
	}
	if s := m.sym(keycode, col&^1); s != 0 { // no second level: the first
		return s
	}
	return m.sym(keycode, 0)
}

// deadKeys maps X's dead keysyms to the combining accents they add, and
// composed the results browsers report for the letters the tests use.
var composed = map[uint32]map[rune]rune{
	0xfe50: {'a': 'à', 'e': 'è', 'o': 'ò', 'u': 'ù', 'A': 'À', 'E': 'È'}, // dead_grave
	0xfe51: {'a': 'á', 'e': 'é', 'o': 'ó', 'u': 'ú', 'A': 'Á', 'E': 'É'}, // dead_acute
	0xfe52: {'a': 'â', 'e': 'ê', 'o': 'ô', 'u': 'û', 'A': 'Â', 'E': 'Ê'}, // dead_circumflex
	0xfe57: {'a': 'ä', 'e': 'ë', 'o': 'ö', 'u': 'ü', 'A': 'Ä', 'E': 'Ë'}, // dead_diaeresis
}

// keyNames are the W3C key values of the non-printing keys the tests use.
var keyNames = map[string]string{"Enter": "Enter", "Tab": "Tab", "Backspace": "Backspace",
	"Escape": "Escape", "ShiftLeft": "Shift", "ShiftRight": "Shift", "ControlLeft": "Control",
	"ControlRight": "Control", "AltLeft": "Alt", "ArrowLeft": "ArrowLeft"}

// Windows virtual key codes of the modifiers; Chromium wants them for its
// modifier bookkeeping.
var vkCodes = map[string]int64{"ShiftLeft": 0x10, "ControlLeft": 0x11, "AltLeft": 0x12, "AltRight": 0x12,
	"Enter": 0x0d, "Tab": 0x09, "Backspace": 0x08, "Escape": 0x1b}

// BrowserEvents returns the DevTools key events Chromium sends for acts
// with layout m: key from the layout (and dead keys composed as Chromium
// composes them), code, text and the modifier flags.
func BrowserEvents(m CoreMap, acts []KeyAct, windowsAltGr bool) []*input.DispatchKeyEventParams {
	var out []*input.DispatchKeyEventParams
	var shift, ctrl, alt, altgr bool
	var dead uint32
	hasAltGr := m.sym(108, 0) == protocol.KeyISOLevel3Shift
	flags := func() int64 {
		var f int64
		if alt || (altgr && windowsAltGr) {
			f |= cdpAltMask
		}
		if ctrl || (altgr && windowsAltGr) {
			f |= cdpCtrlMask
		}
		if shift {
			f |= cdpShiftMask
		}
		return f
	}
	emit := func(down bool, key, code, text string) {
		p := &input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp, Key: key, Code: code,
			Modifiers: flags(), WindowsVirtualKeyCode: vkCodes[code], NativeVirtualKeyCode: vkCodes[code]}
		if down {
			p.Type = input.DispatchKeyEventTypeRawKeyDown
			if text != "" {
				p.Type, p.Text, p.UnmodifiedText = input.DispatchKeyEventTypeKeyDown, text, text
			}
		}
		out = append(out, p)
	}
	for _, a := range acts {
		switch {
		case a.code == "AltRight" && hasAltGr:
			if windowsAltGr {
				if a.down {
					ctrl = true
					emit(true, "Control", "ControlLeft", "")
					ctrl = false
					altgr = true
					emit(true, "AltGraph", "AltRight", "")
				} else {
					emit(false, "AltGraph", "AltRight", "")
					altgr = false
					emit(false, "Control", "ControlLeft", "")
				}
				continue
			}
			altgr = a.down
			emit(a.down, "AltGraph", a.code, "")
			continue
		case strings.HasPrefix(a.code, "Shift"):
			shift = a.down
		case strings.HasPrefix(a.code, "Control"):
			ctrl = a.down
		case a.code == "AltLeft":
			alt = a.down
		}
		if name, ok := keyNames[a.code]; ok {
			text := ""
			if a.code == "Enter" {
				text = "\r"
			}
			emit(a.down, name, a.code, text)
			continue
		}
		sym := m.level(keyboard.Keycode(a.code), shift, altgr)
		if sym >= 0xfe50 && sym <= 0xfe8f { // a dead key
			if a.down {
				dead = sym
			}
			emit(a.down, "Dead", a.code, "")
			continue
		}
		r := keyboard.KeysymRune(sym)
		if r < 0 {
			panic(fmt.Sprintf("%s: keysym %#x types nothing", a.code, sym))
		}
		if strings.HasPrefix(a.code, "Numpad") {
			r = keyboard.KeysymRune(m.sym(keyboard.Keycode(a.code), 1)) // NumLock on
		}
		key := string(r)
		if a.down && dead != 0 {
			if c, ok := composed[dead][r]; ok {
				key = string(c)
			}
			dead = 0
		}
		text := key
		if (ctrl || alt) && !(altgr && windowsAltGr) {
			text = ""
		}
		emit(a.down, key, a.code, text)
	}
	return out
}

// DispatchKeys sends the events to the page, in order.
func DispatchKeys(t testing.TB, tab context.Context, evs []*input.DispatchKeyEventParams) {
	t.Helper()
	for _, p := range evs {
		if _, err := chromedp.Call(tab, input.DispatchKeyEvent, *p); err != nil {
			t.Fatalf("dispatch %s %q (%s): %v", p.Type, p.Key, p.Code, err)
		}
	}
}

// CatTerm is xterm running `cat -v` into a file, on some X server.
type CatTerm struct {
	File string
}

// CatCommand is the xterm command line that records what the terminal
// gets, raw (no line editing, no signals: ^C is a byte like any other).
func CatCommand(file string) []string {
	return []string{"env", "LC_ALL=C.UTF-8", "xterm", "-u8", "-geometry", "80x24+0+0", "-e",
		"sh", "-c", "stty raw -echo; exec cat -v > " + file}
}

// WaitReady waits until cat has opened its file (the terminal is raw by then).
func (c *CatTerm) WaitReady(t testing.TB) {
	t.Helper()
	end := time.Now().Add(20 * time.Second)
	for time.Now().Before(end) {
		if _, err := os.Stat(c.File); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("xterm's cat did not open %s within 20s", c.File)
}

// Read returns what cat wrote after offset from, once it has written n
// more line ends ("^M", Enter in raw mode) and nothing more for a moment.
func (c *CatTerm) Read(t testing.TB, from, n int) string {
	t.Helper()
	end := time.Now().Add(20 * time.Second)
	var got string
	stable := 0
	for time.Now().Before(end) {
		b, _ := os.ReadFile(c.File)
		if len(b) >= from {
			s := string(b[from:])
			if s == got && strings.Count(s, "^M") >= n {
				if stable++; stable >= 3 {
					return s
				}
			} else {
				stable = 0
			}
			got = s
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("terminal output %q: want %d line ends (^M) and then quiet", got, n)
	return ""
}

// NativeX is an Xvfb with xterm running cat, typed into with XTEST.
type NativeX struct {
	srv  *xvfb.Server
	x    *xgb.Conn
	root xproto.Window
	Term CatTerm
}

// StartNativeX starts the native reference: an Xvfb with xterm running
// cat.
func StartNativeX(t testing.TB) *NativeX {
	t.Helper()
	for _, tool := range []string{"Xvfb", "xterm", "setxkbmap"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (Debian packages xvfb, xterm, x11-xkb-utils); the keyboard tests need it", tool)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := xvfb.Start(ctx, xvfb.Options{Width: 800, Height: 600, Auth: true, First: 150})
	if err != nil {
		cancel()
		t.Fatalf("start Xvfb: %v", err)
	}
	t.Cleanup(func() { cancel(); srv.Stop() })
	x, err := x11bridge.DialX(srv.Display, srv.AuthFile)
	if err != nil {
		t.Fatalf("connect to Xvfb: %v", err)
	}
	t.Cleanup(x.Close)
	if err := xtest.Init(x); err != nil {
		t.Fatalf("XTEST: %v", err)
	}
	n := &NativeX{srv: srv, x: x, root: xproto.Setup(x).DefaultScreen(x).Root,
		Term: CatTerm{File: filepath.Join(t.TempDir(), "native.txt")}}
	args := CatCommand(n.Term.File)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = srv.Env()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start xterm: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	n.Term.WaitReady(t)
	// No window manager: the focus follows the pointer (PointerRoot).
	xtest.FakeInput(x, xproto.MotionNotify, 0, 0, n.root, 100, 100, 0)
	x.Sync()
	return n
}

// SetLayout switches the server's keyboard layout.
func (n *NativeX) SetLayout(t testing.TB, args []string) {
	t.Helper()
	SetXKB(t, n.srv.Display, n.srv.Env(), args)
}

// SetXKB runs setxkbmap on an X display.
func SetXKB(t testing.TB, display string, env []string, args []string) {
	t.Helper()
	cmd := exec.Command("setxkbmap", append([]string{"-display", display}, args...)...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("setxkbmap %v: %v\n%s", args, err, out)
	}
}

// Keymap reads the server's current keyboard map.
func (n *NativeX) Keymap(t testing.TB) CoreMap { return LoadCoreMap(t, n.x) }

// TypeActs presses and releases the keys' keycodes, as a keyboard does.
func (n *NativeX) TypeActs(t testing.TB, acts []KeyAct) {
	t.Helper()
	TypeKeycodes(t, n.x, acts)
}

// TypeKeycodes presses and releases the keys' keycodes with XTEST on the
// X server of x.
func TypeKeycodes(t testing.TB, x *xgb.Conn, acts []KeyAct) {
	t.Helper()
	root := xproto.Setup(x).DefaultScreen(x).Root
	for _, a := range acts {
		kc := keyboard.Keycode(a.code)
		if kc == 0 {
			t.Fatalf("no keycode for %q", a.code)
		}
		typ := byte(xproto.KeyRelease)
		if a.down {
			typ = xproto.KeyPress
		}
		xtest.FakeInput(x, typ, kc, 0, root, 0, 0, 0)
		// Let the program take each key in turn, as from a fast typist.
		x.Sync()
	}
}

// Native types acts on layout and returns what the terminal read.
func (n *NativeX) Native(t testing.TB, layout []string, acts []KeyAct) string {
	t.Helper()
	n.SetLayout(t, layout)
	from := FileSize(n.Term.File)
	n.TypeActs(t, acts)
	return n.Term.Read(t, from, CountEnters(acts))
}

// FileSize is the size of file p, 0 if it is missing.
func FileSize(p string) int {
	st, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return int(st.Size())
}

// CountEnters counts the presses of Enter among acts.
func CountEnters(acts []KeyAct) int {
	n := 0
	for _, a := range acts {
		if a.down && (a.code == "Enter" || a.code == "NumpadEnter") {
			n++
		}
	}
	return n
}

// DevTools modifier bits.
const (
	cdpAltMask   = 1
	cdpCtrlMask  = 2
	cdpShiftMask = 8
)

// KeyLayouts are the layouts the keyboard tests type, each with keys that
// show what is particular about it. Every list ends with Enter (the tests
// wait for it). To add a layout: add an entry with its setxkbmap
// arguments and the physical keys to type (see ParseStrokes); the
// expected output comes from typing the same keys natively.
var KeyLayouts = []KeyLayout{
	{Name: "us", XKB: []string{"us"},
		// Ordinary typing; case changes on one key typed fast; Shift let
		// go before the key it shifted (the stuck-key case); Shift+Tab
		// (ISO_Left_Tab: xterm sends CSI Z); Control.
		Strokes: "KeyH KeyE KeyL KeyL KeyO Space S+Digit1 S+Digit2 Minus S+Equal Slash S+Slash " +
			"KeyA S+KeyA KeyB S+KeyB KeyC S+KeyC KeyY S+KeyY " +
			"+ShiftLeft +Digit1 -ShiftLeft -Digit1 Tab S+Tab C+KeyA C+KeyC Backspace Enter"},
	{Name: "de", XKB: []string{"de"},
		// QWERTZ, umlauts, Shift on digits, AltGr (Linux: an AltGraph
		// key) and dead keys (´ on Equal, ^ on Backquote, ` on Shift+Equal).
		Strokes: "KeyZ KeyY S+KeyZ Minus BracketLeft Semicolon Quote S+Digit7 S+Digit0 S+Digit2 " +
			"G+KeyQ G+KeyE G+Digit7 G+Digit0 G+Minus G+BracketRight C+KeyY " +
			"Equal KeyE Backquote KeyO S+Equal KeyA Enter"},
	{Name: "de-windows-altgr", XKB: []string{"de"}, WindowsAltGr: true,
		// AltGr as Windows browsers send it: Control and Alt both held.
		Strokes: "G+KeyQ G+KeyE G+Digit7 G+Digit8 G+Digit9 G+Digit0 G+Minus G+KeyM KeyZ Enter"},
	{Name: "fr", XKB: []string{"fr"},
		// AZERTY: the digit row's characters unshifted, digits with
		// Shift, AltGr on digits, the dead circumflex.
		Strokes: "KeyQ KeyW KeyA KeyZ Semicolon Digit1 Digit2 Digit3 Digit4 Digit7 Digit9 Digit0 " +
			"S+Digit1 S+Digit2 G+Digit0 G+Digit3 G+Digit4 BracketLeft KeyE C+KeyQ Enter"},
	{Name: "ru", XKB: []string{"ru"},
		// Cyrillic letters, Shift, and ЙЦУКЕН punctuation.
		Strokes: "KeyG KeyH KeyB KeyD KeyT KeyN S+KeyG Comma Period S+Digit2 S+Digit3 Slash Enter"},
	{Name: "ru-shortcuts", XKB: []string{"ru"}, RefXKB: []string{"us"},
		// Control on a Cyrillic layout acts on the key's Latin letter.
		Strokes: "C+KeyC C+KeyV C+KeyA C+KeyZ C+KeyX Enter"},
}

// TerminalBytes is what xterm sends its program for these key presses:
// the text, the control character for Control with a letter, CSI Z for
// ISO_Left_Tab, DEL for BackSpace (xterm's default).
func TerminalBytes(evs []*protocol.Event) string {
	var b strings.Builder
	for _, ev := range evs {
		if ev.Code != protocol.KeyPress {
			continue
		}
		switch {
		case ev.Keysym == protocol.KeyBackSpace:
			b.WriteByte(0x7f)
		case ev.Text != "":
			b.WriteString(ev.Text)
		case ev.Keysym == keyboard.KeyISOLeftTab:
			b.WriteString("\x1b[Z")
		case ev.State&protocol.ControlMask != 0 && ev.Keysym < 0x80 && ev.Keysym >= '@':
			b.WriteByte(byte(ev.Keysym) & 0x1f)
		}
	}
	return b.String()
}

// CatV renders bytes as `cat -v` does.
func CatV(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 0x80 {
			b.WriteString("M-")
			c -= 0x80
		}
		switch {
		case c < 0x20 && c != '\t' && c != '\n':
			b.WriteByte('^')
			b.WriteByte(c + '@')
		case c == 0x7f:
			b.WriteString("^?")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Describe lists key events for failure messages.
func Describe(evs []*protocol.Event) string {
	var parts []string
	for _, ev := range evs {
		parts = append(parts, fmt.Sprintf("%v(code %d sym %#x state %#x %q)", ev.Code, ev.Detail, ev.Keysym, ev.State, ev.Text))
	}
	return strings.Join(parts, " ")
}
