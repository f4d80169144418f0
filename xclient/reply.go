package xclient

import (
	"context"
	"fmt"
	"sync"

	"github.com/xfar/xfar/protocol"
)

// Cookie is a request whose reply has not been read yet (X's cookie, a
// future). Reply may be called from any goroutine, more than once.
type Cookie[T any] struct {
	c      *Conn
	p      *pending
	decode func([]byte) (T, error)
	err    error // the request could not be sent

	mu  sync.Mutex
	got bool
	val T
	rep error
}

// ask queues a request that has a reply and returns its cookie. The
// pending entry is registered under the output lock, before the request
// can possibly reach the server, so no reply can beat its waiter.
func ask[T any](c *Conn, r protocol.Request, decode func([]byte) (T, error)) *Cookie[T] {
	k := &Cookie[T]{c: c, decode: decode}
	k.p = &pending{op: r.Opcode(), done: make(chan result, 1)}
	c.outMu.Lock()
	_, err := c.sendLocked(r, k.p)
	c.outMu.Unlock()
	if err != nil && k.p.seq == 0 {
		// Never queued: nothing will answer it.
		k.err = fmt.Errorf("%v: %w", r.Opcode(), err)
	}
	// If it was queued but the flush that followed failed, the reader's
	// failure delivers the connection error to the pending entry.
	return k
}

// Sequence returns the request's sequence number (0 if it was never sent).
func (k *Cookie[T]) Sequence() uint32 { return k.p.seq }

// Reply flushes queued requests and waits for the reply. A protocol error
// answering the request is returned as a *protocol.Error; a lost
// connection as an error wrapping ErrClosed.
func (k *Cookie[T]) Reply() (T, error) { return k.ReplyContext(context.Background()) }

// ReplyContext is Reply, giving up (without consuming the reply) when ctx
// ends.
func (k *Cookie[T]) ReplyContext(ctx context.Context) (T, error) {
	var zero T
	if k.err != nil {
		return zero, k.err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.got {
		// A failed flush closes the connection, and the reader then fails
		// this pending reply, so waiting below cannot hang on it.
		_ = k.c.Flush()
		select {
		case res := <-k.p.done:
			k.got = true
			if res.err != nil {
				k.rep = res.err
			} else {
				k.val, k.rep = k.decode(res.data)
			}
		case <-ctx.Done():
			return zero, ctx.Err()
		}
	}
	return k.val, k.rep
}

// SyncAsync queues a Sync request: its reply means the server has handled
// every request sent before it.
func (c *Conn) SyncAsync() *Cookie[struct{}] {
	return ask(c, &protocol.Sync{}, func(data []byte) (struct{}, error) {
		if len(data) != 0 {
			return struct{}{}, fmt.Errorf("Sync reply: %w: %d bytes of data", protocol.ErrBadReply, len(data))
		}
		return struct{}{}, nil
	})
}

// Sync waits until the server has handled every request sent so far. Any
// asynchronous error those requests caused is in the event queue by the
// time it returns.
func (c *Conn) Sync() error {
	_, err := c.SyncAsync().Reply()
	return err
}

// GetGeometryAsync queues a GetGeometry request.
func (c *Conn) GetGeometryAsync(d Drawable) *Cookie[*protocol.GeometryReply] {
	return ask(c, &protocol.IDRequest{Op: protocol.OpGetGeometry, ID: did(d)}, protocol.DecodeGeometryReply)
}

// GetGeometry returns a drawable's position (in its parent), size, border
// width and whether it is mapped.
func (c *Conn) GetGeometry(d Drawable) (*protocol.GeometryReply, error) {
	return c.GetGeometryAsync(d).Reply()
}

// QueryTreeAsync queues a QueryTree request.
func (c *Conn) QueryTreeAsync(w Window) *Cookie[*protocol.TreeReply] {
	return ask(c, &protocol.IDRequest{Op: protocol.OpQueryTree, ID: uint32(w)}, protocol.DecodeTreeReply)
}

// QueryTree returns a window's root, parent and children (bottom first).
func (c *Conn) QueryTree(w Window) (*protocol.TreeReply, error) {
	return c.QueryTreeAsync(w).Reply()
}

// QueryPointerAsync queues a QueryPointer request.
func (c *Conn) QueryPointerAsync(w Window) *Cookie[*protocol.PointerReply] {
	return ask(c, &protocol.IDRequest{Op: protocol.OpQueryPointer, ID: uint32(w)}, protocol.DecodePointerReply)
}

// QueryPointer returns the pointer's position relative to the root and to
// w, and the modifier and button state.
func (c *Conn) QueryPointer(w Window) (*protocol.PointerReply, error) {
	return c.QueryPointerAsync(w).Reply()
}
