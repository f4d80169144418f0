package x11native

import (
	"github.com/xfar/xfar/internal/icccm"
	"github.com/xfar/xfar/protocol"
)

// Window-manager hints: a top-level window's WM_NORMAL_HINTS (position
// flags, minimum, maximum, increments, base size), WM_TRANSIENT_FOR,
// _NET_WM_WINDOW_TYPE and _MOTIF_WM_HINTS go to the display's window
// manager as SetWMHints, as the default bridge sends them, so that
// placement and resizing behave the same (xterm resizes in whole
// characters).

// hintProperties are the properties sendHints reads.
var hintProperties = []string{"WM_NORMAL_HINTS", "WM_TRANSIENT_FOR", "_NET_WM_WINDOW_TYPE", "_MOTIF_WM_HINTS"}

// isHintProperty reports whether atom is one of hintProperties.
func (s *Server) isHintProperty(atom uint32) bool {
	for _, n := range hintProperties {
		if a := s.atoms.lookup(n); a != 0 && a == atom {
			return true
		}
	}
	return false
}

// u32s returns a format-32 property's values, or nil.
func (w *window) u32s(atom uint32) []uint32 {
	p := w.props[atom]
	if p == nil || p.format != 32 || atom == 0 {
		return nil
	}
	v := make([]uint32, len(p.data)/4)
	for i := range v {
		v[i] = le.Uint32(p.data[i*4:])
	}
	return v
}

// sendHints sends a top-level window's hints to the display when they
// changed since last sent.
func (s *Server) sendHints(w *window) {
	if !w.isTop() || w.xfar == 0 || w.override {
		return
	}
	h := protocol.SetWMHints{Window: w.xfar}
	if v := w.u32s(s.atoms.lookup("WM_NORMAL_HINTS")); !icccm.SizeHints(&h, v) && (w.x != 0 || w.y != 0) {
		// No WM_NORMAL_HINTS (a bare XCreateWindow): a position other
		// than the origin is the program's choice.
		h.Flags |= protocol.HintPPosition
	}
	if v := w.u32s(s.atoms.lookup("WM_TRANSIENT_FOR")); len(v) >= 1 {
		if p := s.windows[v[0]]; p != nil && p != w && p.xfar != 0 {
			for p.parent != nil && !p.isTop() {
				p = p.parent
			}
			if p.isTop() && p != w {
				h.Flags |= protocol.HintTransient
				h.TransientFor = p.xfar
				h.Type = protocol.WindowTypeDialog
			}
		}
	}
	for _, t := range w.u32s(s.atoms.lookup("_NET_WM_WINDOW_TYPE")) {
		if name, ok := s.atoms.name(t); ok {
			if typ, ok := icccm.WindowTypes[name]; ok {
				h.Type = typ
				break
			}
		}
	}
	if icccm.MotifNoDecorations(w.u32s(s.atoms.lookup("_MOTIF_WM_HINTS"))) {
		h.Flags |= protocol.HintNoDecorations
	}
	if w.hintsKnown && h == w.hintsSent {
		return
	}
	w.hintsSent, w.hintsKnown = h, true
	if err := s.xc.SetWMHintsRaw(&h); err != nil {
		s.log.Warn("x11native: window-manager hints", "window", w.id, "err", err)
	}
}
