package protocol

import (
	"strconv"
	"strings"
)

import "unicode/utf8"

// Keysyms name keys as X does, independent of any keyboard's layout. A
// printable character's keysym is its Latin-1 code, or 0x01000000 plus its
// Unicode code point beyond Latin-1 (X's Unicode keysyms).
const (
	KeyBackSpace = 0xff08
	KeyTab       = 0xff09
	KeyReturn    = 0xff0d
	KeyPause     = 0xff13
	KeyEscape    = 0xff1b
	KeyDelete    = 0xffff
	KeyHome      = 0xff50
	KeyLeft      = 0xff51
	KeyUp        = 0xff52
	KeyRight     = 0xff53
	KeyDown      = 0xff54
	KeyPageUp    = 0xff55
	KeyPageDown  = 0xff56
	KeyEnd       = 0xff57
	KeyInsert    = 0xff63
	KeyMenu      = 0xff67
	KeyKPEnter   = 0xff8d
	KeyF1        = 0xffbe // F2..F12 follow in order
	KeyShiftL    = 0xffe1
	KeyShiftR    = 0xffe2
	KeyControlL  = 0xffe3
	KeyControlR  = 0xffe4
	KeyCapsLock  = 0xffe5
	KeyMetaL     = 0xffe7
	KeyAltL      = 0xffe9
	KeyAltR      = 0xffea
	KeySuperL    = 0xffeb
	KeySuperR    = 0xffec
)

// KeysymForRune returns the keysym of a printable character.
func KeysymForRune(r rune) uint32 {
	switch {
	case r >= 0x20 && r <= 0x7e, r >= 0xa0 && r <= 0xff:
		return uint32(r)
	case r == '\n' || r == '\r':
		return KeyReturn
	case r == '\t':
		return KeyTab
	case r == 0x08:
		return KeyBackSpace
	case r == 0x1b:
		return KeyEscape
	}
	return 0x01000000 | uint32(r)
}

// RuneForKeysym returns the character a keysym types, or -1 for keys that
// type nothing (arrows, modifiers, function keys).
func RuneForKeysym(k uint32) rune {
	switch {
	case k >= 0x20 && k <= 0x7e, k >= 0xa0 && k <= 0xff:
		return rune(k)
	case k&0xff000000 == 0x01000000:
		if r := rune(k & 0x00ffffff); utf8.ValidRune(r) {
			return r
		}
		return -1
	case k == KeyReturn, k == KeyKPEnter:
		return '\r'
	case k == KeyTab:
		return '\t'
	case k == KeyBackSpace:
		return 0x08
	case k == KeyEscape:
		return 0x1b
	}
	return -1
}

// More keysyms viewers report.
const (
	KeyISOLevel3Shift = 0xfe03 // AltGr
	KeyScrollLock     = 0xff14
	KeyPrint          = 0xff61
	KeyNumLock        = 0xff7f
)

// keyNames maps the W3C UI Events key names of keys that type no character
// (what browsers report as KeyboardEvent.key, and Ebitengine names its
// keys alike) to keysyms. Modifiers with a left and a right key are not
// here: which keysym they get depends on where the key is.
var keyNames = map[string]uint32{
	"Enter":       KeyReturn,
	"NumpadEnter": KeyKPEnter,
	"Tab":         KeyTab,
	"Backspace":   KeyBackSpace,
	"Escape":      KeyEscape,
	"Delete":      KeyDelete,
	"Insert":      KeyInsert,
	"Home":        KeyHome,
	"End":         KeyEnd,
	"PageUp":      KeyPageUp,
	"PageDown":    KeyPageDown,
	"ArrowLeft":   KeyLeft,
	"ArrowUp":     KeyUp,
	"ArrowRight":  KeyRight,
	"ArrowDown":   KeyDown,
	"Pause":       KeyPause,
	"ContextMenu": KeyMenu,
	"CapsLock":    KeyCapsLock,
	"AltGraph":    KeyISOLevel3Shift,
	"ScrollLock":  KeyScrollLock,
	"PrintScreen": KeyPrint,
	"NumLock":     KeyNumLock,
}

// KeysymForKeyName returns the keysym of a key that types no character,
// named as in the W3C UI Events key values ("Enter", "ArrowLeft", "F5"),
// which both viewers receive.
func KeysymForKeyName(name string) (uint32, bool) {
	if k, ok := keyNames[name]; ok {
		return k, true
	}
	if n, ok := strings.CutPrefix(name, "F"); ok {
		if i, err := strconv.Atoi(n); err == nil && i >= 1 && i <= 35 && n[0] != '+' && n[0] != '0' {
			return KeyF1 + uint32(i-1), true
		}
	}
	return 0, false
}
