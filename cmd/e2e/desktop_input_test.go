package e2e

import (
	"context"
	"fmt"
	"image"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// deskInputWindow maps a window that records buttons and keys on the
// desktop setup's display, clicks it for the focus, and returns the
// connection and where the window is on the display.
func deskInputWindow(t *testing.T, ds *deskSetup) (*xclient.Conn, uint32, image.Point) {
	t.Helper()
	c, err := xclient.DialAddr("tcp", fmt.Sprintf("127.0.0.1:%d", protocol.TCPBasePort+ds.s.n), xclient.WithAuth(ds.s.cookie))
	if err != nil {
		t.Fatalf("xclient: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	win, err := c.CreateWindow(c.Root(), 300, 200, 240, 120, &xclient.WindowOptions{Background: 0x336633,
		EventMask: protocol.KeyPressMask | protocol.KeyReleaseMask | protocol.ButtonPressMask | protocol.ButtonReleaseMask})
	if err != nil {
		t.Fatal(err)
	}
	c.SetTitle(win, "input")
	if err := c.MapWindow(win); err != nil {
		t.Fatal(err)
	}
	c.Flush()
	snap := ds.s.waitSnap(t, "the input window", func(img *image.RGBA) bool {
		_, ok := findTitleBar(img, 240)
		return ok
	})
	tb, _ := findTitleBar(snap, 240)
	inside := tb.Add(image.Pt(100, 60))
	ds.click(t, inside)
	ds.d.xdotool(t, "windowfocus", "--sync", ds.viewID)
	return c, uint32(win), inside
}

// TestDesktopLosesNoClick: 100 clicks xdotool makes with no time between
// press and release all arrive, in order, through the desktop viewer.
func TestDesktopLosesNoClick(t *testing.T) {
	ds := startDeskSetup(t)
	c, win, _ := deskInputWindow(t, ds)
	drain(c) // the focusing click; the pointer stays where it was
	const n = 100
	ds.d.xdotool(t, "click", "--repeat", fmt.Sprint(n), "--delay", "1", "1")
	var presses, releases int
	var order strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for releases < n {
		ev, err := c.NextEvent(ctx)
		if err != nil {
			break
		}
		if ev.Window != win {
			continue
		}
		switch ev.Code {
		case protocol.ButtonPress:
			presses++
			order.WriteByte('d')
		case protocol.ButtonRelease:
			releases++
			order.WriteByte('u')
		}
	}
	if presses != n || releases != n || order.String() != strings.Repeat("du", n) {
		t.Errorf("%d instantaneous clicks arrived as %d presses and %d releases (order %s)", n, presses, releases, order.String())
	}
}

// TestDesktopLosesNoKey: 500 mixed-case characters typed by xdotool with
// 1 ms between keys arrive exactly through the desktop viewer.
func TestDesktopLosesNoKey(t *testing.T) {
	ds := startDeskSetup(t)
	c, win, _ := deskInputWindow(t, ds)
	drain(c)
	rng := rand.New(rand.NewPCG(1, 2))
	const chars = "aAbBcCyYzZ019!@ ,.-qQ"
	var b strings.Builder
	for b.Len() < 500 {
		b.WriteByte(chars[rng.IntN(len(chars))])
	}
	want := b.String()
	ds.d.xdotool(t, "type", "--delay", "1", want)
	var got strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for got.Len() < len(want) {
		ev, err := c.NextEvent(ctx)
		if err != nil {
			break
		}
		if ev.Window == win && ev.Code == protocol.KeyPress {
			got.WriteString(ev.Text)
		}
	}
	if got.String() != want {
		t.Errorf("typed %d characters, got %d:\n got %q\nwant %q", len(want), got.Len(), got.String(), want)
	}

	// Keys that type no character, tapped with nothing between press and
	// release: each press arrives, and its release.
	var taps []string
	for i := 0; i < 50; i++ {
		taps = append(taps, "Left", "BackSpace")
	}
	ds.d.xdotool(t, append([]string{"key", "--delay", "1"}, taps...)...)
	var presses, releases int
	for releases < len(taps) {
		ev, err := c.NextEvent(ctx)
		if err != nil {
			break
		}
		if ev.Window != win {
			continue
		}
		wantSym := uint32(protocol.KeyLeft)
		if taps[min(presses, len(taps)-1)] == "BackSpace" {
			wantSym = protocol.KeyBackSpace
		}
		switch ev.Code {
		case protocol.KeyPress:
			if ev.Keysym != wantSym {
				t.Fatalf("key press %d: keysym %#x, want %#x", presses, ev.Keysym, wantSym)
			}
			presses++
		case protocol.KeyRelease:
			if ev.Keysym == protocol.KeyLeft || ev.Keysym == protocol.KeyBackSpace {
				releases++ // (not the typing's last releases)
			}
		}
	}
	if presses != len(taps) || releases != len(taps) {
		t.Errorf("%d instantaneous key taps arrived as %d presses and %d releases", len(taps), presses, releases)
	}
}

// drain drops the events already queued.
func drain(c *xclient.Conn) {
	time.Sleep(300 * time.Millisecond)
	for c.PendingEvents() > 0 {
		c.PollEvent()
	}
}
