package displayserver

import (
	"context"
	"fmt"
	"image"
	"log/slog"
	"time"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/render"
)

// rootID is the root window's ID; it lies in client index 0's range, which
// no client gets.
const rootID = 1

// desktopColor paints the root window.
const desktopColor = 0x3b4252

// Queue bounds of the state machine.
const (
	opQueue    = 256
	inputQueue = 1024
)

// op is a function run with the state for another goroutine (queries,
// subscriptions); clients' requests arrive through their inboxes.
type op struct {
	fn   func(*state)
	done chan struct{}
}

// state is everything the display knows. Only the goroutine running run
// touches it; everyone else sends it ops.
type state struct {
	srv    *Server
	log    *slog.Logger
	ops    chan op
	inputs chan feed.InputEvent
	// runq holds clients with requests waiting, each at most once.
	runq  chan *client
	start time.Time

	width, height int
	screen        *render.Image
	root          *window
	windows       map[uint32]*window
	clients       map[*client]struct{}
	// pending is screen damage not yet composed into screen.
	pending feed.Region
	subs    map[*subscription]struct{}

	pointer image.Point
	buttons uint16 // Button1Mask... currently held
	mods    uint16
	held    map[heldID]heldKey // keys down, by physical key (input.go)
	grab    *window            // implicit pointer grab from a ButtonPress
	hover   *window            // deepest window under the pointer, for Enter/Leave
	focus   *window            // keyboard focus, nil for none
	wm      wmState

	// pixels is what all clients' windows and pixmaps hold (limits.go).
	pixels int64

	// widgetWindows are the windows holding a widget tree (the widgets
	// split), the only ones widget input needs to visit.
	widgetWindows map[*window]struct{}

	// sel is the CLIPBOARD and PRIMARY selections (selection.go).
	sel selState

	// Scratch for widening a request's points, segments, rectangles and
	// arcs; render never keeps the slices it is given, and only the owner
	// draws.
	ptBuf   []image.Point
	segBuf  []render.Segment
	rectBuf []image.Rectangle
	arcBuf  []render.Arc
}

func newState(srv *Server, w, h int) *state {
	st := &state{
		srv: srv, log: srv.log,
		ops:     make(chan op, opQueue),
		inputs:  make(chan feed.InputEvent, inputQueue),
		runq:    make(chan *client, maxClientIndex+1),
		start:   time.Now(),
		width:   w,
		height:  h,
		screen:  render.NewImage(w, h),
		windows: map[uint32]*window{},
		clients: map[*client]struct{}{},
		subs:    map[*subscription]struct{}{},

		widgetWindows: map[*window]struct{}{},
	}
	st.root = &window{id: rootID, w: w, h: h, bg: desktopColor, mapped: true, img: render.NewImage(w, h), masks: map[*client]uint32{}}
	st.root.img.Fill(st.root.img.Bounds(), desktopColor)
	st.windows[rootID] = st.root
	st.pending.Add(st.screen.Bounds())
	st.hover = st.root
	return st
}

// run is the state machine: it applies ops and input in arrival order until
// ctx ends.
func (st *state) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			for c := range st.clients {
				c.out.close(false)
			}
			return
		case o := <-st.ops:
			o.fn(st)
			if o.done != nil {
				close(o.done)
			}
		case c := <-st.runq:
			st.turn(c)
		case ev := <-st.inputs:
			st.handleInput(ev)
		}
	}
}

// do runs fn on the owner and waits for it. It reports false, without
// running fn, when the server is closing.
func (st *state) do(fn func(*state)) bool {
	done := make(chan struct{})
	select {
	case st.ops <- op{fn: fn, done: done}:
	case <-st.srv.ctx.Done():
		return false
	}
	select {
	case <-done:
		return true
	case <-st.srv.ctx.Done():
		return false
	}
}

