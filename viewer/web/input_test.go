package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/keyboard"
	"github.com/xfar/xfar/protocol"
)

func TestDecodeInput(t *testing.T) {
	ev := func(kind feed.InputKind, x, y, button int, sym uint32, mods uint16, text string) feed.InputEvent {
		return feed.InputEvent{Kind: kind, X: x, Y: y, Button: button, Keysym: sym, Mods: mods, Text: text}
	}
	key := func(kind feed.InputKind, code uint8, sym uint32, mods uint16, text string) feed.InputEvent {
		return feed.InputEvent{Kind: kind, Keycode: code, Keysym: sym, Mods: mods, Text: text}
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
		{`{"t":"kd","k":"A","c":"KeyA","m":1}`, []feed.InputEvent{key(feed.KeyDown, 38, 'A', protocol.ShiftMask, "A")}},
		{`{"t":"ku","k":"A","c":"KeyA","m":1}`, []feed.InputEvent{key(feed.KeyUp, 38, 'A', protocol.ShiftMask, "")}},
		{`{"t":"kd","k":"c","c":"KeyC","m":4}`, []feed.InputEvent{key(feed.KeyDown, 54, 'c', protocol.ControlMask, "")}},
		{`{"t":"kd","k":"Enter","c":"Enter"}`, []feed.InputEvent{key(feed.KeyDown, 36, protocol.KeyReturn, 0, "\r")}},
		{`{"t":"kd","k":"ArrowLeft","c":"ArrowLeft"}`, []feed.InputEvent{key(feed.KeyDown, 113, protocol.KeyLeft, 0, "")}},
		// X's state is from before the event: Shift's own press is not
		// shifted, its release is.
		{`{"t":"kd","k":"Shift","c":"ShiftLeft","m":1}`, []feed.InputEvent{key(feed.KeyDown, 50, protocol.KeyShiftL, 0, "")}},
		{`{"t":"ku","k":"Shift","c":"ShiftLeft","m":0}`, []feed.InputEvent{key(feed.KeyUp, 50, protocol.KeyShiftL, protocol.ShiftMask, "")}},
		// A dead key types nothing, but its release still names its key
		// (the display drops releases of keys not down).
		{`{"t":"kd","k":"Dead","c":"BracketLeft"}`, nil},
		{`{"t":"ku","k":"^","c":"BracketLeft"}`, []feed.InputEvent{key(feed.KeyUp, 34, '^', 0, "")}},
		{`{"t":"ra"}`, []feed.InputEvent{ev(feed.ReleaseAll, 0, 0, 0, 0, 0, "")}},
		{`{"t":"tx","s":"日本"}`, []feed.InputEvent{ev(feed.KeyDown, 0, 0, 0, 0, 0, "日本"), ev(feed.KeyUp, 0, 0, 0, 0, 0, "")}},
		{`{"t":"tx","s":"ü"}`, []feed.InputEvent{ev(feed.KeyDown, 0, 0, 0, 0xfc, 0, "ü"), ev(feed.KeyUp, 0, 0, 0, 0xfc, 0, "")}},
		// Text longer than an event carries is cut between characters.
		{`{"t":"tx","s":"` + strings.Repeat("é", 40) + `"}`, []feed.InputEvent{
			ev(feed.KeyDown, 0, 0, 0, 0, 0, strings.Repeat("é", 32)), ev(feed.KeyUp, 0, 0, 0, 0, 0, ""),
			ev(feed.KeyDown, 0, 0, 0, 0, 0, strings.Repeat("é", 8)), ev(feed.KeyUp, 0, 0, 0, 0, 0, "")}},
		// Bits beyond the modifiers (buttons, garbage) are dropped.
		{`{"t":"m","x":1,"y":1,"m":65535}`, []feed.InputEvent{ev(feed.PointerMove, 1, 1, 0, 0, keyboard.Mods, "")}},
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
