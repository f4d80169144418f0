package xclient

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xfar/xfar/compress"
	"github.com/xfar/xfar/protocol"
)

// ErrClosed is wrapped by every error caused by a connection that is gone:
// closed by Close, or lost (then the error also wraps the cause, such as
// io.EOF).
var ErrClosed = errors.New("xclient: connection closed")

// RefusedError is returned by Dial when the server refuses the handshake.
type RefusedError struct {
	// Reason is the server's explanation.
	Reason string
}

// Error implements error.
func (e *RefusedError) Error() string {
	return "xclient: server refused connection: " + e.Reason
}

// Defaults.
const (
	// DefaultEventQueue is how many events and asynchronous errors a
	// connection holds before the policy described in the package comment
	// applies.
	DefaultEventQueue = 4096
	// DefaultHandshakeTimeout bounds dialling plus the handshake.
	DefaultHandshakeTimeout = 10 * time.Second
	// flushThreshold is the output-buffer size that triggers a flush
	// without being asked, as Xlib does when its buffer fills.
	flushThreshold = 64 << 10
	// closeFlushTimeout bounds the final flush in Close, so that a server
	// that stopped reading cannot make Close hang.
	closeFlushTimeout = 5 * time.Second
)

// Option configures Dial, DialAddr and DialConn.
type Option func(*config)

type config struct {
	auth      string
	authSet   bool
	codecs    []string
	timeout   time.Duration
	queueSize int
	dense     bool
	display   int    // display number for the cookie file, or -1
	authFile  string // the cookie file for the display dialled, keyed by host and number
	host      string // the display's host, for the TLS decision (tls.go)
	tls       tlsMode
	// fingerprint pins the server's certificate; "" uses known_hosts.
	fingerprint string
}

// WithAuth sets the auth cookie, overriding XFAR_AUTH and the cookie file.
func WithAuth(cookie string) Option {
	return func(c *config) { c.auth, c.authSet = cookie, true }
}

// WithCodecs sets the codecs offered to the server, most preferred first.
// By default a client offers compress.Names() (zstd first) over TCP, and
// prefers "none" over the local Unix socket, where compressing only costs
// CPU on both ends, as X never compresses locally. Benchmarks use it to
// compare codecs.
func WithCodecs(names ...string) Option {
	return func(c *config) { c.codecs = append([]string(nil), names...) }
}

// WithDenseCompression makes the client's stream denser for more CPU per
// byte (zstd at a higher level; the server decodes it as any other). For
// clients whose stream is small drawing batches where every byte counts
// (xbridge --native), not for ones that send images in bulk.
func WithDenseCompression() Option {
	return func(c *config) { c.dense = true }
}

// WithHandshakeTimeout bounds dialling plus the handshake (default
// DefaultHandshakeTimeout); 0 means no bound.
func WithHandshakeTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout = d }
}

// WithEventQueue sets the event queue's capacity (default
// DefaultEventQueue, minimum 1).
func WithEventQueue(n int) Option {
	return func(c *config) { c.queueSize = max(n, 1) }
}

// localCodecs is the default offer over a Unix socket.
var localCodecs = []string{"none", "zstd", "s2"}

// defaultCodecs fills in the codec offer when the caller set none.
func (cfg *config) defaultCodecs(network string) {
	if cfg.codecs != nil {
		return
	}
	cfg.codecs = compress.Names()
	if network == "unix" {
		cfg.codecs = localCodecs
	}
}

func newConfig(opts []Option) *config {
	cfg := &config{timeout: DefaultHandshakeTimeout, queueSize: DefaultEventQueue, display: -1}
	for _, o := range opts {
		o(cfg)
	}
	return cfg
}

