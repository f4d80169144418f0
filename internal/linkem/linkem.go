// Package linkem emulates a long network link between an xfar client and
// a display server: a TCP proxy that delays each direction by half a
// round-trip time and paces it to a bandwidth cap, and counts what
// crosses it. With it anyone can feel, and measure, what each split of
// the user interface costs over a slow link.
//
// Bytes are counted in each direction. When the connection negotiates the
// codec "none", the proxy also reads the xfar framing (the handshake,
// then 4-byte message headers) and counts messages by type: requests
// upstream, replies, errors and events downstream.
package linkem

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"
)

// Config is the link to emulate.
type Config struct {
	// RTT is the round-trip time added: each direction is delayed by half.
	RTT time.Duration
	// Rate caps each direction, in bytes per second (0: no cap).
	Rate int64
	// Logger receives one line per connection (nil: discard).
	Logger *slog.Logger
}

// Bounds of a connection's in-flight data: a chunk is at most chunkSize
// bytes and a direction holds at most queueChunks chunks in flight, so a
// fast sender is slowed by TCP back-pressure rather than buffered without
// limit.
const (
	chunkSize   = 32 << 10
	queueChunks = 256
)

// Proxy is a listening link emulator.
type Proxy struct {
	cfg     Config
	log     *slog.Logger
	ln      net.Listener
	network string
	target  string

	mu    sync.Mutex
	stats Stats
	conns map[net.Conn]struct{}

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Listen starts a proxy on (network, addr) that forwards each connection
// to (targetNetwork, target) through the emulated link.
func Listen(network, addr, targetNetwork, target string, cfg Config) (*Proxy, error) {
	ln, err := net.Listen(network, addr)
	if err != nil {
		return nil, fmt.Errorf("linkem: listen: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Proxy{cfg: cfg, log: log, ln: ln, network: targetNetwork, target: target,
		conns: map[net.Conn]struct{}{}, ctx: ctx, cancel: cancel}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr returns the address the proxy listens on.
func (p *Proxy) Addr() net.Addr { return p.ln.Addr() }

// Close stops listening, cuts every connection and waits for the proxy's
// goroutines to end.
func (p *Proxy) Close() error {
	p.cancel()
	err := p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

// Stats returns what has crossed the proxy so far, over all connections.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}

func (p *Proxy) track(c net.Conn, add bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !add {
		delete(p.conns, c)
		return true
	}
	if p.ctx.Err() != nil {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			if p.ctx.Err() == nil {
				p.log.Error("accept", "err", err)
			}
			return
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

// serve runs one client connection: dial the target, then one pipe per
// direction, each with a reader and a writer goroutine.
func (p *Proxy) serve(client net.Conn) {
	defer p.wg.Done()
	defer client.Close()
	var d net.Dialer
	server, err := d.DialContext(p.ctx, p.network, p.target)
	if err != nil {
		p.log.Error("dial target", "target", p.target, "err", err)
		return
	}
	defer server.Close()
	if !p.track(client, true) || !p.track(server, true) {
		return
	}
	defer p.track(client, false)
	defer p.track(server, false)
	p.log.Info("connection", "from", client.RemoteAddr(), "rtt", p.cfg.RTT, "rate", p.cfg.Rate)
	cs := &connState{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.pipe(client, server, &upParser{cs: cs}, true) }()
	go func() { defer wg.Done(); p.pipe(server, client, &downParser{cs: cs}, false) }()
	wg.Wait()
	p.log.Info("connection closed", "from", client.RemoteAddr())
}

type chunk struct {
	b   []byte
	due time.Time // when its last byte may be delivered
}

// pipe copies src to dst through the emulated link. The reader stamps
// each chunk with its delivery time: half the RTT after it arrived, and
// no earlier than the previous chunk plus its transmission time at the
// rate cap. The writer waits for that time, then writes.
func (p *Proxy) pipe(src, dst net.Conn, parse parser, up bool) {
	q := make(chan chunk, queueChunks)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for c := range q {
			if wait := time.Until(c.due); wait > 0 {
				t := time.NewTimer(wait)
				select {
				case <-t.C:
				case <-p.ctx.Done():
					t.Stop()
					return
				}
			}
			n, err := dst.Write(c.b)
			p.delivered(n, up)
			if err != nil {
				return
			}
		}
		// The source ended: pass the half-close on.
		if tc, ok := dst.(interface{ CloseWrite() error }); ok {
			tc.CloseWrite()
		} else {
			dst.Close()
		}
	}()
	// last is the previous chunk's delivery time; free is when the
	// emulated link finishes sending what it already has.
	var last, free time.Time
	for {
		b := make([]byte, chunkSize)
		n, err := src.Read(b)
		if n > 0 {
			now := time.Now()
			due := now.Add(p.cfg.RTT / 2)
			if p.cfg.Rate > 0 {
				start := now
				if free.After(start) {
					start = free
				}
				free = start.Add(time.Duration(int64(n) * int64(time.Second) / p.cfg.Rate))
				due = free.Add(p.cfg.RTT / 2)
			}
			if due.Before(last) {
				due = last
			}
			last = due
			p.count(b[:n], parse, up)
			select {
			case q <- chunk{b: b[:n], due: due}:
			case <-done:
				close(q)
				return
			}
		}
		if err != nil {
			close(q)
			<-done
			return
		}
	}
}

func (p *Proxy) delivered(n int, up bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if up {
		p.stats.Up.Delivered += int64(n)
	} else {
		p.stats.Down.Delivered += int64(n)
	}
}

func (p *Proxy) count(b []byte, parse parser, up bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	d := &p.stats.Down
	if up {
		d = &p.stats.Up
	}
	d.Bytes += int64(len(b))
	parse.feed(b, d)
}
