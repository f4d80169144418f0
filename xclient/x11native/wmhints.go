package x11native

import (
	"github.com/xfar/xfar/protocol"
)

// Window-manager hints: a top-level window's WM_NORMAL_HINTS (position
// flags, minimum, maximum, increments, base size), WM_TRANSIENT_FOR,
// _NET_WM_WINDOW_TYPE and _MOTIF_WM_HINTS go to the display's window
// manager as SetWMHints, as the default bridge sends them, so that
// placement and resizing behave the same (xterm resizes in whole
// characters).

// ICCCM WM_SIZE_HINTS flags.
const (
	sizeUSPosition = 1 << 0
	sizePPosition  = 1 << 2
	sizePMinSize   = 1 << 4
	sizePMaxSize   = 1 << 5
	sizePResizeInc = 1 << 6
	sizePBaseSize  = 1 << 8
)

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
	dim := func(v uint32) uint16 { return uint16(min(v, protocol.MaxDimension)) }
	if v := w.u32s(s.atoms.lookup("WM_NORMAL_HINTS")); len(v) >= 15 {
		f := v[0]
		if f&sizeUSPosition != 0 {
			h.Flags |= protocol.HintUSPosition
		}
		if f&sizePPosition != 0 {
			h.Flags |= protocol.HintPPosition
		}
		if f&sizePMinSize != 0 {
			h.Flags |= protocol.HintMinSize
			h.MinW, h.MinH = dim(v[5]), dim(v[6])
		}
		if f&sizePMaxSize != 0 {
			h.Flags |= protocol.HintMaxSize
			h.MaxW, h.MaxH = dim(v[7]), dim(v[8])
		}
		if f&sizePResizeInc != 0 {
			h.Flags |= protocol.HintResizeInc
			h.IncW, h.IncH = dim(v[9]), dim(v[10])
		}
		if f&sizePBaseSize != 0 && len(v) >= 17 {
			h.Flags |= protocol.HintBaseSize
			h.BaseW, h.BaseH = dim(v[15]), dim(v[16])
		}
	} else if w.x != 0 || w.y != 0 {
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
	types := map[string]uint8{
		"_NET_WM_WINDOW_TYPE_NORMAL": protocol.WindowTypeNormal, "_NET_WM_WINDOW_TYPE_DIALOG": protocol.WindowTypeDialog,
		"_NET_WM_WINDOW_TYPE_UTILITY": protocol.WindowTypeUtility, "_NET_WM_WINDOW_TYPE_MENU": protocol.WindowTypeMenu,
		"_NET_WM_WINDOW_TYPE_DROPDOWN_MENU": protocol.WindowTypeMenu, "_NET_WM_WINDOW_TYPE_POPUP_MENU": protocol.WindowTypeMenu,
		"_NET_WM_WINDOW_TYPE_COMBO": protocol.WindowTypeMenu, "_NET_WM_WINDOW_TYPE_TOOLTIP": protocol.WindowTypeTooltip,
		"_NET_WM_WINDOW_TYPE_NOTIFICATION": protocol.WindowTypeNotification, "_NET_WM_WINDOW_TYPE_SPLASH": protocol.WindowTypeSplash,
	}
	for _, t := range w.u32s(s.atoms.lookup("_NET_WM_WINDOW_TYPE")) {
		if name, ok := s.atoms.name(t); ok {
			if typ, ok := types[name]; ok {
				h.Type = typ
				break
			}
		}
	}
	// Motif: flags bit 1 says the decorations field counts; 0 there, or
	// neither "all" nor "title", means the program draws its own frame.
	if v := w.u32s(s.atoms.lookup("_MOTIF_WM_HINTS")); len(v) >= 3 && v[0]&2 != 0 && v[2]&(1|8) == 0 {
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
