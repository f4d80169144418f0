package e2e_test

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
// A layout is added by adding a keyLayout to keyLayouts (keys_test.go).

// keyLayout is one keyboard layout under test.
type keyLayout struct {
	name string
	// xkb are the setxkbmap arguments of the layout the browser has.
	xkb []string
	// refXKB, if set, is the layout of the native reference instead:
	// shortcuts on non-Latin layouts act on the US letter (toolkits do so;
	// xterm itself does not), so their reference is the US layout.
	refXKB []string
	// windowsAltGr sends AltGr as Windows browsers do: Control held and
	// Alt held (ctrlKey and altKey both set), instead of an AltGraph key.
	windowsAltGr bool
	// strokes are the keys typed (see parseStrokes).
	strokes string
}

// keyAct is one physical key going down or up.
type keyAct struct {
	down bool
	code string // W3C code; "AltRight" is AltGr where the layout has one
}

// parseStrokes turns a stroke list into key acts. Tokens, space-separated:
// "KeyA" taps a key; prefixes hold modifiers around it ("S+Digit1" Shift,
// "C+KeyC" Control, "A+KeyF" Alt, "G+KeyQ" AltGr, combinable: "SG+KeyQ");
// "+Code" and "-Code" press and release one key, for overlapping keys.
func parseStrokes(s string) []keyAct {
	mods := map[rune]string{'S': "ShiftLeft", 'C': "ControlLeft", 'A': "AltLeft", 'G': "AltRight"}
	var acts []keyAct
	for _, tok := range strings.Fields(s) {
		switch {
		case tok[0] == '+':
			acts = append(acts, keyAct{true, tok[1:]})
		case tok[0] == '-':
			acts = append(acts, keyAct{false, tok[1:]})
		default:
			var held []string
			if p, code, ok := strings.Cut(tok, "+"); ok {
				for _, r := range p {
					held = append(held, mods[r])
				}
				tok = code
			}
			for _, m := range held {
				acts = append(acts, keyAct{true, m})
			}
			acts = append(acts, keyAct{true, tok}, keyAct{false, tok})
			for i := len(held) - 1; i >= 0; i-- {
				acts = append(acts, keyAct{false, held[i]})
			}
		}
	}
	return acts
}

// coreMap is an X server's keyboard map: keysyms per keycode.
type coreMap struct {
	min     int
	perCode int
	syms    []xproto.Keysym
}

func loadCoreMap(t testing.TB, x *xgb.Conn) coreMap {
	t.Helper()
	s := xproto.Setup(x)
	n := int(s.MaxKeycode) - int(s.MinKeycode) + 1
	r, err := xproto.GetKeyboardMapping(x, s.MinKeycode, byte(n)).Reply()
	if err != nil {
		t.Fatalf("GetKeyboardMapping: %v", err)
	}
	return coreMap{min: int(s.MinKeycode), perCode: int(r.KeysymsPerKeycode), syms: r.Keysyms}
}

// sym returns keycode's keysym in column col (XKB's core columns: 0 and 1
// are group 1 levels 1 and 2, 4 and 5 its levels 3 and 4).
func (m coreMap) sym(keycode uint8, col int) uint32 {
	i := (int(keycode)-m.min)*m.perCode + col
	if col >= m.perCode || i < 0 || i >= len(m.syms) {
		return 0
	}
	return uint32(m.syms[i])
}

