package x11native

import (
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// sentAttributes is what a display window was last told by
// changeWindowAttributes; it applies only to the display window xfar (a
// window made again, by ReparentWindow say, starts unknown).
type sentAttributes struct {
	xfar uint32
	xclient.WindowAttributes
}

// changeWindowAttributes sends w's background, border and flags to its
// xfar window, leaving out what the window was already told: xterm sets
// a window's background before each ClearArea, mostly to the value it
// has (in top -d 0.1, about 40 times a refresh). Every attribute change
// of a native window goes through here, so that sentCW stays the
// display's truth.
func (s *Server) changeWindowAttributes(w *window, ch xclient.WindowAttributes) error {
	if w.sentCW.xfar != w.xfar {
		w.sentCW = sentAttributes{xfar: w.xfar}
	}
	k := &w.sentCW.WindowAttributes
	if k.Mask&protocol.CWBackPixel != 0 && k.Background == ch.Background {
		ch.Mask &^= protocol.CWBackPixel
	}
	if k.Mask&protocol.CWBorderPix != 0 && k.Border == ch.Border {
		ch.Mask &^= protocol.CWBorderPix
	}
	if k.Mask&protocol.CWFlags != 0 && k.OverrideRedirect == ch.OverrideRedirect && k.BackgroundNone == ch.BackgroundNone {
		ch.Mask &^= protocol.CWFlags
	}
	if ch.Mask == 0 {
		return nil
	}
	if err := s.xc.ChangeWindowAttributes(xclient.Window(w.xfar), ch); err != nil {
		k.Mask = 0 // unknown now
		return err
	}
	if ch.Mask&protocol.CWBackPixel != 0 {
		k.Background = ch.Background
	}
	if ch.Mask&protocol.CWBorderPix != 0 {
		k.Border = ch.Border
	}
	if ch.Mask&protocol.CWFlags != 0 {
		k.OverrideRedirect, k.BackgroundNone = ch.OverrideRedirect, ch.BackgroundNone
	}
	k.Mask |= ch.Mask & (protocol.CWBackPixel | protocol.CWBorderPix | protocol.CWFlags)
	return nil
}
