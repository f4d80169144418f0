package widgets_test

import (
	"image"
	"testing"

	"github.com/xfar/xfar/displayserver/widgets"
	"github.com/xfar/xfar/fonts"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/render"
	"github.com/xfar/xfar/widget"
)

func tree(t *testing.T) []protocol.WidgetNode {
	t.Helper()
	root := &widget.Node{ID: 1, Kind: protocol.WidgetColumn, Selected: -1, Children: []*widget.Node{
		{ID: 2, Kind: protocol.WidgetTextField, W: 150, Text: "héllo wörld, a long line that scrolls", Selected: -1},
		{ID: 3, Kind: protocol.WidgetButton, Text: "Press me", Selected: -1},
		{ID: 4, Kind: protocol.WidgetLabel, Text: "Label: Tgyj", Selected: -1},
		{ID: 5, Kind: protocol.WidgetList, H: 3*widget.RowHeight() + 2, Items: []string{"one", "two", "three", "four"}, Selected: -1},
		{ID: 6, Kind: protocol.WidgetCanvas, W: 120, H: 50, Selected: -1, Ops: []protocol.CanvasOp{
			{Kind: protocol.CanvasFill, X: -5, Y: 10, W: 60, H: 100, Color: 0xbf616a},
			{Kind: protocol.CanvasText, Font: protocol.FontBold, Size: 20, X: 30, Y: 30, Color: 0x00ff00, Text: "Wg canvas"},
		}},
	}}
	tr, err := widget.NewTree(root, image.Point{})
	if err != nil {
		t.Fatal(err)
	}
	return tr.Wire()
}

// requestPainter paints as the draw split does: every fill a
// PolyFillRectangle and every text a DrawText through a GC clipped to the
// text's box, the requests xclient/ui's draw painter sends.
type requestPainter struct{ img *render.Image }

func (p requestPainter) Fill(r image.Rectangle, c uint32) {
	gc := render.DefaultGC()
	gc.Foreground = c
	p.img.PolyFillRectangle(&gc, []image.Rectangle{r})
}

func (p requestPainter) Text(clip image.Rectangle, x, y int, font fonts.ID, size int, c uint32, s string) {
	gc := render.DefaultGC()
	gc.Foreground, gc.Font, gc.FontSize = c, font, size
	gc.Clip = []image.Rectangle{clip}
	p.img.DrawText(&gc, x, y, s, false)
}

// TestPaintersAgree checks the premise of the splits: a tree painted
// directly into a render.Image (the pixels split, and the widgets split
// inside the server) and one painted with the draw split's requests are
// the same pixels, before and after interaction.
func TestPaintersAgree(t *testing.T) {
	nodes := tree(t)
	root, err := widget.FromWire(nodes)
	if err != nil {
		t.Fatal(err)
	}
	local, err := widget.NewTree(root, image.Point{})
	if err != nil {
		t.Fatal(err)
	}
	img := render.NewImage(local.Size.X, local.Size.Y)
	local.Paint(requestPainter{img}, img.Bounds())
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
	inputs := []widget.Input{
		{Kind: widget.KeyDown, Keysym: 'x', Text: "x"},
		{Kind: widget.KeyDown, Keysym: protocol.KeyLeft},
		{Kind: widget.PointerMove, X: b.Min.X + 3, Y: b.Min.Y + 3},
		{Kind: widget.ButtonDown, X: b.Min.X + 3, Y: b.Min.Y + 3, Button: 1},
		{Kind: widget.KeyDown, Keysym: protocol.KeyTab},
		{Kind: widget.KeyDown, Keysym: protocol.KeyDown},
		{Kind: widget.KeyDown, Keysym: protocol.KeyEnd},
	}
	for i, in := range inputs {
		_, damage := local.Handle(in)
		for _, r := range damage {
			local.Paint(requestPainter{img}, r)
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
