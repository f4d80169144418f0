package displayserver

import (
	"context"
	"image"
	"sync"
	"time"

	"github.com/xfar/xfar/displayserver/feed"
)

// subscription is one viewer's feed. Its dirty region and counters are
// owned by the state goroutine; notify wakes the viewer's goroutine, which
// owns last.
type subscription struct {
	st     *state
	notify chan struct{}
	closed chan struct{}
	once   sync.Once

	// Owned by the state goroutine.
	dirty region
	full  bool
	seq   uint64
	w, h  int

	last time.Time
}

func (st *state) subscribe() feed.Subscription {
	s := &subscription{st: st, notify: make(chan struct{}, 1), closed: make(chan struct{}), full: true}
	s.signal()
	if !st.do(func(st *state) { st.subs[s] = struct{}{} }) {
		s.Close()
	}
	return s
}

func (s *subscription) signal() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// Close implements feed.Subscription.
func (s *subscription) Close() {
	s.once.Do(func() {
		close(s.closed)
		s.st.do(func(st *state) { delete(st.subs, s) })
	})
}

// Next implements feed.Subscription.
func (s *subscription) Next(ctx context.Context) (*feed.Update, error) {
	for {
		select {
		case <-s.notify:
		case <-s.closed:
			return nil, feed.ErrClosed
		case <-s.st.srv.ctx.Done():
			return nil, feed.ErrClosed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		// Pace to MaxRate: damage that arrives meanwhile joins this
		// update instead of making another.
		if wait := time.Second/feed.MaxRate - time.Since(s.last); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-s.closed:
				t.Stop()
				return nil, feed.ErrClosed
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			}
		}
		var up *feed.Update
		if !s.st.do(func(st *state) { up = st.collect(s) }) {
			return nil, feed.ErrClosed
		}
		if up != nil {
			s.last = time.Now()
			return up, nil
		}
	}
}

// collect composes the screen and copies out what s has not seen.
func (st *state) collect(s *subscription) *feed.Update {
	if !s.full && s.dirty.empty() {
		return nil
	}
	st.compose()
	s.seq++
	up := &feed.Update{Seq: s.seq, Width: st.width, Height: st.height, Full: s.full}
	rs := s.dirty.rs
	if s.full {
		rs = []image.Rectangle{st.screen.Bounds()}
	}
	up.Rects = make([]feed.Rect, len(rs))
	for i, r := range rs {
		up.Rects[i] = feed.Rect{Rectangle: r, Pix: st.screen.GetImage(r)}
	}
	s.full = false
	s.dirty.clear()
	return up
}
