package widget_test

import (
	"reflect"
	"testing"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/widget"
)

func chord(tr *widget.Tree, k uint32, mods uint16) []widget.Event {
	evs, _ := tr.Handle(widget.Input{Kind: widget.KeyDown, Keysym: k, Mods: mods})
	return evs
}

// TestFieldSelectionAndClipboard: the text field's selection keys and
// clipboard keys edit the text and ask for the right clipboard work.
func TestFieldSelectionAndClipboard(t *testing.T) {
	tr := form(t)
	f := tr.Node(2)
	f.Flags |= protocol.WidgetNotifyChange
	typeText(tr, "hello world")
	for range 5 {
		chord(tr, protocol.KeyLeft, protocol.ShiftMask)
	}
	if s := f.SelectedText(); s != "world" {
		t.Fatalf("Shift+Left x5 selected %q", s)
	}
	want := []widget.ClipRequest{{Op: widget.ClipSet, Selection: protocol.Primary, Widget: 2, Text: "world"}}
	if got := tr.TakeClip(); !reflect.DeepEqual(got, want) {
		t.Fatalf("clip requests %+v, want only the newest PRIMARY %+v", got, want)
	}
	typeText(tr, "X")
	if f.Text != "hello X" || f.SelectedText() != "" {
		t.Fatalf("typing over the selection: %q (selected %q)", f.Text, f.SelectedText())
	}
	chord(tr, 'a', protocol.ControlMask)
	chord(tr, 'c', protocol.ControlMask)
	evs := chord(tr, 'x', protocol.ControlMask)
	if f.Text != "" || len(evs) != 1 || evs[0].Kind != protocol.WidgetChanged {
		t.Fatalf("Ctrl+X left %q, events %+v", f.Text, evs)
	}
	want = []widget.ClipRequest{
		{Op: widget.ClipSet, Selection: protocol.Primary, Widget: 2, Text: "hello X"},
		{Op: widget.ClipSet, Selection: protocol.Clipboard, Widget: 2, Text: "hello X"},
	}
	if got := tr.TakeClip(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Ctrl+A, Ctrl+C, Ctrl+X asked %+v, want %+v", got, want)
	}
	chord(tr, 'v', protocol.ControlMask)
	chord(tr, protocol.KeyInsert, protocol.ShiftMask)
	if got := tr.TakeClip(); len(got) != 1 || got[0].Op != widget.ClipPaste || got[0].Selection != protocol.Clipboard {
		t.Fatalf("Ctrl+V, Shift+Insert asked %+v, want one CLIPBOARD paste", got)
	}
	evs, _ = tr.Paste(2, "two\nlines\tand\x07 a bell")
	if f.Text != "two lines and a bell" || len(evs) != 1 || evs[0].Value != f.Text {
		t.Fatalf("paste: %q, events %+v", f.Text, evs)
	}

	// The pointer: a drag selects (and offers PRIMARY when released), the
	// middle button asks for PRIMARY at the pointer.
	r := f.Rect
	y := (r.Min.Y + r.Max.Y) / 2
	tr.Handle(widget.Input{Kind: widget.ButtonDown, X: r.Min.X + 1, Y: y, Button: 1})
	tr.Handle(widget.Input{Kind: widget.PointerMove, X: r.Max.X - 1, Y: y})
	tr.Handle(widget.Input{Kind: widget.ButtonUp, X: r.Max.X - 1, Y: y, Button: 1})
	if got := tr.TakeClip(); len(got) != 1 || got[0].Text != f.Text || got[0].Selection != protocol.Primary {
		t.Fatalf("drag asked %+v, want PRIMARY = %q", got, f.Text)
	}
	chord(tr, protocol.KeyBackSpace, 0)
	if f.Text != "" {
		t.Fatalf("BackSpace with everything selected left %q", f.Text)
	}
	tr.Handle(widget.Input{Kind: widget.ButtonDown, X: r.Min.X + 1, Y: y, Button: 2})
	if got := tr.TakeClip(); len(got) != 1 || got[0].Op != widget.ClipPaste || got[0].Selection != protocol.Primary {
		t.Fatalf("middle button asked %+v, want a PRIMARY paste", got)
	}
}
