package xclient

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xfar/xfar/protocol"
)

// TestRequestsWaitForFlush checks the Xlib batching: nothing is written
// until Flush, and one Flush delivers the whole batch in order.
func TestRequestsWaitForFlush(t *testing.T) {
	c, p := newPeer(t, serverHello(), false)
	for i := 0; i < 10; i++ {
		if err := c.DrawLine(c.Root(), 1, i, 0, i, 10); err != nil {
			t.Fatal(err)
		}
	}
	p.none("before Flush")
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		g := p.next()
		pts := g.req.(*protocol.PolyPoint).Points
		if g.seq != uint32(i+1) || pts[0].X != int16(i) {
			t.Fatalf("request %d: seq %d, x %d", i, g.seq, pts[0].X)
		}
	}
}

// TestAutoFlushPastThreshold checks that a buffer past 64 KiB goes out
// without a Flush, as Xlib's does when full.
func TestAutoFlushPastThreshold(t *testing.T) {
	c, p := newPeer(t, serverHello(), false)
	// A DrawLine is 4+12+8 = 24 bytes on the wire.
	n := flushThreshold/24 + 1
	for i := 0; i < n; i++ {
		if err := c.DrawLine(c.Root(), 1, 0, 0, 1, 1); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < n; i++ {
		if g := p.next(); g.seq != uint32(i+1) {
			t.Fatalf("got seq %d, want %d", g.seq, i+1)
		}
	}
}

// TestAutoFlushBeforeWaits checks that Reply and NextEvent send what is
// buffered before they wait: otherwise they would wait forever.
func TestAutoFlushBeforeWaits(t *testing.T) {
	c, p := newPeer(t, serverHello(), true)
	if err := c.MapWindow(5); err != nil {
		t.Fatal(err)
	}
	within(t, 5*time.Second, "Sync without Flush", func() {
		if err := c.Sync(); err != nil {
			t.Error(err)
		}
	})
	if g := p.next(); g.op != protocol.OpMapWindow {
		t.Fatalf("first request %v", g.op)
	}
	if g := p.next(); g.op != protocol.OpSync {
		t.Fatalf("second request %v", g.op)
	}

	// NextEvent: the peer answers the drawn request with an event.
	if err := c.UnmapWindow(5); err != nil {
		t.Fatal(err)
	}
	go func() {
		g := p.next()
		p.send(protocol.AppendEvent(nil, &protocol.Event{Code: protocol.UnmapNotify, Seq: g.seq, Window: 5}))
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ev, err := c.NextEvent(ctx)
	if err != nil {
		t.Fatalf("NextEvent: %v (UnmapWindow not flushed?)", err)
	}
	if ev.Code != protocol.UnmapNotify || ev.Seq != 3 {
		t.Fatalf("got %v seq %d", ev.Code, ev.Seq)
	}

	// PollEvent with an empty queue flushes too.
	if err := c.DestroyWindow(5); err != nil {
		t.Fatal(err)
	}
	if ev, err := c.PollEvent(); ev != nil || err != nil {
		t.Fatalf("PollEvent on empty queue: %v, %v", ev, err)
	}
	if g := p.next(); g.op != protocol.OpDestroyWindow {
		t.Fatalf("got %v", g.op)
	}
}

// TestAsyncErrorKeepsConnection checks that an error about a request
// without a reply arrives in order with the events, carrying the failed
// request's sequence number, and that the connection stays usable.
func TestAsyncErrorKeepsConnection(t *testing.T) {
	c, p := newPeer(t, serverHello(), true)
	c.MapWindow(1)
	c.MapWindow(99)
	seq := c.LastSequence()
	c.Flush()
	p.next()
	g := p.next()
	p.send(protocol.AppendError(nil, &protocol.Error{Seq: g.seq, Code: protocol.BadWindow, Op: g.op, BadValue: 99, Message: "no such window"}))
	p.send(protocol.AppendEvent(nil, &protocol.Event{Code: protocol.MapNotify, Seq: g.seq, Window: 1}))
	ctx := context.Background()
	ev, err := c.NextEvent(ctx)
	var perr *protocol.Error
	if !errors.As(err, &perr) || ev != nil {
		t.Fatalf("NextEvent = %v, %v; want a *protocol.Error", ev, err)
	}
	if perr.Seq != seq || perr.Code != protocol.BadWindow || perr.Op != protocol.OpMapWindow || perr.BadValue != 99 {
		t.Fatalf("error %+v, want BadWindow in MapWindow seq %d", perr, seq)
	}
	if ev, err = c.NextEvent(ctx); err != nil || ev.Code != protocol.MapNotify {
		t.Fatalf("after the error: %v, %v", ev, err)
	}
	if err := c.Sync(); err != nil {
		t.Fatalf("connection unusable after an async error: %v", err)
	}
}

// TestReplyError checks that an error answering a question goes to its
// Reply, as a *protocol.Error, and not to the event queue; and that replies
// are matched by sequence number even when answered out of order.
func TestReplyError(t *testing.T) {
	c, p := newPeer(t, serverHello(), false)
	k1 := c.GetGeometryAsync(Window(42))
	k2 := c.QueryPointerAsync(Window(1))
	c.Flush()
	g1, g2 := p.next(), p.next()
	if k1.Sequence() != g1.seq || k2.Sequence() != g2.seq {
		t.Fatalf("cookie sequences %d,%d; peer saw %d,%d", k1.Sequence(), k2.Sequence(), g1.seq, g2.seq)
	}
	p.send(protocol.AppendPointerReply(nil, g2.seq, &protocol.PointerReply{Root: 1, RootX: 7, RootY: 8}))
	p.send(protocol.AppendError(nil, &protocol.Error{Seq: g1.seq, Code: protocol.BadDrawable, Op: protocol.OpGetGeometry, BadValue: 42}))
	ptr, err := k2.Reply()
	if err != nil || ptr.RootX != 7 || ptr.RootY != 8 {
		t.Fatalf("QueryPointer reply %+v, %v", ptr, err)
	}
	_, err = k1.Reply()
	var perr *protocol.Error
	if !errors.As(err, &perr) || perr.Code != protocol.BadDrawable || perr.Seq != g1.seq {
		t.Fatalf("GetGeometry error %v, want BadDrawable", err)
	}
	if _, err2 := k1.Reply(); err2 != err {
		t.Fatalf("second Reply returned %v, first %v", err2, err)
	}
	if n := c.PendingEvents(); n != 0 {
		t.Fatalf("%d items in the event queue; the error belonged to the reply", n)
	}
}

// TestConnectionLoss checks that a server that goes away wakes every
// waiter with an error wrapping both ErrClosed and io.EOF, and that later
// calls fail instead of hanging.
func TestConnectionLoss(t *testing.T) {
	c, p := newPeer(t, serverHello(), false)
	k := c.GetGeometryAsync(c.Root())
	c.Flush()
	p.next()
	p.send(protocol.AppendEvent(nil, &protocol.Event{Code: protocol.Expose, Window: 1}))
	p.wmu.Lock()
	p.w.Close() // end the stream cleanly: the client reads EOF
	p.wmu.Unlock()
	p.nc.Close()

	var rerr, eerr error
	within(t, 5*time.Second, "Reply after loss", func() { _, rerr = k.Reply() })
	if !errors.Is(rerr, ErrClosed) {
		t.Fatalf("Reply: %v, want ErrClosed", rerr)
	}
	ctx := context.Background()
	// The event sent before the loss is still delivered.
	if ev, err := c.NextEvent(ctx); err != nil || ev.Code != protocol.Expose {
		t.Fatalf("queued event: %v, %v", ev, err)
	}
	within(t, 5*time.Second, "NextEvent after loss", func() { _, eerr = c.NextEvent(ctx) })
	if !errors.Is(eerr, ErrClosed) || !errors.Is(eerr, io.EOF) && !errors.Is(eerr, io.ErrUnexpectedEOF) {
		t.Fatalf("NextEvent: %v, want ErrClosed wrapping EOF", eerr)
	}
	var serr error
	within(t, 5*time.Second, "Sync after loss", func() { serr = c.Sync() })
	if !errors.Is(serr, ErrClosed) {
		t.Fatalf("Sync after loss: %v", serr)
	}
	if _, err := c.PollEvent(); !errors.Is(err, ErrClosed) {
		t.Fatalf("PollEvent after loss: %v", err)
	}
}

// TestCloseWakesWaiters checks that Close ends NextEvent and pending
// replies in other goroutines and the reader goroutine.
func TestCloseWakesWaiters(t *testing.T) {
	c, p := newPeer(t, serverHello(), false)
	k := c.SyncAsync()
	c.Flush()
	p.next()
	errs := make(chan error, 2)
	go func() { _, err := c.NextEvent(context.Background()); errs <- err }()
	go func() { _, err := k.Reply(); errs <- err }()
	time.Sleep(20 * time.Millisecond)
	within(t, 5*time.Second, "Close", func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	for i := 0; i < 2; i++ {
		select {
		case err := <-errs:
			if !errors.Is(err, ErrClosed) {
				t.Errorf("waiter got %v, want ErrClosed", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a waiter is still blocked after Close")
		}
	}
	if err := c.MapWindow(1); !errors.Is(err, ErrClosed) {
		t.Errorf("request after Close: %v", err)
	}
}

// TestEventQueueFull checks the documented policy: motion for the same
// window is coalesced into the newest queued motion; anything else makes
// the reader wait for room (so a reply behind it waits too) until the
// application takes an event.
func TestEventQueueFull(t *testing.T) {
	c, p := newPeer(t, serverHello(), false, WithEventQueue(2))
	k := c.SyncAsync()
	c.Flush()
	g := p.next()
	var b []byte
	b = protocol.AppendEvent(b, &protocol.Event{Code: protocol.Expose, Window: 1})
	for x := int16(1); x <= 5; x++ {
		b = protocol.AppendEvent(b, &protocol.Event{Code: protocol.MotionNotify, Window: 1, X: x})
	}
	b = protocol.AppendSyncReply(b, g.seq)
	p.send(b)
	// The Sync reply comes after all six events: if motion were not
	// coalesced the reader would be stuck on the third event.
	within(t, 5*time.Second, "Sync reply behind coalesced motion", func() {
		if _, err := k.Reply(); err != nil {
			t.Error(err)
		}
	})
	if n := c.PendingEvents(); n != 2 {
		t.Fatalf("%d events queued, want 2", n)
	}

	// Queue full with [Expose, Motion]: another Expose must wait.
	k2 := c.SyncAsync()
	c.Flush()
	g2 := p.next()
	go p.send(append(protocol.AppendEvent(nil, &protocol.Event{Code: protocol.Expose, Window: 2}), protocol.AppendSyncReply(nil, g2.seq)...))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	_, err := k2.ReplyContext(ctx)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("reply behind a full queue arrived: %v", err)
	}
	ev, err := c.NextEvent(context.Background())
	if err != nil || ev.Code != protocol.Expose || ev.Window != 1 {
		t.Fatalf("first event %v, %v", ev, err)
	}
	within(t, 5*time.Second, "reply once there is room", func() {
		if _, err := k2.Reply(); err != nil {
			t.Error(err)
		}
	})
	ev, _ = c.NextEvent(context.Background())
	if ev.Code != protocol.MotionNotify || ev.X != 5 {
		t.Fatalf("second event %v x %d, want the newest motion (x 5)", ev.Code, ev.X)
	}
	ev, _ = c.NextEvent(context.Background())
	if ev.Code != protocol.Expose || ev.Window != 2 {
		t.Fatalf("third event %v window %d", ev.Code, ev.Window)
	}
}

// TestPutImageSplitting checks that an image larger than the server's
// request limit goes out as several PutImage requests, none above the
// limit, that reassemble to the image: bands of rows when a row fits,
// tiles when it does not.
func TestPutImageSplitting(t *testing.T) {
	for _, tc := range []struct {
		name       string
		maxRequest uint32
		w, h       int
	}{
		{"bands", 20 + 4*70, 30, 11},    // 2 rows of 30 per request
		{"tiles", 20 + 4*16, 50, 3},     // 16 pixels per request, rows cut in 4
		{"single", 20 + 4*1000, 10, 10}, // fits in one
	} {
		t.Run(tc.name, func(t *testing.T) {
			hello := serverHello()
			hello.MaxRequest = tc.maxRequest
			c, p := newPeer(t, hello, false)
			pix := make([]uint32, tc.w*tc.h)
			for i := range pix {
				pix[i] = uint32(i*2654435761) & 0xffffff
			}
			if err := c.PutPixels(c.Root(), 7, 100, 200, tc.w, tc.h, pix); err != nil {
				t.Fatal(err)
			}
			c.Flush()
			got := make([]uint32, len(pix))
			covered, n := 0, 0
			for covered < len(pix) {
				g := p.next()
				n++
				if g.size > int(tc.maxRequest) {
					t.Fatalf("request of %d bytes above the limit %d", g.size, tc.maxRequest)
				}
				r := g.req.(*protocol.PutImage)
				for y := 0; y < int(r.H); y++ {
					for x := 0; x < int(r.W); x++ {
						got[(int(r.Y)-200+y)*tc.w+int(r.X)-100+x] = r.Pix[y*int(r.W)+x]
					}
				}
				covered += len(r.Pix)
			}
			for i := range pix {
				if got[i] != pix[i] {
					t.Fatalf("pixel %d: %#x, want %#x", i, got[i], pix[i])
				}
			}
			maxPix := (int(tc.maxRequest) - 20) / 4
			if want := (len(pix) + maxPix - 1) / maxPix; n < want {
				t.Fatalf("%d requests, at least %d needed", n, want)
			}
			p.none("after the last piece")
		})
	}
}

// TestPolyLineSplitting checks that a line through more points than one
// request holds is split with the joint repeated, and that relative
// coordinates are made absolute so every piece starts where it should.
func TestPolyLineSplitting(t *testing.T) {
	hello := serverHello()
	hello.MaxRequest = 12 + 4*4 // four points per request
	c, p := newPeer(t, hello, false)
	rel := []Point{{X: 1, Y: 1}, {X: 1, Y: 0}, {X: 1, Y: 0}, {X: 0, Y: 1}, {X: 0, Y: 1}, {X: -1, Y: 0}, {X: -1, Y: 0}, {X: 0, Y: -1}, {X: 0, Y: -1}, {X: 5, Y: 5}}
	if err := c.DrawLines(c.Root(), 1, rel, protocol.CoordModePrevious); err != nil {
		t.Fatal(err)
	}
	c.Flush()
	var path []Point
	for len(path) < len(rel) {
		r := p.next().req.(*protocol.PolyPoint)
		if r.CoordMode != protocol.CoordModeOrigin || len(r.Points) > 4 {
			t.Fatalf("piece in mode %d with %d points", r.CoordMode, len(r.Points))
		}
		if len(path) > 0 {
			if r.Points[0] != path[len(path)-1] {
				t.Fatalf("piece starts at %v, previous ended at %v", r.Points[0], path[len(path)-1])
			}
			r.Points = r.Points[1:]
		}
		path = append(path, r.Points...)
	}
	var x, y int16
	for i, d := range rel {
		x, y = x+d.X, y+d.Y
		if path[i] != (Point{X: x, Y: y}) {
			t.Fatalf("point %d: %v, want (%d,%d)", i, path[i], x, y)
		}
	}
}

// TestConcurrentUse runs several goroutines drawing while another waits
// for replies (run with -race): every request arrives exactly once, each
// goroutine's requests in its own order, and every reply reaches its
// waiter.
func TestConcurrentUse(t *testing.T) {
	c, p := newPeer(t, serverHello(), true)
	const drawers, lines, asks = 4, 500, 50
	var wg sync.WaitGroup
	for d := 0; d < drawers; d++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < lines; i++ {
				// The GC field tells the drawer, x1 the index.
				if err := c.DrawLine(c.Root(), GC(d+1), i, 0, 0, 0); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < asks; i++ {
			g, err := c.GetGeometry(c.Root())
			if err != nil || g.Width != 10 || g.Height != 20 {
				t.Errorf("GetGeometry: %+v, %v", g, err)
				return
			}
		}
	}()
	wg.Wait()
	if err := c.Sync(); err != nil {
		t.Fatal(err)
	}
	next := make([]int, drawers)
	total := drawers*lines + asks + 1
	for i := 0; i < total; i++ {
		g := p.next()
		if g.seq != uint32(i+1) {
			t.Fatalf("seq %d, want %d", g.seq, i+1)
		}
		if r, ok := g.req.(*protocol.PolyPoint); ok {
			d := int(r.GC) - 1
			if int(r.Points[0].X) != next[d] {
				t.Fatalf("drawer %d: line %d arrived, want %d", d, r.Points[0].X, next[d])
			}
			next[d]++
		}
	}
	for d, n := range next {
		if n != lines {
			t.Errorf("drawer %d: %d lines arrived, want %d", d, n, lines)
		}
	}
}

// TestIDAllocation checks IDs stay in the granted range, that a
// non-contiguous mask works, that exhaustion is an error, and that freed
// IDs are reused only then.
func TestIDAllocation(t *testing.T) {
	var a idAlloc
	a.init(0x100, 0x0b) // bits 0, 1 and 3: 7 IDs
	seen := map[uint32]bool{}
	for i := 0; i < 7; i++ {
		id, err := a.alloc()
		if err != nil {
			t.Fatalf("alloc %d: %v", i, err)
		}
		if id&^0x0b != 0x100 || id&0x0b == 0 || seen[id] {
			t.Fatalf("alloc %d: bad or repeated ID %#x", i, id)
		}
		seen[id] = true
	}
	if _, err := a.alloc(); !errors.Is(err, ErrIDsExhausted) {
		t.Fatalf("8th alloc: %v, want ErrIDsExhausted", err)
	}
	a.release(0x103)
	a.release(0x103)
	a.release(0x999) // not ours: ignored
	if id, err := a.alloc(); err != nil || id != 0x103 {
		t.Fatalf("after release: %#x, %v", id, err)
	}
	if _, err := a.alloc(); !errors.Is(err, ErrIDsExhausted) {
		t.Fatalf("double release freed twice: %v", err)
	}

	var b idAlloc
	b.init(0x00200000, 0x001fffff)
	if id, _ := b.alloc(); id != 0x00200001 {
		t.Fatalf("first contiguous ID %#x", id)
	}
}

// TestHandshake checks what the client offers and what it makes of the
// server's answer.
func TestHandshake(t *testing.T) {
	t.Setenv(protocol.EnvAuth, "  env-cookie\n")
	c, p := newPeer(t, serverHello(), false, WithCodecs("s2", "none"))
	if p.hello.Auth != "env-cookie" {
		t.Errorf("auth %q, want the trimmed XFAR_AUTH", p.hello.Auth)
	}
	if strings.Join(p.hello.Codecs, ",") != "s2,none" || c.Codec() != "s2" {
		t.Errorf("offered %v, negotiated %q", p.hello.Codecs, c.Codec())
	}
	if w, h := c.ScreenSize(); w != 640 || h != 480 || c.Root() != 1 || c.Vendor() != "peer" {
		t.Errorf("hello fields: %dx%d root %d vendor %q", w, h, c.Root(), c.Vendor())
	}

	_, p2 := newPeer(t, serverHello(), false, WithAuth("explicit"))
	if p2.hello.Auth != "explicit" || strings.Join(p2.hello.Codecs, ",") != "zstd,s2,none" {
		t.Errorf("auth %q codecs %v", p2.hello.Auth, p2.hello.Codecs)
	}
}

// TestRefused checks that a refusal is an error carrying the reason.
func TestRefused(t *testing.T) {
	cn, sn := net.Pipe()
	defer sn.Close()
	go func() {
		protocol.ReadClientHello(sn)
		(&protocol.ServerHello{Major: protocol.MajorVersion, Reason: "bad cookie"}).WriteTo(sn)
	}()
	_, err := DialConn(cn, WithAuth("wrong"))
	var re *RefusedError
	if !errors.As(err, &re) || re.Reason != "bad cookie" {
		t.Fatalf("DialConn: %v, want RefusedError with the reason", err)
	}
}

// TestDialNoDisplay checks the message when nothing names a display.
func TestDialNoDisplay(t *testing.T) {
	t.Setenv(protocol.EnvDisplay, "")
	if _, err := Dial(""); err == nil || !strings.Contains(err.Error(), protocol.EnvDisplay) {
		t.Fatalf("Dial(\"\") = %v", err)
	}
	if _, err := Dial("nonsense"); err == nil {
		t.Fatal("Dial(nonsense) succeeded")
	}
}
