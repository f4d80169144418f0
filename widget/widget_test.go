package widget_test

import (
	"errors"
	"image"
	"reflect"
	"testing"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/widget"
)

// form builds field (2), button (3) carrying the field, label (4), list
// (5, four rows tall) and canvas (6).
func form(t *testing.T, items ...string) *widget.Tree {
	t.Helper()
	root := &widget.Node{ID: 1, Kind: protocol.WidgetColumn, Selected: -1, Children: []*widget.Node{
		{ID: 7, Kind: protocol.WidgetRow, Selected: -1, Children: []*widget.Node{
			{ID: 2, Kind: protocol.WidgetTextField, Flags: protocol.WidgetExpand, W: 200, Selected: -1},
			{ID: 3, Kind: protocol.WidgetButton, Text: "Add", Ref: 2, Selected: -1},
		}},
		{ID: 4, Kind: protocol.WidgetLabel, Text: "0 entries", Selected: -1},
		{ID: 5, Kind: protocol.WidgetList, H: 4*widget.RowHeight() + 2, Items: items, Selected: -1},
		{ID: 6, Kind: protocol.WidgetCanvas, W: 100, H: 40, Selected: -1},
	}}
	tr, err := widget.NewTree(root, image.Point{})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func centre(n *widget.Node) image.Point {
	return image.Pt((n.Rect.Min.X+n.Rect.Max.X)/2, (n.Rect.Min.Y+n.Rect.Max.Y)/2)
}

func typeText(tr *widget.Tree, s string) (evs []widget.Event) {
	for _, r := range s {
		e, _ := tr.Handle(widget.Input{Kind: widget.KeyDown, Keysym: protocol.KeysymForRune(r), Text: string(r)})
		evs = append(evs, e...)
	}
	return evs
}

func key(tr *widget.Tree, k uint32) []widget.Event {
	evs, _ := tr.Handle(widget.Input{Kind: widget.KeyDown, Keysym: k})
	return evs
}

func TestLayout(t *testing.T) {
	tr := form(t)
	f, b, l := tr.Node(2), tr.Node(3), tr.Node(5)
	if f.Rect.Min != image.Pt(widget.Margin, widget.Margin) || f.Rect.Dx() < 200 {
		t.Errorf("field at %v", f.Rect)
	}
	if b.Rect.Min.X != f.Rect.Max.X+widget.Spacing || b.Rect.Max.X != tr.Size.X-widget.Margin || b.Rect.Dy() != f.Rect.Dy() {
		t.Errorf("button at %v beside field %v in %v", b.Rect, f.Rect, tr.Size)
	}
	if l.Rect.Dy() != 4*widget.RowHeight()+2 || l.Rect.Dx() != tr.Size.X-2*widget.Margin {
		t.Errorf("list %v", l.Rect)
	}
	if tr.Focus != 2 {
		t.Errorf("focus %d, want the field", tr.Focus)
	}
}

func TestTyping(t *testing.T) {
	tr := form(t)
	if evs := typeText(tr, "héllo"); len(evs) != 0 {
		t.Fatalf("typing reported %v; a field reports nothing unless asked", evs)
	}
	key(tr, protocol.KeyLeft)
	key(tr, protocol.KeyBackSpace)
	key(tr, protocol.KeyHome)
	key(tr, protocol.KeyDelete)
	typeText(tr, "\x01J") // the control character is dropped
	f := tr.Node(2)
	if f.Text != "Jélo" || f.Caret != 1 {
		t.Fatalf("text %q caret %d", f.Text, f.Caret)
	}
	evs := key(tr, protocol.KeyReturn)
	if len(evs) != 1 || evs[0].Kind != protocol.WidgetSubmitted || evs[0].Value != "Jélo" || evs[0].Widget != 2 {
		t.Fatalf("Return: %+v", evs)
	}
	f.Flags |= protocol.WidgetNotifyChange
	if evs := typeText(tr, "x"); len(evs) != 1 || evs[0].Kind != protocol.WidgetChanged || evs[0].Value != "Jxélo" {
		t.Fatalf("NotifyChange: %+v", evs)
	}
}

func TestButton(t *testing.T) {
	tr := form(t)
	typeText(tr, "abc")
	b := tr.Node(3)
	p := centre(b)
	_, damage := tr.Handle(widget.Input{Kind: widget.ButtonDown, X: p.X, Y: p.Y, Button: 1})
	if tr.Pressed != 3 || len(damage) == 0 {
		t.Fatalf("press: pressed %d, damage %v", tr.Pressed, damage)
	}
	evs, _ := tr.Handle(widget.Input{Kind: widget.ButtonUp, X: p.X, Y: p.Y, Button: 1})
	if len(evs) != 1 || evs[0].Kind != protocol.WidgetClicked || evs[0].Value != "abc" {
		t.Fatalf("click: %+v", evs)
	}
	// Released elsewhere: no click.
	tr.Handle(widget.Input{Kind: widget.ButtonDown, X: p.X, Y: p.Y, Button: 1})
	if evs, _ := tr.Handle(widget.Input{Kind: widget.ButtonUp, X: 1, Y: 1, Button: 1}); len(evs) != 0 || tr.Pressed != 0 {
		t.Fatalf("release outside: %+v, pressed %d", evs, tr.Pressed)
	}
	tr.Handle(widget.Input{Kind: widget.PointerMove, X: p.X, Y: p.Y})
	if tr.Hover != 3 {
		t.Fatalf("hover %d", tr.Hover)
	}
	tr.Handle(widget.Input{Kind: widget.PointerLeave})
	if tr.Hover != 0 {
		t.Fatalf("hover %d after leaving", tr.Hover)
	}
}

func TestList(t *testing.T) {
	tr := form(t, "a", "b", "c", "d", "e", "f")
	l := tr.Node(5)
	p := image.Pt(l.Rect.Min.X+10, l.Rect.Min.Y+1+widget.RowHeight()/2)
	tr.Handle(widget.Input{Kind: widget.ButtonDown, X: p.X, Y: p.Y, Button: 5})
	if l.Scroll != 2 {
		t.Fatalf("wheel scrolled to %d, want 2 (6 items, 4 rows)", l.Scroll)
	}
	evs, _ := tr.Handle(widget.Input{Kind: widget.ButtonDown, X: p.X, Y: p.Y, Button: 1})
	if len(evs) != 1 || evs[0].Kind != protocol.WidgetSelected || evs[0].Index != 2 || evs[0].Value != "c" || tr.Focus != 5 {
		t.Fatalf("select: %+v focus %d", evs, tr.Focus)
	}
	key(tr, protocol.KeyUp)
	key(tr, protocol.KeyUp)
	if l.Selected != 0 || l.Scroll != 0 {
		t.Fatalf("Up twice: selected %d scroll %d", l.Selected, l.Scroll)
	}
	key(tr, protocol.KeyEnd)
	if l.Selected != 5 || l.Scroll != 2 {
		t.Fatalf("End: selected %d scroll %d", l.Selected, l.Scroll)
	}
	key(tr, protocol.KeyTab)
	if tr.Focus != 2 {
		t.Fatalf("Tab from the list focused %d, want the field", tr.Focus)
	}
	key(tr, 0xfe20) // ISO_Left_Tab: Shift+Tab goes back
	if tr.Focus != 5 {
		t.Fatalf("Shift+Tab from the field focused %d, want the list", tr.Focus)
	}
}

func TestUpdate(t *testing.T) {
	tr := form(t)
	if _, err := tr.Update(5, protocol.PropAppend, 0, []string{"x", "y"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Update(5, protocol.PropSelected, 1, nil, nil); err != nil || tr.Node(5).Value() != "y" {
		t.Fatalf("select: %v, value %q", err, tr.Node(5).Value())
	}
	if _, err := tr.Update(2, protocol.PropText, 0, []string{"new"}, nil); err != nil || tr.Node(2).Caret != 3 {
		t.Fatalf("set text: %v", err)
	}
	if _, err := tr.Update(99, protocol.PropText, 0, []string{"a"}, nil); !errors.Is(err, widget.ErrNoWidget) {
		t.Fatalf("unknown widget: %v", err)
	}
	if _, err := tr.Update(4, protocol.PropAppend, 0, []string{"a"}, nil); !errors.Is(err, widget.ErrProperty) {
		t.Fatalf("items on a label: %v", err)
	}
	r, err := tr.Query(5)
	if err != nil || r.Items != 2 || r.Selected != 1 {
		t.Fatalf("query: %+v %v", r, err)
	}
}

func TestWireRoundTrip(t *testing.T) {
	tr := form(t, "a", "b")
	root, err := widget.FromWire(tr.Wire())
	if err != nil {
		t.Fatal(err)
	}
	tr2, err := widget.NewTree(root, tr.Size)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tr.Wire(), tr2.Wire()) {
		t.Fatal("wire form changed in a round trip")
	}
	for _, n := range tr.Nodes() {
		if tr2.Node(n.ID).Rect != n.Rect {
			t.Fatalf("widget %d laid out at %v and %v", n.ID, n.Rect, tr2.Node(n.ID).Rect)
		}
	}
	dup := tr.Wire()
	dup[3].ID = dup[2].ID
	if r, err := widget.FromWire(dup); err == nil {
		if _, err := widget.NewTree(r, image.Point{}); !errors.Is(err, widget.ErrInvalid) {
			t.Fatalf("duplicate IDs: %v", err)
		}
	}
}
