package x11bridge

import (
	"fmt"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// keymap is the X server's core keyboard map as the bridge needs it: which
// keycode (and whether Shift) types a keysym, and which keycodes are free
// to be bound to keysyms the map lacks.
type keymap struct {
	min     xproto.Keycode
	perCode int
	syms    []xproto.Keysym // perCode entries per keycode from min
	// spares are keycodes with no keysym at all, bound on demand (in turn)
	// to keysyms the map lacks; bound says to which.
	spares    []xproto.Keycode
	nextSpare int
	bound     map[xproto.Keycode]uint32
}

// shift requirements of a keysym's level.
const (
	shiftAny = iota // both levels type it (Return, or a bound spare)
	shiftOff
	shiftOn
)

// loadKeymap reads the keyboard map of X connection c.
func loadKeymap(c *xgb.Conn) (*keymap, error) {
	setup := xproto.Setup(c)
	count := int(setup.MaxKeycode) - int(setup.MinKeycode) + 1
	rep, err := xproto.GetKeyboardMapping(c, setup.MinKeycode, byte(count)).Reply()
	if err != nil {
		return nil, fmt.Errorf("get keyboard mapping: %w", err)
	}
	k := &keymap{min: setup.MinKeycode, perCode: int(rep.KeysymsPerKeycode), syms: rep.Keysyms,
		bound: make(map[xproto.Keycode]uint32)}
	if k.perCode == 0 || len(k.syms) < count*k.perCode {
		return nil, fmt.Errorf("keyboard mapping: %d keysyms for %d keycodes", len(k.syms), count)
	}
	for i := 0; i < count; i++ {
		empty := true
		for _, s := range k.syms[i*k.perCode : (i+1)*k.perCode] {
			if s != 0 {
				empty = false
				break
			}
		}
		// Keycodes below 9 are not real keys for most clients; leave them.
		if code := int(k.min) + i; empty && code > 8 && code < 256 {
			k.spares = append(k.spares, xproto.Keycode(code))
		}
	}
	return k, nil
}

// lookup returns the keycode that types keysym and whether Shift must be
// down, up, or does not matter. Level 1 (unshifted) wins over level 2.
func (k *keymap) lookup(keysym uint32) (code xproto.Keycode, shift int, ok bool) {
	for code, ks := range k.bound {
		if ks == keysym {
			return code, shiftAny, true
		}
	}
	n := len(k.syms) / k.perCode
	best := -1
	for i := 0; i < n; i++ {
		l0 := uint32(k.syms[i*k.perCode])
		var l1 uint32
		if k.perCode > 1 {
			l1 = uint32(k.syms[i*k.perCode+1])
		}
		switch {
		case l0 == keysym && (l1 == 0 || l1 == keysym):
			return k.min + xproto.Keycode(i), shiftAny, true
		case l0 == keysym:
			return k.min + xproto.Keycode(i), shiftOff, true
		case l1 == keysym && best < 0:
			best = i
		}
	}
	if best >= 0 {
		return k.min + xproto.Keycode(best), shiftOn, true
	}
	return 0, 0, false
}

// bindSpare binds keysym to the next spare keycode not in use (per busy)
// on the X server and returns it.
func (k *keymap) bindSpare(c *xgb.Conn, keysym uint32, busy func(xproto.Keycode) bool) (xproto.Keycode, error) {
	for range k.spares {
		code := k.spares[k.nextSpare%len(k.spares)]
		k.nextSpare++
		if busy(code) {
			continue
		}
		syms := make([]xproto.Keysym, k.perCode)
		syms[0] = xproto.Keysym(keysym)
		if k.perCode > 1 {
			syms[1] = xproto.Keysym(keysym)
		}
		if err := xproto.ChangeKeyboardMappingChecked(c, 1, code, byte(k.perCode), syms).Check(); err != nil {
			return 0, fmt.Errorf("bind keysym %#x to keycode %d: %w", keysym, code, err)
		}
		delete(k.bound, code)
		k.bound[code] = keysym
		return code, nil
	}
	return 0, fmt.Errorf("no spare keycode for keysym %#x", keysym)
}

// refresh rereads the keyboard map after a MappingNotify (the bridge's own
// binding of a spare keycode, or another client's change). The spares and
// their bindings stay as they are.
func (k *keymap) refresh(c *xgb.Conn) error {
	fresh, err := loadKeymap(c)
	if err != nil {
		return err
	}
	k.syms, k.perCode, k.min = fresh.syms, fresh.perCode, fresh.min
	return nil
}
