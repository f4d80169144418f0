// Package keyboard is xfar's one keyboard model: it turns what a viewer
// saw of a key (the physical key as a W3C KeyboardEvent.code, the
// character the user's layout produced as KeyboardEvent.key, and the
// modifiers held) into what an X program expects: the physical key's X
// keycode, the keysym, the modifier state and the text typed.
//
// The web viewer, the desktop viewer, the display server and the X11
// bridge all use it, so every path maps a key the same way. It is neutral,
// like render and fonts: it imports only protocol, and neither side.
//
// The rules a native X desktop follows and browsers obscure:
//   - The layout is the viewer's: the key's character comes from `key`,
//     never from `code`, so German, French, Russian ... type what they show.
//   - Shortcuts act on Latin letters: Ctrl or Alt with a key whose
//     character is not ASCII (a Russian layout) uses the key's US letter,
//     as X toolkits do, so Ctrl+C copies on any layout.
//   - AltGr types characters. Linux browsers report it as its own key
//     ("AltGraph"); Windows browsers report Ctrl and Alt both held. In
//     either shape a printable character other than the key's Latin letter
//     is typed as itself, without Ctrl and Alt.
//   - Shift+Tab is ISO_Left_Tab; keypad keys are KP_ keysyms.
//   - A dead key types nothing itself: the browser composes and the next
//     key reports the composed character.
//
// Every event names its physical key, so a release finds the press it
// ends whatever `key` the release reports (see Keycode).
package keyboard

import (
	"strings"
	"unicode/utf8"

	"github.com/xfar/xfar/protocol"
)

// Keysyms this package produces that protocol does not name.
const (
	KeyISOLeftTab  = 0xfe20
	KeyKPMultiply  = 0xffaa
	KeyKPAdd       = 0xffab
	KeyKPSeparator = 0xffac
	KeyKPSubtract  = 0xffad
	KeyKPDecimal   = 0xffae
	KeyKPDivide    = 0xffaf
	KeyKP0         = 0xffb0 // KP_1 .. KP_9 follow
	KeyKPEqual     = 0xffbd
	KeyKPHome      = 0xff95
	KeyKPLeft      = 0xff96
	KeyKPUp        = 0xff97
	KeyKPRight     = 0xff98
	KeyKPDown      = 0xff99
	KeyKPPageUp    = 0xff9a
	KeyKPPageDown  = 0xff9b
	KeyKPEnd       = 0xff9c
	KeyKPBegin     = 0xff9d
	KeyKPInsert    = 0xff9e
	KeyKPDelete    = 0xff9f
)

// AltGrMask is the modifier bit a viewer reports while AltGr is held
// (X's Mod5, where ISO_Level3_Shift sits in X.Org's default maps).
const AltGrMask = protocol.Mod5Mask

// Mods is every modifier bit a viewer may report.
const Mods = protocol.ShiftMask | protocol.LockMask | protocol.ControlMask |
	protocol.Mod1Mask | protocol.Mod2Mask | protocol.Mod4Mask | AltGrMask

// shortcutMods are the modifiers with which a key types no text.
const shortcutMods = protocol.ControlMask | protocol.Mod1Mask | protocol.Mod4Mask

// Key is a key event as an X program sees it.
type Key struct {
	// Keycode is the physical key (X.Org's evdev numbering), 0 if the
	// viewer did not say which.
	Keycode uint8
	// Keysym is what the key means with the layout and modifiers.
	Keysym uint32
	// State is the modifier state to report, as X reports it: from just
	// before the event, without the modifiers AltGr in its Windows shape
	// set (they did not act as Ctrl and Alt).
	State uint16
	// Text is what a press types, "" for none.
	Text string
	// Mask is the modifier bit the key itself holds (Shift for ShiftLeft),
	// 0 for other keys.
	Mask uint16
}

// sided maps modifier key names to their left and right keysyms and the
// modifier bit they hold.
var sided = map[string]struct {
	left, right uint32
	mask        uint16
}{
	"Shift":   {protocol.KeyShiftL, protocol.KeyShiftR, protocol.ShiftMask},
	"Control": {protocol.KeyControlL, protocol.KeyControlR, protocol.ControlMask},
	"Alt":     {protocol.KeyAltL, protocol.KeyAltR, protocol.Mod1Mask},
	"Meta":    {protocol.KeySuperL, protocol.KeySuperR, protocol.Mod4Mask},
	"OS":      {protocol.KeySuperL, protocol.KeySuperR, protocol.Mod4Mask}, // Firefox before 118
	"Super":   {protocol.KeySuperL, protocol.KeySuperR, protocol.Mod4Mask},
}

// keypadChars maps the characters of keypad keys to their KP_ keysyms.
var keypadChars = map[rune]uint32{
	'*': KeyKPMultiply, '+': KeyKPAdd, '-': KeyKPSubtract, '.': KeyKPDecimal,
	',': KeyKPDecimal, '/': KeyKPDivide, '=': KeyKPEqual,
}

// keypadNames maps what keypad keys report with NumLock off to KP_ keysyms.
var keypadNames = map[string]uint32{
	"Home": KeyKPHome, "ArrowLeft": KeyKPLeft, "ArrowUp": KeyKPUp, "ArrowRight": KeyKPRight,
	"ArrowDown": KeyKPDown, "PageUp": KeyKPPageUp, "PageDown": KeyKPPageDown, "End": KeyKPEnd,
	"Clear": KeyKPBegin, "Insert": KeyKPInsert, "Delete": KeyKPDelete, "Enter": protocol.KeyKPEnter,
}

