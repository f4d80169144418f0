package xclient

import (
	"fmt"

	"github.com/xfar/xfar/protocol"
)

// send queues one request and returns its sequence number.
func (c *Conn) send(r protocol.Request) (uint32, error) {
	c.outMu.Lock()
	defer c.outMu.Unlock()
	return c.sendLocked(r, nil)
}

// sendLocked encodes r into the output buffer, assigns it the next
// sequence number, registers p (when r asks for a reply) before anything
// can be flushed, and flushes when the buffer has grown past the threshold.
// The caller holds outMu.
func (c *Conn) sendLocked(r protocol.Request, p *pending) (uint32, error) {
	if c.outErr != nil {
		return 0, c.outErr
	}
	start := len(c.out)
	out, err := protocol.AppendRequest(c.out, r)
	if err != nil {
		return 0, err
	}
	if n := len(out) - start - protocol.HeaderSize; n > int(c.hello.MaxRequest) {
		c.out = out[:start]
		return 0, fmt.Errorf("%v: %d-byte body above the server's limit of %d: %w", r.Opcode(), n, c.hello.MaxRequest, protocol.ErrTooLong)
	}
	c.out = out
	c.trackDrawingLocked(r.Opcode(), start)
	c.seq++
	seq := c.seq
	if p != nil {
		p.seq = seq
		if err := c.register(p); err != nil {
			// The input side is gone, so no reply can come: answer the
			// waiter now.
			p.done <- result{err: err}
			return seq, err
		}
	}
	if len(c.out) >= flushThreshold {
		if err := c.flushLocked(); err != nil {
			return seq, err
		}
	}
	return seq, nil
}

// Flush sends every queued request to the server. Requests are also
// flushed before any wait and when the buffer passes 64 KiB.
func (c *Conn) Flush() error {
	c.outMu.Lock()
	defer c.outMu.Unlock()
	return c.flushLocked()
}

// flushLocked writes the output buffer through the codec and flushes the
// codec, so the server can decode the whole batch. A write error is
// sticky: the stream is no longer in a known state, so the connection is
// closed and every later request fails. The caller holds outMu.
func (c *Conn) flushLocked() error {
	if len(c.out) == 0 {
		return nil
	}
	if c.outErr != nil {
		return c.outErr
	}
	c.compactLocked()
	_, err := c.w.Write(c.out)
	if err == nil {
		err = c.w.Flush()
	}
	// Keep the buffer's memory unless one huge request (an image) grew it.
	if cap(c.out) > 4*flushThreshold {
		c.out = make([]byte, 0, flushThreshold+4096)
	} else {
		c.out = c.out[:0]
	}
	if err != nil {
		c.outErr = lostErr(fmt.Errorf("write: %w", err))
		if c.closed.Load() {
			c.outErr = ErrClosed
		}
		c.nc.Close() // makes the reader stop too
		return c.outErr
	}
	return nil
}

// LastSequence returns the sequence number of the most recent request
// queued on c (0 before the first). Right after a call on the same
// goroutine, with no other goroutine sending, it is that call's number: the
// Seq an asynchronous *protocol.Error about it will carry.
func (c *Conn) LastSequence() uint32 {
	c.outMu.Lock()
	defer c.outMu.Unlock()
	return c.seq
}

// lostErr wraps the cause of a lost connection so that errors.Is finds
// both ErrClosed and the cause.
func lostErr(cause error) error {
	return fmt.Errorf("%w: %w", ErrClosed, cause)
}
