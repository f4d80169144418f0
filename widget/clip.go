package widget

import (
	"image"
	"strings"
	"unicode/utf8"

	"github.com/xfar/xfar/protocol"
)

// Text fields select, copy, cut and paste. The model does no I/O: it
// records what the clipboard should do as ClipRequests, which the tree's
// owner carries out (the toolkit with xclient's clipboard calls in the
// pixels and draw splits, the display server with its own selections in
// the widgets split) and, for a paste, answers with Paste.
//
// Keys: Ctrl+C and Ctrl+Insert copy the selection to CLIPBOARD, Ctrl+X and
// Shift+Delete cut it, Ctrl+V and Shift+Insert paste CLIPBOARD, Ctrl+A
// selects all; Shift with Left, Right, Home and End extends the
// selection. The pointer: button 1 pressed and dragged selects, Shift
// with button 1 extends; button 2 pastes PRIMARY at the pointer. Any
// non-empty selection becomes PRIMARY, as in X.

// ClipOp says what a ClipRequest asks.
type ClipOp uint8

// Clipboard operations.
const (
	// ClipSet: make Text the content of Selection (text/plain).
	ClipSet ClipOp = iota + 1
	// ClipPaste: read Selection's text and hand it to Paste for Widget.
	ClipPaste
)

// ClipRequest is a clipboard operation the tree's owner carries out.
type ClipRequest struct {
	Op        ClipOp
	Selection protocol.Selection
	Widget    uint16
	Text      string
}

// TakeClip returns the clipboard requests input caused since the last
// call, oldest first, and forgets them.
func (t *Tree) TakeClip() []ClipRequest {
	r := t.clip
	t.clip = nil
	return r
}

func (t *Tree) request(r ClipRequest) {
	// Only the newest of each kind matters; a flood of drag moves must not
	// grow the list.
	for i, o := range t.clip {
		if o.Op == r.Op && o.Selection == r.Selection {
			t.clip = append(t.clip[:i], t.clip[i+1:]...)
			break
		}
	}
	t.clip = append(t.clip, r)
}

// selRange returns a text field's selection as byte offsets, start <= end.
func selRange(n *Node) (int, int) {
	a, c := n.Anchor, n.Caret
	if a < 0 || a > len(n.Text) {
		a = c
	}
	if a > c {
		a, c = c, a
	}
	return a, c
}

// SelectedText returns a text field's selected text, "" when none.
func (n *Node) SelectedText() string {
	s, e := selRange(n)
	return n.Text[s:e]
}

// deleteSelection removes the selected text; it reports whether there was
// any.
func deleteSelection(n *Node) bool {
	s, e := selRange(n)
	if s == e {
		return false
	}
	n.Text = n.Text[:s] + n.Text[e:]
	n.Caret, n.Anchor = s, s
	return true
}

// insertText replaces the selection with s, one line of printable text,
// within the field's limit.
func insertText(n *Node, s string) {
	s = printable(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s))
	deleteSelection(n)
	if room := protocol.MaxWidgetText - len(n.Text); len(s) > room {
		for room > 0 && !utf8.RuneStart(s[room]) {
			room--
		}
		s = s[:max(room, 0)]
	}
	n.Text = n.Text[:n.Caret] + s + n.Text[n.Caret:]
	n.Caret += len(s)
	n.Anchor = n.Caret
}

// ownPrimary asks for the field's selection to become PRIMARY.
func (h *handler) ownPrimary(n *Node) {
	if s := n.SelectedText(); s != "" {
		h.t.request(ClipRequest{Op: ClipSet, Selection: protocol.Primary, Widget: n.ID, Text: s})
	}
}

