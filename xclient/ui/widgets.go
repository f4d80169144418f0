package ui

import (
	"github.com/xfar/xfar/protocol"
	model "github.com/xfar/xfar/widget"
)

// Widget is anything that can be placed in a window: the widgets of this
// package and the rows and columns that hold them.
type Widget interface {
	base() *widget
}

// widget is what every widget has: its node in the shared model and,
// once its window is open, the window.
type widget struct {
	n   *model.Node
	win *Window
	// ref is the widget whose value a button's Clicked event carries.
	ref *widget
	// kids are a box's children; self is the application's handle.
	kids []*widget
	self Widget
}

func (w *widget) base() *widget { return w }

// ID returns the widget's ID in its tree (0 before its window opens).
func (w *widget) ID() uint16 { return w.n.ID }

// expand sets the Expand flag.
func (w *widget) expand() { w.n.Flags |= protocol.WidgetExpand }

// update changes one property, locally and in the window's split.
func (w *widget) update(prop uint8, value int, strs []string, ops []protocol.CanvasOp) error {
	if w.win == nil {
		updateDetached(w.n, prop, value, strs, ops)
		return nil
	}
	return w.win.update(w, prop, value, strs, ops)
}

// updateDetached applies an update to a widget whose window is not open
// yet: only the model changes, and Open checks the result.
func updateDetached(n *model.Node, prop uint8, value int, strs []string, ops []protocol.CanvasOp) {
	switch prop {
	case protocol.PropText:
		n.Text = strs[0]
		n.Caret = len(n.Text)
	case protocol.PropItems:
		n.Items = append([]string(nil), strs...)
	case protocol.PropAppend:
		n.Items = append(n.Items, strs...)
	case protocol.PropSelected:
		n.Selected = value
	case protocol.PropOps:
		n.Ops = append([]protocol.CanvasOp(nil), ops...)
	}
}

// Box is a row or a column of widgets.
type Box struct{ widget }

// Column stacks widgets top to bottom; each gets the column's width.
func Column(children ...Widget) *Box { return box(protocol.WidgetColumn, children) }

// Row places widgets left to right; each gets the row's height.
func Row(children ...Widget) *Box { return box(protocol.WidgetRow, children) }

func box(kind uint8, children []Widget) *Box {
	b := &Box{widget{n: &model.Node{Kind: kind, Selected: -1}}}
	b.self = b
	for _, c := range children {
		b.n.Children = append(b.n.Children, c.base().n)
		b.kids = append(b.kids, c.base())
	}
	return b
}

// Expand gives the box the extra space of the row or column holding it.
func (b *Box) Expand() *Box { b.expand(); return b }

// Label is one line of text.
type Label struct{ widget }

// NewLabel returns a label showing text.
func NewLabel(text string) *Label {
	l := &Label{widget{n: &model.Node{Kind: protocol.WidgetLabel, Text: text, Selected: -1}}}
	l.self = l
	return l
}

// MinSize sets the label's minimum size (0 keeps the natural size).
func (l *Label) MinSize(w, h int) *Label { l.n.W, l.n.H = w, h; return l }

// Expand gives the label the extra space of its row or column.
func (l *Label) Expand() *Label { l.expand(); return l }

// SetText changes the label's text. Layout does not change: choose a
// MinSize that fits the longest text.
func (l *Label) SetText(s string) error { return l.update(protocol.PropText, 0, []string{s}, nil) }

// Text returns the label's text.
func (l *Label) Text() string { return l.n.Text }

// Button is a push button; pressing and releasing it over it is a
// Clicked event.
type Button struct{ widget }

// NewButton returns a button with a caption.
func NewButton(caption string) *Button {
	b := &Button{widget{n: &model.Node{Kind: protocol.WidgetButton, Text: caption, Selected: -1}}}
	b.self = b
	return b
}

// Carries makes the button's Clicked event carry f's text as its Value,
// so that a form's handler needs no round trip to read the field in any
// split.
func (b *Button) Carries(f *TextField) *Button { b.ref = &f.widget; return b }

// Expand gives the button the extra space of its row or column.
func (b *Button) Expand() *Button { b.expand(); return b }

// TextField is a one-line editable text.
type TextField struct{ widget }

