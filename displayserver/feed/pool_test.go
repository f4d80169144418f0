package feed

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestPoolBoundsConcurrency runs many encodings through a pool of 2 and
// checks that no more than 2 ever ran at once, and that all ran.
func TestPoolBoundsConcurrency(t *testing.T) {
	p := NewPool(2)
	var running, peak, done atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := p.Do(context.Background(), func() error {
				n := running.Add(1)
				for {
					m := peak.Load()
					if n <= m || peak.CompareAndSwap(m, n) {
						break
					}
				}
				time.Sleep(2 * time.Millisecond)
				running.Add(-1)
				done.Add(1)
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if peak.Load() > 2 || done.Load() != 20 {
		t.Fatalf("peak %d concurrent (want <= 2), %d done (want 20)", peak.Load(), done.Load())
	}
}

// TestPoolWaitEndsWithContext checks that a caller waiting for a slot
// gives up when its context ends, without running fn.
func TestPoolWaitEndsWithContext(t *testing.T) {
	p := NewPool(1)
	hold := make(chan struct{})
	go p.Do(context.Background(), func() error { <-hold; return nil })
	for len(p.slots) == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	ran := false
	err := p.Do(ctx, func() error { ran = true; return nil })
	close(hold)
	if !errors.Is(err, context.DeadlineExceeded) || ran {
		t.Fatalf("Do with a full pool and an ending context: err %v, ran %v", err, ran)
	}
}
