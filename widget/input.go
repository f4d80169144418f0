package widget

import (
	"fmt"
	"image"
	"unicode/utf8"

	"github.com/xfar/xfar/protocol"
)

// InputKind says what an Input is.
type InputKind uint8

// Input kinds.
const (
	PointerMove InputKind = iota + 1
	ButtonDown
	ButtonUp
	PointerLeave // the pointer left the window
	KeyDown
)

// Input is one input event in window coordinates.
type Input struct {
	Kind   InputKind
	X, Y   int
	Button int
	Keysym uint32
	Text   string
	// Mods holds the modifier bits (protocol.ShiftMask, ControlMask...).
	Mods uint16
}

// Event is a semantic event (protocol.Widget* kinds).
type Event struct {
	Kind   uint8
	Widget uint16
	// Index is a list's selected item (-1 none).
	Index int
	// Value is the widget's value: a field's text, the selected item, or
	// for Clicked the value of the button's Ref widget.
	Value string
}

// WheelRows is how many list rows a wheel step scrolls.
const WheelRows = 3

// Handle applies one input event: it updates the interaction state and
// returns the semantic events it caused and the window areas to repaint.
func (t *Tree) Handle(in Input) (evs []Event, damage []image.Rectangle) {
	h := &handler{t: t}
	switch in.Kind {
	case PointerMove:
		h.hover(image.Pt(in.X, in.Y))
		if n := t.byID[t.Dragging]; n != nil {
			h.pointerSelect(n, image.Pt(in.X, in.Y), true)
		}
	case PointerLeave:
		h.setHover(0, -1)
	case ButtonDown:
		p := image.Pt(in.X, in.Y)
		h.hover(p)
		h.press(p, in.Button, in.Mods)
	case ButtonUp:
		p := image.Pt(in.X, in.Y)
		h.hover(p)
		if n := t.byID[t.Dragging]; n != nil && in.Button == 1 {
			t.Dragging = 0
			h.ownPrimary(n)
		}
		if in.Button == 1 && t.Pressed != 0 {
			b := t.byID[t.Pressed]
			t.Pressed = 0
			h.dirty(b)
			if b != nil && p.In(b.Rect) {
				h.emit(Event{Kind: protocol.WidgetClicked, Widget: b.ID, Index: -1, Value: t.refValue(b)})
			}
		}
	case KeyDown:
		h.key(in.Keysym, in.Text, in.Mods)
	}
	return h.evs, h.damage
}

type handler struct {
	t      *Tree
	evs    []Event
	damage []image.Rectangle
}

func (h *handler) dirty(n *Node) {
	if n == nil {
		return
	}
	for _, d := range h.damage {
		if d == n.Rect {
			return
		}
	}
	h.damage = append(h.damage, n.Rect)
}

func (h *handler) emit(e Event) { h.evs = append(h.evs, e) }

func (t *Tree) refValue(b *Node) string {
	if r := t.byID[b.Ref]; r != nil && b.Ref != 0 {
		return r.Value()
	}
	return ""
}

// widgetAt returns the deepest widget at p that reacts to the pointer.
func (t *Tree) widgetAt(p image.Point) *Node {
	for i := len(t.order) - 1; i >= 0; i-- {
		n := t.order[i]
		switch n.Kind {
		case protocol.WidgetButton, protocol.WidgetTextField, protocol.WidgetList:
			if p.In(n.Rect) {
				return n
			}
		}
	}
	return nil
}

func (h *handler) hover(p image.Point) {
	n := h.t.widgetAt(p)
	if n == nil {
		h.setHover(0, -1)
		return
	}
	row := -1
	if n.Kind == protocol.WidgetList {
		row = rowAt(n, p)
	}
	h.setHover(n.ID, row)
}

func (h *handler) setHover(id uint16, row int) {
	t := h.t
	if t.Hover == id && t.HoverRow == row {
		return
	}
	// Only buttons and list rows look different under the pointer.
	if old := t.byID[t.Hover]; old != nil && (old.Kind == protocol.WidgetButton || old.Kind == protocol.WidgetList && t.HoverRow >= 0) {
		h.dirty(old)
	}
	t.Hover, t.HoverRow = id, row
	if n := t.byID[id]; n != nil && (n.Kind == protocol.WidgetButton || n.Kind == protocol.WidgetList && row >= 0) {
		h.dirty(n)
	}
}

func (h *handler) focus(n *Node) {
	t := h.t
	if t.Focus == n.ID {
		return
	}
	h.dirty(t.byID[t.Focus])
	t.Focus = n.ID
	h.dirty(n)
}

