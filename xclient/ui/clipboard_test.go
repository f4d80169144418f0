package ui_test

import (
	"context"
	"image"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
	"github.com/xfar/xfar/xclient/ui"
)

// TestTextFieldClipboard: in every split, the text field selects with
// the pointer (and that selection is PRIMARY), copies, cuts and pastes
// with Ctrl+C, Ctrl+X, Ctrl+V, and pastes PRIMARY with the middle button,
// against another client's clipboard on a real display server.
func TestTextFieldClipboard(t *testing.T) {
	for _, split := range []ui.Split{ui.Pixels, ui.Draw, ui.Widgets} {
		t.Run(split.String(), func(t *testing.T) { testFieldClipboard(t, split) })
	}
}

func testFieldClipboard(t *testing.T, split ui.Split) {
	srv, err := displayserver.New(displayserver.Config{TCPAddr: "127.0.0.1:0", UnixPath: "none", HTTPAddr: "none",
		AuthFile: "none", NoAuth: true, Width: 640, Height: 480,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dial := func() *xclient.Conn {
		c, err := xclient.DialAddr("tcp", srv.TCPAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	app, other := dial(), dial()
	field := ui.NewTextField("", 240).NotifyChanges()
	w, err := ui.Open(app, ui.Column(field), ui.Options{Split: split, X: 40, Y: 60})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	changes := make(chan string, 64)
	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		for {
			ev, err := w.Next(ctx)
			if err != nil {
				return
			}
			if ev.Kind == ui.Changed {
				changes <- ev.Value
			}
		}
	}()
	defer func() { cancel(); app.Close(); <-loopDone }()

	// Where the field is on the screen.
	var win image.Rectangle
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		g, err := other.GetGeometry(w.XWindow())
		if err == nil && g.Mapped {
			o := image.Pt(int(g.X)+int(g.BorderWidth), int(g.Y)+int(g.BorderWidth))
			win = image.Rectangle{o, o.Add(image.Pt(int(g.Width), int(g.Height)))}
			break
		}
		if time.Now().After(end) {
			t.Fatalf("window never mapped: %v", err)
		}
	}
	// The field fills the window but for the margin; its text starts a few
	// pixels in.
	left := win.Min.Add(image.Pt(12, win.Dy()/2))
	right := image.Pt(win.Max.X-12, left.Y)
	in := func(ev feed.InputEvent) {
		if ev.X == 0 && ev.Y == 0 {
			ev.X, ev.Y = left.X, left.Y
		}
		srv.Input(ev)
	}
	click := func(p image.Point, button int, mods uint16) {
		in(feed.InputEvent{Kind: feed.PointerMove, X: p.X, Y: p.Y})
		in(feed.InputEvent{Kind: feed.ButtonDown, X: p.X, Y: p.Y, Button: button, Mods: mods})
		in(feed.InputEvent{Kind: feed.ButtonUp, X: p.X, Y: p.Y, Button: button, Mods: mods})
	}
	key := func(keysym uint32, text string, mods uint16) {
		in(feed.InputEvent{Kind: feed.KeyDown, Keysym: keysym, Text: text, Mods: mods})
		in(feed.InputEvent{Kind: feed.KeyUp, Keysym: keysym, Mods: mods})
	}
	ctrl := func(r rune) {
		in(feed.InputEvent{Kind: feed.KeyDown, Keysym: protocol.KeyControlL})
		key(uint32(r), "", protocol.ControlMask)
		in(feed.InputEvent{Kind: feed.KeyUp, Keysym: protocol.KeyControlL, Mods: protocol.ControlMask})
	}
	waitText := func(want string) {
		t.Helper()
		for {
			select {
			case got := <-changes:
				if got == want {
					return
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("the field never read %q", want)
			}
		}
	}
	waitSel := func(sel protocol.Selection, want string) {
		t.Helper()
		var got []byte
		var err error
		for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
			if got, err = other.ReadSelection(ctx, sel, protocol.MimeText); err == nil && string(got) == want {
				return
			}
		}
		t.Fatalf("%v holds %q (%v), want %q", sel, got, err, want)
	}

	click(left, 1, 0)
	for _, r := range "hello wörld" {
		key(protocol.KeysymForRune(r), string(r), 0)
	}
	waitText("hello wörld")

	// Drag across the text: the selection is PRIMARY.
	in(feed.InputEvent{Kind: feed.PointerMove, X: left.X, Y: left.Y})
	in(feed.InputEvent{Kind: feed.ButtonDown, X: left.X, Y: left.Y, Button: 1})
	in(feed.InputEvent{Kind: feed.PointerMove, X: right.X, Y: right.Y, Mods: protocol.Button1Mask})
	in(feed.InputEvent{Kind: feed.ButtonUp, X: right.X, Y: right.Y, Button: 1, Mods: protocol.Button1Mask})
	waitSel(protocol.Primary, "hello wörld")

	ctrl('c')
	waitSel(protocol.Clipboard, "hello wörld")
	// Ctrl+X copies too: make the clipboard something else first, so that
	// the cut's copy shows (and is in force before the next step).
	if err := other.SetClipboardText("zzz"); err != nil {
		t.Fatal(err)
	}
	waitSel(protocol.Clipboard, "zzz")
	ctrl('x')
	waitText("")
	waitSel(protocol.Clipboard, "hello wörld")

	if err := other.SetClipboardText("pasted ✓ 世界"); err != nil {
		t.Fatal(err)
	}
	other.Sync()
	ctrl('v')
	waitText("pasted ✓ 世界")

	if err := other.SetSelection(protocol.Primary, map[string][]byte{protocol.MimeText: []byte("+prim")}); err != nil {
		t.Fatal(err)
	}
	waitSel(protocol.Primary, "+prim")
	click(right, 2, 0)
	waitText("pasted ✓ 世界+prim")

	// Ctrl+A selects all, which becomes PRIMARY too.
	ctrl('a')
	waitSel(protocol.Primary, "pasted ✓ 世界+prim")
}
