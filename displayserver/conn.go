package displayserver

import (
	"bufio"
	"crypto/subtle"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/xfar/xfar/compress"
	"github.com/xfar/xfar/protocol"
)

// Connection limits.
const (
	handshakeTimeout = 10 * time.Second
	// defaultMaxQueued is Config.MaxQueuedBytes's default.
	defaultMaxQueued = 64 << 20
	// batchMax bounds how many requests a reader hands the owner at once,
	// so one busy client cannot monopolise a turn of the state machine.
	batchMax = 512
	// maxClientIndex bounds client indices so that IDs fit in 32 bits with
	// 21 bits per client (X's layout: 2M resources each).
	maxClientIndex = 2047
	idBits         = 21
	idMask         = 1<<idBits - 1
)

// client is one connection. Its fields below the line are owned by the
// state goroutine; the reader and writer goroutines own the connection's
// two directions.
type client struct {
	id   int // index: resource IDs are id<<idBits | n
	conn net.Conn
	log  *slog.Logger
	out  outQueue
	in   inbox
	use  usage // owned by the state goroutine

	// Owned by the state goroutine.
	lastSeq   uint32
	resources map[uint32]any
	gone      bool
	// kicked is set once the client is being dropped; nothing more is
	// done for it.
	kicked bool
}

func (c *client) idBase() uint32 { return uint32(c.id) << idBits }

// owns reports whether id lies in the client's ID range.
func (c *client) owns(id uint32) bool { return id&^idMask == c.idBase() && id&idMask != 0 }

// outQueue is a client's outbound bytes: the state goroutine appends
// encoded messages, the writer goroutine swaps the buffer out and writes
// it. Bounded by max bytes.
type outQueue struct {
	max    int
	mu     sync.Mutex
	buf    []byte   // the chunk being filled
	full   [][]byte // sealed chunks, oldest first
	queued int      // bytes in full and buf
	closed bool
	// inflight is what the writer took and has not finished writing; it
	// counts against max, so a client that stops reading holds at most
	// max bytes plus one message.
	inflight int
	// stopAfter is set when the client is to be disconnected once what is
	// queued has been written (a protocol error it must see first).
	stopAfter bool
	notify    chan struct{}
}

// outChunk is the size at which the queue starts a new chunk: appending
// to one ever-growing slice would copy it on every growth and leave the
// old copies as garbage, several times the bound for a client that stops
// reading.
const outChunk = 256 << 10

// append encodes into the queue. It reports false, writing nothing, when the
// queue is closed or over its bound.
func (q *outQueue) append(enc func([]byte) []byte) bool {
	q.mu.Lock()
	if q.closed || q.queued+q.inflight > q.max {
		q.mu.Unlock()
		return false
	}
	if len(q.buf) >= outChunk {
		q.full = append(q.full, q.buf)
		q.buf = nil
	}
	n := len(q.buf)
	q.buf = enc(q.buf)
	q.queued += len(q.buf) - n
	q.mu.Unlock()
	select {
	case q.notify <- struct{}{}:
	default:
	}
	return true
}

// take hands everything queued to the writer.
func (q *outQueue) take(spare []byte) (chunks [][]byte, closed, stop bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	chunks = q.full
	if len(q.buf) > 0 {
		chunks = append(chunks, q.buf)
		q.buf = spare[:0]
	}
	q.full = nil
	q.inflight = q.queued
	q.queued = 0
	return chunks, q.closed, q.stopAfter
}

