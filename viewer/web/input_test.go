package web

import (
	"fmt"
	"testing"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
)

func TestKeysymFor(t *testing.T) {
	for _, tc := range []struct {
		key, code string
		sym       uint32
		mask      uint16
	}{
		{"a", "KeyA", 'a', 0},
		{"A", "KeyA", 'A', 0},
		{" ", "Space", ' ', 0},
		{"é", "Quote", 0xe9, 0},
		{"€", "KeyE", 0x010020ac, 0},
		{"ß", "Minus", 0xdf, 0},
		{"Enter", "Enter", protocol.KeyReturn, 0},
		{"Enter", "NumpadEnter", protocol.KeyKPEnter, 0},
		{"Tab", "Tab", protocol.KeyTab, 0},
		{"Backspace", "Backspace", protocol.KeyBackSpace, 0},
		{"Escape", "Escape", protocol.KeyEscape, 0},
		{"Delete", "Delete", protocol.KeyDelete, 0},
		{"ArrowUp", "ArrowUp", protocol.KeyUp, 0},
		{"F1", "F1", protocol.KeyF1, 0},
		{"F12", "F12", protocol.KeyF1 + 11, 0},
		{"Shift", "ShiftLeft", protocol.KeyShiftL, protocol.ShiftMask},
		{"Shift", "ShiftRight", protocol.KeyShiftR, protocol.ShiftMask},
		{"Control", "ControlRight", protocol.KeyControlR, protocol.ControlMask},
		{"Alt", "AltLeft", protocol.KeyAltL, protocol.Mod1Mask},
		{"Meta", "MetaLeft", protocol.KeySuperL, protocol.Mod4Mask},
		{"AltGraph", "AltRight", protocol.KeyISOLevel3Shift, 0},
		{"5", "Numpad5", keyKP0 + 5, 0},
		{"+", "NumpadAdd", keyKPAdd, 0},
		{"5", "Digit5", '5', 0},
	} {
		sym, mask, ok := keysymFor(tc.key, tc.code)
		if !ok || sym != tc.sym || mask != tc.mask {
			t.Errorf("keysymFor(%q, %q) = %#x, %#x, %v; want %#x, %#x, true", tc.key, tc.code, sym, mask, ok, tc.sym, tc.mask)
		}
	}
	for _, key := range []string{"Unidentified", "Dead", "Process", "", "F99", "ab"} {
		if sym, _, ok := keysymFor(key, ""); ok {
			t.Errorf("keysymFor(%q) = %#x, want no keysym", key, sym)
		}
	}
}

func TestDecodeInput(t *testing.T) {
	ev := func(kind feed.InputKind, x, y, button int, sym uint32, mods uint16, text string) feed.InputEvent {
		return feed.InputEvent{Kind: kind, X: x, Y: y, Button: button, Keysym: sym, Mods: mods, Text: text}
	}
	for _, tc := range []struct {
		msg  string
		want []feed.InputEvent
	}{
		{`{"t":"m","x":10,"y":20}`, []feed.InputEvent{ev(feed.PointerMove, 10, 20, 0, 0, 0, "")}},
		{`{"t":"m","x":-5,"y":9000}`, []feed.InputEvent{ev(feed.PointerMove, 0, 479, 0, 0, 0, "")}},
		{`{"t":"bd","b":1,"x":1,"y":2,"m":1}`, []feed.InputEvent{ev(feed.ButtonDown, 1, 2, 1, 0, protocol.ShiftMask, "")}},
		{`{"t":"bu","b":3,"x":1,"y":2}`, []feed.InputEvent{ev(feed.ButtonUp, 1, 2, 3, 0, 0, "")}},
		{`{"t":"w","b":5,"x":1,"y":2}`, []feed.InputEvent{ev(feed.ButtonDown, 1, 2, 5, 0, 0, ""), ev(feed.ButtonUp, 1, 2, 5, 0, 0, "")}},
		{`{"t":"kd","k":"A","c":"KeyA","m":1}`, []feed.InputEvent{ev(feed.KeyDown, 0, 0, 0, 'A', protocol.ShiftMask, "A")}},
		{`{"t":"ku","k":"A","c":"KeyA","m":1}`, []feed.InputEvent{ev(feed.KeyUp, 0, 0, 0, 'A', protocol.ShiftMask, "")}},
		{`{"t":"kd","k":"c","c":"KeyC","m":4}`, []feed.InputEvent{ev(feed.KeyDown, 0, 0, 0, 'c', protocol.ControlMask, "")}},
		{`{"t":"kd","k":"Enter","c":"Enter"}`, []feed.InputEvent{ev(feed.KeyDown, 0, 0, 0, protocol.KeyReturn, 0, "\r")}},
		{`{"t":"kd","k":"ArrowLeft","c":"ArrowLeft"}`, []feed.InputEvent{ev(feed.KeyDown, 0, 0, 0, protocol.KeyLeft, 0, "")}},
		// X's state is from before the event: Shift's own press is not
		// shifted, its release is.
		{`{"t":"kd","k":"Shift","c":"ShiftLeft","m":1}`, []feed.InputEvent{ev(feed.KeyDown, 0, 0, 0, protocol.KeyShiftL, 0, "")}},
		{`{"t":"ku","k":"Shift","c":"ShiftLeft","m":0}`, []feed.InputEvent{ev(feed.KeyUp, 0, 0, 0, protocol.KeyShiftL, protocol.ShiftMask, "")}},
		{`{"t":"kd","k":"Dead","c":"BracketLeft"}`, nil},
		{`{"t":"tx","s":"日本"}`, []feed.InputEvent{ev(feed.KeyDown, 0, 0, 0, 0, 0, "日本"), ev(feed.KeyUp, 0, 0, 0, 0, 0, "")}},
		{`{"t":"tx","s":"ü"}`, []feed.InputEvent{ev(feed.KeyDown, 0, 0, 0, 0xfc, 0, "ü"), ev(feed.KeyUp, 0, 0, 0, 0xfc, 0, "")}},
		// Bits beyond the modifiers (buttons, garbage) are dropped.
		{`{"t":"m","x":1,"y":1,"m":65535}`, []feed.InputEvent{ev(feed.PointerMove, 1, 1, 0, 0, modMask, "")}},
	} {
		got, err := decodeInput([]byte(tc.msg), 640, 480)
		if err != nil {
			t.Errorf("decodeInput(%s): %v", tc.msg, err)
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("decodeInput(%s)\n got %+v\nwant %+v", tc.msg, got, tc.want)
		}
	}
	for _, bad := range []string{
		`not json`, `{"t":"zz"}`, `{"t":"bd","b":0}`, `{"t":"bd","b":8}`, `{"t":"w","b":1}`,
		`{"t":"tx","s":""}`, `{"t":"tx","s":"` + string(make([]byte, maxText+1)) + `"}`,
		`{"t":"m","pad":"` + string(make([]byte, maxInputMsg)) + `"}`,
	} {
		if got, err := decodeInput([]byte(bad), 640, 480); err == nil {
			t.Errorf("decodeInput(%.40q) = %v, want an error", bad, got)
		}
	}
}
