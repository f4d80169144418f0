package input

import (
	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/keyboard"
	"github.com/xfar/xfar/protocol"
)

// HostEvent is a button or key event of the viewer's window as the X
// server it runs on saw it (package hostinput): every one, in order,
// however short.
type HostEvent struct {
	// Button is 1-3 for a button event, 0 for a key event.
	Button int
	// Keycode is the X keycode of a key event.
	Keycode uint8
	// Down is true for a press.
	Down bool
	// X and Y are the pointer's position, for buttons.
	X, Y int
}

// Keymap returns the keysyms of a keycode in the X server's core keyboard
// map (group 1 levels 1 and 2 in columns 0 and 1, levels 3 and 4 in
// columns 4 and 5).
type Keymap func(keycode uint8) []uint32

// hostState is what the translator tracks of the X server's keyboard: the
// modifiers its keys hold and the locks they toggle.
type hostState struct {
	shift, ctrl, alt, altgr, super int // keys held per modifier
	caps, num                      bool
	downSyms                       map[uint8]uint32 // keysym each held key reported
	downMask                       map[uint8]uint16
	dead                           uint32 // a dead key waiting for the next character
}

// mods is the modifier state in browser terms (keyboard.Press's input).
func (h *hostState) mods() uint16 {
	var m uint16
	if h.shift > 0 {
		m |= protocol.ShiftMask
	}
	if h.caps {
		m |= protocol.LockMask
	}
	if h.ctrl > 0 {
		m |= protocol.ControlMask
	}
	if h.alt > 0 {
		m |= protocol.Mod1Mask
	}
	if h.num {
		m |= protocol.Mod2Mask
	}
	if h.super > 0 {
		m |= protocol.Mod4Mask
	}
	if h.altgr > 0 {
		m |= keyboard.AltGrMask
	}
	return m
}

// count applies a modifier key's press (+1) or release (-1).
func (h *hostState) count(sym uint32, d int) {
	p := map[uint16]*int{protocol.ShiftMask: &h.shift, protocol.ControlMask: &h.ctrl,
		protocol.Mod1Mask: &h.alt, protocol.Mod4Mask: &h.super, keyboard.AltGrMask: &h.altgr}[keyboard.ModifierMask(sym)]
	if p != nil {
		*p = max(0, *p+d)
	}
}

// keysym picks the keysym a keycode types in the current state, as X's
// core rules do: Shift (or Caps Lock for letters, Num Lock for the keypad)
// the second level, AltGr the third and fourth.
func (h *hostState) keysym(syms []uint32) uint32 {
	at := func(i int) uint32 {
		if i < len(syms) {
			return syms[i]
		}
		return 0
	}
	base := at(0)
	level2 := h.shift > 0
	if h.caps && isLetter(base) {
		level2 = !level2
	}
	if h.num && base >= keyboard.KeyKPHome && base <= 0xffbd && at(1) != 0 {
		level2 = !level2
	}
	col := 0
	if level2 {
		col = 1
	}
	if h.altgr > 0 && (at(4) != 0 || at(5) != 0) {
		col += 4
	}
	for _, c := range []int{col, col &^ 1, 0} {
		if s := at(c); s != 0 {
			return s
		}
	}
	return 0
}

func isLetter(sym uint32) bool {
	r := keyboard.KeysymRune(sym)
	return r >= 0 && (r >= 'a' && r <= 'z' || r > 0x7f && r != toUpperSimple(r))
}

func toUpperSimple(r rune) rune {
	switch {
	case r >= 'а' && r <= 'я':
		return r - 0x20
	case r >= 0xe0 && r <= 0xfe && r != 0xf7:
		return r - 0x20
	}
	return r
}

// StepHost returns the events for one tick when the window's buttons and
// keys come from the X server (evs, in order) rather than from polling:
// nothing is lost however short, and keys are the physical keys the X
// server reports, mapped by the keyboard model as the web viewer maps
// them. The tick still gives the pointer's position and the wheel; its
// buttons, keys and characters are not used.
func (t *Translator) StepHost(tk Tick, evs []HostEvent, km Keymap) []feed.InputEvent {
	var out []feed.InputEvent
	h := &t.host
	if h.downSyms == nil {
		h.downSyms, h.downMask = map[uint8]uint32{}, map[uint8]uint16{}
	}
	move := func(x, y int) {
		x, y = clamp(x, t.width), clamp(y, t.height)
		if !t.started || x != t.x || y != t.y {
			t.started, t.x, t.y = true, x, y
			out = append(out, feed.InputEvent{Kind: feed.PointerMove, X: x, Y: y, Mods: t.mods})
		}
	}
	ev := func(kind feed.InputKind) feed.InputEvent {
		return feed.InputEvent{Kind: kind, X: t.x, Y: t.y, Mods: t.mods}
	}
	for _, e := range evs {
		if e.Button != 0 {
			move(e.X, e.Y)
			b := ev(feed.ButtonUp)
			if e.Down {
				b.Kind = feed.ButtonDown
			}
			b.Button = e.Button
			if e.Button >= 1 && e.Button <= 3 {
				t.buttons[e.Button-1] = e.Down
			}
			out = append(out, b)
			continue
		}
		out = t.hostKey(out, e, km)
	}
	move(tk.X, tk.Y)
	return append(out, t.wheel(tk)...)
}

// hostKey translates one key event of the X server.
func (t *Translator) hostKey(out []feed.InputEvent, e HostEvent, km Keymap) []feed.InputEvent {
	h := &t.host
	code := keyboard.CodeName(e.Keycode)
	if !e.Down {
		sym, held := h.downSyms[e.Keycode]
		if !held {
			return out
		}
		delete(h.downSyms, e.Keycode)
		mask := h.downMask[e.Keycode]
		delete(h.downMask, e.Keycode)
		h.count(sym, -1)
		t.mods = h.mods() &^ keyboard.AltGrMask
		up := feed.InputEvent{Kind: feed.KeyUp, X: t.x, Y: t.y, Keycode: e.Keycode, Keysym: sym,
			Mods: keyboard.Release(h.mods(), mask)}
		return append(out, up)
	}
	sym := h.keysym(km(e.Keycode))
	switch sym {
	case protocol.KeyCapsLock:
		h.caps = !h.caps
	case protocol.KeyNumLock:
		h.num = !h.num
	}
	if _, repeat := h.downSyms[e.Keycode]; !repeat {
		h.count(sym, +1)
	}
	key := keyboard.KeyValue(sym)
	if keyboard.IsDead(sym) {
		// X programs get composed characters, as from a browser: the
		// dead key types nothing, the next character carries its accent.
		h.dead = sym
		return out
	}
	if r := keyboard.KeysymRune(sym); r >= 0 && h.dead != 0 {
		if c, ok := keyboard.Compose(h.dead, r); ok {
			key = string(c)
		}
		h.dead = 0
	}
	k, ok := keyboard.Press(code, key, h.mods())
	if !ok {
		return out // a key X has no keysym for
	}
	if k.Keycode == 0 {
		k.Keycode = e.Keycode
	}
	h.downSyms[e.Keycode] = k.Keysym
	h.downMask[e.Keycode] = k.Mask
	t.mods = h.mods() &^ keyboard.AltGrMask
	return append(out, feed.InputEvent{Kind: feed.KeyDown, X: t.x, Y: t.y, Keycode: k.Keycode,
		Keysym: k.Keysym, Mods: k.State, Text: k.Text})
}
