package feed

import (
	"context"
	"runtime"
)

// Pool bounds how many viewer frames are encoded at once across all the
// viewers of a display: the seeds' worker-pool model. However many
// viewers connect, encoding takes at most the pool's size in CPUs away from
// the display server, and a viewer waiting for a slot simply gets its
// damage coalesced into a later update.
type Pool struct{ slots chan struct{} }

// NewPool returns a pool of n slots; n <= 0 means runtime.GOMAXPROCS(0).
func NewPool(n int) *Pool {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return &Pool{slots: make(chan struct{}, n)}
}

// Do runs fn once a slot is free and returns its error, or ctx.Err() if
// ctx ends first. fn must only encode (no network I/O), so that a slow
// viewer never holds a slot while it waits.
func (p *Pool) Do(ctx context.Context, fn func() error) error {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-p.slots }()
	return fn()
}
