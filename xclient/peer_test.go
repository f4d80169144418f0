package xclient

import (
	"bufio"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/xfar/xfar/compress"
	"github.com/xfar/xfar/protocol"
)

// peer is a tiny scripted server for unit tests of the encoding, the
// handshake and the reply/event machinery: it runs the real handshake and
// real codecs over net.Pipe, decodes every request with
// protocol.DecodeRequest and sends whatever a test tells it to. End-to-end
// behaviour is tested against the real display server in xclient_test.
type peer struct {
	t     testing.TB
	nc    net.Conn
	hello *protocol.ClientHello
	reqs  chan got
	// autoReply answers Sync, GetGeometry, QueryTree and QueryPointer as
	// they arrive, for tests that only need some answer.
	autoReply bool
	// discard drops requests undecoded, for benchmarks of the client side.
	discard bool

	wmu sync.Mutex
	w   compress.Writer

	done chan struct{} // closed when the peer's reader ends
}

// got is one request as the peer decoded it.
type got struct {
	seq  uint32
	op   protocol.Opcode
	size int // body size
	req  protocol.Request
	err  error
}

// serverHello returns an accepting hello like the real server's.
func serverHello() protocol.ServerHello {
	return protocol.ServerHello{Accepted: true, Major: protocol.MajorVersion, Minor: protocol.MinorVersion,
		Root: 1, IDBase: 0x00200000, IDMask: 0x001fffff, MaxRequest: protocol.DefaultMaxRequest,
		Width: 640, Height: 480, Vendor: "peer"}
}

// newPeer starts a peer with hello (Codec is filled in by negotiation) and
// dials it.
func newPeer(t testing.TB, hello protocol.ServerHello, autoReply bool, opts ...Option) (*Conn, *peer) {
	return startPeer(t, hello, autoReply, false, opts...)
}

// newSinkPeer starts a peer that reads and drops everything.
func newSinkPeer(t testing.TB, opts ...Option) (*Conn, *peer) {
	return startPeer(t, serverHello(), false, true, opts...)
}

func startPeer(t testing.TB, hello protocol.ServerHello, autoReply, discard bool, opts ...Option) (*Conn, *peer) {
	t.Helper()
	cn, sn := net.Pipe()
	p := &peer{t: t, nc: sn, reqs: make(chan got, 1<<16), autoReply: autoReply, discard: discard, done: make(chan struct{})}
	ready := make(chan error, 1)
	go func() { ready <- p.handshake(hello) }()
	c, err := DialConn(cn, opts...)
	if herr := <-ready; herr != nil {
		t.Fatalf("peer handshake: %v", herr)
	}
	if err != nil {
		t.Fatalf("DialConn: %v", err)
	}
	t.Cleanup(func() {
		c.Close()
		sn.Close()
		<-p.done
	})
	return c, p
}

func (p *peer) handshake(hello protocol.ServerHello) error {
	ch, err := protocol.ReadClientHello(p.nc)
	if err != nil {
		close(p.done)
		return err
	}
	p.hello = ch
	codec, err := compress.Negotiate(ch.Codecs, compress.Names())
	if err != nil {
		close(p.done)
		return err
	}
	hello.Codec = codec.Name()
	if _, err := hello.WriteTo(p.nc); err != nil {
		close(p.done)
		return err
	}
	if !hello.Accepted {
		close(p.done)
		return nil
	}
	if p.w, err = codec.NewWriter(p.nc); err != nil {
		close(p.done)
		return err
	}
	rc, err := codec.NewReader(p.nc)
	if err != nil {
		close(p.done)
		return err
	}
	if p.discard {
		go func() {
			defer close(p.done)
			defer rc.Close()
			io.Copy(io.Discard, rc)
		}()
		return nil
	}
	go p.readLoop(bufio.NewReader(rc), rc)
	return nil
}

func (p *peer) readLoop(r *bufio.Reader, rc io.Closer) {
	defer close(p.done)
	defer rc.Close()
	var seq uint32
	for {
		h, body, err := protocol.ReadMessage(r, nil, protocol.MaxBody)
		if err != nil {
			return
		}
		seq++
		op := protocol.Opcode(h.Type)
		req, err := protocol.DecodeRequest(op, body)
		p.reqs <- got{seq: seq, op: op, size: len(body), req: req, err: err}
		if p.autoReply && op.HasReply() {
			switch op {
			case protocol.OpSync:
				p.send(protocol.AppendSyncReply(nil, seq))
			case protocol.OpGetGeometry:
				p.send(protocol.AppendGeometryReply(nil, seq, &protocol.GeometryReply{Root: 1, Width: 10, Height: 20}))
			case protocol.OpQueryTree:
				p.send(protocol.AppendTreeReply(nil, seq, &protocol.TreeReply{Root: 1}))
			case protocol.OpQueryPointer:
				p.send(protocol.AppendPointerReply(nil, seq, &protocol.PointerReply{Root: 1, SameScreen: true}))
			}
		}
	}
}

// send writes one batch of server messages and flushes it.
func (p *peer) send(b []byte) {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	if _, err := p.w.Write(b); err == nil {
		p.w.Flush()
	}
}

// next returns the next request the peer received, failing the test if
// none arrives in time.
func (p *peer) next() got {
	p.t.Helper()
	select {
	case g := <-p.reqs:
		if g.err != nil {
			p.t.Fatalf("peer could not decode request %d (%v): %v", g.seq, g.op, g.err)
		}
		return g
	case <-time.After(5 * time.Second):
		p.t.Fatal("peer: no request arrived within 5s")
		return got{}
	}
}

// none checks that no request has arrived (the client has not flushed).
func (p *peer) none(what string) {
	p.t.Helper()
	select {
	case g := <-p.reqs:
		p.t.Fatalf("%s: peer received request %d (%v) that should still be buffered", what, g.seq, g.op)
	case <-time.After(50 * time.Millisecond):
	}
}

var errTimeout = errors.New("timed out")

// within runs f and fails the test if it does not return in time, so that
// a hang is a failure, not a stuck test binary.
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s: %v after %v", what, errTimeout, d)
	}
}