// resolveAuth returns the cookie to send: the explicit option, then
// XFAR_AUTH, then the cookie file the server wrote for display n (when n
// is known). No cookie at all is not an error here: a server without auth
// accepts it, and one with auth refuses it with a clear reason.
func (cfg *config) resolveAuth() (string, error) {
	if cfg.authSet {
		return cfg.auth, nil
	}
	if v, ok := os.LookupEnv(protocol.EnvAuth); ok && v != "" {
		return strings.TrimSpace(v), nil
	}
	if cfg.display < 0 {
		return "", nil
	}
	path := cfg.authFile
	if path == "" {
		path = protocol.AuthFile(cfg.display)
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read cookie file: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// Conn is a connection to a display server. Its methods are safe for
// concurrent use.
type Conn struct {
	nc    net.Conn
	hello protocol.ServerHello
	codec compress.Codec
	rc    io.ReadCloser // decompressing reader, owned by the reader goroutine

	// Output side, guarded by outMu.
	outMu  sync.Mutex
	out    []byte
	seq    uint32
	w      compress.Writer
	outErr error // sticky: once set, nothing more is sent
	// written counts the bytes put on the connection after the handshake
	// (compressed, as they cross the network).
	written *atomic.Int64
	// line and linePts are DrawLine's scratch request, reused under outMu
	// so that the hottest request allocates nothing.
	line    protocol.PolyPoint
	linePts [2]protocol.Point
	// Overdraw (overdraw.go): the last request queued, the batch's
	// withdrawable drawing and what was withdrawn from it.
	lastOp         protocol.Opcode
	lastStart      int
	marks          []drawMark
	withdrawn      [][2]int
	withdrawnTotal int64
	glyphRuns      bool   // an ImageGlyph8 is queued: merge at the flush
	mergeBuf       []byte // the other output buffer, for merging

	ids idAlloc

	// Input side, guarded by inMu; the reader goroutine is its only writer
	// besides the waiters that pop events.
	inMu    sync.Mutex
	queue   []item
	head    int
	qmax    int
	wake    chan struct{} // closed and replaced whenever the queue changes
	pending map[uint32]*pending
	inErr   error // set when the reader has stopped

	// sel is the clipboard side (selection.go), fed by the reader.
	sel selClient

	closed     atomic.Bool
	closeOnce  sync.Once
	closeErr   error
	readerDone chan struct{}
}

// Dial connects to a display: "host:N" (TCP port 6000+N) or ":N" (the
// local Unix socket protocol.SocketPath(N)); "" means the XFAR_DISPLAY
// environment variable. The auth cookie is WithAuth's, else XFAR_AUTH's,
// else the cookie file for that host and display (protocol.AuthFileFor:
// the local server's file only for a display on this machine).
func Dial(display string, opts ...Option) (*Conn, error) {
	if display == "" {
		display = os.Getenv(protocol.EnvDisplay)
		if display == "" {
			return nil, fmt.Errorf("xclient: no display given and %s is not set", protocol.EnvDisplay)
		}
	}
	d, err := protocol.ParseDisplay(display)
	if err != nil {
		return nil, fmt.Errorf("xclient: %w", err)
	}
	network, address := d.Network()
	cfg := newConfig(opts)
	cfg.display = d.Number
	cfg.authFile = protocol.AuthFileFor(d)
	cfg.host = d.Host
	c, err := dial(network, address, cfg)
	if err != nil {
		return nil, fmt.Errorf("xclient: display %s: %w", d, err)
	}
	return c, nil
}

// DialAddr connects to a display server at a network address, such as a
// test server on an ephemeral port. The auth cookie is WithAuth's, else
// XFAR_AUTH's (there is no display number to find a cookie file by).
func DialAddr(network, address string, opts ...Option) (*Conn, error) {
	c, err := dial(network, address, newConfig(opts))
	if err != nil {
		return nil, fmt.Errorf("xclient: %s %s: %w", network, address, err)
	}
	return c, nil
}

func dial(network, address string, cfg *config) (*Conn, error) {
	auth, err := cfg.resolveAuth()
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	if cfg.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.timeout)
		defer cancel()
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	cfg.applyTLSEnv()
	if cfg.wantTLS(network, cfg.host, cfg.display >= 0) {
		tc, err := startTLS(ctx, nc, address, cfg.fingerprint)
		if err != nil {
			nc.Close()
			return nil, err
		}
		nc = tc
	}
	cfg.auth, cfg.authSet = auth, true
	cfg.defaultCodecs(network)
	c, err := handshake(nc, cfg)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return c, nil
}

// DialConn runs the handshake on an established connection, which the
// returned Conn then owns (it is closed on failure too). The auth cookie is
// WithAuth's, else XFAR_AUTH's.
func DialConn(nc net.Conn, opts ...Option) (*Conn, error) {
	cfg := newConfig(opts)
	auth, err := cfg.resolveAuth()
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("xclient: %w", err)
	}
	cfg.auth, cfg.authSet = auth, true
	network := ""
	if a := nc.LocalAddr(); a != nil {
		network = a.Network()
	}
	cfg.defaultCodecs(network)
	c, err := handshake(nc, cfg)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("xclient: %w", err)
	}
	return c, nil
}