// clipKey handles the clipboard and selection keys of a focused text
// field; it reports whether the key was one of them.
func (h *handler) clipKey(n *Node, keysym uint32, mods uint16) bool {
	t := h.t
	ctrl, shift := mods&protocol.ControlMask != 0, mods&protocol.ShiftMask != 0
	copySel := func() {
		if s := n.SelectedText(); s != "" {
			t.request(ClipRequest{Op: ClipSet, Selection: protocol.Clipboard, Widget: n.ID, Text: s})
		}
	}
	paste := func(sel protocol.Selection) {
		t.request(ClipRequest{Op: ClipPaste, Selection: sel, Widget: n.ID})
	}
	switch {
	case ctrl && (keysym == 'c' || keysym == 'C' || keysym == protocol.KeyInsert):
		copySel()
	case ctrl && (keysym == 'x' || keysym == 'X'), shift && keysym == protocol.KeyDelete:
		copySel()
		h.edit(n, func() { deleteSelection(n) })
	case ctrl && (keysym == 'v' || keysym == 'V'), shift && !ctrl && keysym == protocol.KeyInsert:
		paste(protocol.Clipboard)
	case ctrl && (keysym == 'a' || keysym == 'A'):
		n.Anchor, n.Caret = 0, len(n.Text)
		fitCaret(n)
		h.dirty(n)
		h.ownPrimary(n)
	case shift && (keysym == protocol.KeyLeft || keysym == protocol.KeyRight || keysym == protocol.KeyHome || keysym == protocol.KeyEnd):
		if n.Anchor < 0 || n.Anchor > len(n.Text) {
			n.Anchor = n.Caret
		}
		moveCaret(n, keysym)
		fitCaret(n)
		h.dirty(n)
		h.ownPrimary(n)
	case ctrl:
		// Other Ctrl chords type nothing in a field.
	default:
		return false
	}
	return true
}

// moveCaret moves a text field's caret for Left, Right, Home or End.
func moveCaret(n *Node, keysym uint32) {
	switch keysym {
	case protocol.KeyLeft:
		if n.Caret > 0 {
			_, sz := utf8.DecodeLastRuneInString(n.Text[:n.Caret])
			n.Caret -= sz
		}
	case protocol.KeyRight:
		if n.Caret < len(n.Text) {
			_, sz := utf8.DecodeRuneInString(n.Text[n.Caret:])
			n.Caret += sz
		}
	case protocol.KeyHome:
		n.Caret = 0
	case protocol.KeyEnd:
		n.Caret = len(n.Text)
	}
}

// edit applies a change to a field's text, then repaints it and reports
// the change as editField does.
func (h *handler) edit(n *Node, change func()) {
	old := n.Text
	change()
	h.edited(n, old)
}

// edited repaints a field whose text or caret changed, keeping the caret
// in view, and reports a change of its text from old.
func (h *handler) edited(n *Node, old string) {
	fitCaret(n)
	h.dirty(n)
	if n.Text != old && n.Flags&protocol.WidgetNotifyChange != 0 {
		h.emit(Event{Kind: protocol.WidgetChanged, Widget: n.ID, Index: -1, Value: n.Text})
	}
}

// pointerSelect handles button 1 pressed (extend: Shift held) or dragged
// to p in text field n.
func (h *handler) pointerSelect(n *Node, p image.Point, extend bool) {
	c := caretAt(n, p.X-(fieldText(n).Min.X+fieldPadX-n.ScrollX))
	if !extend {
		n.Anchor = c
	}
	if c != n.Caret || !extend {
		n.Caret = c
		fitCaret(n)
		h.dirty(n)
	}
}

// Paste inserts text into text field id at its caret, replacing its
// selection, as if typed: the answer to a ClipPaste request. It returns
// the semantic events and the areas to repaint, as Handle does.
func (t *Tree) Paste(id uint16, text string) ([]Event, []image.Rectangle) {
	n := t.byID[id]
	if n == nil || n.Kind != protocol.WidgetTextField || text == "" {
		return nil, nil
	}
	h := &handler{t: t}
	h.edit(n, func() { insertText(n, text) })
	return h.evs, h.damage
}
