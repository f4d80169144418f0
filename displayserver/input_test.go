package displayserver

import (
	"context"
	"image"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
)

// inputWindow creates a mapped 200x100 window at (x, y) selecting mask and
// returns it with its inside's screen position.
func (c *rawClient) inputWindow(x, y int16, mask uint32) (uint32, image.Point) {
	c.t.Helper()
	win := c.id()
	c.send(
		&protocol.CreateWindow{Window: win, Parent: c.hello.Root, X: x, Y: y, Width: 200, Height: 100,
			EventMask: mask | protocol.StructureNotifyMask},
		&protocol.SetTitle{Window: win, Title: "input"},
		&protocol.IDRequest{Op: protocol.OpMapWindow, ID: win},
	)
	c.waitEvent(protocol.MapNotify)
	g := c.geometry(win)
	return win, image.Pt(int(g.X), int(g.Y))
}

// TestButtonAndKeyEvents sends viewer input and checks the X-style events
// the window's client receives: coordinates relative to the window, the
// button, the keysym, modifiers and text.
func TestButtonAndKeyEvents(t *testing.T) {
	s := startServer(t, Config{})
	c := dialRaw(t, s, "zstd")
	win, at := c.inputWindow(100, 100, protocol.ButtonPressMask|protocol.ButtonReleaseMask|protocol.KeyPressMask|protocol.PointerMotionMask)
	s.Input(feed.InputEvent{Kind: feed.ButtonDown, X: at.X + 30, Y: at.Y + 40, Button: 1})
	e := c.waitEvent(protocol.ButtonPress)
	if e.Window != win || e.X != 30 || e.Y != 40 || e.Detail != 1 || int(e.RootX) != at.X+30 {
		t.Fatalf("ButtonPress = %+v; want window %#x at (30,40) button 1", e, win)
	}
	// The implicit grab: motion outside the window still reaches it.
	s.Input(feed.InputEvent{Kind: feed.PointerMove, X: at.X + 500, Y: at.Y + 40, Button: 1})
	m := c.waitEvent(protocol.MotionNotify)
	for m.X == 30 { // the move to where the button went down
		m = c.waitEvent(protocol.MotionNotify)
	}
	if m.Window != win || m.X != 500 || m.State&protocol.Button1Mask == 0 {
		t.Fatalf("grabbed MotionNotify = %+v; want window-relative x 500 with Button1Mask", m)
	}
	s.Input(feed.InputEvent{Kind: feed.ButtonUp, X: at.X + 500, Y: at.Y + 40, Button: 1})
	if r := c.waitEvent(protocol.ButtonRelease); r.Window != win {
		t.Fatalf("ButtonRelease went to %#x, want %#x", r.Window, win)
	}
	// The window got the focus when it was mapped; keys go to it.
	s.Input(feed.InputEvent{Kind: feed.KeyDown, X: at.X + 30, Y: at.Y + 40, Keysym: 'A', Mods: protocol.ShiftMask, Text: "A"})
	k := c.waitEvent(protocol.KeyPress)
	if k.Window != win || k.Keysym != 'A' || k.State&protocol.ShiftMask == 0 || k.Text != "A" {
		t.Fatalf("KeyPress = %+v; want keysym 'A' with Shift and text A", k)
	}
	s.Input(feed.InputEvent{Kind: feed.KeyDown, Keysym: protocol.KeysymForRune('é'), Text: "é"})
	if k := c.waitEvent(protocol.KeyPress); k.Keysym != 0xe9 || k.Text != "é" {
		t.Fatalf("KeyPress é = keysym %#x text %q", k.Keysym, k.Text)
	}
}

// TestEventMasksAndPropagation checks that a child without ButtonPress in
// its mask lets the press propagate to its parent, with Child set, and that
// a window selecting nothing gets nothing.
func TestEventMasksAndPropagation(t *testing.T) {
	s := startServer(t, Config{})
	c := dialRaw(t, s, "zstd")
	other := dialRaw(t, s, "zstd")
	parent, at := c.inputWindow(100, 100, protocol.ButtonPressMask)
	child := c.id()
	c.send(&protocol.CreateWindow{Window: child, Parent: parent, X: 10, Y: 10, Width: 50, Height: 50},
		&protocol.IDRequest{Op: protocol.OpMapWindow, ID: child})
	c.sync()
	s.Input(feed.InputEvent{Kind: feed.ButtonDown, X: at.X + 20, Y: at.Y + 25, Button: 3})
	e := c.waitEvent(protocol.ButtonPress)
	if e.Window != parent || e.Child != child || e.X != 20 || e.Y != 25 || e.Detail != 3 {
		t.Fatalf("propagated ButtonPress = %+v; want parent %#x, child %#x, (20,25), button 3", e, parent, child)
	}
	s.Input(feed.InputEvent{Kind: feed.ButtonUp, X: at.X + 20, Y: at.Y + 25, Button: 3})
	// The other client selected nothing: it sees no events at all.
	if errs := other.sync(); len(errs) > 0 || len(other.events) > 0 {
		t.Fatalf("client that selected nothing got %v %v", errs, other.events)
	}
}

