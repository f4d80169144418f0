// Package widget is the widget model that the xfar UI toolkit and the
// display server share: the tree of widgets, its layout, its painting and
// the local handling of input (hover, press feedback, focus, the caret,
// typing, list selection and scrolling).
//
// Both sides run this very code, so a form looks the same pixel for pixel
// whether the application paints it (the pixels and draw splits) or the
// display server does (the widgets split): layout is integer arithmetic
// on text metrics from package fonts, and painting goes through the tiny
// Painter interface (rectangle fills and clipped text), which
// render.Image and the drawing adapter of package xclient/ui implement
// with the same results.
//
// The package is neutral (DESIGN.md, section "Packages (top level fixed
// by the project card)"): it imports only protocol and fonts, so both
// xclient and the display server import it and neither imports the
// other.
//
// A Tree is not safe for concurrent use; its owner (the application's
// event loop, or the display server's state goroutine) serialises calls.
package widget

import (
	"errors"
	"fmt"
	"image"

	"github.com/xfar/xfar/protocol"
)

// Kind is a widget's kind (protocol.Widget*).
type Kind = uint8

// Node is one widget. The application-visible fields mirror
// protocol.WidgetNode; the rest is state the owner of the tree keeps.
type Node struct {
	ID       uint16
	Kind     Kind
	Flags    uint8
	W, H     int // minimum size (0: natural)
	Ref      uint16
	Text     string
	Items    []string
	Ops      []protocol.CanvasOp
	Children []*Node

	// Rect is where layout placed the widget, in window coordinates.
	Rect image.Rectangle
	// Caret is a text field's caret, a byte offset into Text.
	Caret int
	// Anchor is where a text field's selection starts (a byte offset);
	// the selection runs from Anchor to Caret, none when they are equal.
	Anchor int
	// ScrollX is how far a text field's text is scrolled left, in pixels.
	ScrollX int
	// Scroll is a list's first visible item.
	Scroll int
	// Selected is a list's selected item, or -1.
	Selected int
}

// Focusable reports whether the widget takes the keyboard.
func (n *Node) Focusable() bool {
	return n.Kind == protocol.WidgetTextField || n.Kind == protocol.WidgetList
}

// Tree is a laid-out widget tree with its interaction state.
type Tree struct {
	Root *Node
	byID map[uint16]*Node
	// order is every node in pre-order.
	order []*Node
	// Size is the window size the tree was laid out in.
	Size image.Point

	// Interaction state: the widget under the pointer, the list row under
	// it, the button held down, the widget with the keyboard.
	Hover    uint16
	HoverRow int
	Pressed  uint16
	Focus    uint16
	// Dragging is the text field button 1 is selecting in.
	Dragging uint16

	// clip holds the clipboard requests input caused (clip.go).
	clip []ClipRequest
}

// Errors of Update and NewTree; the display server maps them to protocol
// errors.
var (
	ErrNoWidget = errors.New("no such widget")
	ErrProperty = errors.New("property does not apply to this widget")
	ErrInvalid  = errors.New("invalid widget tree")
)

// NewTree checks root, lays it out in a window of the given size (the
// zero size means the tree's preferred size) and focuses the first
// focusable widget.
func NewTree(root *Node, size image.Point) (*Tree, error) {
	t := &Tree{Root: root, byID: map[uint16]*Node{}, HoverRow: -1}
	if err := t.index(root, 0); err != nil {
		return nil, err
	}
	if len(t.order) > protocol.MaxWidgets {
		return nil, fmt.Errorf("%w: %d widgets, limit %d", ErrInvalid, len(t.order), protocol.MaxWidgets)
	}
	for _, n := range t.order {
		if n.Kind == protocol.WidgetList {
			n.Selected = clampSel(n.Selected, len(n.Items))
		}
		if n.Caret < 0 || n.Caret > len(n.Text) {
			n.Caret = len(n.Text)
		}
		n.Anchor = n.Caret
	}
	if size == (image.Point{}) {
		size = PreferredSize(root)
	}
	t.Resize(size)
	for _, n := range t.order {
		if n.Focusable() {
			t.Focus = n.ID
			break
		}
	}
	return t, nil
}

func clampSel(sel, n int) int {
	if sel < 0 || sel >= n {
		return -1
	}
	return sel
}

