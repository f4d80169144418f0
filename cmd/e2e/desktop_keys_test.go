package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/jezek/xgb/xtest"

	"github.com/xfar/xfar/protocol"
)

// TestDesktopKeyboardLayouts: each layout's physical keys, typed on the
// desktop (XTEST keycodes on the viewer's X server, set to the layout
// with setxkbmap) into the desktop viewer, reach an xclient program as
// what xterm reads when the same keys are typed natively with that
// layout. The browser-only case (AltGr as Windows reports it) is left out.
func TestDesktopKeyboardLayouts(t *testing.T) {
	nat := StartNativeX(t)
	ds := startDeskSetup(t)
	c, win, _ := deskInputWindow(t, ds)
	drain(c)
	if err := xtest.Init(ds.d.xc); err != nil {
		t.Fatalf("XTEST: %v", err)
	}
	for _, l := range KeyLayouts {
		if l.WindowsAltGr {
			continue
		}
		t.Run(l.Name, func(t *testing.T) {
			acts := ParseStrokes(l.Strokes)
			ref := l.RefXKB
			if ref == nil {
				ref = l.XKB
			}
			want := nat.Native(t, ref, acts)
			SetXKB(t, ds.d.x.Display, deskEnv(ds.d.env...), l.XKB)
			TypeKeycodes(t, ds.d.xc, acts)
			var evs []*protocol.Event
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			for n := CountEnters(acts); n > 0; {
				ev, err := c.NextEvent(ctx)
				if err != nil {
					t.Fatalf("waiting for keys (got %s): %v", Describe(evs), err)
				}
				if ev.Window != win || (ev.Code != protocol.KeyPress && ev.Code != protocol.KeyRelease) {
					continue
				}
				evs = append(evs, ev)
				if ev.Code == protocol.KeyRelease && ev.Keysym == protocol.KeyReturn {
					n--
				}
			}
			if got := CatV(TerminalBytes(evs)); got != want {
				t.Errorf("xclient program behind the desktop viewer got %q\nnatively xterm reads %q\nevents: %s", got, want, Describe(evs))
			}
		})
	}
}
