package web

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/keyboard"
	"github.com/xfar/xfar/protocol"
)

// inputMsg is one input message from the page, JSON on the "input" data
// channel. JSON because input is small and rare next to frames, and it
// carries the browser's key names as they are, so the mapping to keysyms
// lives here in Go, where it is tested, and not in the page.
type inputMsg struct {
	// T is the kind: "m" move, "bd"/"bu" button down/up, "w" wheel click
	// (a button 4-7 press and release), "kd"/"ku" key down/up, "tx" text
	// from an input method, "ra" release everything held (the page lost
	// the keyboard).
	T string `json:"t"`
	X int    `json:"x"`
	Y int    `json:"y"`
	// B is the X button number (1-7).
	B int `json:"b"`
	// K and C are KeyboardEvent.key and KeyboardEvent.code.
	K string `json:"k"`
	C string `json:"c"`
	// M holds the modifier bits, protocol.ShiftMask and friends, and
	// keyboard.AltGrMask while AltGr is held.
	M uint16 `json:"m"`
	// S is the text of a "tx" message.
	S string `json:"s"`
}

// maxInputMsg bounds one input message; a real one is under 200 bytes.
const maxInputMsg = 4 << 10

// maxText bounds the text one input event carries.
const maxText = 256

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
		Mods: m.M & keyboard.Mods,
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
		// The physical key (code) identifies the key: a release finds its
		// press by it in the display server, whatever key it reports.
		k, ok := keyboard.Press(m.C, m.K, ev.Mods)
		if !ok && k.Keycode == 0 {
			return nil, nil
		}
		ev.Keycode, ev.Keysym = keyboard.Keycode(m.C), k.Keysym
		if m.T == "kd" {
			if !ok {
				return nil, nil // a dead key or an IME's key: it types nothing itself
			}
			ev.Kind, ev.Mods, ev.Text = feed.KeyDown, k.State, k.Text
		} else {
			ev.Kind = feed.KeyUp
			ev.Mods = keyboard.Release(ev.Mods, k.Mask)
		}
		return []feed.InputEvent{ev}, nil
	case "ra":
		ev.Kind = feed.ReleaseAll
		return []feed.InputEvent{ev}, nil
	case "tx":
		// Text from an input method or a paste: a press and release that
		// type it. Its keysym is the character's if it is one character.
		if m.S == "" || len(m.S) > maxText || !utf8.ValidString(m.S) {
			return nil, fmt.Errorf("input: text of %d bytes is empty, too long or not UTF-8", len(m.S))
		}
		// A KeyPress carries at most protocol.MaxEventText bytes of text,
		// so longer text goes as several, cut between characters.
		var out []feed.InputEvent
		for rest := m.S; rest != ""; {
			n := 0
			for n < len(rest) {
				_, sz := utf8.DecodeRuneInString(rest[n:])
				if n+sz > protocol.MaxEventText {
					break
				}
				n += sz
			}
			ev.Keysym = keyboard.TextKeysym(rest[:n])
			ev.Kind, ev.Text = feed.KeyDown, rest[:n]
			up := ev
			up.Kind, up.Text = feed.KeyUp, ""
			out = append(out, ev, up)
			rest = rest[n:]
		}
		return out, nil
	}
	return nil, fmt.Errorf("input: unknown message type %q", m.T)
}

func clamp(v, size int) int {
	return max(0, min(v, size-1))
}