func (t *Tree) index(n *Node, depth int) error {
	if n == nil {
		return fmt.Errorf("%w: nil widget", ErrInvalid)
	}
	if depth > protocol.MaxWidgetDepth {
		return fmt.Errorf("%w: deeper than %d", ErrInvalid, protocol.MaxWidgetDepth)
	}
	if n.ID == 0 || t.byID[n.ID] != nil {
		return fmt.Errorf("%w: widget ID %d is 0 or used twice", ErrInvalid, n.ID)
	}
	if n.Kind == 0 || n.Kind > protocol.WidgetCanvas {
		return fmt.Errorf("%w: widget %d has kind %d", ErrInvalid, n.ID, n.Kind)
	}
	if len(n.Children) > 0 && n.Kind != protocol.WidgetColumn && n.Kind != protocol.WidgetRow {
		return fmt.Errorf("%w: widget %d of kind %d has children", ErrInvalid, n.ID, n.Kind)
	}
	t.byID[n.ID] = n
	t.order = append(t.order, n)
	for _, c := range n.Children {
		if err := t.index(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// Node returns the widget with the given ID, or nil.
func (t *Tree) Node(id uint16) *Node { return t.byID[id] }

// Nodes returns every widget in pre-order.
func (t *Tree) Nodes() []*Node { return t.order }

// Resize lays the tree out again in a window of the given size.
func (t *Tree) Resize(size image.Point) {
	t.Size = size
	layout(t.Root, image.Rectangle{Max: size}.Inset(Margin))
	for _, n := range t.order {
		switch n.Kind {
		case protocol.WidgetTextField:
			fitCaret(n)
		case protocol.WidgetList:
			n.Scroll = clampScroll(n, n.Scroll)
		}
	}
}

// Wire returns the tree as it travels in CreateWidgetTree: its nodes in
// pre-order.
func (t *Tree) Wire() []protocol.WidgetNode {
	out := make([]protocol.WidgetNode, 0, len(t.order))
	for _, n := range t.order {
		out = append(out, protocol.WidgetNode{ID: n.ID, Kind: n.Kind, Flags: n.Flags,
			W: uint16(n.W), H: uint16(n.H), Children: uint16(len(n.Children)), Ref: n.Ref,
			Text: n.Text, Items: n.Items, Ops: n.Ops})
	}
	return out
}

// FromWire rebuilds a tree from CreateWidgetTree's nodes (already checked
// by the protocol decoder to be one tree in pre-order).
func FromWire(nodes []protocol.WidgetNode) (*Node, error) {
	if len(nodes) == 0 {
		return nil, fmt.Errorf("%w: no nodes", ErrInvalid)
	}
	i := 0
	var build func(depth int) (*Node, error)
	build = func(depth int) (*Node, error) {
		if i >= len(nodes) || depth > protocol.MaxWidgetDepth {
			return nil, fmt.Errorf("%w: malformed pre-order", ErrInvalid)
		}
		w := &nodes[i]
		i++
		n := &Node{ID: w.ID, Kind: w.Kind, Flags: w.Flags, W: int(w.W), H: int(w.H), Ref: w.Ref,
			Text: w.Text, Items: w.Items, Ops: w.Ops, Selected: -1, Caret: len(w.Text)}
		for k := 0; k < int(w.Children); k++ {
			c, err := build(depth + 1)
			if err != nil {
				return nil, err
			}
			n.Children = append(n.Children, c)
		}
		return n, nil
	}
	root, err := build(0)
	if err != nil {
		return nil, err
	}
	if i != len(nodes) {
		return nil, fmt.Errorf("%w: %d nodes outside the tree", ErrInvalid, len(nodes)-i)
	}
	return root, nil
}

// Value is what a widget's value is for events and queries: a field's
// text, a list's selected item, a caption.
func (n *Node) Value() string {
	if n.Kind == protocol.WidgetList {
		if n.Selected >= 0 && n.Selected < len(n.Items) {
			return n.Items[n.Selected]
		}
		return ""
	}
	return n.Text
}

// Query answers QueryWidget.
func (t *Tree) Query(id uint16) (*protocol.WidgetReply, error) {
	n := t.byID[id]
	if n == nil {
		return nil, fmt.Errorf("widget %d: %w", id, ErrNoWidget)
	}
	r := &protocol.WidgetReply{Widget: id, Kind: n.Kind, Selected: protocol.NoIndex,
		Scroll: uint32(n.Scroll), Caret: uint32(n.Caret), Items: uint32(len(n.Items)), Text: n.Text}
	if n.Kind == protocol.WidgetList && n.Selected >= 0 {
		r.Selected = uint32(n.Selected)
	}
	return r, nil
}
