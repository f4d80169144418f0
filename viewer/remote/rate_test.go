package remote_test

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/viewer/remote"
)

// burstyLink is a TCP proxy whose downstream direction (display to
// viewer) delivers in bursts: it holds what arrives for period, then
// writes it all at once, as a congested radio link or a stalled TCP
// window does. A viewer behind it receives several updates at the same
// instant.
type burstyLink struct {
	ln     net.Listener
	target string
	period time.Duration
	wg     sync.WaitGroup
}

func newBurstyLink(t *testing.T, target string, period time.Duration) *burstyLink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &burstyLink{ln: ln, target: target, period: period}
	l.wg.Add(1)
	go l.serve()
	t.Cleanup(func() { ln.Close(); l.wg.Wait() })
	return l
}

func (l *burstyLink) serve() {
	defer l.wg.Done()
	for {
		down, err := l.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", l.target)
		if err != nil {
			down.Close()
			continue
		}
		l.wg.Add(3)
		go func() { defer l.wg.Done(); io.Copy(up, down); up.Close() }()
		var mu sync.Mutex
		var held []byte
		stop := make(chan struct{})
		go func() { // read downstream data and hold it
			defer l.wg.Done()
			defer close(stop)
			buf := make([]byte, 32<<10)
			for {
				n, err := up.Read(buf)
				mu.Lock()
				held = append(held, buf[:n]...)
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
		go func() { // release it every period
			defer l.wg.Done()
			defer down.Close()
			tick := time.NewTicker(l.period)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				mu.Lock()
				b := held
				held = nil
				mu.Unlock()
				if _, err := down.Write(b); err != nil {
					up.Close()
					return
				}
			}
		}()
	}
}

// TestFeedHonoursMaxRate checks the feed contract's pacing on a remote
// subscription: however the network delivers updates (here in bursts of
// several behind a link that holds data for 50 ms), a local viewer gets
// at most one update per 1/feed.MaxRate, the rest coalesced into it.
func TestFeedHonoursMaxRate(t *testing.T) {
	srv := startServer(t)
	link := newBurstyLink(t, srv.HTTPAddr().String(), 50*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := remote.Dial(ctx, "http://"+link.ln.Addr().String(), srv.Cookie())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cl := newClient(t, srv, 0)

	// Animate continuously: the display sends updates at its own
	// MaxRate, the link bunches them.
	drawCtx, stopDrawing := context.WithCancel(context.Background())
	drawDone := make(chan error, 1)
	go func() {
		var err error
		for i := 0; drawCtx.Err() == nil && err == nil; i++ {
			err = cl.c.FillRectangle(cl.win, cl.gc, i%90, 0, 10, 10)
			if err == nil {
				err = cl.c.ClearArea(cl.win, i%90, 0, 10, 10, false)
			}
			if err == nil {
				err = cl.c.Flush()
			}
			time.Sleep(2 * time.Millisecond)
		}
		drawDone <- err
	}()
	defer func() {
		stopDrawing()
		if err := <-drawDone; err != nil {
			t.Errorf("drawing: %v", err)
		}
	}()

	sub := conn.Subscribe()
	defer sub.Close()
	var times []time.Time
	end := time.Now().Add(1500 * time.Millisecond)
	for time.Now().Before(end) {
		if _, err := sub.Next(ctx); err != nil {
			t.Fatalf("next update: %v", err)
		}
		times = append(times, time.Now())
	}
	if len(times) < 10 {
		t.Fatalf("only %d updates in 1.5 s of animation", len(times))
	}
	// The coalescer measures from just before Next returns; allow for the
	// scheduling between that and time.Now here.
	const slack = 5 * time.Millisecond
	short := 0
	minGap := time.Hour
	for i := 1; i < len(times); i++ {
		gap := times[i].Sub(times[i-1])
		minGap = min(minGap, gap)
		if gap < time.Second/feed.MaxRate-slack {
			short++
		}
	}
	if short > 0 {
		t.Fatalf("%d of %d updates came less than 1/%d s after the previous one (shortest gap %v)",
			short, len(times)-1, feed.MaxRate, minGap)
	}
	t.Logf("%d updates, shortest gap %v", len(times), minGap)
}