// close stops the queue; with drain, what is queued is still written.
func (q *outQueue) close(drain bool) {
	q.mu.Lock()
	if drain {
		q.stopAfter = true
	} else {
		q.closed = true
		q.buf, q.full, q.queued = nil, nil, 0
	}
	q.mu.Unlock()
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

// serveConn runs one client connection from handshake to disconnect.
func (s *Server) serveConn(conn net.Conn) {
	log := s.log.With("remote", remoteName(conn))
	addr := addrOf(conn.RemoteAddr())
	if !s.handshakes.take(addr) {
		log.Debug("too many unfinished handshakes from this address; closing")
		conn.Close()
		return
	}
	inHandshake := true
	endHandshake := func() {
		if inHandshake {
			inHandshake = false
			s.handshakes.give(addr)
		}
	}
	defer endHandshake()
	conn.SetDeadline(time.Now().Add(handshakeTimeout))
	br := bufio.NewReaderSize(conn, 64<<10)
	hello, err := protocol.ReadClientHello(br)
	if err != nil {
		log.Info("handshake failed", "err", err)
		conn.Close()
		return
	}
	refuse := func(reason string) {
		log.Info("client refused", "reason", reason)
		(&protocol.ServerHello{Major: protocol.MajorVersion, Minor: protocol.MinorVersion, Reason: reason}).WriteTo(conn)
		conn.Close()
	}
	if s.plainFromAfar(conn) {
		refuse(refusePlaintext)
		return
	}
	if hello.Major != protocol.MajorVersion {
		refuse(fmt.Sprintf("protocol version %d.%d not supported; this server speaks %d.%d",
			hello.Major, hello.Minor, protocol.MajorVersion, protocol.MinorVersion))
		return
	}
	if !s.cfg.NoAuth && subtle.ConstantTimeCompare([]byte(hello.Auth), []byte(s.cookie)) != 1 {
		s.pause(s.guard.failed(addr, "client port"))
		refuse("bad or missing auth cookie: pass --auth COOKIE or set XFAR_AUTH (the display server printed it)")
		return
	}
	codec, err := compress.Negotiate(hello.Codecs, s.cfg.Codecs)
	if err != nil {
		refuse(err.Error())
		return
	}
	c := &client{conn: conn, resources: map[uint32]any{}}
	c.out.notify = make(chan struct{}, 1)
	c.in.space = make(chan struct{}, 1)
	c.out.max = s.cfg.MaxQueuedBytes
	if !s.register(c) {
		refuse(fmt.Sprintf("too many clients (limit %d)", s.cfg.MaxClients))
		return
	}
	defer s.unregister(c)
	c.log = log.With("client", c.id)
	sw, sh0 := s.Size()
	sh := &protocol.ServerHello{
		Accepted: true, Major: protocol.MajorVersion, Minor: protocol.MinorVersion,
		Root: rootID, IDBase: c.idBase(), IDMask: idMask, MaxRequest: protocol.DefaultMaxRequest,
		Width: uint16(sw), Height: uint16(sh0), Codec: codec.Name(), Vendor: "xfar",
	}
	if _, err := sh.WriteTo(conn); err != nil {
		c.log.Info("handshake failed", "err", err)
		conn.Close()
		return
	}
	conn.SetDeadline(time.Time{})
	endHandshake()
	c.log.Info("client connected", "codec", codec.Name())

	zr, err := codec.NewReader(br)
	if err != nil {
		c.log.Error("client dropped", "reason", err)
		conn.Close()
		return
	}
	defer zr.Close()
	zw, err := codec.NewWriter(conn)
	if err != nil {
		c.log.Error("client dropped", "reason", err)
		conn.Close()
		return
	}
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		c.writeLoop(zw)
	}()
	reason := s.readLoop(c, bufio.NewReaderSize(zr, 64<<10))
	// The owner frees the client's resources and closes its queue; the
	// writer drains what the client must still see, then closes.
	s.st.disconnect(c, reason)
	<-writerDone
	conn.Close()
	c.log.Info("client disconnected", "reason", reason)
}

func remoteName(conn net.Conn) string {
	if a := conn.RemoteAddr(); a != nil && a.String() != "" && a.String() != "@" {
		return a.String()
	}
	return "unix"
}

