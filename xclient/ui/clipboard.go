package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/xfar/xfar/protocol"
	model "github.com/xfar/xfar/widget"
	"github.com/xfar/xfar/xclient"
)

// pasteTimeout bounds how long a paste waits for the selection's owner.
const pasteTimeout = 5 * time.Second

// clipboard carries out the text fields' clipboard requests in the draw
// and pixels splits, where the application runs the fields: a copy sets
// the display's selection through xclient, a paste reads it (short text
// that came with the owner's change costs no round trip) and inserts it.
// In the widgets split the display server does both itself.
func (w *Window) clipboard() error {
	for _, r := range w.tree.TakeClip() {
		switch r.Op {
		case model.ClipSet:
			if err := w.c.SetSelection(r.Selection, map[string][]byte{protocol.MimeText: []byte(r.Text)}); err != nil {
				return fmt.Errorf("ui: copy: %w", err)
			}
		case model.ClipPaste:
			ctx, cancel := context.WithTimeout(context.Background(), pasteTimeout)
			text, err := w.c.ReadSelection(ctx, r.Selection, protocol.MimeText)
			cancel()
			if errors.Is(err, xclient.ErrNoContent) || errors.Is(err, context.DeadlineExceeded) {
				continue // nothing to paste, as in X
			}
			if err != nil {
				return fmt.Errorf("ui: paste: %w", err)
			}
			evs, damage := w.tree.Paste(r.Widget, string(text))
			w.results(evs)
			if err := w.repaint(damage); err != nil {
				return err
			}
		}
	}
	return nil
}
