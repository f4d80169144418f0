package displayserver

import (
	"context"
	"image"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
)

// settleInput waits until the owner has handled every queued input event.
// Input and requests reach the owner on separate channels, so a client's
// Sync alone does not order a test's checks after the input it injected.
func (s *Server) settleInput() {
	for {
		pending := 0
		s.st.do(func(st *state) { pending = len(st.inputs) })
		if pending == 0 {
			return
		}
	}
}

func (s *Server) click(p image.Point, b int) {
	s.Input(feed.InputEvent{Kind: feed.PointerMove, X: p.X, Y: p.Y})
	s.Input(feed.InputEvent{Kind: feed.ButtonDown, X: p.X, Y: p.Y, Button: b})
	s.Input(feed.InputEvent{Kind: feed.ButtonUp, X: p.X, Y: p.Y, Button: b})
}

func (c *rawClient) waitState(win uint32, want uint16) {
	c.t.Helper()
	for {
		e := c.waitEvent(protocol.WindowStateNotify)
		if e.Window == win && e.State == want {
			return
		}
	}
}

// TestWMTitleButtonsAndWindowList: the maximize button fills the screen
// below the title bar and restores; the minimize button hides the window
// (UnmapNotify, WindowStateNotify); the window list (a right click on the
// desktop) lists it and brings it back.
func TestWMTitleButtonsAndWindowList(t *testing.T) {
	s := startServer(t, Config{Width: 640, Height: 480})
	c := dialRaw(t, s, "zstd")
	win, at := c.inputWindowSized(100, 100, 200, 100)
	var maxR, minR image.Rectangle
	s.st.do(func(st *state) { w := st.windows[win]; maxR, minR = st.maximizeRect(w), st.minimizeRect(w) })
	s.click(maxR.Min.Add(image.Pt(3, 3)), 1)
	c.waitState(win, protocol.StateMaximized)
	if g := c.geometry(win); g.X != 0 || int(g.Y) != titleHeight || g.Width != 640 || int(g.Height) != 480-titleHeight {
		t.Fatalf("maximized geometry %+v, want 0,%d 640x%d", g, titleHeight, 480-titleHeight)
	}
	s.st.do(func(st *state) { maxR = st.maximizeRect(st.windows[win]) })
	s.click(maxR.Min.Add(image.Pt(3, 3)), 1)
	c.waitState(win, 0)
	if g := c.geometry(win); int(g.X) != at.X || int(g.Y) != at.Y || g.Width != 200 || g.Height != 100 {
		t.Fatalf("restored geometry %+v, want %v 200x100", g, at)
	}
	s.click(minR.Min.Add(image.Pt(3, 3)), 1)
	c.waitEvent(protocol.UnmapNotify)
	c.waitState(win, protocol.StateMinimized)
	if g := c.geometry(win); g.Mapped {
		t.Fatal("minimized window still mapped")
	}
	// The window list: a right click on the desktop, then its only item.
	s.click(image.Pt(600, 450), 3)
	s.settleInput()
	c.sync()
	var items int
	var item image.Point
	s.st.do(func(st *state) {
		if st.wm.menu != nil {
			items = len(st.wm.menu.items)
			item = st.wm.menu.at.Min.Add(image.Pt(20, 4+menuItemHeight/2))
		}
	})
	if items != 1 {
		t.Fatalf("window list has %d items, want 1", items)
	}
	s.click(item, 1)
	c.waitEvent(protocol.MapNotify)
	c.waitState(win, 0)
	if g := c.geometry(win); !g.Mapped {
		t.Fatal("window list did not bring the window back")
	}
}

// TestWMShapeComposesInside: outside a window's shape the desktop shows,
// and a click there is not the window's.
func TestWMShapeComposesInside(t *testing.T) {
	s := startServer(t, Config{Width: 640, Height: 480})
	c := dialRaw(t, s, "zstd")
	win, at := c.inputWindowSized(100, 100, 100, 100)
	gc := c.id()
	c.send(
		&protocol.CreateGC{GC: gc, Drawable: win, Values: protocol.GCValues{ValueMask: protocol.GCForeground, Foreground: 0xff0000}},
		&protocol.PolyRect{Op: protocol.OpPolyFillRectangle, Drawable: win, GC: gc, Rects: []protocol.Rect{{W: 100, H: 100}}},
		&protocol.SetShape{Window: win, Shaped: true, Rects: []protocol.Rect{{X: 25, Y: 25, W: 50, H: 50}}},
		&protocol.SelectInput{Window: win, EventMask: protocol.ButtonPressMask | protocol.StructureNotifyMask},
	)
	c.sync()
	img := httpSnapshot(t, s)
	if got := pixelAt(img, at.X+2, at.Y+2); got != desktopColor {
		t.Errorf("corner outside the shape is %06x, want the desktop %06x", got, desktopColor)
	}
	if got := pixelAt(img, at.X+50, at.Y+50); got != 0xff0000 {
		t.Errorf("middle inside the shape is %06x, want red", got)
	}
	// A click outside the shape first: the window must not get it, so
	// the first press it gets is the one inside, at (50,50).
	s.click(at.Add(image.Pt(2, 2)), 1)
	s.click(at.Add(image.Pt(50, 50)), 1)
	e := c.waitEvent(protocol.ButtonPress)
	if e.Window != win {
		t.Fatalf("press inside the shape went to %#x", e.Window)
	}
	if e.X != 50 || e.Y != 50 {
		t.Fatalf("the window's first press is at (%d,%d), want (50,50): the click outside its shape reached it", e.X, e.Y)
	}
}