func (h *handler) press(p image.Point, button int, mods uint16) {
	t := h.t
	n := t.widgetAt(p)
	if n == nil {
		return
	}
	switch {
	case button == 1 && n.Kind == protocol.WidgetButton:
		t.Pressed = n.ID
		h.dirty(n)
	case button == 1 && n.Kind == protocol.WidgetTextField:
		h.focus(n)
		h.pointerSelect(n, p, mods&protocol.ShiftMask != 0)
		t.Dragging = n.ID
	case button == 2 && n.Kind == protocol.WidgetTextField:
		// X's middle-click paste: PRIMARY, at the pointer.
		h.focus(n)
		h.pointerSelect(n, p, false)
		t.request(ClipRequest{Op: ClipPaste, Selection: protocol.Primary, Widget: n.ID})
	case button == 1 && n.Kind == protocol.WidgetList:
		h.focus(n)
		if i := rowAt(n, p); i >= 0 {
			h.selectItem(n, i)
		}
	case (button == 4 || button == 5) && n.Kind == protocol.WidgetList:
		d := WheelRows
		if button == 4 {
			d = -d
		}
		h.scroll(n, n.Scroll+d)
		h.hover(p)
	}
}

// caretAt returns the character boundary nearest to x pixels into n's text.
func caretAt(n *Node, x int) int {
	best, bestD := 0, abs(x)
	for i := range n.Text {
		if i == 0 {
			continue
		}
		if d := abs(TextWidth(n.Text[:i]) - x); d < bestD {
			best, bestD = i, d
		}
	}
	if d := abs(TextWidth(n.Text) - x); d < bestD {
		best = len(n.Text)
	}
	return best
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func (h *handler) scroll(n *Node, s int) {
	if s = clampScroll(n, s); s != n.Scroll {
		n.Scroll = s
		h.dirty(n)
	}
}

// selectItem selects item i of list n, scrolls it into view and reports it.
func (h *handler) selectItem(n *Node, i int) {
	if i < 0 || i >= len(n.Items) {
		return
	}
	if n.Selected != i {
		n.Selected = i
		h.dirty(n)
	}
	if i < n.Scroll {
		h.scroll(n, i)
	} else if vis := visibleRows(n); i >= n.Scroll+vis {
		h.scroll(n, i-vis+1)
	}
	h.emit(Event{Kind: protocol.WidgetSelected, Widget: n.ID, Index: i, Value: n.Items[i]})
}

func (h *handler) key(keysym uint32, typed string, mods uint16) {
	t := h.t
	switch keysym {
	case protocol.KeyTab:
		h.focusNext(1)
		return
	case keyISOLeftTab: // Shift+Tab
		h.focusNext(-1)
		return
	}
	n := t.byID[t.Focus]
	if n == nil {
		return
	}
	switch n.Kind {
	case protocol.WidgetTextField:
		if !h.clipKey(n, keysym, mods) {
			h.editField(n, keysym, typed)
		}
	case protocol.WidgetList:
		vis := visibleRows(n)
		switch keysym {
		case protocol.KeyUp:
			h.selectItem(n, max(n.Selected-1, 0))
		case protocol.KeyDown:
			h.selectItem(n, min(n.Selected+1, len(n.Items)-1))
		case protocol.KeyPageUp:
			h.selectItem(n, max(n.Selected-vis, 0))
		case protocol.KeyPageDown:
			h.selectItem(n, min(n.Selected+vis, len(n.Items)-1))
		case protocol.KeyHome:
			h.selectItem(n, 0)
		case protocol.KeyEnd:
			h.selectItem(n, len(n.Items)-1)
		}
	}
}

// keyISOLeftTab is the keysym of Shift+Tab (see package keyboard).
const keyISOLeftTab = 0xfe20

// focusNext moves the focus to the next focusable widget in tab order,
// or the previous one for dir -1.
func (h *handler) focusNext(dir int) {
	t := h.t
	start := -1
	for i, n := range t.order {
		if n.ID == t.Focus {
			start = i
		}
	}
	if start < 0 && dir < 0 {
		start = len(t.order)
	}
	for k := 1; k <= len(t.order); k++ {
		n := t.order[((start+dir*k)%len(t.order)+len(t.order))%len(t.order)]
		if n.Focusable() {
			h.focus(n)
			return
		}
	}
}

func (h *handler) editField(n *Node, keysym uint32, typed string) {
	old, oldCaret := n.Text, n.Caret
	switch keysym {
	case protocol.KeyReturn, protocol.KeyKPEnter:
		h.emit(Event{Kind: protocol.WidgetSubmitted, Widget: n.ID, Index: -1, Value: n.Text})
		return
	case protocol.KeyBackSpace:
		if deleteSelection(n) {
			break
		}
		if n.Caret > 0 {
			_, sz := utf8.DecodeLastRuneInString(n.Text[:n.Caret])
			n.Text = n.Text[:n.Caret-sz] + n.Text[n.Caret:]
			n.Caret -= sz
		}
	case protocol.KeyDelete:
		if deleteSelection(n) {
			break
		}
		if n.Caret < len(n.Text) {
			_, sz := utf8.DecodeRuneInString(n.Text[n.Caret:])
			n.Text = n.Text[:n.Caret] + n.Text[n.Caret+sz:]
		}
	case protocol.KeyLeft, protocol.KeyRight, protocol.KeyHome, protocol.KeyEnd:
		if s, e := selRange(n); s != e && (keysym == protocol.KeyLeft || keysym == protocol.KeyRight) {
			// An arrow collapses a selection to its side.
			n.Caret = s
			if keysym == protocol.KeyRight {
				n.Caret = e
			}
		} else {
			moveCaret(n, keysym)
		}
		hadSel := n.Anchor != n.Caret
		n.Anchor = n.Caret
		if hadSel {
			h.dirty(n)
		}
	default:
		ins := printable(typed)
		s, e := selRange(n)
		if ins == "" || len(n.Text)-(e-s)+len(ins) > protocol.MaxWidgetText {
			return
		}
		insertText(n, ins)
	}
	n.Anchor = n.Caret
	if n.Text == old && n.Caret == oldCaret {
		return
	}
	h.edited(n, old)
}

// printable drops control characters and invalid UTF-8 from typed text.
func printable(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r >= 0x20 && r != 0x7f && r != utf8.RuneError && !(r >= 0x80 && r < 0xa0) {
			out = append(out, r)
		}
	}
	return string(out)
}

