package input

import (
	"fmt"
	"testing"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/keyboard"
	"github.com/xfar/xfar/protocol"
)

// deKeymap is a piece of X.Org's German keymap, in core columns.
func deKeymap(kc uint8) []uint32 {
	return map[uint8][]uint32{
		50:  {protocol.KeyShiftL},
		37:  {protocol.KeyControlL},
		38:  {'a', 'A', 'a', 'A', 0xe6, 0xc6},
		26:  {'e', 'E', 'e', 'E', 0x20ac, 'E'},
		24:  {'q', 'Q', 'q', 'Q', '@', 0x7d9},
		21:  {0xfe51, 0xfe50, 0xfe51, 0xfe50}, // dead_acute, dead_grave
		23:  {protocol.KeyTab, keyboard.KeyISOLeftTab},
		108: {protocol.KeyISOLevel3Shift},
		77:  {protocol.KeyNumLock},
		87:  {keyboard.KeyKPEnd, keyboard.KeyKP0 + 1},
		54:  {0x6c3, 0x6e3}, // Cyrillic_tse: stands in for a Russian key
	}[kc]
}

// TestStepHostKeys: keys read from the X server, with the server's map,
// become the same events the web viewer sends for that layout.
func TestStepHostKeys(t *testing.T) {
	tr := NewTranslator(640, 480)
	var evs []HostEvent
	tap := func(kcs ...uint8) {
		for _, kc := range kcs {
			evs = append(evs, HostEvent{Keycode: kc, Down: true})
		}
		for i := len(kcs) - 1; i >= 0; i-- {
			evs = append(evs, HostEvent{Keycode: kcs[i]})
		}
	}
	tap(38)      // a
	tap(50, 38)  // A
	tap(21)      // dead acute
	tap(26)      // é
	tap(108, 24) // AltGr+q: @
	tap(108, 26) // AltGr+e: €
	tap(50, 23)  // Shift+Tab
	tap(77)      // NumLock on
	tap(87)      // KP_1
	tap(37, 54)  // Ctrl + Cyrillic key: Ctrl+c
	var got []string
	for _, e := range tr.StepHost(Tick{X: 10, Y: 10}, evs, deKeymap) {
		if e.Kind == feed.KeyDown && keyboard.ModifierMask(e.Keysym) == 0 && e.Keysym != protocol.KeyNumLock {
			got = append(got, fmt.Sprintf("%d:%#x:%#x:%q", e.Keycode, e.Keysym, e.Mods&^protocol.Mod2Mask, e.Text))
		}
	}
	want := []string{
		"38:0x61:0x0:\"a\"", "38:0x41:0x1:\"A\"", "26:0xe9:0x0:\"é\"",
		"24:0x40:0x80:\"@\"", "26:0x10020ac:0x80:\"€\"", "23:0xfe20:0x1:\"\"",
		"87:0xffb1:0x0:\"1\"", "54:0x63:0x4:\"\"",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("key presses\n got %v\nwant %v", got, want)
	}
	// Every press was released: nothing is held.
	if len(tr.host.downSyms) != 0 {
		t.Errorf("keys still held: %v", tr.host.downSyms)
	}
}

// TestStepHostInstantClicks: presses and releases that fall in one tick
// all come out, in order, where they happened.
func TestStepHostInstantClicks(t *testing.T) {
	tr := NewTranslator(640, 480)
	var evs []HostEvent
	for i := 0; i < 5; i++ {
		evs = append(evs, HostEvent{Button: 1, Down: true, X: 20 + i, Y: 30}, HostEvent{Button: 1, X: 20 + i, Y: 30})
	}
	var got string
	for _, e := range tr.StepHost(Tick{X: 100, Y: 100}, evs, deKeymap) {
		switch e.Kind {
		case feed.ButtonDown:
			got += fmt.Sprintf("d%d,%d ", e.X, e.Y)
		case feed.ButtonUp:
			got += fmt.Sprintf("u%d,%d ", e.X, e.Y)
		}
	}
	if want := "d20,30 u20,30 d21,30 u21,30 d22,30 u22,30 d23,30 u23,30 d24,30 u24,30 "; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}
