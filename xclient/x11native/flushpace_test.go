package x11native

import (
	"testing"
	"time"

	"github.com/xfar/xfar/xclient"
)

// TestFlushPacing: after a quiet spell the display flush happens at once;
// one asked for within flushPace of the last, or within burstWindow (a
// burst: top's next refresh), is put off, then done by itself, carrying
// what was queued; after input from the display (a key to echo) it
// happens at once whatever came before.
func TestFlushPacing(t *testing.T) {
	s, _ := startServer(t)
	queue := func() {
		t.Helper()
		pm, err := s.xc.CreatePixmap(xclient.Window(s.root.xfar), 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.xc.FreePixmap(pm); err != nil {
			t.Fatal(err)
		}
	}
	counts := func() (int, int) {
		s.pace.mu.Lock()
		defer s.pace.mu.Unlock()
		return s.pace.immediate, s.pace.paced
	}
	last := func() time.Time {
		s.pace.mu.Lock()
		defer s.pace.mu.Unlock()
		return s.pace.last
	}
	imm0, paced0 := counts()

	// Quiet for longer than flushPace: at once, written before it returns.
	queue()
	before := s.xc.BytesWritten()
	if err := s.flushDisplayAt(time.Now().Add(10 * flushPace)); err != nil {
		t.Fatal(err)
	}
	if imm, _ := counts(); imm != imm0+1 || s.xc.BytesWritten() == before {
		t.Fatalf("flush after a quiet spell: %d immediate flushes (want %d), %d bytes written", imm-imm0, 1, s.xc.BytesWritten()-before)
	}

	// Right after it, and later in a burst: put off, then done by the
	// timer.
	for i, after := range []time.Duration{flushPace / 5, burstWindow / 2} {
		queue()
		before = s.xc.BytesWritten()
		if err := s.flushDisplayAt(last().Add(after)); err != nil {
			t.Fatal(err)
		}
		if imm, _ := counts(); imm != imm0+1 {
			t.Fatalf("flush %v after the last was done at once", after)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			if _, paced := counts(); paced == paced0+1+i && s.xc.BytesWritten() > before {
				break
			}
			if time.Now().After(deadline) {
				_, paced := counts()
				t.Fatalf("flush put off at %v not done within 10 s: %d paced flushes, %d bytes", after, paced-paced0, s.xc.BytesWritten()-before)
			}
			time.Sleep(time.Millisecond)
		}
	}

	// Input: at once, even right after the last flush and with one due,
	// and again for a second flush soon after (another program's drawing
	// may be flushed before the answer).
	queue()
	if err := s.flushDisplayAt(last().Add(flushPace / 5)); err != nil {
		t.Fatal(err)
	}
	s.pace.noteInput()
	s.pace.mu.Lock()
	input := s.pace.input
	s.pace.mu.Unlock()
	for i := range 2 {
		queue()
		before = s.xc.BytesWritten()
		now := last().Add(flushPace / 5)
		if now.Before(input) {
			now = input
		}
		if err := s.flushDisplayAt(now); err != nil {
			t.Fatal(err)
		}
		if imm, _ := counts(); imm != imm0+2+i || s.xc.BytesWritten() == before {
			t.Fatalf("flush %d after input: %d immediate flushes (want %d), %d bytes written", i+1, imm-imm0, 2+i, s.xc.BytesWritten()-before)
		}
	}
	// Past inputWindow, a burst's flush is put off again.
	queue()
	if err := s.flushDisplayAt(input.Add(inputWindow + flushPace)); err != nil {
		t.Fatal(err)
	}
	if imm, _ := counts(); imm != imm0+3 {
		t.Fatalf("flush in a burst %v after input was done at once", inputWindow+flushPace)
	}
}
