package web

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
)

// inputMsg is one input message from the page, JSON on the "input" data
// channel. JSON because input is small and rare next to frames, and it
// carries the browser's key names as they are, so the mapping to keysyms
// lives here in Go, where it is tested, and not in the page.
type inputMsg struct {
	// T is the kind: "m" move, "bd"/"bu" button down/up, "w" wheel click
	// (a button 4-7 press and release), "kd"/"ku" key down/up, "tx" text
	// from an input method.
	T string `json:"t"`
	X int    `json:"x"`
	Y int    `json:"y"`
	// B is the X button number (1-7).
	B int `json:"b"`
	// K and C are KeyboardEvent.key and KeyboardEvent.code.
	K string `json:"k"`
	C string `json:"c"`
	// M holds the modifier bits, protocol.ShiftMask and friends.
	M uint16 `json:"m"`
	// S is the text of a "tx" message.
	S string `json:"s"`
}

// maxInputMsg bounds one input message; a real one is under 200 bytes.
const maxInputMsg = 4 << 10

// maxText bounds the text one input event carries.
const maxText = 256

// modMask is the modifier bits a viewer may report.
const modMask = protocol.ShiftMask | protocol.LockMask | protocol.ControlMask |
	protocol.Mod1Mask | protocol.Mod2Mask | protocol.Mod4Mask

// Keysyms the protocol package does not name.
const (
	keyKPHome     = 0xff95 // keypad keys from here on
	keyKPMultiply = 0xffaa
	keyKPAdd      = 0xffab
	keyKPSubtract = 0xffad
	keyKPDecimal  = 0xffae
	keyKPDivide   = 0xffaf
	keyKP0        = 0xffb0
)

// sidedKeys maps modifier key names to their left and right keysyms and
// the modifier bit they hold.
var sidedKeys = map[string]struct {
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

// keypadChars maps the characters of keypad keys (KeyboardEvent.code
// "Numpad...") to their KP_ keysyms, as X reports them.
var keypadChars = map[string]uint32{
	"*": keyKPMultiply, "+": keyKPAdd, "-": keyKPSubtract, ".": keyKPDecimal, ",": keyKPDecimal, "/": keyKPDivide,
}

// keysymFor returns the keysym of a browser key, and the modifier bit the
// key itself holds (0 for keys that are not modifiers). ok is false for keys
// with no keysym ("Unidentified", "Dead", "Process").
func keysymFor(key, code string) (sym uint32, mask uint16, ok bool) {
	if r, n := utf8.DecodeRuneInString(key); n == len(key) && r != utf8.RuneError && r >= 0x20 {
		if strings.HasPrefix(code, "Numpad") {
			if r >= '0' && r <= '9' {
				return keyKP0 + uint32(r-'0'), 0, true
			}
			if s, ok := keypadChars[key]; ok {
				return s, 0, true
			}
		}
		return protocol.KeysymForRune(r), 0, true
	}
	if key == "Enter" && code == "NumpadEnter" {
		return protocol.KeyKPEnter, 0, true
	}
	if s, ok := protocol.KeysymForKeyName(key); ok {
		return s, 0, true
	}
	if s, ok := sidedKeys[key]; ok {
		if strings.HasSuffix(code, "Right") {
			return s.right, s.mask, true
		}
		return s.left, s.mask, true
	}
	return 0, 0, false
}

// textFor returns what a key press types: the character itself for a
// printable key without Control, Alt or Super, the control character for
// Return, Tab, BackSpace and Escape (as X's XLookupString does), else "".
func textFor(key string, sym uint32, mods uint16) string {
	if mods&(protocol.ControlMask|protocol.Mod1Mask|protocol.Mod4Mask) != 0 {
		return ""
	}
	if r, n := utf8.DecodeRuneInString(key); n == len(key) && r >= 0x20 && r != 0x7f {
		return key
	}
	switch sym {
	case protocol.KeyReturn, protocol.KeyKPEnter, protocol.KeyTab, protocol.KeyBackSpace, protocol.KeyEscape:
		return string(protocol.RuneForKeysym(sym))
	}
	return ""
}

// decodeInput turns one input message into the events it stands for
// (none, one, or a press and release), with coordinates clamped to the
// screen.
func decodeInput(data []byte, width, height int) ([]feed.InputEvent, error) {
	if len(data) > maxInputMsg {
		return nil, fmt.Errorf("input message of %d bytes (limit %d)", len(data), maxInputMsg)
	}
	var m inputMsg
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("decode input message: %w", err)
	}
	ev := feed.InputEvent{
		X:    clamp(m.X, width),
		Y:    clamp(m.Y, height),
		Mods: m.M & modMask,
	}
	switch m.T {
	case "m":
		ev.Kind = feed.PointerMove
		return []feed.InputEvent{ev}, nil
	case "bd", "bu":
		if m.B < 1 || m.B > 7 {
			return nil, fmt.Errorf("input: button %d out of range 1-7", m.B)
		}
		ev.Kind, ev.Button = feed.ButtonDown, m.B
		if m.T == "bu" {
			ev.Kind = feed.ButtonUp
		}
		return []feed.InputEvent{ev}, nil
	case "w":
		if m.B < 4 || m.B > 7 {
			return nil, fmt.Errorf("input: wheel button %d out of range 4-7", m.B)
		}
		ev.Kind, ev.Button = feed.ButtonDown, m.B
		up := ev
		up.Kind = feed.ButtonUp
		return []feed.InputEvent{ev, up}, nil
	case "kd", "ku":
		sym, mask, ok := keysymFor(m.K, m.C)
		if !ok {
			return nil, nil
		}
		// X reports the modifier state from before the event: pressing
		// Shift happens without Shift held, releasing it with Shift held.
		// Browsers report the state after the event, so undo that.
		if m.T == "kd" {
			ev.Kind = feed.KeyDown
			ev.Mods &^= mask
			ev.Text = textFor(m.K, sym, ev.Mods)
		} else {
			ev.Kind = feed.KeyUp
			ev.Mods |= mask
		}
		ev.Keysym = sym
		return []feed.InputEvent{ev}, nil
	case "tx":
		// Text from an input method or a paste: a press and release that
		// type it. Its keysym is the character's if it is one character.
		if m.S == "" || len(m.S) > maxText || !utf8.ValidString(m.S) {
			return nil, fmt.Errorf("input: text of %d bytes is empty, too long or not UTF-8", len(m.S))
		}
		if r, n := utf8.DecodeRuneInString(m.S); n == len(m.S) {
			ev.Keysym = protocol.KeysymForRune(r)
		}
		ev.Kind, ev.Text = feed.KeyDown, m.S
		up := ev
		up.Kind, up.Text = feed.KeyUp, ""
		return []feed.InputEvent{ev, up}, nil
	}
	return nil, fmt.Errorf("input: unknown message type %q", m.T)
}

func clamp(v, size int) int {
	return max(0, min(v, size-1))
}
