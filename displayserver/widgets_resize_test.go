package displayserver

import (
	"image"
	"testing"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/widget"
)

// TestWidgetTreeFollowsResize checks that a window holding a widget tree
// (the widgets split) is laid out and painted again as soon as it is
// resized, with no input needed: the area the window gained shows the
// tree's background and the stretched text field, not the window's own
// background.
func TestWidgetTreeFollowsResize(t *testing.T) {
	s := startServer(t, Config{})
	c := dialRaw(t, s, "zstd")
	const bg = 0x102030 // the window's background, which the tree covers
	win := c.id()
	c.send(&protocol.CreateWindow{Window: win, Parent: c.hello.Root, X: 100, Y: 100, Width: 200, Height: 120,
		Background: bg, EventMask: protocol.StructureNotifyMask})
	root := &widget.Node{ID: 1, Kind: protocol.WidgetColumn, Selected: -1, Children: []*widget.Node{
		{ID: 2, Kind: protocol.WidgetTextField, Text: "stretch", Selected: -1},
		{ID: 3, Kind: protocol.WidgetLabel, Text: "label", Selected: -1},
	}}
	tr, err := widget.NewTree(root, image.Point{})
	if err != nil {
		t.Fatal(err)
	}
	c.send(&protocol.CreateWidgetTree{Window: win, Nodes: tr.Wire()},
		&protocol.IDRequest{Op: protocol.OpMapWindow, ID: win})
	c.waitEvent(protocol.MapNotify)
	if errs := c.sync(); len(errs) != 0 {
		t.Fatalf("creating the tree: %v", errs[0])
	}
	g := c.geometry(win)
	at := image.Pt(int(g.X), int(g.Y))
	c.send(&protocol.ConfigureWindow{Window: win, ValueMask: protocol.ConfigWidth | protocol.ConfigHeight,
		Width: 360, Height: 220})
	c.waitEvent(protocol.ConfigureNotify)
	c.sync()
	img := s.Snapshot()
	// Below the widgets, in the area gained: the tree's background.
	if p := pixelAt(img, at.X+300, at.Y+200); p != widget.ColorBackground {
		t.Errorf("gained area below the widgets is %#06x, want the tree's background %#06x", p, widget.ColorBackground)
	}
	// The text field stretches with its column: its border reaches the
	// new right edge, less the margin.
	fieldY := at.Y + widget.Margin + 2
	right := at.X + 360 - widget.Margin - 1
	if p := pixelAt(img, right, fieldY); p != widget.ColorBorder && p != widget.ColorFocus {
		t.Errorf("text field's right border at x=%d is %#06x, want the border colour: the field did not stretch", right-at.X, p)
	}
}
