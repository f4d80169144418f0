package bench

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Dir is the direction bytes flow through the proxy.
type Dir int

// The two directions.
const (
	ClientToServer Dir = iota
	ServerToClient
)

// Chunk is one read on one side of the proxy and its delivery to the
// other: the unit the trace is made of.
type Chunk struct {
	Dir Dir
	N   int
	// Read is when the proxy read the bytes, Delivered when it wrote them
	// on (Read plus the emulated one-way delay), both since the
	// connection was accepted.
	Read, Delivered time.Duration
}

// Session is one proxied connection.
type Session struct {
	start time.Time
	mu    sync.Mutex
	trace []Chunk
	c2s   []byte // what the client sent, kept when the proxy traces
	bytes [2]atomic.Int64
	done  chan struct{}
}

// Bytes returns how many bytes went each way so far.
func (s *Session) Bytes() (c2s, s2c int64) { return s.bytes[0].Load(), s.bytes[1].Load() }

// Done is closed when both directions have ended.
func (s *Session) Done() <-chan struct{} { return s.done }

// Trace returns the chunks delivered so far, in delivery order per
// direction, and the client's bytes if the proxy keeps them.
func (s *Session) Trace() ([]Chunk, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Chunk(nil), s.trace...), append([]byte(nil), s.c2s...)
}

// Proxy forwards each accepted connection to an upstream server, counting
// the bytes in each direction, optionally holding every chunk back by a
// fixed one-way delay (delay each way = half the emulated round-trip
// time) and optionally keeping a trace. It measures what is really on the
// socket: for xfar the compressed stream, for X the raw protocol.
type Proxy struct {
	ln    net.Listener
	dial  func() (net.Conn, error)
	delay time.Duration
	trace bool

	mu       sync.Mutex
	sessions []*Session
	conns    []net.Conn
	closed   bool
	wg       sync.WaitGroup
}

// maxQueued bounds the chunks in flight per direction when delaying;
// a reader blocks beyond it, as a full network path would.
const maxQueued = 1024

// NewProxy starts a proxy listening on ln that dials upstream for each
// connection. The proxy owns ln.
func NewProxy(ln net.Listener, upstream func() (net.Conn, error), oneWayDelay time.Duration, trace bool) *Proxy {
	p := &Proxy{ln: ln, dial: upstream, delay: oneWayDelay, trace: trace}
	p.wg.Add(1)
	go p.accept()
	return p
}

// Addr is the address clients dial.
func (p *Proxy) Addr() net.Addr { return p.ln.Addr() }

// Sessions returns the connections accepted so far, oldest first.
func (p *Proxy) Sessions() []*Session {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*Session(nil), p.sessions...)
}

// Close stops accepting, closes every proxied connection and waits for
// the proxy's goroutines.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	conns := p.conns
	p.conns = nil
	p.mu.Unlock()
	err := p.ln.Close()
	for _, c := range conns {
		c.Close()
	}
	p.wg.Wait()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		cc, err := p.ln.Accept()
		if err != nil {
			return // listener closed
		}
		s := &Session{start: time.Now(), done: make(chan struct{})}
		sc, err := p.dial()
		if err != nil {
			cc.Close()
			close(s.done)
			continue
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			cc.Close()
			sc.Close()
			return
		}
		p.sessions = append(p.sessions, s)
		p.conns = append(p.conns, cc, sc)
		p.mu.Unlock()
		p.wg.Add(1)
		go p.serve(s, cc, sc)
	}
}

// serve pumps both directions and closes both connections when both are
// done (or one failed).
func (p *Proxy) serve(s *Session, cc, sc net.Conn) {
	defer p.wg.Done()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.pump(s, ClientToServer, cc, sc) }()
	go func() { defer wg.Done(); p.pump(s, ServerToClient, sc, cc) }()
	wg.Wait()
	cc.Close()
	sc.Close()
	close(s.done)
}

type queued struct {
	data []byte
	read time.Duration
}