// Update changes one property of a widget (UpdateWidget's semantics) and
// returns the area to repaint. Layout does not change: an update repaints
// but never moves widgets.
func (t *Tree) Update(id uint16, prop uint8, value int, strs []string, ops []protocol.CanvasOp) ([]image.Rectangle, error) {
	n := t.byID[id]
	if n == nil {
		return nil, fmt.Errorf("widget %d: %w", id, ErrNoWidget)
	}
	h := &handler{t: t}
	bad := fmt.Errorf("property %d of widget %d (kind %d): %w", prop, id, n.Kind, ErrProperty)
	switch prop {
	case protocol.PropText:
		if n.Kind == protocol.WidgetColumn || n.Kind == protocol.WidgetRow || n.Kind == protocol.WidgetList ||
			n.Kind == protocol.WidgetCanvas || len(strs) != 1 {
			return nil, bad
		}
		n.Text = strs[0]
		n.Caret = len(n.Text)
		n.Anchor = n.Caret
		if n.Kind == protocol.WidgetTextField {
			n.ScrollX = 0
			fitCaret(n)
		}
	case protocol.PropItems, protocol.PropAppend:
		if n.Kind != protocol.WidgetList {
			return nil, bad
		}
		base := n.Items
		if prop == protocol.PropItems {
			base = nil
		}
		if len(base)+len(strs) > protocol.MaxWidgetItems {
			return nil, fmt.Errorf("widget %d: %d items, limit %d: %w", id, len(base)+len(strs), protocol.MaxWidgetItems, ErrProperty)
		}
		n.Items = append(append([]string(nil), base...), strs...)
		n.Selected = clampSel(n.Selected, len(n.Items))
		n.Scroll = clampScroll(n, n.Scroll)
	case protocol.PropSelected:
		if n.Kind != protocol.WidgetList || value >= len(n.Items) {
			return nil, bad
		}
		n.Selected = clampSel(value, len(n.Items))
		if n.Selected >= 0 {
			if n.Selected < n.Scroll {
				n.Scroll = n.Selected
			} else if vis := visibleRows(n); n.Selected >= n.Scroll+vis {
				n.Scroll = n.Selected - vis + 1
			}
		}
	case protocol.PropOps:
		if n.Kind != protocol.WidgetCanvas {
			return nil, bad
		}
		n.Ops = append([]protocol.CanvasOp(nil), ops...)
	case protocol.PropFocus:
		if !n.Focusable() {
			return nil, bad
		}
		h.focus(n)
	default:
		return nil, bad
	}
	h.dirty(n)
	return h.damage, nil
}