// NewTextField returns a text field holding text, at least minWidth
// pixels wide (0: the natural width).
func NewTextField(text string, minWidth int) *TextField {
	f := &TextField{widget{n: &model.Node{Kind: protocol.WidgetTextField, Text: text, W: minWidth,
		Caret: len(text), Selected: -1}}}
	f.self = f
	return f
}

// Expand gives the field the extra space of its row or column.
func (f *TextField) Expand() *TextField { f.expand(); return f }

// NotifyChanges asks for a Changed event after every edit. Without it
// the application hears of the text on Return (Submitted) or when it
// calls Text, which in the widgets split costs a round trip.
func (f *TextField) NotifyChanges() *TextField {
	f.n.Flags |= protocol.WidgetNotifyChange
	return f
}

// SetText replaces the field's text and puts the caret at its end.
func (f *TextField) SetText(s string) error { return f.update(protocol.PropText, 0, []string{s}, nil) }

// Text returns the field's text. In the widgets split the display server
// holds it, so this asks it (one round trip).
func (f *TextField) Text() (string, error) {
	if f.win != nil {
		return f.win.queryText(&f.widget)
	}
	return f.n.Text, nil
}

// List is a scrollable list of lines, one of which may be selected.
type List struct{ widget }

// NewList returns a list at least minWidth by minHeight pixels (0: the
// natural size, five rows).
func NewList(minWidth, minHeight int, items ...string) *List {
	l := &List{widget{n: &model.Node{Kind: protocol.WidgetList, W: minWidth, H: minHeight,
		Items: append([]string(nil), items...), Selected: -1}}}
	l.self = l
	return l
}

// ListHeight is the height of a list that shows rows items.
func ListHeight(rows int) int { return rows*model.RowHeight() + 2 }

// Expand gives the list the extra space of its row or column.
func (l *List) Expand() *List { l.expand(); return l }

// Append adds items at the end.
func (l *List) Append(items ...string) error {
	return l.update(protocol.PropAppend, 0, items, nil)
}

// SetItems replaces the items.
func (l *List) SetItems(items ...string) error {
	return l.update(protocol.PropItems, 0, items, nil)
}

// Items returns the items the application gave the list.
func (l *List) Items() []string { return append([]string(nil), l.n.Items...) }

// Select selects item i (-1: none) and scrolls it into view.
func (l *List) Select(i int) error { return l.update(protocol.PropSelected, i, nil, nil) }

// State returns the selected item (-1: none) and the first visible item.
// In the widgets split the display server holds them, so this asks it.
func (l *List) State() (selected, scroll int, err error) {
	if l.win != nil {
		return l.win.queryList(&l.widget)
	}
	return l.n.Selected, l.n.Scroll, nil
}

// Canvas is an area the application paints with fills and text.
type Canvas struct{ widget }

// NewCanvas returns a canvas of at least w by h pixels (its 1-pixel
// border included).
func NewCanvas(w, h int) *Canvas {
	c := &Canvas{widget{n: &model.Node{Kind: protocol.WidgetCanvas, W: w, H: h, Selected: -1}}}
	c.self = c
	return c
}

// Expand gives the canvas the extra space of its row or column.
func (c *Canvas) Expand() *Canvas { c.expand(); return c }

// Draw replaces what the canvas shows with ops, in canvas coordinates
// (0,0 is the top-left pixel inside its border).
func (c *Canvas) Draw(ops ...protocol.CanvasOp) error {
	return c.update(protocol.PropOps, 0, nil, ops)
}

// Size returns the canvas's inside size, once its window is open.
func (c *Canvas) Size() (w, h int) {
	r := c.n.Rect.Inset(1)
	return r.Dx(), r.Dy()
}

// Fill is a canvas operation filling a rectangle.
func Fill(x, y, w, h int, color uint32) protocol.CanvasOp {
	return protocol.CanvasOp{Kind: protocol.CanvasFill, X: int16(x), Y: int16(y), W: uint16(max(w, 0)), H: uint16(max(h, 0)), Color: color}
}

// Text is a canvas operation drawing text in the widget face with its
// baseline at (x, y).
func Text(x, y int, color uint32, s string) protocol.CanvasOp {
	return protocol.CanvasOp{Kind: protocol.CanvasText, Font: uint8(model.Font), Size: model.FontSize,
		X: int16(x), Y: int16(y), Color: color, Text: s}
}
