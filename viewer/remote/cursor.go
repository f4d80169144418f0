package remote

import (
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"io"
	"sync"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
)

// The pointer's look crosses the feed as msgCursor, sent by the server
// whenever it changes (and once at the start) when its source reports a
// cursor (feed.CursorSource):
//
//	name length u8, width u16, height u16, hot x u16, hot y u16,
//	name (a CSS cursor name, at most protocol.MaxCursorName bytes),
//	then for an image (name length 0) width*height pixels as u32
//	0xAARRGGBB, at most protocol.MaxCursorSize a side.
//
// Older viewers skip it, as any unknown type.
const msgCursor = 3

// cursorFixed is the size of a cursor payload's header.
const cursorFixed = 1 + 2 + 2 + 2 + 2

// appendCursor appends a whole msgCursor message.
func appendCursor(b []byte, c feed.Cursor) []byte {
	name := c.Name
	if len(name) > protocol.MaxCursorName {
		name = "default"
	}
	w, h := c.Size.X, c.Size.Y
	if name != "" || w <= 0 || h <= 0 || w > protocol.MaxCursorSize || h > protocol.MaxCursorSize || len(c.Pix) < w*h {
		w, h = 0, 0
		if name == "" {
			name = "default"
		}
	}
	n := cursorFixed + len(name) + 4*w*h
	b = append(b, msgCursor)
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	b = append(b, byte(len(name)))
	for _, v := range []int{w, h, c.Hot.X, c.Hot.Y} {
		b = binary.LittleEndian.AppendUint16(b, uint16(v))
	}
	b = append(b, name...)
	for _, p := range c.Pix[:w*h] {
		b = binary.LittleEndian.AppendUint32(b, p)
	}
	return b
}

// readCursor reads a msgCursor payload of n bytes, checking every bound.
func readCursor(r io.Reader, n int64) (feed.Cursor, error) {
	var c feed.Cursor
	if n < cursorFixed || n > cursorFixed+protocol.MaxCursorName+4*protocol.MaxCursorSize*protocol.MaxCursorSize {
		return c, protoErr("cursor of %d bytes", n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return c, fmt.Errorf("read cursor: %w", err)
	}
	nl := int(b[0])
	w, h := int(binary.LittleEndian.Uint16(b[1:])), int(binary.LittleEndian.Uint16(b[3:]))
	c.Hot = image.Pt(int(binary.LittleEndian.Uint16(b[5:])), int(binary.LittleEndian.Uint16(b[7:])))
	if nl > protocol.MaxCursorName || w > protocol.MaxCursorSize || h > protocol.MaxCursorSize ||
		int64(cursorFixed+nl+4*w*h) != n || (nl == 0) == (w*h == 0) {
		return c, protoErr("cursor: name of %d bytes, %dx%d image in %d bytes", nl, w, h, n)
	}
	c.Name = string(b[cursorFixed : cursorFixed+nl])
	if w*h > 0 {
		if c.Hot.X >= w || c.Hot.Y >= h {
			return c, protoErr("cursor hot spot %v outside %dx%d", c.Hot, w, h)
		}
		c.Size = image.Pt(w, h)
		c.Pix = make([]uint32, w*h)
		for i := range c.Pix {
			c.Pix[i] = binary.LittleEndian.Uint32(b[cursorFixed+nl+4*i:])
		}
	}
	return c, nil
}

// cursorState is the viewer side's copy of the remote cursor.
type cursorState struct {
	mu      sync.Mutex
	cur     feed.Cursor
	seq     uint64
	waiters map[chan struct{}]struct{}
}

func (cs *cursorState) set(c feed.Cursor) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.cur = c
	cs.seq++
	for ch := range cs.waiters {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// WatchCursor implements feed.CursorSource: the remote display's cursor.
func (c *Conn) WatchCursor(ctx context.Context, fn func(feed.Cursor)) error {
	cs := &c.cursor
	ch := make(chan struct{}, 1)
	cs.mu.Lock()
	if cs.waiters == nil {
		cs.waiters = map[chan struct{}]struct{}{}
	}
	cs.waiters[ch] = struct{}{}
	cs.mu.Unlock()
	defer func() {
		cs.mu.Lock()
		delete(cs.waiters, ch)
		cs.mu.Unlock()
	}()
	var seen uint64
	for {
		cs.mu.Lock()
		cur, seq := cs.cur, cs.seq
		cs.mu.Unlock()
		if seq != seen && seq != 0 {
			seen = seq
			fn(cur)
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-c.done:
			return feed.ErrClosed
		}
	}
}

// watchCursor sends the source's cursor changes to the viewer through
// send until ctx ends; nothing for a source without cursors.
func (ss *session) watchCursor(ctx context.Context, send func([]byte) error) {
	cs, ok := ss.srv.Source.(feed.CursorSource)
	if !ok {
		return
	}
	var b []byte
	cs.WatchCursor(ctx, func(c feed.Cursor) {
		b = appendCursor(b[:0], c)
		if err := send(b); err != nil {
			ss.cancel()
		}
	})
}
