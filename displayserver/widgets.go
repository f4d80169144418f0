package displayserver

import (
	"errors"
	"image"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/displayserver/widgets"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/widget"
)

// handleWidgets applies the widget requests (SPEC.md §18).
func (st *state) handleWidgets(c *client, seq uint32, req protocol.Request) *protocol.Error {
	op := req.Opcode()
	switch r := req.(type) {
	case *protocol.CreateWidgetTree:
		w, e := st.lookupWindow(c, seq, op, r.Window, modify)
		if e != nil {
			return e
		}
		if w.widgets != nil {
			return errorf(seq, op, protocol.BadAccess, r.Window, "window %#x already has a widget tree", r.Window)
		}
		s, err := widgets.New(r.Nodes, w.img)
		if err != nil {
			return errorf(seq, op, protocol.BadValue, r.Window, "widget tree: %v", err)
		}
		w.widgets = s
		st.widgetWindows[w] = struct{}{}
		st.damageInside(w, w.img.Bounds())
	case *protocol.UpdateWidget:
		w, e := st.lookupWindow(c, seq, op, r.Window, modify)
		if e != nil {
			return e
		}
		if w.widgets == nil {
			return errorf(seq, op, protocol.BadAccess, r.Window, "window %#x has no widget tree", r.Window)
		}
		damage, err := w.widgets.Update(r)
		for _, d := range damage {
			st.damageInside(w, d)
		}
		switch {
		case errors.Is(err, widget.ErrNoWidget):
			return errorf(seq, op, protocol.BadValue, uint32(r.Widget), "%v", err)
		case err != nil:
			return errorf(seq, op, protocol.BadMatch, uint32(r.Widget), "%v", err)
		}
	case *protocol.QueryWidget:
		w, e := st.lookupWindow(c, seq, op, r.Window, modify)
		if e != nil {
			return e
		}
		if w.widgets == nil {
			return errorf(seq, op, protocol.BadAccess, r.Window, "window %#x has no widget tree", r.Window)
		}
		rep, err := w.widgets.Tree().Query(r.Widget)
		if err != nil {
			return errorf(seq, op, protocol.BadValue, uint32(r.Widget), "%v", err)
		}
		st.reply(c, func(b []byte) []byte { return protocol.AppendWidgetReply(b, seq, rep) })
	}
	return nil
}

// widgetInput lets widget trees handle a viewer's input locally, after
// the usual X processing (clients that select core events still get
// them). The window under the pointer gets pointer input; a tree holding
// a pressed button gets pointer input wherever it happens; trees the
// pointer left lose their hover; the focus window's tree gets keys.
func (st *state) widgetInput(ev feed.InputEvent) {
	if st.wm.drag != nil {
		return
	}
	if ev.Kind == feed.KeyDown {
		if f := st.focus; f != nil && !f.destroyed && f.widgets != nil && f.viewable() {
			st.widgetEvent(f, widget.Input{Kind: widget.KeyDown, Keysym: ev.Keysym, Text: ev.Text, Mods: ev.Mods})
		}
		return
	}
	var kind widget.InputKind
	switch ev.Kind {
	case feed.PointerMove:
		kind = widget.PointerMove
	case feed.ButtonDown:
		kind = widget.ButtonDown
	case feed.ButtonUp:
		kind = widget.ButtonUp
	default:
		return
	}
	if len(st.widgetWindows) == 0 {
		return
	}
	target := st.windowAt(st.pointer)
	for w := range st.widgetWindows {
		if !w.viewable() {
			continue
		}
		o := w.origin()
		in := widget.Input{Kind: kind, X: st.pointer.X - o.X, Y: st.pointer.Y - o.Y, Button: ev.Button, Mods: ev.Mods}
		switch {
		case w == target, w.widgets.Pressed():
			// A pressed button holds the pointer, as X's implicit grab
			// does in the draw split.
			st.widgetEvent(w, in)
		case w.widgets.Busy():
			st.widgetEvent(w, widget.Input{Kind: widget.PointerLeave})
		}
	}
}

// widgetEvent runs one input event through w's tree, records the damage
// and sends the semantic events to the clients selecting them.
func (st *state) widgetEvent(w *window, in widget.Input) {
	evs, damage := w.widgets.Input(in)
	st.widgetResults(w, evs, damage)
	st.widgetClipboard(w)
}

// widgetResults records a tree's damage and sends its semantic events to
// the clients selecting them.
func (st *state) widgetResults(w *window, evs []widget.Event, damage []image.Rectangle) {
	for _, d := range damage {
		st.damageInside(w, d)
	}
	for _, e := range evs {
		pe := protocol.Event{Code: protocol.WidgetNotify, Detail: e.Kind, Child: uint32(e.Widget),
			Keysym: protocol.NoIndex, Text: e.Value}
		if e.Index >= 0 {
			pe.Keysym = uint32(e.Index)
		}
		if len(e.Value) > protocol.MaxEventText {
			pe.Count = 1
		}
		st.deliver(w, protocol.WidgetNotifyMask, pe)
	}
}
