package displayserver

import (
	"bufio"
	"errors"
	"image"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xfar/xfar/compress"
	"github.com/xfar/xfar/internal/rawconn"
	"github.com/xfar/xfar/protocol"
)

// The tests in this package speak the protocol byte by byte, with the
// protocol package only, so that they can also send what no well-behaved
// client library would: garbage, lies about lengths, compression bombs.

// startServer runs a real server on an ephemeral TCP port and a temporary
// Unix socket.
func startServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	if cfg.TCPAddr == "" {
		cfg.TCPAddr = "127.0.0.1:0"
	}
	if cfg.UnixPath == "" {
		cfg.UnixPath = filepath.Join(t.TempDir(), "X0")
	}
	if cfg.HTTPAddr == "" {
		cfg.HTTPAddr = "127.0.0.1:0"
	}
	if cfg.AuthFile == "" {
		cfg.AuthFile = "none"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// testLog sends the server's log lines to the test's log, so they show
// with the failure they explain and nowhere else.
type testLog struct{ t testing.TB }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimSuffix(string(b), "\n"))
	return len(b), nil
}

// rawClient is a minimal protocol client over a real socket.
type rawClient struct {
	t      testing.TB
	conn   net.Conn
	hello  *protocol.ServerHello
	w      compress.Writer
	r      *bufio.Reader
	seq    uint32
	nextID uint32
	buf    []byte
	events []*protocol.Event
}

func dialRaw(t testing.TB, s *Server, codec string) *rawClient {
	t.Helper()
	c, err := tryDialRaw(s, s.Cookie(), codec)
	if err != nil {
		t.Fatal(err)
	}
	c.t = t
	t.Cleanup(func() { c.conn.Close() })
	return c
}

func tryDialRaw(s *Server, cookie, codec string) (*rawClient, error) {
	conn, err := net.Dial("tcp", s.TCPAddr().String())
	if err != nil {
		return nil, err
	}
	h, w, r, err := rawconn.Handshake(conn, cookie, codec)
	if err != nil {
		return nil, err
	}
	return &rawClient{conn: conn, hello: h, w: w, r: r, nextID: 1}, nil
}

func (c *rawClient) id() uint32 {
	id := c.hello.IDBase | c.nextID
	c.nextID++
	return id
}

// send queues requests and flushes them, returning the sequence number of
// the last.
func (c *rawClient) send(reqs ...protocol.Request) uint32 {
	c.t.Helper()
	var b []byte
	for _, r := range reqs {
		var err error
		b, err = protocol.AppendRequest(b, r)
		if err != nil {
			c.t.Fatal(err)
		}
		c.seq++
	}
	c.sendBytes(b)
	return c.seq
}

func (c *rawClient) sendBytes(b []byte) {
	c.t.Helper()
	c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.w.Write(b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
	if err := c.w.Flush(); err != nil {
		c.t.Fatalf("flush: %v", err)
	}
}

// next reads one server message.
func (c *rawClient) next() (any, error) {
	c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	h, body, err := protocol.ReadMessage(c.r, c.buf, protocol.MaxBody)
	c.buf = body
	if err != nil {
		return nil, err
	}
	return protocol.DecodeServerMessage(h, body)
}

// sync sends Sync and waits for its reply, collecting events and returning
// the errors that came before it.
func (c *rawClient) sync() []*protocol.Error {
	c.t.Helper()
	seq := c.send(&protocol.Sync{})
	var errs []*protocol.Error
	for {
		m, err := c.next()
		if err != nil {
			c.t.Fatalf("waiting for sync reply: %v", err)
		}
		switch m := m.(type) {
		case *protocol.Reply:
			if m.Seq == seq {
				return errs
			}
		case *protocol.Error:
			errs = append(errs, m)
		case *protocol.Event:
			c.events = append(c.events, m)
		}
	}
}

// waitEvent reads until an event with the given code arrives.
func (c *rawClient) waitEvent(code protocol.EventCode) *protocol.Event {
	c.t.Helper()
	for i, e := range c.events {
		if e.Code == code {
			c.events = append(c.events[:i], c.events[i+1:]...)
			return e
		}
	}
	for {
		m, err := c.next()
		if err != nil {
			c.t.Fatalf("waiting for %v: %v", code, err)
		}
		if e, ok := m.(*protocol.Event); ok {
			if e.Code == code {
				return e
			}
			c.events = append(c.events, e)
		}
	}
}

// expectClosed reads until the server closes the connection, and fails
// if it does not within the deadline.
func (c *rawClient) expectClosed() []*protocol.Error {
	c.t.Helper()
	var errs []*protocol.Error
	for {
		m, err := c.next()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				c.t.Fatal("server did not close the connection")
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrDeadlineExceeded) || isReset(err) {
				return errs
			}
			return errs
		}
		if e, ok := m.(*protocol.Error); ok {
			errs = append(errs, e)
		}
	}
}

