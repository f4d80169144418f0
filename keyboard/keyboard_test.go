package keyboard

import (
	"testing"

	"github.com/xfar/xfar/protocol"
)

const (
	shift = protocol.ShiftMask
	ctrl  = protocol.ControlMask
	alt   = protocol.Mod1Mask
)

// TestPress checks the keyboard model on the events browsers send for each
// layout the project tests (what Chromium reports for code, key and the
// modifier flags), against what X.Org reports for the same keys with that
// layout set (xev).
func TestPress(t *testing.T) {
	for _, tc := range []struct {
		name      string
		code, key string
		mods      uint16
		keycode   uint8
		sym       uint32
		state     uint16
		text      string
	}{
		{"us a", "KeyA", "a", 0, 38, 'a', 0, "a"},
		{"us A", "KeyA", "A", shift, 38, 'A', shift, "A"},
		{"us !", "Digit1", "!", shift, 10, '!', shift, "!"},
		{"us ctrl+c", "KeyC", "c", ctrl, 54, 'c', ctrl, ""},
		{"us ctrl+alt+t is a shortcut", "KeyT", "t", ctrl | alt, 28, 't', ctrl | alt, ""},
		{"us shift+tab", "Tab", "Tab", shift, 23, KeyISOLeftTab, shift, ""},
		{"us tab", "Tab", "Tab", 0, 23, protocol.KeyTab, 0, "\t"},
		{"numpad 1", "Numpad1", "1", protocol.Mod2Mask, 87, KeyKP0 + 1, protocol.Mod2Mask, "1"},
		{"numpad + ", "NumpadAdd", "+", 0, 86, KeyKPAdd, 0, "+"},
		{"numpad end (numlock off)", "Numpad1", "End", 0, 87, KeyKPEnd, 0, ""},
		{"numpad enter", "NumpadEnter", "Enter", 0, 104, protocol.KeyKPEnter, 0, "\r"},
		{"shift press reports no shift", "ShiftLeft", "Shift", shift, 50, protocol.KeyShiftL, 0, ""},
		{"right ctrl", "ControlRight", "Control", ctrl, 105, protocol.KeyControlR, 0, ""},
		{"de z on KeyY", "KeyY", "z", 0, 29, 'z', 0, "z"},
		{"de ß", "Minus", "ß", 0, 20, 0xdf, 0, "ß"},
		{"de ctrl+z on KeyY", "KeyY", "z", ctrl, 29, 'z', ctrl, ""},
		{"de altgr linux press", "AltRight", "AltGraph", AltGrMask, 108, protocol.KeyISOLevel3Shift, 0, ""},
		{"de altgr+q linux", "KeyQ", "@", AltGrMask, 24, '@', AltGrMask, "@"},
		{"de altgr+e linux", "KeyE", "€", AltGrMask, 26, 0x010020ac, AltGrMask, "€"},
		{"de altgr+q windows", "KeyQ", "@", ctrl | alt | AltGrMask, 24, '@', AltGrMask, "@"},
		{"de altgr+q windows, no AltGraph state", "KeyQ", "@", ctrl | alt, 24, '@', 0, "@"},
		{"de altgr+7 windows", "Digit7", "{", ctrl | alt, 16, '{', 0, "{"},
		{"fr a on KeyQ", "KeyQ", "a", 0, 24, 'a', 0, "a"},
		{"fr & on Digit1", "Digit1", "&", 0, 10, '&', 0, "&"},
		{"fr 1 on shift+Digit1", "Digit1", "1", shift, 10, '1', shift, "1"},
		{"fr é on Digit2", "Digit2", "é", 0, 11, 0xe9, 0, "é"},
		{"fr ctrl+a on KeyQ", "KeyQ", "a", ctrl, 24, 'a', ctrl, ""},
		{"ru с", "KeyC", "с", 0, 54, 0x01000441, 0, "с"},
		{"ru ctrl+c", "KeyC", "с", ctrl, 54, 'c', ctrl, ""},
		{"ru ctrl+shift+c", "KeyC", "С", ctrl | shift, 54, 'C', ctrl | shift, ""},
		{"ru alt+ф", "KeyA", "ф", alt, 38, 'a', alt, ""},
		{"ru ctrl+v", "KeyV", "м", ctrl, 55, 'v', ctrl, ""},
		{"composed ê", "KeyE", "ê", 0, 26, 0xea, 0, "ê"},
	} {
		k, ok := Press(tc.code, tc.key, tc.mods)
		if !ok || k.Keycode != tc.keycode || k.Keysym != tc.sym || k.State != tc.state || k.Text != tc.text {
			t.Errorf("%s: Press(%q, %q, %#x) = %+v, %v; want keycode %d keysym %#x state %#x text %q",
				tc.name, tc.code, tc.key, tc.mods, k, ok, tc.keycode, tc.sym, tc.state, tc.text)
		}
	}
	for _, key := range []string{"Dead", "Process", "Unidentified", "", "ab", "F99"} {
		if k, ok := Press("KeyA", key, 0); ok {
			t.Errorf("Press(KeyA, %q) = %+v, want nothing", key, k)
		}
	}
}

func TestKeycodesRoundTrip(t *testing.T) {
	// The table must be there for the loop below to prove anything.
	if len(codeKeycodes) < 100 {
		t.Fatalf("only %d codes have keycodes", len(codeKeycodes))
	}
	seen := map[uint8]string{}
	for code, kc := range codeKeycodes {
		if Keycode(code) != kc {
			t.Errorf("Keycode(%q) = %d, want %d", code, Keycode(code), kc)
		}
		if other, dup := seen[kc]; dup {
			t.Errorf("keycode %d for both %s and %s", kc, code, other)
		}
		seen[kc] = code
		if CodeName(kc) != code {
			t.Errorf("CodeName(%d) = %q, want %q", kc, CodeName(kc), code)
		}
		if kc < 8 {
			t.Errorf("%s has keycode %d; X keycodes start at 8", code, kc)
		}
	}
}

func TestComposeAndKeyValue(t *testing.T) {
	for _, tc := range []struct {
		dead uint32
		r    rune
		want rune
		ok   bool
	}{
		{0xfe51, 'e', 'é', true}, {0xfe52, 'o', 'ô', true}, {0xfe50, 'A', 'À', true},
		{0xfe57, 'u', 'ü', true}, {0xfe52, ' ', '^', true}, {0xfe51, 'q', 0, false}, {0xff08, 'e', 0, false},
	} {
		if got, ok := Compose(tc.dead, tc.r); got != tc.want || ok != tc.ok {
			t.Errorf("Compose(%#x, %q) = %q, %v; want %q, %v", tc.dead, tc.r, got, ok, tc.want, tc.ok)
		}
	}
	for sym, want := range map[uint32]string{'a': "a", 0x6c1: "а", 0x20ac: "€", 0xfe51: "Dead",
		protocol.KeyReturn: "Enter", KeyISOLeftTab: "Tab", protocol.KeyShiftR: "Shift",
		protocol.KeyISOLevel3Shift: "AltGraph", protocol.KeyF1 + 11: "F12", KeyKP0 + 7: "7", KeyKPEnd: "End"} {
		if got := KeyValue(sym); got != want {
			t.Errorf("KeyValue(%#x) = %q, want %q", sym, got, want)
		}
	}
}
