package x11native

import (
	"sync"
	"time"
)

// flushPace is the shortest time between two flushes of the display
// connection while X clients keep drawing. A program that writes its
// screen in pieces (top redraws line by line, and xterm draws each line
// as it reads it, going idle in between) would otherwise cost one
// compressed block per line, each with its own framing and entropy
// tables: measured on top -d 0.1 under load, 464 flushes in 10 s became
// 187 and the bytes fell by 15-20 % (BENCHMARKS.md, issue 16). The first
// batch after a quiet spell (a key's echo) still goes at once.
const flushPace = 5 * time.Millisecond

// flushPacer spaces the display flushes by flushPace.
type flushPacer struct {
	mu    sync.Mutex
	last  time.Time
	timer *time.Timer // a flush is due when set
	// immediate and paced count the flushes done at once and put off.
	immediate, paced int
}

// flushDisplay sends what the X clients drew: now, when the last flush
// is at least flushPace ago, else at that time (with whatever more is
// drawn until then).
func (s *Server) flushDisplay() error { return s.flushDisplayAt(time.Now()) }

// flushDisplayAt is flushDisplay at time now.
func (s *Server) flushDisplayAt(now time.Time) error {
	p := &s.pace
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.timer != nil {
		return nil
	}
	if wait := p.last.Add(flushPace).Sub(now); wait > 0 {
		p.timer = time.AfterFunc(wait, s.pacedFlush)
		return nil
	}
	p.last = now
	p.immediate++
	return s.xc.Flush()
}

// pacedFlush is the flush flushDisplay put off.
func (s *Server) pacedFlush() {
	p := &s.pace
	p.mu.Lock()
	p.timer = nil
	p.last = time.Now()
	p.mu.Unlock()
	err := s.xc.Flush()
	p.mu.Lock()
	p.paced++
	p.mu.Unlock()
	if err != nil {
		select {
		case <-s.done: // closing: the connection goes anyway
		default:
			s.log.Error("x11native: flush to display", "err", err)
		}
	}
}