func isReset(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe)
}

// xdemoScene does what the seed's Xlib program does: a 200x100 black
// window, StructureNotify, map, a white GC, wait for MapNotify, a line from
// (10,60) to (180,20). It returns the window, its GC and where its inside
// is on the screen.
func (c *rawClient) xdemoScene() (win, gc uint32, at image.Point) {
	return c.xdemoSceneAt(0, 0)
}

// xdemoSceneAt is xdemoScene with the window created at (x, y).
func (c *rawClient) xdemoSceneAt(x, y int16) (win, gc uint32, at image.Point) {
	c.t.Helper()
	win, gc = c.id(), c.id()
	c.send(
		&protocol.CreateWindow{Window: win, Parent: c.hello.Root, X: x, Y: y, Width: 200, Height: 100, EventMask: protocol.StructureNotifyMask},
		&protocol.IDRequest{Op: protocol.OpMapWindow, ID: win},
		&protocol.CreateGC{GC: gc, Drawable: win, Values: protocol.GCValues{ValueMask: protocol.GCForeground, Foreground: 0xffffff}},
	)
	c.waitEvent(protocol.MapNotify)
	c.send(&protocol.PolyPoint{Op: protocol.OpPolyLine, Drawable: win, GC: gc, Points: []protocol.Point{{X: 10, Y: 60}, {X: 180, Y: 20}}})
	if errs := c.sync(); len(errs) > 0 {
		c.t.Fatalf("xdemo scene: %v", errs[0])
	}
	g := c.geometry(win)
	return win, gc, image.Pt(int(g.X)+int(g.BorderWidth), int(g.Y)+int(g.BorderWidth))
}

// ask sends a request that has a reply and returns the reply's data,
// keeping the events that arrive meanwhile.
func (c *rawClient) ask(req protocol.Request) []byte {
	c.t.Helper()
	seq := c.send(req)
	for {
		m, err := c.next()
		if err != nil {
			c.t.Fatal(err)
		}
		switch m := m.(type) {
		case *protocol.Reply:
			if m.Seq == seq {
				return m.Data
			}
		case *protocol.Error:
			c.t.Fatalf("%v: %v", req.Opcode(), m)
		case *protocol.Event:
			c.events = append(c.events, m)
		}
	}
}

// geometry asks for a window's geometry.
func (c *rawClient) geometry(id uint32) *protocol.GeometryReply {
	c.t.Helper()
	g, err := protocol.DecodeGeometryReply(c.ask(&protocol.IDRequest{Op: protocol.OpGetGeometry, ID: id}))
	if err != nil {
		c.t.Fatal(err)
	}
	return g
}

// queryTree returns a window's children, bottom first.
func (c *rawClient) queryTree(id uint32) []uint32 {
	c.t.Helper()
	tr, err := protocol.DecodeTreeReply(c.ask(&protocol.IDRequest{Op: protocol.OpQueryTree, ID: id}))
	if err != nil {
		c.t.Fatal(err)
	}
	return tr.Children
}

// pixelAt reads the snapshot's pixel as 0x00RRGGBB.
func pixelAt(img *image.RGBA, x, y int) uint32 {
	i := img.PixOffset(x, y)
	return uint32(img.Pix[i])<<16 | uint32(img.Pix[i+1])<<8 | uint32(img.Pix[i+2])
}