// input queues a viewer's input event. When the queue is full it waits up
// to a second for room, holding back that viewer's session (never the
// state owner, which does not call it), then drops ev with a warning:
// a key lost in a burst of typing is worse than a moment's back-pressure.
func (st *state) input(ev feed.InputEvent) {
	select {
	case st.inputs <- ev:
		return
	default:
	}
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case st.inputs <- ev:
	case <-st.srv.ctx.Done():
	case <-t.C:
		st.log.Warn("input dropped: backlog full", "kind", ev.Kind)
	}
}

// disconnect frees a departing client's resources, then lets its writer
// drain and close.
func (st *state) disconnect(c *client, reason string) {
	if !st.doFor(c, func(st *state) { st.removeClient(c) }) {
		c.out.close(false)
	}
}

// protocolError sends an error the reader found (a stream it must close),
// ordered after everything already submitted.
func (st *state) protocolError(c *client, seq uint32, opc protocol.Opcode, code protocol.ErrorCode, bad uint32, msg string) {
	st.doFor(c, func(st *state) {
		st.sendError(c, &protocol.Error{Seq: seq, Code: code, Op: opc, BadValue: bad, Message: msg})
	})
}

func (st *state) removeClient(c *client) {
	if c.gone {
		return
	}
	c.gone = true
	// Destroy windows top-down so that children go with their parents
	// and each disappears from the picture once.
	for id, r := range c.resources {
		if w, ok := r.(*window); ok && w.parent != nil && (w.parent.owner != c) {
			st.destroy(w)
		}
		delete(c.resources, id)
	}
	for _, w := range st.windows {
		delete(w.masks, c)
	}
	st.selectionClientGone(c)
	delete(st.clients, c)
	st.releaseAll(c)
	c.out.close(true)
}

// now is the server time in milliseconds, carried by events.
func (st *state) now() uint32 { return uint32(time.Since(st.start) / time.Millisecond) }

// sendEvent queues ev for c. A client whose queue is over its bound has
// stopped reading; it is disconnected.
func (st *state) sendEvent(c *client, ev protocol.Event) {
	if c.gone || c.kicked {
		return
	}
	ev.Seq = c.lastSeq
	if ev.Time == 0 {
		ev.Time = st.now()
	}
	if !c.out.append(func(b []byte) []byte { return protocol.AppendEvent(b, &ev) }) {
		st.kick(c, "client not reading: output queue full")
	}
}

func (st *state) sendError(c *client, e *protocol.Error) {
	if c.gone || c.kicked {
		return
	}
	c.log.Debug("request failed", "err", e)
	if !c.out.append(func(b []byte) []byte { return protocol.AppendError(b, e) }) {
		st.kick(c, "client not reading: output queue full")
	}
}

func (st *state) reply(c *client, enc func([]byte) []byte) {
	if c.gone || c.kicked {
		return
	}
	if !c.out.append(enc) {
		st.kick(c, "client not reading: output queue full")
	}
}

// kick disconnects c now; its reader sees the closed connection and the
// usual disconnect path frees its resources.
func (st *state) kick(c *client, reason string) {
	if c.kicked {
		return
	}
	c.kicked = true
	c.log.Warn("disconnecting client", "reason", reason)
	c.out.close(false)
	c.conn.Close()
}

// damage records that screen area r changed.
func (st *state) damage(r image.Rectangle) {
	r = r.Intersect(st.screen.Bounds())
	if r.Empty() {
		return
	}
	st.pending.Add(r)
	for s := range st.subs {
		s.co.Damage(r)
	}
}

// compose brings the screen up to date where it is damaged.
func (st *state) compose() {
	for _, r := range st.pending.Rects() {
		st.paintScreen(r)
	}
	st.pending.Clear()
}

func (st *state) snapshot() *image.RGBA {
	st.compose()
	return st.screen.ToRGBA(st.screen.Bounds())
}

func errorf(seq uint32, op protocol.Opcode, code protocol.ErrorCode, bad uint32, format string, args ...any) *protocol.Error {
	return &protocol.Error{Seq: seq, Code: code, Op: op, BadValue: bad, Message: fmt.Sprintf(format, args...)}
}
