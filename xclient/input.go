package xclient

import (
	"bufio"
	"context"
	"fmt"

	"github.com/xfar/xfar/protocol"
)

// item is one entry of the event queue: an event or an asynchronous error.
type item struct {
	ev  *protocol.Event
	err *protocol.Error
}

// pending is a request waiting for its reply. The reader delivers exactly
// one result into done (buffered, so the reader never blocks on it).
type pending struct {
	seq  uint32
	op   protocol.Opcode
	done chan result
}

type result struct {
	data []byte
	err  error
}

// maxReadBuf is the largest read buffer the reader keeps between messages;
// a bigger one (a GetImage reply) is dropped after use.
const maxReadBuf = 1 << 20

// readLoop is the reader goroutine: it decodes every server message,
// hands replies to their waiters and queues events and asynchronous
// errors. It ends when the connection fails or is closed, after failing
// every pending reply.
func (c *Conn) readLoop(r *bufio.Reader) {
	defer close(c.readerDone)
	var buf []byte
	for {
		h, body, err := protocol.ReadMessage(r, buf, protocol.MaxBody)
		if err != nil {
			c.fail(fmt.Errorf("read: %w", err))
			return
		}
		msg, err := protocol.DecodeServerMessage(h, body)
		if cap(body) <= maxReadBuf {
			buf = body
		} else {
			buf = nil
		}
		if err != nil {
			c.fail(fmt.Errorf("decode server message: %w", err))
			return
		}
		switch m := msg.(type) {
		case *protocol.Reply:
			if !c.deliver(m.Seq, result{data: m.Data}) {
				c.fail(fmt.Errorf("protocol violation: %v reply to sequence %d, which awaits no reply", m.Op, m.Seq))
				return
			}
		case *protocol.Error:
			// An error answering a question goes to whoever asked; any other
			// error is asynchronous and joins the events, in order.
			if !c.deliver(m.Seq, result{err: m}) && !c.enqueue(item{err: m}) {
				return
			}
		case *protocol.Event:
			if !c.enqueue(item{ev: m}) {
				return
			}
		case *protocol.SelectionOwnerEvent:
			c.selectionOwner(m)
		case *protocol.SelectionRequestEvent:
			c.selectionRequest(m)
		case *protocol.SelectionDataEvent:
			c.selectionData(m)
		}
	}
}

// fail records why the input side stopped, fails every pending reply and
// wakes every waiter. The connection is closed so that writers stop too.
func (c *Conn) fail(cause error) {
	var err error
	if c.closed.Load() {
		err = ErrClosed
	} else {
		err = lostErr(cause)
	}
	c.nc.Close()
	c.selectionGone()
	c.inMu.Lock()
	defer c.inMu.Unlock()
	if c.inErr == nil {
		c.inErr = err
	}
	for seq, p := range c.pending {
		p.done <- result{err: c.inErr}
		delete(c.pending, seq)
	}
	c.broadcastLocked()
}

// register records p so the reader can deliver its reply. The caller holds
// outMu, which orders registration before the request can reach the server.
func (c *Conn) register(p *pending) error {
	c.inMu.Lock()
	defer c.inMu.Unlock()
	if c.inErr != nil {
		return c.inErr
	}
	c.pending[p.seq] = p
	return nil
}

// deliver hands a result to the request with sequence number seq, if one
// awaits it.
func (c *Conn) deliver(seq uint32, res result) bool {
	c.inMu.Lock()
	defer c.inMu.Unlock()
	p, ok := c.pending[seq]
	if !ok {
		return false
	}
	delete(c.pending, seq)
	p.done <- res
	return true
}

// enqueue adds it to the event queue, applying the full-queue policy:
// coalesce motion, else wait for room. It returns false when the
// connection is closing and the reader should stop.
func (c *Conn) enqueue(it item) bool {
	c.inMu.Lock()
	defer c.inMu.Unlock()
	for c.queued() >= c.qmax {
		if it.ev != nil && it.ev.Code == protocol.MotionNotify {
			last := c.queue[len(c.queue)-1]
			if last.ev != nil && last.ev.Code == protocol.MotionNotify && last.ev.Window == it.ev.Window {
				c.queue[len(c.queue)-1] = it
				c.broadcastLocked()
				return true
			}
		}
		if c.closed.Load() {
			return false
		}
		wake := c.wake
		c.inMu.Unlock()
		<-wake
		c.inMu.Lock()
	}
	if c.head > 0 && len(c.queue) == cap(c.queue) {
		// Slide the live part to the front instead of growing: the queue's
		// memory stays bounded by its largest backlog.
		n := copy(c.queue, c.queue[c.head:])
		clear(c.queue[n:])
		c.queue, c.head = c.queue[:n], 0
	}
	c.queue = append(c.queue, it)
	c.broadcastLocked()
	return true
}

func (c *Conn) queued() int { return len(c.queue) - c.head }

// popLocked takes the oldest queued item; the caller holds inMu and has
// checked that there is one.
func (c *Conn) popLocked() item {
	it := c.queue[c.head]
	c.queue[c.head] = item{}
	c.head++
	if c.head == len(c.queue) {
		c.queue, c.head = c.queue[:0], 0
	}
	c.broadcastLocked() // a reader may be waiting for room
	return it
}

// broadcastLocked wakes everyone waiting for the queue to change.
func (c *Conn) broadcastLocked() {
	close(c.wake)
	c.wake = make(chan struct{})
}

func (it item) unpack() (*protocol.Event, error) {
	if it.err != nil {
		return nil, it.err
	}
	return it.ev, nil
}

// NextEvent flushes queued requests, then returns the next event, waiting
// for one if needed. An asynchronous protocol error is returned as a
// *protocol.Error with a nil event; the connection stays usable. When the
// connection is gone the error wraps ErrClosed (see the package comment);
// when ctx ends, ctx.Err(). Events already queued are still returned after
// the connection is lost, so nothing the server sent is missed.
func (c *Conn) NextEvent(ctx context.Context) (*protocol.Event, error) {
	// A failed flush means the connection is lost; events the server sent
	// before that are still worth returning first.
	ferr := c.Flush()
	c.inMu.Lock()
	defer c.inMu.Unlock()
	for {
		if c.queued() > 0 {
			return c.popLocked().unpack()
		}
		if ferr != nil {
			return nil, ferr
		}
		if c.inErr != nil {
			return nil, c.inErr
		}
		wake := c.wake
		c.inMu.Unlock()
		select {
		case <-wake:
			c.inMu.Lock()
		case <-ctx.Done():
			c.inMu.Lock()
			return nil, ctx.Err()
		}
	}
}

// PollEvent returns the next queued event without waiting: (nil, nil) when
// there is none. When the queue is empty it first flushes queued requests,
// as Xlib's XPending does, so a polling loop still sends what it draws.
// Errors are reported as by NextEvent.
func (c *Conn) PollEvent() (*protocol.Event, error) {
	c.inMu.Lock()
	if c.queued() > 0 {
		defer c.inMu.Unlock()
		return c.popLocked().unpack()
	}
	inErr := c.inErr
	c.inMu.Unlock()
	if inErr != nil {
		return nil, inErr
	}
	return nil, c.Flush()
}

// PendingEvents returns how many events and asynchronous errors are queued.
func (c *Conn) PendingEvents() int {
	c.inMu.Lock()
	defer c.inMu.Unlock()
	return c.queued()
}
