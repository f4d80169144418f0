// Package input turns what a desktop window saw during one tick (where the
// pointer is, which buttons and keys went down or up, which characters
// were typed, how far the wheel turned) into the X-style input events of
// feed.InputEvent.
//
// It is separate from the Ebitengine presenter, and does not import it, so
// that the mapping is tested without a display: Ebitengine cannot even be
// initialised where no display exists. Keys are named by Ebitengine's key
// names, which are the W3C KeyboardEvent.code names ("A", "Digit1",
// "ShiftLeft", "ArrowUp", "Enter", ...).
package input

import (
	"strings"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/keyboard"
	"github.com/xfar/xfar/protocol"
)

// Tick is what the window saw since the previous tick.
type Tick struct {
	// X and Y are the pointer's position in screen pixels.
	X, Y int
	// Left, Middle and Right say whether those buttons are down now.
	Left, Middle, Right bool
	// WheelX and WheelY are how far the wheel turned, in notches: Y > 0
	// up, X > 0 left (as GLFW reports X's buttons 6 and 7).
	WheelX, WheelY float64
	// Pressed and Released name the keys that went down and up, in the
	// order the window reported them.
	Pressed, Released []string
	// Chars are the characters typed, after the keyboard layout and
	// Shift, in order.
	Chars []rune
}

// Translator turns ticks into events. It remembers what the previous tick
// left held, so that each change is reported once.
type Translator struct {
	started       bool
	x, y          int
	buttons       [3]bool
	wheelX        float64
	wheelY        float64
	down          map[string]uint32 // keys held, with the keysym their press reported
	mods          uint16            // modifier bits held
	width, height int
	host          hostState // the X server's keyboard, for StepHost
}

// NewTranslator returns a Translator for a screen of the given size;
// events carry positions clamped to it.
func NewTranslator(width, heightt int) *Translator {
	return &Translator{down: map[string]uint32{}, width: width, height: heightt}
}

// SetSize changes the screen size positions are clamped to.
func (t *Translator) SetSize(width, heightt int) { t.width, t.height = width, heightt }

// modifierKeys maps modifier key names to their keysym and bit.
var modifierKeys = map[string]struct {
	sym  uint32
	mask uint16
}{
	"ShiftLeft":    {protocol.KeyShiftL, protocol.ShiftMask},
	"ShiftRight":   {protocol.KeyShiftR, protocol.ShiftMask},
	"ControlLeft":  {protocol.KeyControlL, protocol.ControlMask},
	"ControlRight": {protocol.KeyControlR, protocol.ControlMask},
	"AltLeft":      {protocol.KeyAltL, protocol.Mod1Mask},
	"AltRight":     {protocol.KeyAltR, protocol.Mod1Mask},
	"MetaLeft":     {protocol.KeySuperL, protocol.Mod4Mask},
	"MetaRight":    {protocol.KeySuperR, protocol.Mod4Mask},
}

// printableKeys maps keys that type a character to the character they
// type on a US keyboard without Shift: the keysym reported when the window
// gave no character (Control held, for one).
var printableKeys = map[string]rune{
	"Space": ' ', "Minus": '-', "Equal": '=', "BracketLeft": '[', "BracketRight": ']',
	"Backslash": '\\', "Semicolon": ';', "Quote": '\'', "Comma": ',', "Period": '.',
	"Slash": '/', "Backquote": '`', "IntlBackslash": '<',
	"NumpadAdd": '+', "NumpadSubtract": '-', "NumpadMultiply": '*', "NumpadDivide": '/',
	"NumpadDecimal": '.', "NumpadEqual": '=',
}

// printable returns the unshifted character of a printable key.
func printable(name string) (rune, bool) {
	if len(name) == 1 && name[0] >= 'A' && name[0] <= 'Z' {
		return rune(name[0] - 'A' + 'a'), true
	}
	for _, p := range []string{"Digit", "Numpad"} {
		if d, ok := strings.CutPrefix(name, p); ok && len(d) == 1 && d[0] >= '0' && d[0] <= '9' {
			return rune(d[0]), true
		}
	}
	r, ok := printableKeys[name]
	return r, ok
}