// TestTitleBarDragRaiseAndClose drives the window manager: a drag on the
// title bar moves the window (in the picture and in ConfigureNotify), a
// click raises a covered window, the close button sends CloseRequest.
func TestTitleBarDragRaiseAndClose(t *testing.T) {
	s := startServer(t, Config{})
	c := dialRaw(t, s, "zstd")
	a, atA := c.inputWindow(100, 100, 0)
	b, atB := c.inputWindow(150, 130, 0) // overlaps a, on top
	// Drag a's title bar by (+300, +200).
	grab := image.Pt(atA.X+50, atA.Y-titleHeight/2)
	s.Input(feed.InputEvent{Kind: feed.ButtonDown, X: grab.X, Y: grab.Y, Button: 1})
	s.Input(feed.InputEvent{Kind: feed.PointerMove, X: grab.X + 150, Y: grab.Y + 100})
	s.Input(feed.InputEvent{Kind: feed.PointerMove, X: grab.X + 300, Y: grab.Y + 200})
	s.Input(feed.InputEvent{Kind: feed.ButtonUp, X: grab.X + 300, Y: grab.Y + 200, Button: 1})
	var last *protocol.Event
	for {
		e := c.waitEvent(protocol.ConfigureNotify)
		if e.Window == a && int(e.X) == atA.X+300 && int(e.Y) == atA.Y+200 {
			last = e
			break
		}
	}
	if g := c.geometry(a); int(g.X) != atA.X+300 || int(g.Y) != atA.Y+200 {
		t.Fatalf("after drag, a is at (%d,%d); want (%d,%d)", g.X, g.Y, atA.X+300, atA.Y+200)
	}
	_ = last
	// a was raised by the drag; lower it under b again by clicking b.
	s.Input(feed.InputEvent{Kind: feed.ButtonDown, X: atB.X + 5, Y: atB.Y + 5, Button: 1})
	s.Input(feed.InputEvent{Kind: feed.ButtonUp, X: atB.X + 5, Y: atB.Y + 5, Button: 1})
	s.settleInput()
	c.sync()
	if tree := c.queryTree(c.hello.Root); tree[len(tree)-1] != b {
		t.Fatalf("after clicking b, top window is %#x, want b %#x", tree[len(tree)-1], b)
	}
	// Click a's client area: a comes on top.
	s.Input(feed.InputEvent{Kind: feed.ButtonDown, X: atA.X + 305, Y: atA.Y + 205, Button: 1})
	s.Input(feed.InputEvent{Kind: feed.ButtonUp, X: atA.X + 305, Y: atA.Y + 205, Button: 1})
	s.settleInput()
	c.sync()
	if tree := c.queryTree(c.hello.Root); tree[len(tree)-1] != a {
		t.Fatalf("after clicking a, top window is %#x, want a %#x", tree[len(tree)-1], a)
	}
	// The close button of b: CloseRequest to b's owner, window stays.
	cr := image.Pt(atB.X+200-3-(titleHeight-6)/2, atB.Y-titleHeight/2)
	s.Input(feed.InputEvent{Kind: feed.ButtonDown, X: cr.X, Y: cr.Y, Button: 1})
	s.Input(feed.InputEvent{Kind: feed.ButtonUp, X: cr.X, Y: cr.Y, Button: 1})
	if e := c.waitEvent(protocol.CloseRequest); e.Window != b {
		t.Fatalf("CloseRequest for %#x, want b %#x", e.Window, b)
	}
	// And the title bar shows the title: some pixels of title text colour.
	img := s.Snapshot()
	text := 0
	for x := atB.X; x < atB.X+120; x++ {
		for y := atB.Y - titleHeight; y < atB.Y; y++ {
			if pixelAt(img, x, y) == titleText {
				text++
			}
		}
	}
	if text < 10 {
		t.Fatalf("title bar of b has %d title-text pixels; want the title drawn", text)
	}
}