// level returns what keycode types with Shift and AltGr as given.
func (m coreMap) level(keycode uint8, shift, altgr bool) uint32 {
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

// browserEvents returns the DevTools key events Chromium sends for acts
// with layout m: key from the layout (and dead keys composed as Chromium
// composes them), code, text and the modifier flags.
func browserEvents(m coreMap, acts []keyAct, windowsAltGr bool) []*input.DispatchKeyEventParams {
	var out []*input.DispatchKeyEventParams
	var shift, ctrl, alt, altgr bool
	var dead uint32
	hasAltGr := m.sym(108, 0) == protocol.KeyISOLevel3Shift
	flags := func() int64 {
		var f int64
		if alt || (altgr && windowsAltGr) {
			f |= cdpAlt
		}
		if ctrl || (altgr && windowsAltGr) {
			f |= cdpCtrl
		}
		if shift {
			f |= cdpShift
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
		r := keysymRune(sym)
		if r < 0 {
			panic(fmt.Sprintf("%s: keysym %#x types nothing", a.code, sym))
		}
		if strings.HasPrefix(a.code, "Numpad") {
			r = keysymRune(m.sym(keyboard.Keycode(a.code), 1)) // NumLock on
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

// cyrillic is X's Cyrillic keysym block from 0x6c0: lower case, then
// upper case in the same order.
const cyrillic = "юабцдефгхийклмнопярстужвьызшэщчъЮАБЦДЕФГХИЙКЛМНОПЯРСТУЖВЬЫЗШЭЩЧЪ"

// keysymRune is the character of a keysym, including the legacy
// (pre-Unicode) keysyms the tested layouts use, which browsers report as
// the character.
func keysymRune(sym uint32) rune {
	switch {
	case sym >= 0x6c0 && sym <= 0x6ff:
		return []rune(cyrillic)[sym-0x6c0]
	case sym == 0x6a3:
		return 'ё'
	case sym == 0x6b3:
		return 'Ё'
	case sym == 0x6b0:
		return '№'
	case sym == 0x20ac:
		return '€'
	}
	return protocol.RuneForKeysym(sym)
}

// dispatchKeys sends the events to the page, in order.
func dispatchKeys(t testing.TB, tab context.Context, evs []*input.DispatchKeyEventParams) {
	t.Helper()
	for _, p := range evs {
		if _, err := chromedp.Call(tab, input.DispatchKeyEvent, *p); err != nil {
			t.Fatalf("dispatch %s %q (%s): %v", p.Type, p.Key, p.Code, err)
		}
	}
}

// catTerm is xterm running `cat -v` into a file, on some X server.
type catTerm struct {
	file string
}

// catCommand is the xterm command line that records what the terminal
// gets, raw (no line editing, no signals: ^C is a byte like any other).
func catCommand(file string) []string {
	return []string{"env", "LC_ALL=C.UTF-8", "xterm", "-u8", "-geometry", "80x24+0+0", "-e",
		"sh", "-c", "stty raw -echo; exec cat -v > " + file}
}

// waitReady waits until cat has opened its file (the terminal is raw by then).
func (c *catTerm) waitReady(t testing.TB) {
	t.Helper()
	end := time.Now().Add(20 * time.Second)
	for time.Now().Before(end) {
		if _, err := os.Stat(c.file); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("xterm's cat did not open %s within 20s", c.file)
}

// read returns what cat wrote after offset from, once it has written n
// more line ends ("^M", Enter in raw mode) and nothing more for a moment.
func (c *catTerm) read(t testing.TB, from, n int) string {
	t.Helper()
	end := time.Now().Add(20 * time.Second)
	var got string
	stable := 0
	for time.Now().Before(end) {
		b, _ := os.ReadFile(c.file)
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

// nativeX is an Xvfb with xterm running cat, typed into with XTEST.
type nativeX struct {
	srv  *xvfb.Server
	x    *xgb.Conn
	root xproto.Window
	term catTerm
}

func startNativeX(t testing.TB) *nativeX {
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
	n := &nativeX{srv: srv, x: x, root: xproto.Setup(x).DefaultScreen(x).Root,
		term: catTerm{file: filepath.Join(t.TempDir(), "native.txt")}}
	args := catCommand(n.term.file)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = srv.Env()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start xterm: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	n.term.waitReady(t)
	// No window manager: the focus follows the pointer (PointerRoot).
	xtest.FakeInput(x, xproto.MotionNotify, 0, 0, n.root, 100, 100, 0)
	x.Sync()
	return n
}

// setLayout switches the server's keyboard layout.
func (n *nativeX) setLayout(t testing.TB, args []string) {
	t.Helper()
	cmd := exec.Command("setxkbmap", append([]string{"-display", n.srv.Display}, args...)...)
	cmd.Env = n.srv.Env()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("setxkbmap %v: %v\n%s", args, err, out)
	}
}

// keymap reads the server's current keyboard map.
func (n *nativeX) keymap(t testing.TB) coreMap { return loadCoreMap(t, n.x) }

// typeActs presses and releases the keys' keycodes, as a keyboard does.
func (n *nativeX) typeActs(t testing.TB, acts []keyAct) {
	t.Helper()
	for _, a := range acts {
		kc := keyboard.Keycode(a.code)
		if kc == 0 {
			t.Fatalf("no keycode for %q", a.code)
		}
		typ := byte(xproto.KeyRelease)
		if a.down {
			typ = xproto.KeyPress
		}
		xtest.FakeInput(n.x, typ, kc, 0, n.root, 0, 0, 0)
		// Let xterm take each key in turn, as from a fast typist.
		n.x.Sync()
	}
}

// native types acts on layout and returns what the terminal read.
func (n *nativeX) native(t testing.TB, layout []string, acts []keyAct) string {
	t.Helper()
	n.setLayout(t, layout)
	from := fileSize(n.term.file)
	n.typeActs(t, acts)
	return n.term.read(t, from, countEnters(acts))
}

func fileSize(p string) int {
	st, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return int(st.Size())
}

func countEnters(acts []keyAct) int {
	n := 0
	for _, a := range acts {
		if a.down && (a.code == "Enter" || a.code == "NumpadEnter") {
			n++
		}
	}
	return n
}