// handshake exchanges hellos, then wraps both directions in the negotiated
// codec and starts the reader goroutine.
func handshake(nc net.Conn, cfg *config) (*Conn, error) {
	if cfg.timeout > 0 {
		nc.SetDeadline(time.Now().Add(cfg.timeout))
	}
	ch := protocol.ClientHello{Major: protocol.MajorVersion, Minor: protocol.MinorVersion, Auth: cfg.auth, Codecs: cfg.codecs}
	if _, err := ch.WriteTo(nc); err != nil {
		return nil, fmt.Errorf("handshake: %w", err)
	}
	// The hello is read from the raw connection, never through a buffered
	// reader, so no compressed byte after it is swallowed.
	sh, err := protocol.ReadServerHello(nc)
	if err != nil {
		return nil, fmt.Errorf("handshake: %w", err)
	}
	if !sh.Accepted {
		return nil, &RefusedError{Reason: sh.Reason}
	}
	if sh.Major != protocol.MajorVersion {
		return nil, fmt.Errorf("handshake: server speaks protocol %d.%d, we speak %d.%d", sh.Major, sh.Minor, protocol.MajorVersion, protocol.MinorVersion)
	}
	codec, err := compress.Lookup(sh.Codec)
	if err != nil {
		return nil, fmt.Errorf("handshake: server chose %w", err)
	}
	if !contains(cfg.codecs, sh.Codec) && !(len(cfg.codecs) == 0 && sh.Codec == "none") {
		return nil, fmt.Errorf("handshake: server chose codec %q, which we did not offer", sh.Codec)
	}
	written := new(atomic.Int64)
	w, err := compress.NewWriter(codec, countWriter{nc, written}, cfg.dense)
	if err != nil {
		return nil, fmt.Errorf("handshake: %w", err)
	}
	rc, err := codec.NewReader(nc)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("handshake: %w", err)
	}
	nc.SetDeadline(time.Time{})
	c := &Conn{
		nc:         nc,
		hello:      *sh,
		codec:      codec,
		rc:         rc,
		w:          w,
		written:    written,
		out:        make([]byte, 0, flushThreshold+4096),
		qmax:       cfg.queueSize,
		wake:       make(chan struct{}),
		pending:    make(map[uint32]*pending),
		readerDone: make(chan struct{}),
	}
	c.ids.init(sh.IDBase, sh.IDMask)
	go c.readLoop(bufio.NewReaderSize(rc, 64<<10))
	return c, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Close flushes what is buffered, closes the connection and waits for the
// reader goroutine to end. Waiters in NextEvent and Reply return an error
// wrapping ErrClosed. It returns the final flush's error, if any; later
// calls return the same.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		// A server that stopped reading would block the final write forever
		// (and with it every goroutine waiting for outMu).
		c.nc.SetWriteDeadline(time.Now().Add(closeFlushTimeout))
		c.outMu.Lock()
		err := c.flushLocked()
		if c.outErr == nil {
			// Ends the compressed stream cleanly; the server reads it as EOF.
			if werr := c.w.Close(); werr != nil {
				err = fmt.Errorf("xclient: close: %w", werr)
			}
			c.outErr = ErrClosed
		}
		c.outMu.Unlock()
		if cerr := c.nc.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("xclient: close: %w", cerr)
		}
		c.inMu.Lock()
		c.broadcastLocked() // wakes a reader waiting for queue space
		c.inMu.Unlock()
		<-c.readerDone
		c.rc.Close()
		c.closeErr = err
	})
	return c.closeErr
}

// BytesWritten returns how many bytes the connection has put on the
// network since the handshake, after compression: what a sender that
// paces itself to the link (the X11 bridge) counts as in flight.
func (c *Conn) BytesWritten() int64 { return c.written.Load() }

// countWriter counts what passes through to the connection.
type countWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (c countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// Root returns the root window of the screen.
func (c *Conn) Root() Window { return Window(c.hello.Root) }

// ScreenSize returns the screen's size in pixels.
func (c *Conn) ScreenSize() (width, height int) {
	return int(c.hello.Width), int(c.hello.Height)
}

// Codec returns the name of the codec the server chose.
func (c *Conn) Codec() string { return c.codec.Name() }

// Vendor returns the server's vendor string.
func (c *Conn) Vendor() string { return c.hello.Vendor }

// ServerVersion returns the protocol version the server speaks.
func (c *Conn) ServerVersion() (major, minor int) {
	return int(c.hello.Major), int(c.hello.Minor)
}

// MaxRequest returns the largest request body the server accepts; PutImage
// splits larger images into several requests.
func (c *Conn) MaxRequest() int { return int(c.hello.MaxRequest) }
