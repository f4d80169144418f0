package widget

import (
	"image"

	"github.com/xfar/xfar/fonts"
	"github.com/xfar/xfar/protocol"
)

// Painter is what a tree paints on. Fill gets rectangles already clipped
// to what may change; Text must draw nothing outside clip. Colours are
// 0x00RRGGBB. Text is drawn like the protocol's DrawText with GXcopy:
// glyph coverage blended over what is there.
//
// *render.Image is the Painter of the pixels split (the application
// paints into it) and of the widgets split (the display server paints
// into the window's pixels); the draw split's painter in package
// xclient/ui sends the same fills and text as drawing requests, which the
// display server runs through the same render code.
type Painter interface {
	Fill(r image.Rectangle, color uint32)
	Text(clip image.Rectangle, x, y int, font fonts.ID, size int, color uint32, s string)
}

// The theme.
const (
	ColorBackground   = 0xeceff4
	ColorText         = 0x2e3440
	ColorBorder       = 0x4c566a
	ColorFocus        = 0x5e81ac
	ColorField        = 0xffffff
	ColorButton       = 0xd8dee9
	ColorButtonHover  = 0xe5e9f0
	ColorButtonDown   = 0x81a1c1
	ColorSelected     = 0x5e81ac
	ColorSelectedText = 0xffffff
	ColorRowHover     = 0xe5e9f0
	ColorTrack        = 0xe5e9f0
	ColorThumb        = 0x81a1c1
)

// Paint paints the part clip of the window: the background, then every
// widget that meets it.
func (t *Tree) Paint(p Painter, clip image.Rectangle) {
	clip = clip.Intersect(image.Rectangle{Max: t.Size})
	if clip.Empty() {
		return
	}
	p.Fill(clip, ColorBackground)
	for _, n := range t.order {
		if n.Rect.Overlaps(clip) {
			t.paintNode(p, n, clip)
		}
	}
}

func fill(p Painter, clip, r image.Rectangle, c uint32) {
	if r = r.Intersect(clip); !r.Empty() {
		p.Fill(r, c)
	}
}

// border paints a one-pixel frame just inside r.
func border(p Painter, clip, r image.Rectangle, c uint32) {
	fill(p, clip, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+1), c)
	fill(p, clip, image.Rect(r.Min.X, r.Max.Y-1, r.Max.X, r.Max.Y), c)
	fill(p, clip, image.Rect(r.Min.X, r.Min.Y+1, r.Min.X+1, r.Max.Y-1), c)
	fill(p, clip, image.Rect(r.Max.X-1, r.Min.Y+1, r.Max.X, r.Max.Y-1), c)
}

func text(p Painter, clip, box image.Rectangle, x, y int, c uint32, s string) {
	if s == "" {
		return
	}
	if cl := clip.Intersect(box); !cl.Empty() {
		p.Text(cl, x, y, Font, FontSize, c, s)
	}
}

// baseline centres a line of text vertically in r.
func baseline(r image.Rectangle) int {
	lh, asc := Metrics()
	return r.Min.Y + (r.Dy()-lh)/2 + asc
}

func (t *Tree) paintNode(p Painter, n *Node, clip image.Rectangle) {
	r := n.Rect
	switch n.Kind {
	case protocol.WidgetLabel:
		text(p, clip, r, r.Min.X+labelPadX, baseline(r), ColorText, n.Text)
	case protocol.WidgetButton:
		bg := uint32(ColorButton)
		switch {
		case t.Pressed == n.ID && t.Hover == n.ID:
			bg = ColorButtonDown
		case t.Hover == n.ID:
			bg = ColorButtonHover
		}
		border(p, clip, r, ColorBorder)
		fill(p, clip, r.Inset(1), bg)
		tx := r.Min.X + (r.Dx()-TextWidth(n.Text))/2
		text(p, clip, r.Inset(1), tx, baseline(r), ColorText, n.Text)
	case protocol.WidgetTextField:
		focused := t.Focus == n.ID
		if focused {
			border(p, clip, r, ColorFocus)
			border(p, clip, r.Inset(1), ColorFocus)
		} else {
			border(p, clip, r, ColorBorder)
			border(p, clip, r.Inset(1), ColorField)
		}
		in := fieldText(n)
		fill(p, clip, in, ColorField)
		x0 := in.Min.X + fieldPadX - n.ScrollX
		by := baseline(r)
		text(p, clip, in, x0, by, ColorText, n.Text)
		if s, e := selRange(n); s != e {
			lh, asc := Metrics()
			sel := image.Rect(x0+TextWidth(n.Text[:s]), by-asc, x0+TextWidth(n.Text[:e]), by-asc+lh).Intersect(in)
			fill(p, clip, sel, ColorSelected)
			text(p, clip.Intersect(sel), in, x0, by, ColorSelectedText, n.Text)
		}
		if focused {
			lh, asc := Metrics()
			cx := x0 + TextWidth(n.Text[:n.Caret])
			fill(p, clip.Intersect(in), image.Rect(cx, by-asc, cx+1, by-asc+lh), ColorText)
		}
	case protocol.WidgetList:
		bc := uint32(ColorBorder)
		if t.Focus == n.ID {
			bc = ColorFocus
		}
		border(p, clip, r, bc)
		in := listInner(n)
		fill(p, clip, in, ColorField)
		rows := listRows(n)
		rh := RowHeight()
		for i := n.Scroll; i < len(n.Items); i++ {
			y := rows.Min.Y + (i-n.Scroll)*rh
			if y >= rows.Max.Y {
				break
			}
			row := image.Rect(rows.Min.X, y, rows.Max.X, y+rh).Intersect(rows)
			fg := uint32(ColorText)
			switch {
			case i == n.Selected:
				fill(p, clip, row, ColorSelected)
				fg = ColorSelectedText
			case t.Hover == n.ID && t.HoverRow == i:
				fill(p, clip, row, ColorRowHover)
			}
			text(p, clip, row, row.Min.X+labelPadX, baseline(image.Rect(row.Min.X, y, row.Max.X, y+rh)), fg, n.Items[i])
		}
		if hasScrollbar(n) {
			track := image.Rect(rows.Max.X, in.Min.Y, in.Max.X, in.Max.Y)
			fill(p, clip, track, ColorTrack)
			vis, total := visibleRows(n), len(n.Items)
			th := max(track.Dy()*vis/total, 10)
			ty := track.Min.Y + (track.Dy()-th)*n.Scroll/(total-vis)
			fill(p, clip, image.Rect(track.Min.X+1, ty, track.Max.X-1, ty+th), ColorThumb)
		}
	case protocol.WidgetCanvas:
		border(p, clip, r, ColorBorder)
		in := canvasInner(n)
		fill(p, clip, in, ColorField)
		cl := clip.Intersect(in)
		for _, o := range n.Ops {
			x, y := in.Min.X+int(o.X), in.Min.Y+int(o.Y)
			switch o.Kind {
			case protocol.CanvasFill:
				fill(p, cl, image.Rect(x, y, x+int(o.W), y+int(o.H)), o.Color)
			case protocol.CanvasText:
				if o.Text != "" && !cl.Empty() {
					p.Text(cl, x, y, fonts.ID(o.Font), int(o.Size), o.Color, o.Text)
				}
			}
		}
	}
}
