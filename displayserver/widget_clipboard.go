package displayserver

import (
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/widget"
)

// widgetClipboard carries out the clipboard requests of w's widget tree
// (the widgets split: the server runs the text fields, so it copies and
// pastes for them). A copy makes the display server the selection's
// owner, holding the text; a paste streams the selection into a sink that
// inserts the text when the transfer ends, on the state goroutine, without
// ever waiting for the owner.
func (st *state) widgetClipboard(w *window) {
	for _, r := range w.widgets.Tree().TakeClip() {
		switch r.Op {
		case widget.ClipSet:
			st.setHeldOffer(r.Selection, "widgets", protocol.MimeText, []byte(r.Text))
		case widget.ClipPaste:
			st.convert(r.Selection, protocol.MimeText, &widgetPasteSink{w: w, id: r.Widget})
		}
	}
}

// widgetPasteSink gathers a paste's text, at most what a field holds.
type widgetPasteSink struct {
	w    *window
	id   uint16
	text []byte
	done bool
}

func (s *widgetPasteSink) requestor() *client { return nil }

func (s *widgetPasteSink) put(st *state, status uint8, data []byte) {
	if s.done {
		return
	}
	if room := protocol.MaxWidgetText - len(s.text); room > 0 {
		s.text = append(s.text, data[:min(len(data), room)]...)
	}
	switch status {
	case protocol.DataMore:
		return
	case protocol.DataError:
		s.done = true
		return
	}
	s.done = true
	w := s.w
	if w.destroyed || w.widgets == nil {
		return
	}
	evs, damage := w.widgets.Paste(s.id, string(s.text))
	st.widgetResults(w, evs, damage)
}
