package feed

import (
	"context"
	"image"
	"sync"
	"sync/atomic"
	"time"
)

// Coalescer is the part of a Subscription every Source shares: the damage
// one viewer has not seen yet, the wake-up that tells it, and the pacing
// to MaxRate. A Source keeps one per subscription. Two sides use it:
//
//   - the Source's side (Damage, Invalidate, Take) runs under whatever
//     serialises the Source's screen: the display server's state
//     goroutine, or the remote viewer's mutex;
//   - the viewer's side (Next, Close) runs on the goroutine calling
//     Subscription.Next, and Close on any goroutine.
//
// Damage that arrives while the viewer is busy, or while pacing holds the
// next update back, joins one update: a slow viewer gets fewer, larger
// updates and never slows the display.
type Coalescer struct {
	notify chan struct{} // capacity 1: "there may be damage"
	closed chan struct{}
	once   sync.Once
	last   time.Time // when Next last returned an update; the viewer's

	// The Source's.
	dirty  Region
	full   bool
	seq    uint64
	copies []Copy // pending, before dirty; only with wantCopies
	// wantCopies: the viewer applies Copies (AcceptCopies).
	wantCopies atomic.Bool
}

// MaxCopies bounds the copies one update carries; past it they turn into
// damage.
const MaxCopies = 16

// NewCoalescer returns a coalescer whose first update is the whole screen.
func NewCoalescer() *Coalescer {
	c := &Coalescer{notify: make(chan struct{}, 1), closed: make(chan struct{}), full: true}
	c.signal()
	return c
}

func (c *Coalescer) signal() {
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// Damage records that screen area r changed. Source side.
func (c *Coalescer) Damage(r image.Rectangle) {
	if !c.full {
		c.dirty.Add(r)
	}
	c.signal()
}

// AcceptCopies makes Copy deliver copies, for a viewer that applies
// them. Viewer side, before its first Next.
func (c *Coalescer) AcceptCopies() { c.wantCopies.Store(true) }

// Copy records that the screen's area src moved so that its top-left
// corner is now at dst (a scroll), the rest of the screen unchanged.
// Source side.
//
// The invariant: the viewer's picture with the pending copies applied
// equals the screen everywhere outside the dirty region. A copy keeps it
// when whatever of its source is dirty becomes dirty at the destination
// too. Past MaxCopies, or where the viewer takes no copies, the copies'
// destinations become damage instead (the screen differs from the
// viewer's last picture only in the dirty region and where copies
// wrote).
func (c *Coalescer) Copy(src image.Rectangle, dst image.Point) {
	d := src.Add(dst.Sub(src.Min))
	if c.full || !c.wantCopies.Load() || src.Empty() {
		c.Damage(d)
		return
	}
	if len(c.copies) == MaxCopies {
		for _, q := range c.copies {
			c.dirty.Add(image.Rectangle{Min: q.Dst, Max: q.Dst.Add(q.Src.Size())})
		}
		c.copies = c.copies[:0]
		c.Damage(d)
		return
	}
	delta := dst.Sub(src.Min)
	var moved [MaxRegionRects]image.Rectangle
	n := 0
	for _, r := range c.dirty.Rects() {
		if m := r.Intersect(src); !m.Empty() && n < len(moved) {
			moved[n] = m.Add(delta)
			n++
		}
	}
	for _, m := range moved[:n] { // apart: Add reorders the region
		c.dirty.Add(m)
	}
	c.copies = append(c.copies, Copy{Src: src, Dst: dst})
	c.signal()
}

// Invalidate makes the next update the whole screen, as after a resize.
// Source side.
func (c *Coalescer) Invalidate() {
	c.full = true
	c.dirty.Clear()
	c.copies = c.copies[:0]
	c.signal()
}

// Take returns the update of everything damaged since the last one, with
// pixels read by pix (which must return r.Dx()*r.Dy() pixels of a w by h
// screen), or nil when nothing was. Source side.
func (c *Coalescer) Take(w, h int, pix func(r image.Rectangle) []uint32) *Update {
	if !c.full && c.dirty.Empty() && len(c.copies) == 0 {
		return nil
	}
	rs := c.dirty.Rects()
	if c.full {
		rs = []image.Rectangle{image.Rect(0, 0, w, h)}
	}
	c.seq++
	up := &Update{Seq: c.seq, Width: w, Height: h, Full: c.full, Rects: make([]Rect, len(rs))}
	if !c.full && len(c.copies) > 0 {
		up.Copies = append([]Copy(nil), c.copies...)
	}
	c.copies = c.copies[:0]
	for i, r := range rs {
		up.Rects[i] = Rect{Rectangle: r, Pix: pix(r)}
	}
	c.full = false
	c.dirty.Clear()
	return up
}

// Next is Subscription.Next for every Source: it waits for damage, holds
// the update back until 1/MaxRate has passed since the previous one, and
// then calls take, which must call Take under the Source's serialisation
// and return its result (nil when the damage was already taken). It
// returns ErrClosed after Close, ctx.Err() when ctx ends, and gone() once
// done (the Source's end) is closed.
func (c *Coalescer) Next(ctx context.Context, done <-chan struct{}, gone func() error, take func() (*Update, error)) (*Update, error) {
	for {
		select {
		case <-c.notify:
		case <-c.closed:
			return nil, ErrClosed
		case <-done:
			return nil, gone()
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if wait := time.Second/MaxRate - time.Since(c.last); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-c.closed:
				t.Stop()
				return nil, ErrClosed
			case <-done:
				t.Stop()
				return nil, gone()
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			}
		}
		up, err := take()
		if err != nil {
			return nil, err
		}
		if up != nil {
			c.last = time.Now()
			return up, nil
		}
	}
}

// Close unblocks Next, which returns ErrClosed from then on. It reports
// whether this call closed it, so the Source unregisters the subscription
// once.
func (c *Coalescer) Close() bool {
	closed := false
	c.once.Do(func() {
		close(c.closed)
		closed = true
	})
	return closed
}