// pump copies src to dst, through a delay line when the proxy has one.
// When src ends, dst is half-closed so the far end sees the end too.
func (p *Proxy) pump(s *Session, d Dir, src, dst net.Conn) {
	var q chan queued
	writerDone := make(chan struct{})
	deliver := func(data []byte, read time.Duration) error {
		if _, err := dst.Write(data); err != nil {
			return err
		}
		now := time.Since(s.start)
		if p.trace {
			s.mu.Lock()
			s.trace = append(s.trace, Chunk{Dir: d, N: len(data), Read: read, Delivered: now})
			s.mu.Unlock()
		}
		return nil
	}
	if p.delay > 0 {
		q = make(chan queued, maxQueued)
		go func() {
			defer close(writerDone)
			failed := false
			for c := range q {
				if failed {
					continue // drain so the reader never blocks
				}
				if wait := c.read + p.delay - time.Since(s.start); wait > 0 {
					time.Sleep(wait)
				}
				if deliver(c.data, c.read) != nil {
					failed = true
					src.Close()
				}
			}
		}()
	} else {
		close(writerDone)
	}
	buf := make([]byte, 64<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			read := time.Since(s.start)
			s.bytes[d].Add(int64(n))
			if p.trace && d == ClientToServer {
				s.mu.Lock()
				s.c2s = append(s.c2s, buf[:n]...)
				s.mu.Unlock()
			}
			if q != nil {
				q <- queued{data: append([]byte(nil), buf[:n]...), read: read}
			} else if deliver(buf[:n], read) != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	if q != nil {
		close(q)
	}
	<-writerDone
	if cw, ok := dst.(interface{ CloseWrite() error }); ok {
		if cw.CloseWrite() == nil {
			return
		}
	}
	dst.Close()
}

// listenTCP listens on 127.0.0.1:port, or an ephemeral port for 0.
func listenTCP(port int) (net.Listener, error) {
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return nil, fmt.Errorf("proxy listen: %w", err)
	}
	return ln, nil
}

// listenXDisplay listens on the TCP port of the first free X display
// number from first on (6000+N), so that an Xlib program can be pointed at
// the proxy with DISPLAY=127.0.0.1:N.
func listenXDisplay(first int) (net.Listener, int, error) {
	var last error
	for n := first; n < first+200; n++ {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", 6000+n))
		if err == nil {
			return ln, n, nil
		}
		last = err
	}
	return nil, 0, fmt.Errorf("no free X display port from %d: %w", 6000+first, last)
}

var errNoDraw = errors.New("no drawing request found in the client's stream")

// firstXDrawEnd parses a client's X11 byte stream (setup, then requests)
// and returns the offset just past the first drawing request.
func firstXDrawEnd(b []byte) (int, error) {
	if len(b) < 12 {
		return 0, io.ErrUnexpectedEOF
	}
	// Setup: 12 bytes, then the padded auth name and data.
	pad := func(n int) int { return (n + 3) &^ 3 }
	off := 12 + pad(int(le16(b[6:]))) + pad(int(le16(b[8:])))
	for off+4 <= len(b) {
		op := b[off]
		n := 4 * int(le16(b[off+2:]))
		if n == 0 { // BIG-REQUESTS: 32-bit length follows
			if off+8 > len(b) {
				break
			}
			n = 4 * int(le32(b[off+4:]))
		}
		if n == 0 {
			return 0, fmt.Errorf("zero-length X request at offset %d", off)
		}
		off += n
		// PolyPoint..PolyFillArc, PutImage, PolyText8/16, ImageText8/16.
		if (op >= 64 && op <= 72) || (op >= 74 && op <= 77) {
			if off > len(b) {
				return 0, io.ErrUnexpectedEOF
			}
			return off, nil
		}
	}
	return 0, errNoDraw
}

func le16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }
func le32(b []byte) uint32 { return uint32(le16(b)) | uint32(le16(b[2:]))<<16 }
