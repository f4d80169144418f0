// Package widgets runs widget trees inside the display server: the
// "widgets" split (DESIGN.md, section "The configurable split"), where
// an application ships its widget tree once and the server lays it out,
// paints it and handles hover, press feedback, focus, the caret, typing,
// selection and scrolling locally, so that only semantic events cross
// the network.
//
// The widget model itself (tree, layout, painting, input handling) is
// package widget, the very code the application's toolkit runs in the
// other splits; this package only paints it into the window's
// render.Image, the painter the pixels split uses too, so that a form
// looks the same whichever side paints it.
package widgets

import (
	"fmt"
	"image"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/render"
	"github.com/xfar/xfar/widget"
)

// Surface is a widget tree living in a window's pixels.
type Surface struct {
	tree *widget.Tree
	img  *render.Image
}

// New builds the tree of a CreateWidgetTree request, lays it out in img's
// size and paints it into img.
func New(nodes []protocol.WidgetNode, img *render.Image) (*Surface, error) {
	root, err := widget.FromWire(nodes)
	if err != nil {
		return nil, err
	}
	t, err := widget.NewTree(root, image.Pt(img.W, img.H))
	if err != nil {
		return nil, err
	}
	s := &Surface{tree: t, img: img}
	t.Paint(img, img.Bounds())
	return s, nil
}

// Tree returns the widget tree, for queries.
func (s *Surface) Tree() *widget.Tree { return s.tree }

// Fit lays the tree out again and repaints it if its window was resized
// since; it returns the whole window as damage then. The display server
// calls it when it resizes the window; Input and Update call it too, in
// case the window's image was resized some other way.
func (s *Surface) Fit() []image.Rectangle {
	if sz := image.Pt(s.img.W, s.img.H); sz != s.tree.Size {
		s.tree.Resize(sz)
		s.tree.Paint(s.img, s.img.Bounds())
		return []image.Rectangle{s.img.Bounds()}
	}
	return nil
}

// Input handles one input event in window coordinates, repaints what it
// changed and returns the semantic events and the repainted areas.
func (s *Surface) Input(in widget.Input) ([]widget.Event, []image.Rectangle) {
	full := s.Fit()
	evs, damage := s.tree.Handle(in)
	for _, r := range damage {
		s.tree.Paint(s.img, r)
	}
	return evs, append(full, damage...)
}

// Update applies an UpdateWidget request and returns the repainted areas.
func (s *Surface) Update(u *protocol.UpdateWidget) ([]image.Rectangle, error) {
	full := s.Fit()
	damage, err := s.tree.Update(u.Widget, u.Prop, int(u.Value), u.Strings, u.Ops)
	if err != nil {
		return full, fmt.Errorf("update widget: %w", err)
	}
	for _, r := range damage {
		s.tree.Paint(s.img, r)
	}
	return append(full, damage...), nil
}

// Busy reports whether the tree holds pointer state (hover or a pressed
// button) that a pointer leaving its window must clear.
func (s *Surface) Busy() bool { return s.tree.Hover != 0 || s.tree.Pressed != 0 }

// Pressed reports whether a button of the tree is held down, so the
// release belongs to it wherever the pointer is.
func (s *Surface) Pressed() bool { return s.tree.Pressed != 0 }

// Paste answers a text field's paste (widget.ClipPaste) with the text
// read from the selection, repaints and returns as Input does.
func (s *Surface) Paste(id uint16, text string) ([]widget.Event, []image.Rectangle) {
	full := s.Fit()
	evs, damage := s.tree.Paste(id, text)
	for _, r := range damage {
		s.tree.Paint(s.img, r)
	}
	return evs, append(full, damage...)
}