// code returns the W3C KeyboardEvent.code of an Ebitengine key name:
// the same names, but letters are "A" where W3C says "KeyA".
func code(name string) string {
	if len(name) == 1 && name[0] >= 'A' && name[0] <= 'Z' {
		return "Key" + name
	}
	return name
}

// special returns the keysym of a key that types no character, by the
// keyboard model (Shift+Tab is ISO_Left_Tab, keypad keys are KP_).
func special(name string, mods uint16) (uint32, bool) {
	switch name {
	case "Shift", "Control", "Alt", "Meta":
		return 0, false // either side: the sided key comes too
	}
	key := name
	if name == "NumpadEnter" {
		key = "Enter"
	}
	k, ok := keyboard.Press(name, key, mods)
	return k.Keysym, ok
}

// textOf is what a key press with keysym sym types: X's XLookupString
// gives control characters for Return, Tab, BackSpace and Escape, and
// nothing while Control, Alt or Super is held.
func textOf(sym uint32, mods uint16) string {
	if mods&(protocol.ControlMask|protocol.Mod1Mask|protocol.Mod4Mask) != 0 {
		return ""
	}
	r := protocol.RuneForKeysym(sym)
	if r < 0 || r == 0x7f {
		return ""
	}
	return string(r)
}

// shifted reports whether character c, typed by a key whose unshifted
// character is base, needed Shift.
func shifted(base, c rune) bool {
	if base >= 'a' && base <= 'z' {
		return c >= 'A' && c <= 'Z'
	}
	return c != base
}

func clamp(v, size int) int { return max(0, min(v, size-1)) }

// ReleaseAll forgets every key and button held and returns the event that
// tells the display to release them: the window lost the keyboard, and
// their releases will never come.
func (t *Translator) ReleaseAll() []feed.InputEvent {
	clear(t.down)
	t.mods = 0
	t.host = hostState{caps: t.host.caps, num: t.host.num}
	t.buttons = [3]bool{}
	return []feed.InputEvent{{Kind: feed.ReleaseAll, X: t.x, Y: t.y}}
}

