// Package icccm decodes the window-manager hints X programs put on their
// top-level windows — ICCCM's WM_NORMAL_HINTS, EWMH's
// _NET_WM_WINDOW_TYPE and Motif's _MOTIF_WM_HINTS — into the xfar
// protocol's SetWMHints. Both bridges read them: x11bridge from its Xvfb,
// x11native from its own property store; the meaning lives here once.
package icccm

import "github.com/xfar/xfar/protocol"

// WM_SIZE_HINTS flags (ICCCM 4.1.2.3).
const (
	sizeUSPosition = 1 << 0
	sizePPosition  = 1 << 2
	sizePMinSize   = 1 << 4
	sizePMaxSize   = 1 << 5
	sizePResizeInc = 1 << 6
	sizePBaseSize  = 1 << 8
)

// SizeHints adds WM_NORMAL_HINTS (a WM_SIZE_HINTS property's 32-bit
// values) to h: the position flags, minimum and maximum size, resize
// increments and base size, each clamped to the protocol's dimensions.
// It reports false, changing nothing, when v is too short to be one.
func SizeHints(h *protocol.SetWMHints, v []uint32) bool {
	if len(v) < 15 {
		return false
	}
	dim := func(x uint32) uint16 { return uint16(min(x, protocol.MaxDimension)) }
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
	return true
}

// WindowTypes maps the EWMH window-type atom names xfar knows to the
// protocol's window types; menus of every kind are menus.
var WindowTypes = map[string]uint8{
	"_NET_WM_WINDOW_TYPE_NORMAL":        protocol.WindowTypeNormal,
	"_NET_WM_WINDOW_TYPE_DIALOG":        protocol.WindowTypeDialog,
	"_NET_WM_WINDOW_TYPE_UTILITY":       protocol.WindowTypeUtility,
	"_NET_WM_WINDOW_TYPE_MENU":          protocol.WindowTypeMenu,
	"_NET_WM_WINDOW_TYPE_DROPDOWN_MENU": protocol.WindowTypeMenu,
	"_NET_WM_WINDOW_TYPE_POPUP_MENU":    protocol.WindowTypeMenu,
	"_NET_WM_WINDOW_TYPE_COMBO":         protocol.WindowTypeMenu,
	"_NET_WM_WINDOW_TYPE_TOOLTIP":       protocol.WindowTypeTooltip,
	"_NET_WM_WINDOW_TYPE_NOTIFICATION":  protocol.WindowTypeNotification,
	"_NET_WM_WINDOW_TYPE_SPLASH":        protocol.WindowTypeSplash,
}

// MotifNoDecorations reports whether _MOTIF_WM_HINTS values ask for no
// frame: flags bit 1 says the decorations field counts, and it has
// neither "all" nor "title", so the program draws its own.
func MotifNoDecorations(v []uint32) bool {
	return len(v) >= 3 && v[0]&2 != 0 && v[2]&(1|8) == 0
}
