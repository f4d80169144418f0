package widgets_test

import (
	"image"
	"testing"

	"github.com/xfar/xfar/displayserver/widgets"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/render"
	"github.com/xfar/xfar/xclient/ui/core"
)

func tree(t *testing.T) []protocol.WidgetNode {
	t.Helper()
	root := &core.Node{ID: 1, Kind: protocol.WidgetColumn, Selected: -1, Children: []*core.Node{
		{ID: 2, Kind: protocol.WidgetTextField, W: 150, Text: "héllo wörld, a long line that scrolls", Selected: -1},
		{ID: 3, Kind: protocol.WidgetButton, Text: "Press me", Selected: -1},
		{ID: 4, Kind: protocol.WidgetLabel, Text: "Label: Tgyj", Selected: -1},
		{ID: 5, Kind: protocol.WidgetList, H: 3*core.RowHeight() + 2, Items: []string{"one", "two", "three", "four"}, Selected: -1},
		{ID: 6, Kind: protocol.WidgetCanvas, W: 120, H: 50, Selected: -1, Ops: []protocol.CanvasOp{
			{Kind: protocol.CanvasFill, X: -5, Y: 10, W: 60, H: 100, Color: 0xbf616a},
			{Kind: protocol.CanvasText, Font: protocol.FontBold, Size: 20, X: 30, Y: 30, Color: 0x00ff00, Text: "Wg canvas"},
		}},
	}}
	tr, err := core.NewTree(root, image.Point{})
	if err != nil {
		t.Fatal(err)
	}
	return tr.Wire()
}

// TestPaintersAgree checks the premise of the splits: the toolkit's own
// image (the pixels split) and the server's rasterizer (the widgets split,
// and the requests of the draw split) paint a tree to the same pixels,
// before and after interaction.
func TestPaintersAgree(t *testing.T) {
	nodes := tree(t)
	root, err := core.FromWire(nodes)
	if err != nil {
		t.Fatal(err)
	}
	local, err := core.NewTree(root, image.Point{})
	if err != nil {
		t.Fatal(err)
	}
	img := core.NewImage(local.Size.X, local.Size.Y)
	local.Paint(img, img.Bounds())
	rimg := render.NewImage(local.Size.X, local.Size.Y)
	s, err := widgets.New(nodes, rimg)
	if err != nil {
		t.Fatal(err)
	}
	compare := func(when string) {
		t.Helper()
		diff := 0
		for i := range img.Pix {
			if img.Pix[i] != rimg.Pix[i] {
				diff++
			}
		}
		if diff != 0 {
			t.Fatalf("%s: %d pixels differ", when, diff)
		}
	}
	compare("initial")
	b := local.Node(3).Rect
	inputs := []core.Input{
		{Kind: core.KeyDown, Keysym: 'x', Text: "x"},
		{Kind: core.KeyDown, Keysym: protocol.KeyLeft},
		{Kind: core.PointerMove, X: b.Min.X + 3, Y: b.Min.Y + 3},
		{Kind: core.ButtonDown, X: b.Min.X + 3, Y: b.Min.Y + 3, Button: 1},
		{Kind: core.KeyDown, Keysym: protocol.KeyTab},
		{Kind: core.KeyDown, Keysym: protocol.KeyDown},
		{Kind: core.KeyDown, Keysym: protocol.KeyEnd},
	}
	for i, in := range inputs {
		_, damage := local.Handle(in)
		for _, r := range damage {
			local.Paint(img, r)
		}
		s.Input(in)
		compare("after input " + string(rune('0'+i)))
	}
}

func TestUpdateErrors(t *testing.T) {
	s, err := widgets.New(tree(t), render.NewImage(300, 300))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(&protocol.UpdateWidget{Widget: 4, Prop: protocol.PropAppend, Strings: []string{"a"}}); err == nil {
		t.Fatal("items on a label accepted")
	}
	damage, err := s.Update(&protocol.UpdateWidget{Widget: 4, Prop: protocol.PropText, Strings: []string{"new"}})
	if err != nil || len(damage) != 1 {
		t.Fatalf("label text: %v, damage %v", err, damage)
	}
}
