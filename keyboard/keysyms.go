package keyboard

import (
	"strconv"

	"github.com/xfar/xfar/protocol"
)

// Keysym names as a native X keyboard map holds them, for a viewer that
// reads key events from an X server (the desktop viewer on X11).

// cyrillic is X's Cyrillic keysym block from 0x6c0: lower case, then upper
// case in the same order.
var cyrillic = []rune("юабцдефгхийклмнопярстужвьызшэщчъЮАБЦДЕФГХИЙКЛМНОПЯРСТУЖВЬЫЗШЭЩЧЪ")

// legacyRunes maps pre-Unicode keysyms outside Latin-1 that current XKB
// layouts still use to their characters.
var legacyRunes = map[uint32]rune{
	0x6a3: 'ё', 0x6b3: 'Ё', 0x6b0: '№', 0x20ac: '€',
	0x1a1: 'Ą', 0x1b1: 'ą', 0x1a3: 'Ł', 0x1b3: 'ł', 0x1a6: 'Ś', 0x1b6: 'ś', 0x1ac: 'Ź', 0x1bc: 'ź',
	0x1af: 'Ż', 0x1bf: 'ż', 0x1c6: 'Ć', 0x1e6: 'ć', 0x1ca: 'Ę', 0x1ea: 'ę', 0x1d1: 'Ń', 0x1f1: 'ń',
	0x1a9: 'Š', 0x1b9: 'š', 0x1ae: 'Ž', 0x1be: 'ž', 0x1c8: 'Č', 0x1e8: 'č',
	0x13bc: 'Œ', 0x13bd: 'œ', 0xaff: '…', 0xad0: '‘', 0xad1: '’', 0xad2: '“', 0xad3: '”',
}

// KeysymRune returns the character a keysym from an X keyboard map types,
// including the legacy keysyms of Cyrillic and other layouts, or -1.
func KeysymRune(sym uint32) rune {
	if sym >= 0x6c0 && sym <= 0x6ff {
		return cyrillic[sym-0x6c0]
	}
	if r, ok := legacyRunes[sym]; ok {
		return r
	}
	if isKeypad(sym) { // keypad: its character
		switch {
		case sym >= KeyKP0 && sym <= KeyKP0+9:
			return rune('0' + sym - KeyKP0)
		case sym == 0xff80:
			return ' '
		}
		for r, s := range keypadChars {
			if s == sym && r != ',' {
				return r
			}
		}
		return -1
	}
	r := protocol.RuneForKeysym(sym)
	if r < 0x20 || r == 0x7f {
		return -1
	}
	return r
}

// keysymNames maps keysyms of keys that type no character to their W3C
// key values.
var keysymNames = map[uint32]string{
	protocol.KeyReturn: "Enter", protocol.KeyKPEnter: "Enter", protocol.KeyTab: "Tab", KeyISOLeftTab: "Tab",
	protocol.KeyBackSpace: "Backspace", protocol.KeyEscape: "Escape", protocol.KeyDelete: "Delete",
	protocol.KeyInsert: "Insert", protocol.KeyHome: "Home", protocol.KeyEnd: "End",
	protocol.KeyPageUp: "PageUp", protocol.KeyPageDown: "PageDown", protocol.KeyLeft: "ArrowLeft",
	protocol.KeyUp: "ArrowUp", protocol.KeyRight: "ArrowRight", protocol.KeyDown: "ArrowDown",
	protocol.KeyPause: "Pause", protocol.KeyMenu: "ContextMenu", protocol.KeyCapsLock: "CapsLock",
	protocol.KeyNumLock: "NumLock", protocol.KeyScrollLock: "ScrollLock", protocol.KeyPrint: "PrintScreen",
	protocol.KeyShiftL: "Shift", protocol.KeyShiftR: "Shift", protocol.KeyControlL: "Control",
	protocol.KeyControlR: "Control", protocol.KeyAltL: "Alt", protocol.KeyAltR: "Alt",
	0xffe7: "Alt", 0xffe8: "Alt", // Meta_L, Meta_R
	protocol.KeySuperL: "Meta", protocol.KeySuperR: "Meta", protocol.KeyISOLevel3Shift: "AltGraph",
	0xfe11:    "AltGraph", // ISO_Level5_Shift... close enough: it types nothing
	KeyKPHome: "Home", KeyKPLeft: "ArrowLeft", KeyKPUp: "ArrowUp", KeyKPRight: "ArrowRight",
	KeyKPDown: "ArrowDown", KeyKPPageUp: "PageUp", KeyKPPageDown: "PageDown", KeyKPEnd: "End",
	KeyKPBegin: "Clear", KeyKPInsert: "Insert", KeyKPDelete: "Delete",
}

// KeyValue returns the W3C key value (KeyboardEvent.key) of a keysym from
// an X keyboard map, as a browser on that X server reports it: the
// character for printing keys, "Dead" for dead keys, the key's name for
// others ("Enter", "Shift"), "" when there is none. With Press it lets a
// viewer that reads X key events use the same keyboard model as the web
// viewer.
func KeyValue(sym uint32) string {
	if IsDead(sym) {
		return "Dead"
	}
	if n, ok := keysymNames[sym]; ok {
		return n
	}
	if sym >= protocol.KeyF1 && sym < protocol.KeyF1+35 {
		return "F" + strconv.Itoa(int(sym-protocol.KeyF1)+1)
	}
	if r := KeysymRune(sym); r >= 0 {
		return string(r)
	}
	return ""
}
