package displayserver

import (
	"context"
	"slices"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
)

// Cursor is the pointer's look (feed.Cursor).
type Cursor = feed.Cursor

// The pointer's look follows X: the cursor of the deepest window under the
// pointer that set one (SetCursor), else its nearest ancestor's, else the
// arrow; the window manager's own on frame edges (resize arrows), title
// bars and menus, and while it drags.

// resizeCursors names the cursor of each protocol.MoveResize direction.
var resizeCursors = [...]string{
	protocol.MoveResizeTopLeft: "nwse-resize", protocol.MoveResizeTop: "ns-resize",
	protocol.MoveResizeTopRight: "nesw-resize", protocol.MoveResizeRight: "ew-resize",
	protocol.MoveResizeBottomRight: "nwse-resize", protocol.MoveResizeBottom: "ns-resize",
	protocol.MoveResizeBottomLeft: "nesw-resize", protocol.MoveResizeLeft: "ew-resize",
	protocol.MoveResizeMove: "move",
}

// cursorAt works out the cursor the pointer should show now.
func (st *state) cursorAt() Cursor {
	p := st.pointer
	if st.wm.drag != nil {
		return Cursor{Name: resizeCursors[st.wm.dragDir]}
	}
	if m := st.wm.menu; m != nil && p.In(m.at) {
		st.damage(m.at) // its hover row follows the pointer
		return Cursor{Name: "default"}
	}
	if st.grab == nil {
		if _, dir, ok := st.frameEdgeAt(p); ok {
			return Cursor{Name: resizeCursors[dir]}
		}
		if _, onDeco := st.topLevelAt(p); onDeco {
			return Cursor{Name: "default"}
		}
	}
	w := st.grab
	if w == nil {
		w = st.windowAt(p)
	}
	for ; w != nil; w = w.parent {
		if w.wm != nil && w.wm.cursor != nil {
			return *w.wm.cursor
		}
	}
	return Cursor{Name: "default"}
}

// updateCursor recomputes the cursor and tells the watchers when it
// changed.
func (st *state) updateCursor() {
	c := st.cursorAt()
	old := st.wm.cursor
	if c.Name == old.Name && c.Size == old.Size && c.Hot == old.Hot && slices.Equal(c.Pix, old.Pix) && st.wm.cursorSeq > 0 {
		return
	}
	st.wm.cursor = c
	st.wm.cursorSeq++
	for ch := range st.wm.cursorSubs {
		select {
		case ch <- struct{}{}:
		default: // already signalled; the watcher reads the latest
		}
	}
}

// WatchCursor implements feed.CursorSource.
func (s *Server) WatchCursor(ctx context.Context, fn func(Cursor)) error {
	ch := make(chan struct{}, 1)
	if !s.st.do(func(st *state) {
		if st.wm.cursorSubs == nil {
			st.wm.cursorSubs = map[chan struct{}]struct{}{}
		}
		st.wm.cursorSubs[ch] = struct{}{}
	}) {
		return feed.ErrClosed
	}
	defer s.st.do(func(st *state) { delete(st.wm.cursorSubs, ch) })
	var seen uint64
	for {
		var c Cursor
		var seq uint64
		if !s.st.do(func(st *state) {
			if st.wm.cursorSeq == 0 {
				st.updateCursor()
			}
			c, seq = st.wm.cursor, st.wm.cursorSeq
		}) {
			return feed.ErrClosed
		}
		if seq != seen {
			seen = seq
			fn(c)
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.ctx.Done():
			return feed.ErrClosed
		}
	}
}
