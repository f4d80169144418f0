package displayserver

import (
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/xfar/xfar/protocol"
)

// Fair scheduling of the state owner. Each client's reader appends decoded
// requests to the client's inbox; the owner serves runnable clients in
// turn, each for at most turnBudget of work (or turnRequests requests), and
// puts a client with work left at the back of the line. A client that used
// more than its budget (one expensive request) carries the excess as debt
// and sits out turns while others wait, so a client flooding expensive
// requests slows itself: everyone else, input, viewers and snapshots get
// the owner between its turns. The inbox is bounded; a reader whose client
// is behind blocks, which throttles that client's socket only.
const (
	turnBudget   = 2 * time.Millisecond
	turnRequests = batchMax
	// inboxMax bounds requests waiting in one client's inbox, and
	// inboxMaxBytes their decoded bodies (two maximum-size requests).
	inboxMax      = 2 * batchMax
	inboxMaxBytes = 2 * protocol.DefaultMaxRequest
)

// inbox is a client's queue of requests for the owner.
type inbox struct {
	mu     sync.Mutex
	items  []item
	queued bool          // c is in the run queue
	bytes  int           // body sizes of items
	space  chan struct{} // signalled when the owner took items
	debt   time.Duration // owned by the state goroutine
}

// enqueue appends items to c's inbox, waiting while it is full, and makes c
// runnable. It reports false when the server is closing.
func (st *state) enqueue(c *client, items []item) bool {
	for {
		c.in.mu.Lock()
		if (len(c.in.items) < inboxMax && c.in.bytes < inboxMaxBytes) || len(c.in.items) == 0 {
			c.in.items = append(c.in.items, items...)
			for i := range items {
				c.in.bytes += items[i].size
			}
			wake := !c.in.queued
			c.in.queued = true
			c.in.mu.Unlock()
			if wake {
				// The run queue holds each client at most once and has
				// room for every client index, so this never blocks.
				st.runq <- c
			}
			return true
		}
		c.in.mu.Unlock()
		select {
		case <-c.in.space:
		case <-st.srv.ctx.Done():
			return false
		}
	}
}

// doFor runs fn on the owner after everything c has already submitted and
// waits for it. It reports false, possibly without running fn, when the
// server is closing.
func (st *state) doFor(c *client, fn func(*state)) bool {
	done := make(chan struct{})
	if !st.enqueue(c, []item{{fn: fn, done: done}}) {
		return false
	}
	select {
	case <-done:
		return true
	case <-st.srv.ctx.Done():
		return false
	}
}

// turn serves one client's inbox for one turn.
func (st *state) turn(c *client) {
	if c.in.debt > 0 && len(st.runq) > 0 {
		// It overspent earlier turns; others go first.
		c.in.debt -= turnBudget
		st.runq <- c
		return
	}
	start := time.Now()
	served := 0
	for {
		c.in.mu.Lock()
		if len(c.in.items) == 0 {
			c.in.items = c.in.items[:0]
			c.in.queued = false
			c.in.mu.Unlock()
			break
		}
		it := c.in.items[0]
		c.in.items[0] = item{}
		c.in.items = c.in.items[1:]
		if !it.cont {
			c.in.bytes -= it.size
		}
		c.in.mu.Unlock()
		st.serveItem(c, &it)
		served++
		if served%64 == 0 {
			select {
			case c.in.space <- struct{}{}:
			default:
			}
		}
		if time.Since(start) >= turnBudget || served >= turnRequests {
			c.in.mu.Lock()
			more := len(c.in.items) > 0
			if !more {
				c.in.queued = false
			}
			c.in.mu.Unlock()
			if more {
				st.runq <- c
			}
			break
		}
	}
	select {
	case c.in.space <- struct{}{}:
	default:
	}
	if over := time.Since(start) - turnBudget; over > 0 {
		c.in.debt += over
	} else if c.in.debt > 0 {
		c.in.debt = 0
	}
}

// serveItem applies one request (or runs one ordered function). A panic
// while serving it disconnects that client with the reason logged; the
// server and every other client go on.
func (st *state) serveItem(c *client, it *item) {
	defer func() {
		if r := recover(); r != nil {
			st.log.Error("panic while serving a request; disconnecting the client",
				"client", c.id, "op", it.op.String(), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			if it.done != nil {
				close(it.done)
			}
			st.kick(c, fmt.Sprintf("server error while serving %s request %d", it.op, it.seq))
		}
	}()
	if it.fn != nil {
		it.fn(st)
		if it.done != nil {
			close(it.done)
		}
		return
	}
	st.applyOne(c, it)
}

// applyOne runs one of a client's requests.
func (st *state) applyOne(c *client, it *item) {
	st.clients[c] = struct{}{}
	if c.gone || c.kicked {
		return
	}
	c.lastSeq = it.seq
	if it.err != nil {
		st.sendError(c, &protocol.Error{Seq: it.seq, Code: it.err.Code, Op: it.op, Message: it.err.Err.Error()})
		return
	}
	if !it.cont {
		if e := st.admit(c, it.seq, it.req); e != nil {
			st.sendError(c, e)
			return
		}
		if rest := st.split(c, it); rest != nil {
			c.pushFront(rest)
		}
	}
	var e *protocol.Error
	if it.band != nil {
		e = st.drawBand(c, it)
	} else {
		e = st.handle(c, it.seq, it.req)
	}
	if e != nil && !it.cont {
		st.sendError(c, e)
	}
}
