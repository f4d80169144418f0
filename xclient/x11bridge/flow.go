package x11bridge

import (
	"context"
	"time"

	"github.com/xfar/xfar/internal/bdp"
	"github.com/xfar/xfar/xclient"
)

// Flow control towards the display. Pixels must not queue in the network
// (or in a link emulator, or a router's buffer) behind each other: a busy
// window would make every other window late by however much is queued.
// So the bridge keeps at most about one bandwidth-delay product of bytes
// in flight. Each batch it sends ends with a Sync; its reply is the
// acknowledgement that the display has taken every byte before it. From
// the acknowledgements the bridge measures the round trip (its minimum
// is the link's own) and the delivery rate (bytes acknowledged per unit
// of time, its recent maximum is the link's bandwidth), as BBR does. What
// does not fit stays pending in the bridge, where later damage merges
// into it: a busy window skips frames instead of queueing them.

const (
	// flowGain is how many bandwidth-delay products may be in flight:
	// above 1 so the rate samples can show the link getting faster, small
	// so that what queues in the link delays other windows by at most a
	// fraction of a round trip.
	flowGain = 1.25
	// flowMinWindow is the window before any measurement and its floor:
	// enough for a small update plus its Sync on any link.
	flowMinWindow = 8 << 10
	// flowStartWindow is the window before the first acknowledgement.
	flowStartWindow = 32 << 10
	// maxUnacked bounds the Syncs waiting for their replies.
	maxUnacked = 256
)

// batch is one flushed batch awaiting its acknowledgement.
type batch struct {
	end       int64     // BytesWritten after the batch
	sent      time.Time // when it was flushed
	delivered int64     // bytes acknowledged when it was sent
	cookie    *xclient.Cookie[struct{}]
}

// flow is the bridge's view of the link to the display. It is owned by
// the mirror's goroutine; the acker goroutine only waits for replies.
type flow struct {
	unacked   []batch // oldest first
	written   int64   // BytesWritten at the last batch
	delivered int64   // bytes acknowledged
	link      bdp.Estimator

	toAcker chan batch
	acks    chan batch
}

func newFlow() *flow {
	return &flow{toAcker: make(chan batch, maxUnacked), acks: make(chan batch, maxUnacked)}
}

// inFlight is how many bytes are sent and not yet acknowledged.
func (f *flow) inFlight(written int64) int64 { return written - f.delivered }

// window is how many bytes may be in flight now.
func (f *flow) window() int64 {
	return f.link.Window(bdp.Params{Gain: flowGain, MinWindow: flowMinWindow, StartWindow: flowStartWindow})
}

// full reports whether no more bulk may be sent.
func (f *flow) full(written int64) bool {
	return f.inFlight(written) >= f.window() || len(f.unacked) >= maxUnacked
}

// sent records a flushed batch and queues its Sync for the acker.
func (f *flow) sent(written int64, cookie *xclient.Cookie[struct{}]) {
	b := batch{end: written, sent: time.Now(), delivered: f.delivered, cookie: cookie}
	f.written = written
	select {
	case f.toAcker <- b:
		f.unacked = append(f.unacked, b)
	default:
		// Too many Syncs outstanding (small updates ignore the window):
		// this one goes unwatched; the next acknowledgement covers its
		// bytes too, since it counts everything written before it.
	}
}

// acked takes the acknowledgement of the oldest batch.
func (f *flow) acked(b batch) {
	if len(f.unacked) > 0 {
		f.unacked = f.unacked[1:]
	}
	f.link.Acked(b.sent, time.Now(), b.end, b.delivered)
	f.delivered = b.end
}

// acker waits for the Syncs' replies in order and hands them to the
// owner, until dead is closed.
func (f *flow) acker(dead <-chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-dead:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-f.toAcker:
			if _, err := b.cookie.ReplyContext(ctx); err != nil {
				return // the connection is gone; the mirror learns it from its reader
			}
			select {
			case f.acks <- b:
			case <-ctx.Done():
				return
			}
		}
	}
}
