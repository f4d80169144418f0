package x11bridge

import (
	"fmt"

	"github.com/jezek/xgb/xproto"
)

// wmAtoms are the atoms of the window-manager conventions (ICCCM, EWMH,
// Motif, GTK) the bridge reads and answers.
type wmAtoms struct {
	netWMPid xproto.Atom
}

// internWMAtoms interns wmAtoms.
func (m *mirror) internWMAtoms() error {
	list := []struct {
		name string
		dst  *xproto.Atom
	}{
		{"_NET_WM_PID", &m.wm.netWMPid},
	}
	cookies := make([]xproto.InternAtomCookie, len(list))
	for i, a := range list {
		cookies[i] = xproto.InternAtom(m.x, false, uint16(len(a.name)), a.name)
	}
	for i, c := range cookies {
		r, err := c.Reply()
		if err != nil {
			return fmt.Errorf("intern atom %s: %w", list[i].name, err)
		}
		*list[i].dst = r.Atom
	}
	return nil
}

// propertyChanged follows a property change of a mirrored window.
func (m *mirror) propertyChanged(w *xwin, atom xproto.Atom) {
	switch atom {
	case m.atoms.wmName, m.atoms.netWMName, xproto.AtomWmClass, xproto.AtomWmCommand:
		m.updateTitle(w)
	}
}
