package input

import (
	"reflect"
	"testing"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/keyboard"
	"github.com/xfar/xfar/protocol"
)

// key is the part of a key event the tests check.
type key struct {
	kind feed.InputKind
	sym  uint32
	mods uint16
	text string
}

func keys(evs []feed.InputEvent) []key {
	var out []key
	for _, e := range evs {
		if e.Kind == feed.KeyDown || e.Kind == feed.KeyUp {
			out = append(out, key{e.Kind, e.Keysym, e.Mods, e.Text})
		}
	}
	return out
}

// TestTypingShiftedLetter follows `xdotool type H`: Shift down, H down
// with the character 'H', H up, Shift up, each in its own tick.
func TestTypingShiftedLetter(t *testing.T) {
	tr := NewTranslator(100, 100)
	var got []key
	for _, tk := range []Tick{
		{Pressed: []string{"ShiftLeft", "Shift"}},
		{Pressed: []string{"H"}, Chars: []rune{'H'}},
		{Released: []string{"H"}},
		{Released: []string{"ShiftLeft", "Shift"}},
	} {
		got = append(got, keys(tr.Step(tk))...)
	}
	S := protocol.ShiftMask
	want := []key{
		{feed.KeyDown, protocol.KeyShiftL, 0, ""},
		{feed.KeyDown, 'H', S, "H"},
		{feed.KeyUp, 'H', S, ""},
		{feed.KeyUp, protocol.KeyShiftL, S, ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

// TestOneTickOrder puts a whole keystroke in one tick, as a busy machine
// polls it: modifiers go first, releases last.
func TestOneTickOrder(t *testing.T) {
	tr := NewTranslator(100, 100)
	got := keys(tr.Step(Tick{Pressed: []string{"A", "ShiftRight"}, Chars: []rune{'A'},
		Released: []string{"ShiftRight", "A"}}))
	S := protocol.ShiftMask
	want := []key{
		{feed.KeyDown, protocol.KeyShiftR, 0, ""},
		{feed.KeyDown, 'A', S, "A"},
		{feed.KeyUp, 'A', S, ""},
		{feed.KeyUp, protocol.KeyShiftR, S, ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

// TestControlAndSpecialKeys checks keys that type no character.
func TestControlAndSpecialKeys(t *testing.T) {
	tr := NewTranslator(100, 100)
	C := protocol.ControlMask
	got := keys(tr.Step(Tick{Pressed: []string{"ControlLeft", "C"}}))
	got = append(got, keys(tr.Step(Tick{Released: []string{"C", "ControlLeft"}}))...)
	got = append(got, keys(tr.Step(Tick{Pressed: []string{"Enter", "F5", "ArrowUp", "Numpad7"}, Chars: []rune{'7'}}))...)
	want := []key{
		{feed.KeyDown, protocol.KeyControlL, 0, ""},
		{feed.KeyDown, 'c', C, ""},
		{feed.KeyUp, 'c', C, ""},
		{feed.KeyUp, protocol.KeyControlL, C, ""},
		{feed.KeyDown, protocol.KeyReturn, 0, "\r"},
		{feed.KeyDown, protocol.KeyF1 + 4, 0, ""},
		{feed.KeyDown, protocol.KeyUp, 0, ""},
		{feed.KeyDown, keyboard.KeyKP0 + 7, 0, "7"}, // KP_7, as from the web viewer,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

// TestRepeatAndIME checks characters with no key press of their own.
func TestRepeatAndIME(t *testing.T) {
	tr := NewTranslator(100, 100)
	tr.Step(Tick{Pressed: []string{"E"}, Chars: []rune{'e'}})
	got := keys(tr.Step(Tick{Chars: []rune{'e', 'é'}}))
	want := []key{
		{feed.KeyDown, 'e', 0, "e"}, {feed.KeyUp, 'e', 0, ""},
		{feed.KeyDown, 0xe9, 0, "é"}, {feed.KeyUp, 0xe9, 0, ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

// TestPointerButtonsWheel checks motion (once per change, clamped),
// buttons with X's numbering, and the wheel as buttons 4-7.
func TestPointerButtonsWheel(t *testing.T) {
	tr := NewTranslator(100, 50)
	type pe struct {
		kind   feed.InputKind
		x, y   int
		button int
	}
	var got []pe
	for _, tk := range []Tick{
		{X: 10, Y: 20},
		{X: 10, Y: 20},
		{X: 500, Y: -5, Right: true},
		{X: 500, Y: -5, Middle: true},
		{X: 1, Y: 1, WheelY: 0.5},
		{X: 1, Y: 1, WheelY: 0.6, WheelX: -1},
		{X: 1, Y: 1, WheelY: -1.2},
	} {
		for _, e := range tr.Step(tk) {
			got = append(got, pe{e.Kind, e.X, e.Y, e.Button})
		}
	}
	want := []pe{
		{feed.PointerMove, 10, 20, 0},
		{feed.PointerMove, 99, 0, 0}, {feed.ButtonDown, 99, 0, 3},
		{feed.ButtonDown, 99, 0, 2}, {feed.ButtonUp, 99, 0, 3},
		{feed.PointerMove, 1, 1, 0}, {feed.ButtonUp, 1, 1, 2},
		{feed.ButtonDown, 1, 1, 4}, {feed.ButtonUp, 1, 1, 4},
		{feed.ButtonDown, 1, 1, 7}, {feed.ButtonUp, 1, 1, 7},
		{feed.ButtonDown, 1, 1, 5}, {feed.ButtonUp, 1, 1, 5},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

// TestBatchedTickKeepsShiftInPlace is `xdotool type aZ!` seen in one tick
// by a window whose loop fell behind: Shift must apply to Z and ! only.
func TestBatchedTickKeepsShiftInPlace(t *testing.T) {
	tr := NewTranslator(100, 100)
	got := keys(tr.Step(Tick{Pressed: []string{"A", "Z", "Digit1", "ShiftLeft", "Shift"}, Chars: []rune{'a', 'Z', '!'}}))
	S := protocol.ShiftMask
	want := []key{
		{feed.KeyDown, 'a', 0, "a"},
		{feed.KeyDown, protocol.KeyShiftL, 0, ""},
		{feed.KeyDown, 'Z', S, "Z"},
		{feed.KeyDown, '!', S, "!"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}