// Press maps a key press as a browser reports it: code and key are
// KeyboardEvent.code and .key, mods the modifier bits held after the
// event (as browsers report them; AltGrMask for getModifierState
// ("AltGraph")). ok is false for keys that type nothing and are no key of
// X's ("Dead", "Process", "Unidentified").
func Press(code, key string, mods uint16) (k Key, ok bool) {
	k.Keycode = Keycode(code)
	mods &= Mods
	r, n := utf8.DecodeRuneInString(key)
	printable := n == len(key) && n > 0 && r != utf8.RuneError && r >= 0x20 && r != 0x7f
	switch {
	case printable:
		k.Keysym, mods = charKeysym(code, r, mods)
	case key == "Tab" && mods&protocol.ShiftMask != 0:
		k.Keysym = KeyISOLeftTab
	case strings.HasPrefix(code, "Numpad") && keypadNames[key] != 0:
		k.Keysym = keypadNames[key]
	default:
		s, ok := protocol.KeysymForKeyName(key)
		if ok {
			k.Keysym = s
			break
		}
		sd, ok := sided[key]
		if !ok {
			return Key{}, false
		}
		k.Keysym, k.Mask = sd.left, sd.mask
		if strings.HasSuffix(code, "Right") {
			k.Keysym = sd.right
		}
	}
	if key == "AltGraph" {
		k.Mask = AltGrMask
	}
	// X reports the state before the event: a modifier's own press comes
	// without its bit. Browsers report the state after it.
	k.State = mods &^ k.Mask
	k.Text = text(key, printable, k.Keysym, k.State)
	return k, true
}

// charKeysym is the keysym of a key that produced character r, and the
// modifiers that apply to it.
func charKeysym(code string, r rune, mods uint16) (uint32, uint16) {
	if strings.HasPrefix(code, "Numpad") {
		if r >= '0' && r <= '9' {
			return KeyKP0 + uint32(r-'0'), mods
		}
		if s, ok := keypadChars[r]; ok {
			return s, mods
		}
	}
	ctrlAlt := protocol.ControlMask | protocol.Mod1Mask
	lower, hasLatin := USChar(code, false)
	upper, _ := USChar(code, true)
	isLatin := hasLatin && (r == lower || r == upper || r == unicodeLower(upper) || r == unicodeUpper(lower))
	switch {
	case mods&AltGrMask != 0 && mods&ctrlAlt == ctrlAlt:
		// Windows' AltGr, and Linux browsers' getModifierState("AltGraph")
		// together with it: Ctrl and Alt did not act.
		return protocol.KeysymForRune(r), mods &^ ctrlAlt
	case mods&ctrlAlt == ctrlAlt && !isLatin && r > ' ':
		// Windows' AltGr without the AltGraph state: Ctrl+Alt with a key
		// that produced something other than its Latin letter.
		return protocol.KeysymForRune(r), mods &^ ctrlAlt
	case mods&(ctrlAlt|protocol.Mod4Mask) != 0 && mods&AltGrMask == 0 && r > 0x7e && hasLatin:
		// A shortcut on a non-Latin layout acts on the Latin letter.
		c := lower
		if mods&protocol.ShiftMask != 0 {
			c = upper
		}
		return protocol.KeysymForRune(c), mods
	}
	return protocol.KeysymForRune(r), mods
}

func unicodeLower(r rune) rune {
	if r >= 'A' && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

func unicodeUpper(r rune) rune {
	if r >= 'a' && r <= 'z' {
		return r - ('a' - 'A')
	}
	return r
}

// text is what a press types: the character itself for a printable key
// without Control, Alt or Super, the control character for Return, Tab,
// BackSpace and Escape (as X's XLookupString gives), else "".
func text(key string, printable bool, sym uint32, state uint16) string {
	if state&shortcutMods != 0 {
		return ""
	}
	if printable {
		if r := protocol.RuneForKeysym(sym); r >= 0x20 && r != 0x7f && !isKeypad(sym) {
			return string(r)
		}
		return key
	}
	switch sym {
	case protocol.KeyReturn, protocol.KeyKPEnter, protocol.KeyTab, protocol.KeyBackSpace, protocol.KeyEscape:
		// ISO_Left_Tab types nothing, as in XLookupString: it moves
		// backwards, and terminals send their own sequence for it.
		return string(protocol.RuneForKeysym(sym))
	}
	return ""
}

func isKeypad(sym uint32) bool { return sym >= 0xff80 && sym <= 0xffbd }

// Release returns the state an X release of a key holding modifier mask
// reports: browsers give the state after the release, X the state before.
func Release(mods, mask uint16) uint16 { return mods&Mods | mask }

// ModifierMask returns the modifier bit a modifier keysym holds, 0 for
// other keysyms.
func ModifierMask(sym uint32) uint16 {
	switch sym {
	case protocol.KeyShiftL, protocol.KeyShiftR:
		return protocol.ShiftMask
	case protocol.KeyControlL, protocol.KeyControlR:
		return protocol.ControlMask
	case protocol.KeyAltL, protocol.KeyAltR, 0xffe7, 0xffe8: // Meta_L, Meta_R
		return protocol.Mod1Mask
	case protocol.KeySuperL, protocol.KeySuperR:
		return protocol.Mod4Mask
	case protocol.KeyISOLevel3Shift:
		return AltGrMask
	}
	return 0
}

// TextKeysym is the keysym of text committed by an input method: the
// character's own for one character, 0 for longer text.
func TextKeysym(s string) uint32 {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || n != len(s) || r == utf8.RuneError {
		return 0
	}
	return protocol.KeysymForRune(r)
}