// register gives c a free client index.
func (s *Server) register(c *client) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || len(s.conns) >= s.cfg.MaxClients {
		return false
	}
	used := make(map[int]bool, len(s.conns))
	for o := range s.conns {
		used[o.id] = true
	}
	for i := 1; i <= maxClientIndex; i++ {
		if !used[i] {
			c.id = i
			s.conns[c] = struct{}{}
			return true
		}
	}
	return false
}

func (s *Server) unregister(c *client) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// item is one decoded request (or its decode error) with its sequence
// number, as the reader hands it to the owner.
type item struct {
	seq uint32
	op  protocol.Opcode
	req protocol.Request
	err *protocol.DecodeError
	// fn, when set, is run by the owner in the request's place, ordered
	// after the client's earlier requests; done is closed after it.
	fn   func(*state)
	done chan struct{}
	// cont marks a later piece of a split request (split.go): its errors
	// were reported with the first piece. band restricts a polygon piece
	// to some rows.
	cont bool
	band *image.Rectangle
	// size is the request's body size, which the inbox bounds.
	size int
}

// readLoop decodes requests and hands them to the owner in batches: as many
// as are already buffered, up to batchMax, so that a client streaming
// drawing requests costs one channel send per batch, not per request. It
// returns why the client is leaving.
func (s *Server) readLoop(c *client, r *bufio.Reader) string {
	var seq uint32
	var buf []byte
	batch := make([]item, 0, 64)
	for {
		h, body, err := protocol.ReadRequest(r, buf, protocol.DefaultMaxRequest)
		buf = body
		if cap(buf) > 1<<20 {
			// Decoded requests never alias buf, so a big image need not
			// pin megabytes for the rest of the connection.
			buf = nil
		}
		if err != nil {
			s.flushBatch(c, batch)
			var de *protocol.DecodeError
			switch {
			case errors.Is(err, io.EOF):
				return "closed by client"
			case errors.As(err, &de):
				// Unknown opcode or impossible length: report it, then hang
				// up, since we no longer know where the next request starts.
				seq++
				s.st.protocolError(c, seq, de.Op, de.Code, 0, de.Err.Error())
				return "malformed stream: " + err.Error()
			case errors.Is(err, net.ErrClosed):
				return "connection closed"
			}
			return "read: " + err.Error()
		}
		seq++
		op := protocol.Opcode(h.Type)
		req, err := protocol.DecodeRequest(op, body)
		it := item{seq: seq, op: op, req: req, size: len(body)}
		if err != nil {
			var de *protocol.DecodeError
			if !errors.As(err, &de) {
				de = &protocol.DecodeError{Op: op, Code: protocol.BadImplementation, Err: err}
			}
			it.err = de
		}
		batch = append(batch, it)
		if len(batch) >= batchMax || r.Buffered() < protocol.HeaderSize {
			if !s.flushBatch(c, batch) {
				return "server closing"
			}
			batch = make([]item, 0, 64)
		}
	}
}

func (s *Server) flushBatch(c *client, batch []item) bool {
	if len(batch) == 0 {
		return true
	}
	return s.st.enqueue(c, batch)
}

// writeLoop writes the client's queue through the codec, one flush per
// drained batch, until the queue is closed.
func (c *client) writeLoop(w compress.Writer) {
	defer w.Close()
	var spare []byte
	for range c.out.notify {
		chunks, closed, stop := c.out.take(spare)
		spare = nil
		if closed {
			return
		}
		for i, b := range chunks {
			c.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
			_, err := w.Write(b)
			if err == nil && i == len(chunks)-1 {
				err = w.Flush()
			}
			if err != nil {
				c.log.Info("write failed; closing", "err", err)
				c.conn.Close()
				return
			}
			c.out.mu.Lock()
			c.out.inflight -= len(b)
			c.out.mu.Unlock()
			chunks[i] = nil // let it go while the rest is written
			if cap(b) <= outChunk*2 {
				spare = b
			}
		}
		if stop {
			// Unblock the reader if it is still waiting for input.
			c.conn.Close()
			return
		}
	}
}
