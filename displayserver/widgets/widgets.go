// Package widgets runs widget trees inside the display server: the
// "widgets" split of DESIGN.md, where an application ships its widget
// tree once and the server lays it out, paints it and handles hover,
// press feedback, focus, the caret, typing, selection and scrolling
// locally, so that only semantic events cross the network.
//
// The widget model itself (tree, layout, painting, input handling) is
// xclient/ui/core, the very code the application's toolkit runs in the
// other splits; this package only paints it with the server's rasterizer,
// so that a form looks the same whichever side paints it.
package widgets

import (
	"fmt"
	"image"

	"github.com/xfar/xfar/fonts"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/render"
	"github.com/xfar/xfar/xclient/ui/core"
)

// Painter paints a widget tree onto a render.Image: fills as Image.Fill,
// text as DrawText with GXcopy clipped to one rectangle, exactly what a
// client in the draw split asks for with FillRectangle and DrawText.
type Painter struct {
	Img  *render.Image
	gc   render.GC
	clip [1]image.Rectangle
	init bool
}

// Fill implements core.Painter.
func (p *Painter) Fill(r image.Rectangle, c uint32) { p.Img.Fill(r, c) }

// Text implements core.Painter.
func (p *Painter) Text(clip image.Rectangle, x, y int, font fonts.ID, size int, c uint32, s string) {
	if !p.init {
		p.gc = render.DefaultGC()
		p.init = true
	}
	p.gc.Foreground, p.gc.Font, p.gc.FontSize = c, font, size
	p.clip[0] = clip
	p.gc.Clip = p.clip[:]
	p.Img.DrawText(&p.gc, x, y, s, false)
}

// Surface is a widget tree living in a window's pixels.
type Surface struct {
	tree *core.Tree
	p    Painter
}

// New builds the tree of a CreateWidgetTree request, lays it out in img's
// size and paints it into img.
func New(nodes []protocol.WidgetNode, img *render.Image) (*Surface, error) {
	root, err := core.FromWire(nodes)
	if err != nil {
		return nil, err
	}
	t, err := core.NewTree(root, image.Pt(img.W, img.H))
	if err != nil {
		return nil, err
	}
	s := &Surface{tree: t, p: Painter{Img: img}}
	t.Paint(&s.p, img.Bounds())
	return s, nil
}

// Tree returns the widget tree, for queries.
func (s *Surface) Tree() *core.Tree { return s.tree }

// fit lays the tree out again if its window was resized since; it
// returns the whole window as damage then.
func (s *Surface) fit() []image.Rectangle {
	if sz := image.Pt(s.p.Img.W, s.p.Img.H); sz != s.tree.Size {
		s.tree.Resize(sz)
		s.tree.Paint(&s.p, s.p.Img.Bounds())
		return []image.Rectangle{s.p.Img.Bounds()}
	}
	return nil
}

// Input handles one input event in window coordinates, repaints what it
// changed and returns the semantic events and the repainted areas.
func (s *Surface) Input(in core.Input) ([]core.Event, []image.Rectangle) {
	full := s.fit()
	evs, damage := s.tree.Handle(in)
	for _, r := range damage {
		s.tree.Paint(&s.p, r)
	}
	return evs, append(full, damage...)
}

// Update applies an UpdateWidget request and returns the repainted areas.
func (s *Surface) Update(u *protocol.UpdateWidget) ([]image.Rectangle, error) {
	full := s.fit()
	damage, err := s.tree.Update(u.Widget, u.Prop, int(u.Value), u.Strings, u.Ops)
	if err != nil {
		return full, fmt.Errorf("update widget: %w", err)
	}
	for _, r := range damage {
		s.tree.Paint(&s.p, r)
	}
	return append(full, damage...), nil
}

// Busy reports whether the tree holds pointer state (hover or a pressed
// button) that a pointer leaving its window must clear.
func (s *Surface) Busy() bool { return s.tree.Hover != 0 || s.tree.Pressed != 0 }

// Pressed reports whether a button of the tree is held down, so the
// release belongs to it wherever the pointer is.
func (s *Surface) Pressed() bool { return s.tree.Pressed != 0 }
