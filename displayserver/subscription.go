package displayserver

import (
	"context"

	"github.com/xfar/xfar/displayserver/feed"
)

// subscription is one viewer's feed. The coalescer's damage is owned by
// the state goroutine, which alone calls Damage and Take.
type subscription struct {
	st *state
	co *feed.Coalescer
}

func (st *state) subscribe() feed.Subscription {
	s := &subscription{st: st, co: feed.NewCoalescer()}
	if !st.do(func(st *state) { st.subs[s] = struct{}{} }) {
		s.Close()
	}
	return s
}

// Close implements feed.Subscription.
func (s *subscription) Close() {
	if s.co.Close() {
		s.st.do(func(st *state) { delete(st.subs, s) })
	}
}

// Next implements feed.Subscription.
func (s *subscription) Next(ctx context.Context) (*feed.Update, error) {
	return s.co.Next(ctx, s.st.srv.ctx.Done(), closed, func() (*feed.Update, error) {
		var up *feed.Update
		if !s.st.do(func(st *state) { up = st.collect(s) }) {
			return nil, feed.ErrClosed
		}
		return up, nil
	})
}

func closed() error { return feed.ErrClosed }

// collect composes the screen and copies out what s has not seen.
func (st *state) collect(s *subscription) *feed.Update {
	st.compose()
	return s.co.Take(st.width, st.height, st.screen.GetImage)
}

// AcceptCopies implements feed.CopySubscription.
func (s *subscription) AcceptCopies() { s.co.AcceptCopies() }
