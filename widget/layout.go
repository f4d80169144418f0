package widget

import (
	"image"

	"github.com/xfar/xfar/fonts"
	"github.com/xfar/xfar/protocol"
)

// Layout constants, in pixels.
const (
	// Margin surrounds the root widget inside the window.
	Margin = 8
	// Spacing separates the children of a row or column.
	Spacing = 6
	// Font and FontSize are the face every widget uses.
	Font     = fonts.Regular
	FontSize = 14
	// ScrollbarWidth is the width of a list's scroll bar.
	ScrollbarWidth = 6
	labelPadX      = 4
	buttonPadX     = 12
	fieldPadX      = 5
	rowPad         = 6 // a list row is the line height plus this
	naturalFieldW  = 160
	naturalListW   = 160
	naturalListRow = 5
	naturalCanvasW = 100
	naturalCanvasH = 60
)

// Metrics returns the line height and the ascent of the widget face.
func Metrics() (lineHeight, ascent int) {
	_, asc, desc := fonts.Measure(Font, FontSize, "")
	return asc + desc, asc
}

// TextWidth is the advance of s in the widget face.
func TextWidth(s string) int {
	w, _, _ := fonts.Measure(Font, FontSize, s)
	return w
}

// RowHeight is the height of one list row.
func RowHeight() int {
	lh, _ := Metrics()
	return lh + rowPad
}

// PreferredSize is the window size that fits root: its natural size plus
// the margin.
func PreferredSize(root *Node) image.Point {
	p := natural(root)
	return p.Add(image.Pt(2*Margin, 2*Margin))
}

// natural is a widget's preferred size: what its content needs, at least
// its size hint.
func natural(n *Node) image.Point {
	lh, _ := Metrics()
	var p image.Point
	switch n.Kind {
	case protocol.WidgetLabel:
		p = image.Pt(TextWidth(n.Text)+2*labelPadX, lh+8)
	case protocol.WidgetButton:
		p = image.Pt(TextWidth(n.Text)+2*buttonPadX, lh+12)
	case protocol.WidgetTextField:
		p = image.Pt(naturalFieldW, lh+10)
	case protocol.WidgetList:
		// A height hint is the list's height, not a minimum over five rows.
		p = image.Pt(naturalListW, naturalListRow*RowHeight()+2)
		if n.H > 0 {
			p.Y = n.H
		}
	case protocol.WidgetCanvas:
		p = image.Pt(naturalCanvasW, naturalCanvasH)
		if n.W > 0 && n.H > 0 {
			p = image.Pt(n.W, n.H)
		}
	case protocol.WidgetColumn, protocol.WidgetRow:
		for i, c := range n.Children {
			q := natural(c)
			gap := 0
			if i > 0 {
				gap = Spacing
			}
			if n.Kind == protocol.WidgetColumn {
				p.X = max(p.X, q.X)
				p.Y += q.Y + gap
			} else {
				p.X += q.X + gap
				p.Y = max(p.Y, q.Y)
			}
		}
	}
	return image.Pt(max(p.X, n.W), max(p.Y, n.H))
}

// layout places n in r: a column gives every child its full width and
// its natural height, sharing the extra height among Expand children; a
// row does the same across.
func layout(n *Node, r image.Rectangle) {
	n.Rect = r
	if len(n.Children) == 0 {
		return
	}
	col := n.Kind == protocol.WidgetColumn
	sizes := make([]int, len(n.Children))
	used, expand := 0, 0
	for i, c := range n.Children {
		q := natural(c)
		if col {
			sizes[i] = q.Y
		} else {
			sizes[i] = q.X
		}
		used += sizes[i]
		if i > 0 {
			used += Spacing
		}
		if c.Flags&protocol.WidgetExpand != 0 {
			expand++
		}
	}
	avail := r.Dx()
	if col {
		avail = r.Dy()
	}
	if extra := avail - used; extra > 0 && expand > 0 {
		share, rest := extra/expand, extra%expand
		for i, c := range n.Children {
			if c.Flags&protocol.WidgetExpand != 0 {
				sizes[i] += share
				if rest > 0 {
					sizes[i]++
					rest--
				}
			}
		}
	}
	pos := r.Min
	for i, c := range n.Children {
		var cr image.Rectangle
		if col {
			cr = image.Rect(r.Min.X, pos.Y, r.Max.X, pos.Y+sizes[i])
			pos.Y += sizes[i] + Spacing
		} else {
			cr = image.Rect(pos.X, r.Min.Y, pos.X+sizes[i], r.Max.Y)
			pos.X += sizes[i] + Spacing
		}
		layout(c, cr)
	}
}

// fieldText is the area a text field's text is drawn in.
func fieldText(n *Node) image.Rectangle {
	return n.Rect.Inset(2)
}

// fitCaret scrolls a text field so that its caret is visible.
func fitCaret(n *Node) {
	vis := fieldText(n).Dx() - 2*fieldPadX + 2
	if vis < 1 {
		vis = 1
	}
	cx := TextWidth(n.Text[:n.Caret])
	if cx-n.ScrollX > vis-1 {
		n.ScrollX = cx - vis + 1
	}
	if cx < n.ScrollX {
		n.ScrollX = cx
	}
	if n.ScrollX < 0 {
		n.ScrollX = 0
	}
}

// listInner is a list's inside (within its border); listRows is the part
// its rows use (left of the scroll bar, when there is one).
func listInner(n *Node) image.Rectangle { return n.Rect.Inset(1) }

func visibleRows(n *Node) int {
	return max(listInner(n).Dy()/RowHeight(), 1)
}

func hasScrollbar(n *Node) bool { return len(n.Items) > visibleRows(n) }

func listRows(n *Node) image.Rectangle {
	r := listInner(n)
	if hasScrollbar(n) {
		r.Max.X -= ScrollbarWidth
	}
	return r
}

func clampScroll(n *Node, s int) int {
	return max(0, min(s, len(n.Items)-visibleRows(n)))
}

// rowAt returns the list item at window point p, or -1.
func rowAt(n *Node, p image.Point) int {
	r := listRows(n)
	if !p.In(r) {
		return -1
	}
	i := n.Scroll + (p.Y-r.Min.Y)/RowHeight()
	if i >= len(n.Items) {
		return -1
	}
	return i
}

// canvasInner is where a canvas's ops draw; its ops' coordinates are
// relative to its top-left corner.
func canvasInner(n *Node) image.Rectangle { return n.Rect.Inset(1) }