// Step returns the events for one tick, in the order X would report them:
// pointer motion, modifier presses, other key presses with the characters
// they typed, characters typed with no key seen (key repeat, an input
// method), key releases, modifier releases, buttons, then wheel clicks.
func (t *Translator) Step(tk Tick) []feed.InputEvent {
	var out []feed.InputEvent
	x, y := clamp(tk.X, t.width), clamp(tk.Y, t.height)
	ev := func(kind feed.InputKind) feed.InputEvent {
		return feed.InputEvent{Kind: kind, X: x, Y: y, Mods: t.mods}
	}
	if !t.started || x != t.x || y != t.y {
		t.started, t.x, t.y = true, x, y
		out = append(out, ev(feed.PointerMove))
	}

	// Modifiers first, so that the keys pressed with them carry them.
	// X reports the state before the event: a modifier's press is sent
	// without its own bit, its release with it. One exception: when the
	// window's loop fell behind and a tick holds a whole typed sequence,
	// a Shift pressed in this tick is held back until a character shows
	// it applied, so that "a" then "Z" do not both report Shift.
	var heldShift []string
	pressMod := func(name string) {
		m := modifierKeys[name]
		e := ev(feed.KeyDown)
		e.Keysym = m.sym
		e.Keycode = keyboard.Keycode(name)
		out = append(out, e)
		t.down[name] = m.sym
		t.mods |= m.mask
	}
	shiftBack := len(tk.Chars) > 0
	for _, name := range tk.Pressed {
		if m, ok := modifierKeys[name]; ok {
			if _, held := t.down[name]; held {
				continue
			}
			if shiftBack && m.mask == protocol.ShiftMask {
				heldShift = append(heldShift, name)
				continue
			}
			pressMod(name)
		}
	}
	chars := tk.Chars
	for _, name := range tk.Pressed {
		if _, isMod := modifierKeys[name]; isMod {
			continue
		}
		if _, held := t.down[name]; held {
			continue
		}
		base, isPrintable := printable(name)
		if len(heldShift) > 0 && (!isPrintable || len(chars) == 0 || shifted(base, chars[0])) {
			for _, n := range heldShift {
				pressMod(n)
			}
			heldShift = nil
		}
		e := ev(feed.KeyDown)
		e.Keycode = keyboard.Keycode(code(name))
		if isPrintable {
			if len(chars) > 0 {
				// The keyboard model gives keypad keys their KP_ keysyms,
				// as the web viewer does.
				k, _ := keyboard.Press(code(name), string(chars[0]), t.mods)
				e.Keysym = k.Keysym
				e.Text = textOf(protocol.KeysymForRune(chars[0]), t.mods)
				chars = chars[1:]
			} else {
				// No character: Control or Alt was held, which types
				// none. Report the key as X would, by its keysym.
				if t.mods&protocol.ShiftMask != 0 && base >= 'a' && base <= 'z' {
					base -= 'a' - 'A'
				}
				e.Keysym = protocol.KeysymForRune(base)
				e.Text = textOf(e.Keysym, t.mods)
			}
		} else if sym, ok := special(name, t.mods); ok {
			e.Keysym = sym
			e.Text = textOf(sym, t.mods)
		} else {
			continue // a key X has no name for here ("Alt", "Shift": either side)
		}
		out = append(out, e)
		t.down[name] = e.Keysym
	}
	for _, n := range heldShift {
		pressMod(n)
	}
	for _, r := range chars {
		e := ev(feed.KeyDown)
		e.Keysym = protocol.KeysymForRune(r)
		e.Text = string(r)
		up := ev(feed.KeyUp)
		up.Keysym = e.Keysym
		out = append(out, e, up)
	}
	for pass := 0; pass < 2; pass++ {
		for _, name := range tk.Released {
			m, isMod := modifierKeys[name]
			if isMod != (pass == 1) {
				continue
			}
			sym, held := t.down[name]
			if !held {
				continue
			}
			e := ev(feed.KeyUp)
			e.Keysym = sym
			e.Keycode = keyboard.Keycode(code(name))
			out = append(out, e)
			delete(t.down, name)
			if isMod {
				t.mods &^= m.mask
				// The other side's key may still hold the bit.
				for other, om := range modifierKeys {
					if _, ok := t.down[other]; ok && om.mask == m.mask {
						t.mods |= m.mask
					}
				}
			}
		}
	}

	for i, now := range [3]bool{tk.Left, tk.Middle, tk.Right} {
		if now == t.buttons[i] {
			continue
		}
		t.buttons[i] = now
		e := ev(feed.ButtonUp)
		if now {
			e.Kind = feed.ButtonDown
		}
		e.Button = i + 1 // X: 1 left, 2 middle, 3 right
		out = append(out, e)
	}

	return append(out, t.wheel(tk)...)
}

// wheel returns the wheel's clicks for a tick.
func (t *Translator) wheel(tk Tick) []feed.InputEvent {
	var out []feed.InputEvent
	ev := func(kind feed.InputKind) feed.InputEvent {
		return feed.InputEvent{Kind: kind, X: t.x, Y: t.y, Mods: t.mods}
	}
	// The wheel: each whole notch is a press and release of buttons 4-7.
	// Fractions (smooth scrolling) add up across ticks.
	t.wheelY += tk.WheelY
	t.wheelX += tk.WheelX
	click := func(b int) {
		d := ev(feed.ButtonDown)
		d.Button = b
		u := ev(feed.ButtonUp)
		u.Button = b
		out = append(out, d, u)
	}
	for ; t.wheelY >= 1; t.wheelY-- {
		click(4)
	}
	for ; t.wheelY <= -1; t.wheelY++ {
		click(5)
	}
	for ; t.wheelX >= 1; t.wheelX-- {
		click(6)
	}
	for ; t.wheelX <= -1; t.wheelX++ {
		click(7)
	}
	return out
}
