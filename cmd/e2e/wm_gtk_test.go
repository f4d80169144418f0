package e2e

import (
	"fmt"
	"image"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/displayserver/feed"
)

// waitWindow waits for a mapped display window titled title and returns
// it once cond (nil: any) holds.
func waitWindow(t *testing.T, srv *displayserver.Server, title string, cond func(displayserver.WindowInfo) string) displayserver.WindowInfo {
	t.Helper()
	var got displayserver.WindowInfo
	bridgeWaitFor(t, 30*time.Second, fmt.Sprintf("window %q", title), func() string {
		w, ok := displayWindow(srv, title)
		if !ok || !w.Mapped {
			return fmt.Sprintf("no mapped %q in %+v", title, srv.Windows())
		}
		got = w
		if cond != nil {
			return cond(w)
		}
		return ""
	})
	return got
}

// waitWindowID waits until the display window id satisfies cond.
func waitWindowID(t *testing.T, srv *displayserver.Server, id uint32, cond func(displayserver.WindowInfo) string) displayserver.WindowInfo {
	t.Helper()
	var got displayserver.WindowInfo
	bridgeWaitFor(t, 20*time.Second, fmt.Sprintf("window %#x", id), func() string {
		for _, w := range srv.Windows() {
			if w.ID == id {
				got = w
				return cond(w)
			}
		}
		return "gone"
	})
	return got
}

func centre(r image.Rectangle) image.Point { return r.Min.Add(r.Size().Div(2)) }

// TestWMGtkDemo: gtk3-demo's windows through the bridge.
//   - Its main window draws its own title bar (a GtkHeaderBar): xfar adds
//     none, so it has exactly one.
//   - A second program's window (gtk3-demo-application) is placed apart
//     from it.
//   - The demo's "Dialogs" window is centred on its parent, and the
//     message dialog it opens (last: it is modal) is centred on it.
func TestWMGtkDemo(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "gtk3-demo", "gtk3-demo-application")
	srv := wmStartDisplay(t, 1600, 1000)
	startBridge(t, srv, "sh", "-c", "export GDK_BACKEND=x11 NO_AT_BRIDGE=1; gtk3-demo --run=dialog & sleep 2; gtk3-demo-application & wait")
	dialogs := waitWindow(t, srv, "Dialogs and Message Boxes", nil)
	main := waitWindow(t, srv, "Application Class", nil) // before gtk3-demo-application's of the same title
	var app displayserver.WindowInfo
	bridgeWaitFor(t, 30*time.Second, "gtk3-demo-application's window", func() string {
		for _, w := range srv.Windows() {
			if w.Mapped && w.ID != main.ID && w.ID != dialogs.ID && w.Rect.Dx() > 200 {
				app = w
				return ""
			}
		}
		return fmt.Sprintf("windows %+v", srv.Windows())
	})
	if main.Decorated {
		t.Errorf("gtk3-demo's main window (client-side decorations) got xfar's title bar too")
	}
	if !dialogs.Decorated {
		t.Errorf("the Dialogs window (no header bar) got no title bar")
	}
	frame := func(w displayserver.WindowInfo) image.Rectangle {
		r := w.Rect
		if w.Decorated {
			r.Min.Y -= 24
		}
		return r
	}
	if frame(app).Overlaps(frame(main)) {
		t.Errorf("gtk3-demo-application's window %v overlaps gtk3-demo's %v though the screen has room", frame(app), frame(main))
	}
	t.Logf("Dialogs %v, main %v, application %v", dialogs.Rect, main.Rect, app.Rect)
	if d := centre(dialogs.Rect).Sub(centre(main.Rect)); d.X*d.X+d.Y*d.Y > 4 {
		t.Errorf("Dialogs window %v centred at %v, its parent %v at %v", dialogs.Rect, centre(dialogs.Rect), main.Rect, centre(main.Rect))
	}
	// One title bar: above GTK's own header bar there is no xfar bar.
	img := bridgeSnapshot(t, srv)
	if main.Rect.Min.Y >= 12 {
		if got := img.RGBAAt(main.Rect.Min.X+300, main.Rect.Min.Y-12); got != desktopRGB {
			t.Errorf("above gtk3-demo's header bar the display shows %v, want the desktop", got)
		}
	}

	// The message dialog, opened from the Dialogs window's first button.
	clickButton(srv, dialogs.Rect.Min.Add(image.Pt(86, 50)), 1)
	var msg displayserver.WindowInfo
	bridgeWaitFor(t, 20*time.Second, "the message dialog", func() string {
		for _, w := range srv.Windows() {
			if w.Mapped && w.ID != main.ID && w.ID != dialogs.ID && w.ID != app.ID {
				msg = w
				return ""
			}
		}
		return fmt.Sprintf("windows %+v", srv.Windows())
	})
	if d := centre(msg.Rect).Sub(centre(dialogs.Rect)); d.X*d.X+d.Y*d.Y > 4 {
		t.Errorf("message dialog centred at %v, its parent at %v", centre(msg.Rect), centre(dialogs.Rect))
	}

}

// TestWMGtkHeaderBar: gtk3-demo's main window draws its own title bar.
// Dragging it moves the window (GTK asks its window manager, the bridge,
// with _NET_WM_MOVERESIZE; the display drags), and GTK's maximize button
// maximizes it (_NET_WM_STATE): the window fills the screen.
func TestWMGtkHeaderBar(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "gtk3-demo")
	srv := wmStartDisplay(t, 1400, 900)
	// (gtk3-demo --run=dialog, as in TestWMGtkDemo, would not do: its
	// Dialogs window is modal, and GTK ignores the main window then.)
	startBridge(t, srv, "env", "GDK_BACKEND=x11", "NO_AT_BRIDGE=1", "gtk3-demo")
	var main displayserver.WindowInfo
	bridgeWaitFor(t, 30*time.Second, "gtk3-demo's window", func() string {
		for _, w := range srv.Windows() {
			if w.Mapped && w.Rect.Dx() > 300 {
				main = w
				return ""
			}
		}
		return fmt.Sprintf("windows %+v", srv.Windows())
	})
	time.Sleep(time.Second) // let GTK settle its first frames
	from := main.Rect.Min.Add(image.Pt(200, 20))
	to := from.Add(image.Pt(60, 40))
	bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: from.X, Y: from.Y})
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonDown, X: from.X, Y: from.Y, Button: 1})
	time.Sleep(200 * time.Millisecond)
	for i := 1; i <= 10; i++ {
		p := from.Add(to.Sub(from).Mul(i).Div(10))
		bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: p.X, Y: p.Y})
		time.Sleep(30 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonUp, X: to.X, Y: to.Y, Button: 1})
	want := main.Rect.Min.Add(image.Pt(60, 40))
	moved := waitWindowID(t, srv, main.ID, func(w displayserver.WindowInfo) string {
		if w.Rect.Min != want {
			return fmt.Sprintf("at %v, want %v", w.Rect.Min, want)
		}
		return ""
	})
	// The first motion after the drag gives GTK its button release; let
	// it settle before the next click (else it may pair the two presses).
	rest := moved.Rect.Min.Add(image.Pt(300, 200))
	bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: rest.X, Y: rest.Y})
	time.Sleep(time.Second)
	clickButton(srv, image.Pt(moved.Rect.Max.X-67, moved.Rect.Min.Y+27), 1)
	waitWindowID(t, srv, main.ID, func(w displayserver.WindowInfo) string {
		if w.Rect != image.Rect(0, 0, 1400, 900) {
			return fmt.Sprintf("at %v, want the whole screen", w.Rect)
		}
		return ""
	})
}
