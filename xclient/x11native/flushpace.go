package x11native

import (
	"sync"
	"time"
)

// Display flushes are paced. A program that writes its screen in pieces
// (top redraws line by line, and xterm draws each line as it reads it,
// going idle in between) would otherwise cost one compressed block per
// line, each with its own framing and entropy tables: measured on top -d
// 0.1 under load, 464 flushes in 10 s became 187 and the bytes fell by
// 15-20 % (BENCHMARKS.md, issue 16). Input is never held: flushes within
// inputWindow of the display sending the X clients input (a key's echo,
// even when another program's drawing is flushed first) go at once, and
// so does the first after a quiet spell.
const (
	// flushPace is the shortest time between two flushes while X clients
	// keep drawing.
	flushPace = 5 * time.Millisecond
	// burstWindow: a flush asked for within it of the last one, with no
	// input since, belongs to a burst (top's next refresh, a flood) and
	// waits flushPace for the rest of it.
	burstWindow = 120 * time.Millisecond
	// inputWindow is how long after input flushes are not held: long
	// enough for the program to draw its answer.
	inputWindow = 50 * time.Millisecond
)

// flushPacer spaces the display flushes.
type flushPacer struct {
	mu    sync.Mutex
	last  time.Time
	timer *time.Timer // a flush is due when set
	input time.Time   // when the display last sent input
	// immediate and paced count the flushes done at once and put off.
	immediate, paced int
}

// noteInput records that the display sent the X clients input, so that
// what they draw in answer is flushed at once.
func (p *flushPacer) noteInput() {
	p.mu.Lock()
	p.input = time.Now()
	p.mu.Unlock()
}

// flushDisplay sends what the X clients drew: now after input or a quiet
// spell, else a little later with whatever more is drawn until then.
func (s *Server) flushDisplay() error { return s.flushDisplayAt(time.Now()) }

// flushDisplayAt is flushDisplay at time now.
func (s *Server) flushDisplayAt(now time.Time) error {
	p := &s.pace
	p.mu.Lock()
	defer p.mu.Unlock()
	input := now.Sub(p.input) < inputWindow
	if p.timer != nil {
		if !input {
			return nil
		}
		p.timer.Stop() // input: flush now instead
		p.timer = nil
	}
	var wait time.Duration
	switch since := now.Sub(p.last); {
	case input:
	case since < flushPace:
		wait = flushPace - since
	case since < burstWindow:
		wait = flushPace
	}
	if wait > 0 {
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
	if p.timer == nil {
		p.mu.Unlock() // an input flush took its place
		return
	}
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