// TestOverrideRedirectUndecorated checks that a popup gets no title bar and
// keeps its position.
func TestOverrideRedirectUndecorated(t *testing.T) {
	s := startServer(t, Config{})
	c := dialRaw(t, s, "zstd")
	pop := c.id()
	c.send(&protocol.CreateWindow{Window: pop, Parent: c.hello.Root, X: 300, Y: 5, Width: 80, Height: 40,
		Flags: protocol.OverrideRedirect, Background: 0x00ff00},
		&protocol.IDRequest{Op: protocol.OpMapWindow, ID: pop})
	c.sync()
	if g := c.geometry(pop); g.X != 300 || g.Y != 5 {
		t.Fatalf("popup moved to (%d,%d)", g.X, g.Y)
	}
	img := s.Snapshot()
	if got := pixelAt(img, 310, 5); got != 0x00ff00 {
		t.Fatalf("popup's top row = %06x, want its green background", got)
	}
	if got := pixelAt(img, 310, 2); got != desktopColor {
		t.Fatalf("above the popup = %06x, want the desktop (no title bar)", got)
	}
}

// TestFeedDeliversDamage subscribes like a viewer: the first update is the
// whole screen, a later one carries the drawn pixels, and an idle screen
// delivers nothing.
func TestFeedDeliversDamage(t *testing.T) {
	s := startServer(t, Config{Width: 640, Height: 480})
	sub := s.Subscribe()
	defer sub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	up, err := sub.Next(ctx)
	if err != nil || !up.Full || len(up.Rects) != 1 || up.Rects[0].Dx() != 640 {
		t.Fatalf("first update: %+v, %v; want the full 640x480 screen", up, err)
	}
	c := dialRaw(t, s, "zstd")
	_, _, at := c.xdemoScene()
	// Collect updates until the line's pixel shows.
	p := at.Add(image.Pt(10, 60))
	for {
		up, err := sub.Next(ctx)
		if err != nil {
			t.Fatalf("line never arrived in the feed: %v", err)
		}
		if up.Full {
			t.Fatal("later update is Full; want damage only")
		}
		found := false
		for _, r := range up.Rects {
			if r.Dx() == 640 && r.Dy() == 480 {
				t.Fatalf("update covers the whole screen for a 200x100 window")
			}
			if p.In(r.Rectangle) && r.Pix[(p.Y-r.Min.Y)*r.Dx()+p.X-r.Min.X] == white {
				found = true
			}
		}
		if found {
			break
		}
	}
	idle, cancelIdle := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancelIdle()
	if up, err := sub.Next(idle); err == nil {
		t.Fatalf("idle screen produced an update: %+v", up)
	}
}

// TestDestroyReportsUnmapThenDestroy checks X's order for destroying a
// mapped window with a child: UnmapNotify for the window, then
// DestroyNotify for the child, then for the window, seen by a client that
// selected SubstructureNotify on the root.
func TestDestroyReportsUnmapThenDestroy(t *testing.T) {
	s := startServer(t, Config{})
	c := dialRaw(t, s, "zstd")
	watcher := dialRaw(t, s, "zstd")
	watcher.send(&protocol.SelectInput{Window: watcher.hello.Root, EventMask: protocol.SubstructureNotifyMsk})
	watcher.sync()
	win, _ := c.inputWindow(50, 50, 0)
	child := c.id()
	c.send(&protocol.CreateWindow{Window: child, Parent: win, Width: 10, Height: 10, EventMask: protocol.StructureNotifyMask},
		&protocol.IDRequest{Op: protocol.OpMapWindow, ID: child},
		&protocol.IDRequest{Op: protocol.OpDestroyWindow, ID: win})
	c.sync()
	if e := c.waitEvent(protocol.DestroyNotify); e.Window != child {
		t.Fatalf("first DestroyNotify on the owner's side is for %#x, want the child %#x", e.Window, child)
	}
	var got []string
	for len(got) < 2 {
		m, err := watcher.next()
		if err != nil {
			t.Fatalf("watcher: %v (so far %v)", err, got)
		}
		if e, ok := m.(*protocol.Event); ok && e.Child == win &&
			(e.Code == protocol.UnmapNotify || e.Code == protocol.DestroyNotify) {
			got = append(got, e.Code.String())
		}
	}
	if len(got) != 2 || got[0] != "UnmapNotify" || got[1] != "DestroyNotify" {
		t.Fatalf("root's SubstructureNotify for the window: %v, want [UnmapNotify DestroyNotify]", got)
	}
}