// TestWMHintsTransientAndResize: a dialog (transient) is centred on its
// parent and stays above it when the parent is raised; a frame-edge drag
// resizes within the size hints' minimum and increments; BeginMoveResize
// moves a window while the button is held.
func TestWMHintsTransientAndResize(t *testing.T) {
	s := startServer(t, Config{Width: 800, Height: 600})
	c := dialRaw(t, s, "zstd")
	parent, pat := c.inputWindowSized(100, 100, 400, 300)
	dlg := c.id()
	c.send(
		&protocol.CreateWindow{Window: dlg, Parent: c.hello.Root, Width: 100, Height: 50, EventMask: protocol.StructureNotifyMask},
		&protocol.SetWMHints{Window: dlg, Flags: protocol.HintTransient | protocol.HintMinSize | protocol.HintResizeInc,
			TransientFor: parent, MinW: 60, MinH: 40, IncW: 10, IncH: 10, Type: protocol.WindowTypeDialog},
		&protocol.IDRequest{Op: protocol.OpMapWindow, ID: dlg},
	)
	c.sync()
	g := c.geometry(dlg)
	if want := pat.Add(image.Pt(150, 125)); int(g.X) != want.X || int(g.Y) != want.Y {
		t.Fatalf("dialog at %d,%d, want centred at %v", g.X, g.Y, want)
	}
	// Click the parent: it comes up, the dialog stays above it.
	s.click(pat.Add(image.Pt(5, 5)), 1)
	s.settleInput()
	c.sync()
	tree := c.queryTree(c.hello.Root)
	if tree[len(tree)-1] != dlg || tree[len(tree)-2] != parent {
		t.Fatalf("after raising the parent the stack is %v; want the dialog on top of its parent", tree)
	}
	// Drag the dialog's bottom-right corner by (+37, -23): width 100+37
	// rounds down to 130, height 50-23 = 27 is raised to the minimum 40.
	corner := image.Pt(int(g.X)+100+2, int(g.Y)+50+2)
	s.Input(feed.InputEvent{Kind: feed.PointerMove, X: corner.X, Y: corner.Y})
	s.Input(feed.InputEvent{Kind: feed.ButtonDown, X: corner.X, Y: corner.Y, Button: 1})
	s.Input(feed.InputEvent{Kind: feed.PointerMove, X: corner.X + 37, Y: corner.Y - 23})
	s.Input(feed.InputEvent{Kind: feed.ButtonUp, X: corner.X + 37, Y: corner.Y - 23, Button: 1})
	s.settleInput()
	c.sync()
	if g2 := c.geometry(dlg); g2.Width != 130 || g2.Height != 40 {
		t.Fatalf("after the corner drag the dialog is %dx%d, want 130x40", g2.Width, g2.Height)
	}
	// BeginMoveResize while button 1 is down in the parent moves it.
	c.send(&protocol.SelectInput{Window: parent, EventMask: protocol.ButtonPressMask | protocol.StructureNotifyMask})
	c.sync()
	press := pat.Add(image.Pt(300, 250))
	s.Input(feed.InputEvent{Kind: feed.PointerMove, X: press.X, Y: press.Y})
	s.Input(feed.InputEvent{Kind: feed.ButtonDown, X: press.X, Y: press.Y, Button: 1})
	c.waitEvent(protocol.ButtonPress)
	c.send(&protocol.BeginMoveResize{Window: parent, Direction: protocol.MoveResizeMove, Button: 1})
	c.sync()
	s.Input(feed.InputEvent{Kind: feed.PointerMove, X: press.X + 40, Y: press.Y + 30})
	s.Input(feed.InputEvent{Kind: feed.ButtonUp, X: press.X + 40, Y: press.Y + 30, Button: 1})
	s.settleInput()
	c.sync()
	if g3 := c.geometry(parent); int(g3.X) != pat.X+40 || int(g3.Y) != pat.Y+30 {
		t.Fatalf("BeginMoveResize: parent at %d,%d, want %v", g3.X, g3.Y, pat.Add(image.Pt(40, 30)))
	}
}

