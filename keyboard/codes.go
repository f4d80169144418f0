package keyboard

// Physical keys are numbered as X.Org numbers them with the evdev driver
// (the Linux input code plus 8), which is what `xev` shows on any current
// Linux desktop and what Xvfb's default keymap uses. The W3C
// KeyboardEvent.code names the same physical key in browsers, and
// Ebitengine names its keys alike.
var codeKeycodes = map[string]uint8{
	"Escape": 9, "Digit1": 10, "Digit2": 11, "Digit3": 12, "Digit4": 13, "Digit5": 14,
	"Digit6": 15, "Digit7": 16, "Digit8": 17, "Digit9": 18, "Digit0": 19, "Minus": 20,
	"Equal": 21, "Backspace": 22, "Tab": 23,
	"KeyQ": 24, "KeyW": 25, "KeyE": 26, "KeyR": 27, "KeyT": 28, "KeyY": 29, "KeyU": 30,
	"KeyI": 31, "KeyO": 32, "KeyP": 33, "BracketLeft": 34, "BracketRight": 35, "Enter": 36,
	"ControlLeft": 37,
	"KeyA":        38, "KeyS": 39, "KeyD": 40, "KeyF": 41, "KeyG": 42, "KeyH": 43, "KeyJ": 44,
	"KeyK": 45, "KeyL": 46, "Semicolon": 47, "Quote": 48, "Backquote": 49, "ShiftLeft": 50,
	"Backslash": 51,
	"KeyZ":      52, "KeyX": 53, "KeyC": 54, "KeyV": 55, "KeyB": 56, "KeyN": 57, "KeyM": 58,
	"Comma": 59, "Period": 60, "Slash": 61, "ShiftRight": 62, "NumpadMultiply": 63,
	"AltLeft": 64, "Space": 65, "CapsLock": 66,
	"F1": 67, "F2": 68, "F3": 69, "F4": 70, "F5": 71, "F6": 72, "F7": 73, "F8": 74, "F9": 75, "F10": 76,
	"NumLock": 77, "ScrollLock": 78, "Numpad7": 79, "Numpad8": 80, "Numpad9": 81,
	"NumpadSubtract": 82, "Numpad4": 83, "Numpad5": 84, "Numpad6": 85, "NumpadAdd": 86,
	"Numpad1": 87, "Numpad2": 88, "Numpad3": 89, "Numpad0": 90, "NumpadDecimal": 91,
	"IntlBackslash": 94, "F11": 95, "F12": 96, "IntlRo": 97,
	"Convert": 100, "KanaMode": 101, "NonConvert": 103,
	"NumpadEnter": 104, "ControlRight": 105, "NumpadDivide": 106, "PrintScreen": 107,
	"AltRight": 108, "Home": 110, "ArrowUp": 111, "PageUp": 112, "ArrowLeft": 113,
	"ArrowRight": 114, "End": 115, "ArrowDown": 116, "PageDown": 117, "Insert": 118,
	"Delete": 119, "NumpadEqual": 125, "Pause": 127, "NumpadComma": 129,
	"Lang1": 130, "Lang2": 131, "IntlYen": 132,
	"MetaLeft": 133, "MetaRight": 134, "ContextMenu": 135,
	"F13": 191, "F14": 192, "F15": 193, "F16": 194, "F17": 195, "F18": 196, "F19": 197,
	"F20": 198, "F21": 199, "F22": 200, "F23": 201, "F24": 202,
}

var keycodeCodes = func() map[uint8]string {
	m := make(map[uint8]string, len(codeKeycodes))
	for c, k := range codeKeycodes {
		m[k] = c
	}
	return m
}()

// Keycode returns the X keycode of the physical key a W3C
// KeyboardEvent.code names ("KeyA" is 38), or 0 when the name is unknown
// (an input method's synthetic key, an exotic key).
func Keycode(code string) uint8 { return codeKeycodes[code] }

// CodeName returns the W3C code of an X keycode, or "" if it has none.
func CodeName(keycode uint8) string { return keycodeCodes[keycode] }

// usLevels is what each printable key types on a US keyboard, without and
// with Shift. It gives a key its Latin letter for shortcuts on non-Latin
// layouts (Ctrl+C on a Russian keyboard is Ctrl+c, as natively), and the
// desktop viewer its keysym when the window reports no character.
var usLevels = map[string][2]rune{
	"Backquote": {'`', '~'}, "Digit1": {'1', '!'}, "Digit2": {'2', '@'}, "Digit3": {'3', '#'},
	"Digit4": {'4', '$'}, "Digit5": {'5', '%'}, "Digit6": {'6', '^'}, "Digit7": {'7', '&'},
	"Digit8": {'8', '*'}, "Digit9": {'9', '('}, "Digit0": {'0', ')'}, "Minus": {'-', '_'},
	"Equal": {'=', '+'}, "BracketLeft": {'[', '{'}, "BracketRight": {']', '}'},
	"Backslash": {'\\', '|'}, "Semicolon": {';', ':'}, "Quote": {'\'', '"'},
	"Comma": {',', '<'}, "Period": {'.', '>'}, "Slash": {'/', '?'}, "Space": {' ', ' '},
	"IntlBackslash": {'<', '>'},
}

// USChar returns what the physical key code types on a US keyboard, with
// or without Shift, and false for keys that type no character there.
func USChar(code string, shift bool) (rune, bool) {
	if len(code) == 4 && code[:3] == "Key" && code[3] >= 'A' && code[3] <= 'Z' {
		if shift {
			return rune(code[3]), true
		}
		return rune(code[3] - 'A' + 'a'), true
	}
	l, ok := usLevels[code]
	if !ok {
		return 0, false
	}
	if shift {
		return l[1], true
	}
	return l[0], true
}