// TestWMCursor: SetCursor's named cursor shows over the window, an
// ancestor's is inherited by a child, the frame edge shows a resize
// arrow, and the desktop the arrow.
func TestWMCursor(t *testing.T) {
	s := startServer(t, Config{Width: 640, Height: 480})
	c := dialRaw(t, s, "zstd")
	win, at := c.inputWindowSized(100, 100, 200, 100)
	c.send(&protocol.SetCursor{Window: win, Kind: protocol.CursorNamed, Name: "text"})
	c.sync()
	got := make(chan Cursor, 16)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.WatchCursor(ctx, func(cu Cursor) { got <- cu })
	want := func(p image.Point, name string) {
		t.Helper()
		s.Input(feed.InputEvent{Kind: feed.PointerMove, X: p.X, Y: p.Y})
		deadline := time.After(5 * time.Second)
		for {
			select {
			case cu := <-got:
				if cu.Name == name {
					return
				}
			case <-deadline:
				t.Fatalf("cursor at %v never became %q", p, name)
			}
		}
	}
	want(at.Add(image.Pt(50, 50)), "text")
	want(image.Pt(600, 400), "default")
	want(image.Pt(at.X+200+3, at.Y+50), "ew-resize")
	want(at.Add(image.Pt(10, 10)), "text")
}

// TestWMDialogFollowsParentUntilMoved: a dialog mapped before its parent
// is centred on the parent when the parent maps, and again when the
// parent's program resizes it (GTK maps and grows windows in that order);
// once the user has dragged the dialog it stays where it was put.
func TestWMDialogFollowsParentUntilMoved(t *testing.T) {
	s := startServer(t, Config{Width: 1000, Height: 800})
	c := dialRaw(t, s, "zstd")
	parent, dlg := c.id(), c.id()
	c.send(
		&protocol.CreateWindow{Window: parent, Parent: c.hello.Root, Width: 300, Height: 200, EventMask: protocol.StructureNotifyMask},
		&protocol.CreateWindow{Window: dlg, Parent: c.hello.Root, Width: 200, Height: 80, EventMask: protocol.StructureNotifyMask},
		&protocol.SetWMHints{Window: dlg, Flags: protocol.HintTransient, TransientFor: parent, Type: protocol.WindowTypeDialog},
		&protocol.IDRequest{Op: protocol.OpMapWindow, ID: dlg},
	)
	c.sync()
	centred := func(what string) {
		t.Helper()
		p, d := c.geometry(parent), c.geometry(dlg)
		pc := image.Pt(int(p.X)+int(p.Width)/2, int(p.Y)+int(p.Height)/2)
		dc := image.Pt(int(d.X)+int(d.Width)/2, int(d.Y)+int(d.Height)/2)
		if pc != dc {
			t.Fatalf("%s: the dialog is centred at %v, its parent at %v", what, dc, pc)
		}
	}
	c.send(&protocol.IDRequest{Op: protocol.OpMapWindow, ID: parent})
	c.sync()
	centred("after the parent mapped")
	if tree := c.queryTree(c.hello.Root); tree[len(tree)-1] != dlg {
		t.Fatalf("after the parent mapped the stack is %v; want the dialog %#x on top", tree, dlg)
	}
	c.send(&protocol.ConfigureWindow{Window: parent, ValueMask: protocol.ConfigWidth | protocol.ConfigHeight, Width: 600, Height: 500})
	c.sync()
	centred("after the parent's program grew it")

	// The user drags the dialog by its title bar; then the parent grows
	// again and the dialog stays put.
	d := c.geometry(dlg)
	grab := image.Pt(int(d.X)+60, int(d.Y)-titleHeight/2) // clear of the title bar's buttons
	s.Input(feed.InputEvent{Kind: feed.PointerMove, X: grab.X, Y: grab.Y})
	s.Input(feed.InputEvent{Kind: feed.ButtonDown, X: grab.X, Y: grab.Y, Button: 1})
	s.Input(feed.InputEvent{Kind: feed.PointerMove, X: grab.X + 70, Y: grab.Y + 40})
	s.Input(feed.InputEvent{Kind: feed.ButtonUp, X: grab.X + 70, Y: grab.Y + 40, Button: 1})
	s.settleInput()
	c.sync()
	moved := c.geometry(dlg)
	if int(moved.X) != int(d.X)+70 || int(moved.Y) != int(d.Y)+40 {
		t.Fatalf("the drag put the dialog at %d,%d, want %d,%d", moved.X, moved.Y, int(d.X)+70, int(d.Y)+40)
	}
	c.send(&protocol.ConfigureWindow{Window: parent, ValueMask: protocol.ConfigWidth | protocol.ConfigHeight, Width: 700, Height: 550})
	c.sync()
	if g := c.geometry(dlg); g.X != moved.X || g.Y != moved.Y {
		t.Fatalf("after the user moved it, the dialog followed its parent to %d,%d", g.X, g.Y)
	}
}
