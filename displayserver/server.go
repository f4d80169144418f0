package displayserver

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xfar/xfar/compress"
	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
)

// Config configures a Server. The zero value serves display :0 on all the
// default addresses with a random cookie.
type Config struct {
	// Display is N: TCP port 6000+N, Unix socket protocol.SocketPath(N),
	// HTTP port 8000+N.
	Display int
	// TCPAddr is the protocol's TCP listen address; "" means ":6000+N",
	// "none" disables TCP.
	TCPAddr string
	// UnixPath is the protocol's Unix socket; "" means
	// protocol.SocketPath(N), "none" disables it.
	UnixPath string
	// HTTPAddr is the HTTP listen address; "" means ":8000+N", "none"
	// disables HTTP.
	HTTPAddr string
	// Width and Height of the screen; default 1280x800.
	Width, Height int
	// NoAuth accepts clients and HTTP requests without the cookie.
	NoAuth bool
	// TLSCertFile and TLSKeyFile are the server's TLS certificate and
	// key (PEM); without them the server makes a self-signed certificate
	// and keeps it beside AuthFile. NoTLS turns TLS off; AllowPlaintext
	// accepts plain connections from other machines (tlsconf.go).
	TLSCertFile, TLSKeyFile string
	NoTLS, AllowPlaintext   bool
	// NewTokens makes a new cookie (and so a new view-only token) even
	// when AuthFile holds the previous run's.
	NewTokens bool
	// Cookie is the auth cookie; "" generates a random one.
	Cookie string
	// AuthFile is where the cookie is written for this user's clients;
	// "" means protocol.AuthFile(N), "none" writes nothing.
	AuthFile string
	// Codecs lists the compression codecs clients may choose; default
	// compress.Names().
	Codecs []string
	// MaxClients bounds simultaneous clients; default 256.
	MaxClients int
	// MaxQueuedBytes bounds what the server queues for one client before
	// it decides the client has stopped reading and disconnects it;
	// default 64 MiB.
	MaxQueuedBytes int
	// MaxClientPixels, MaxPixels, MaxClientWindows and MaxClientResources
	// are the memory limits (see limits.go for their defaults).
	MaxClientPixels, MaxPixels           int
	MaxClientWindows, MaxClientResources int
	// MaxHTTPConnsPerAddr, MaxHandshakesPerAddr and MaxFeeds are the
	// network limits (see netguard.go for their defaults).
	MaxHTTPConnsPerAddr, MaxHandshakesPerAddr, MaxFeeds int
	// Logger receives structured logs; default slog.Default().
	Logger *slog.Logger
}

// Server is a running display.
type Server struct {
	cfg Config
	// size is the screen's width<<32 | height, which Resize changes
	// (resize.go); cfg keeps the size it started with.
	size   atomic.Uint64
	log    *slog.Logger
	cookie string
	view   string

	st *state

	mu        sync.Mutex // guards listeners, conns, accepted and closed
	listeners []net.Listener
	conns     map[*client]struct{}
	// accepted holds every connection from accept until it ends, so
	// Close reaches those still in their handshake too.
	accepted map[net.Conn]struct{}
	closed   bool

	tcpAddr  net.Addr
	httpAddr net.Addr
	unixPath string
	authFile string

	// Network guards (netguard.go, authlimit.go).
	handshakes *slots
	feeds      map[feed.Access]*slots
	guard      *authGuard

	tlsCfg      *tls.Config
	fingerprint string
	// treatAllAsRemote lets tests on one machine play another machine.
	treatAllAsRemote bool

	mux     *http.ServeMux
	httpSrv *http.Server
	wg      sync.WaitGroup
	ctx     context.Context
	cancel  context.CancelFunc
}

// New checks the configuration and prepares a server; Start makes it serve.
func New(cfg Config) (*Server, error) {
	if cfg.Display < 0 || cfg.Display > protocol.MaxDisplay {
		return nil, fmt.Errorf("display number %d out of range 0..%d", cfg.Display, protocol.MaxDisplay)
	}
	if cfg.Width == 0 && cfg.Height == 0 {
		cfg.Width, cfg.Height = 1280, 800
	}
	if cfg.Width < 64 || cfg.Height < 64 || cfg.Width > protocol.MaxDimension || cfg.Height > protocol.MaxDimension {
		return nil, fmt.Errorf("screen size %dx%d out of range 64..%d", cfg.Width, cfg.Height, protocol.MaxDimension)
	}
	if cfg.Codecs == nil {
		cfg.Codecs = compress.Names()
	}
	for _, c := range cfg.Codecs {
		if _, err := compress.Lookup(c); err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
	}
	if cfg.MaxClients <= 0 {
		cfg.MaxClients = 256
	}
	if cfg.MaxClients > maxClientIndex {
		cfg.MaxClients = maxClientIndex
	}
	if cfg.MaxQueuedBytes <= 0 {
		cfg.MaxQueuedBytes = defaultMaxQueued
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.fillLimitDefaults()
	if cfg.MaxHTTPConnsPerAddr <= 0 {
		cfg.MaxHTTPConnsPerAddr = DefaultMaxHTTPConnsPerAddr
	}
	if cfg.MaxHandshakesPerAddr <= 0 {
		cfg.MaxHandshakesPerAddr = DefaultMaxHandshakesPerAddr
	}
	if cfg.MaxFeeds <= 0 {
		cfg.MaxFeeds = DefaultMaxFeeds
	}
	s := &Server{cfg: cfg, log: cfg.Logger, conns: map[*client]struct{}{}, accepted: map[net.Conn]struct{}{}}
	s.cookie = cfg.Cookie
	if f := orDefault(cfg.AuthFile, protocol.AuthFile(cfg.Display)); s.cookie == "" && f != "none" && !cfg.NoAuth && !cfg.NewTokens {
		// The last run's cookie, so that clients' cookie files, bookmarks
		// and open viewer pages keep working across a restart.
		s.cookie = readCookie(f)
	}
	if s.cookie == "" {
		var err error
		if s.cookie, err = newCookie(); err != nil {
			return nil, err
		}
	}
	// The view-only token is derived, so it needs no storage and cannot be
	// turned back into the cookie.
	sum := sha256.Sum256([]byte("xfar view-only\x00" + s.cookie))
	s.view = hex.EncodeToString(sum[:16])
	s.st = newState(s, cfg.Width, cfg.Height)
	s.size.Store(uint64(cfg.Width)<<32 | uint64(cfg.Height))
	s.handshakes = newSlots(cfg.MaxHandshakesPerAddr, DefaultMaxHandshakes)
	s.feeds = map[feed.Access]*slots{
		feed.ViewOnly:    newSlots(cfg.MaxFeeds, cfg.MaxFeeds),
		feed.FullControl: newSlots(cfg.MaxFeeds, cfg.MaxFeeds),
	}
	s.guard = newAuthGuard(s.log)
	s.mux = http.NewServeMux()
	s.mux.Handle("GET /snapshot.png", s.auth(http.HandlerFunc(s.serveSnapshot)))
	s.routeClipboard()
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Start binds the listeners and starts serving in background goroutines
// owned by the server; Close stops them.
func (s *Server) Start() error {
	n := s.cfg.Display
	if err := s.loadTLS(); err != nil {
		return err
	}
	if a := orDefault(s.cfg.TCPAddr, ":"+strconv.Itoa(protocol.TCPBasePort+n)); a != "none" {
		ln, err := net.Listen("tcp", a)
		if err != nil {
			s.Close()
			return fmt.Errorf("listen for clients on tcp %s: %w", a, err)
		}
		s.tcpAddr = ln.Addr()
		if s.tlsCfg != nil {
			ln = &sniffListener{Listener: ln, cfg: s.tlsCfg}
		}
		s.addListener(ln)
	}
	if p := orDefault(s.cfg.UnixPath, protocol.SocketPath(n)); p != "none" {
		ln, err := listenUnix(p)
		if err != nil {
			s.Close()
			return err
		}
		s.unixPath = p
		s.addListener(ln)
	}
	if a := orDefault(s.cfg.HTTPAddr, ":"+strconv.Itoa(protocol.HTTPBasePort+n)); a != "none" {
		ln, err := net.Listen("tcp", a)
		if err != nil {
			s.Close()
			return fmt.Errorf("listen for http on %s: %w", a, err)
		}
		s.httpAddr = ln.Addr()
		ln = &limitListener{Listener: ln, slots: newSlots(s.cfg.MaxHTTPConnsPerAddr, DefaultMaxHTTPConns), log: s.log, warned: map[string]time.Time{}}
		if s.tlsCfg != nil {
			ln = &sniffListener{Listener: ln, cfg: s.tlsCfg}
		}
		s.httpSrv = &http.Server{Handler: guardHTTP(s.mux), ReadHeaderTimeout: httpReadHeaderTimeout,
			ReadTimeout: httpReadTimeout, WriteTimeout: httpWriteTimeout, IdleTimeout: httpIdleTimeout,
			ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
			ConnContext: func(ctx context.Context, c net.Conn) context.Context {
				return context.WithValue(ctx, connKey{}, c)
			}}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := s.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("http server stopped", "err", err)
			}
		}()
	}
	if f := orDefault(s.cfg.AuthFile, protocol.AuthFile(n)); f != "none" && !s.cfg.NoAuth {
		if err := writeCookie(f, s.cookie); err != nil {
			s.Close()
			return err
		}
		s.authFile = f
	}
	if s.cfg.NoAuth {
		s.log.Warn("authentication disabled (--no-auth): any client and any browser that reaches this display can use it")
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.st.run(s.ctx)
	}()
	return nil
}

func (s *Server) addListener(ln net.Listener) {
	s.mu.Lock()
	s.listeners = append(s.listeners, ln)
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.acceptLoop(ln)
	}()
}

// listenUnix listens on a Unix socket, replacing a stale one left by a
// crashed server but refusing to steal a live one.
func listenUnix(path string) (net.Listener, error) {
	if err := ensureSocketDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return nil, fmt.Errorf("listen on %s: another display server is using it", path)
	}
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	return ln, nil
}

func (s *Server) acceptLoop(ln net.Listener) {
	var delay time.Duration
	for {
		conn, err := ln.Accept()
		if err != nil {
			if s.ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and similar: back off instead of
			// spinning, as net/http does.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			s.log.Warn("accept failed; retrying", "addr", ln.Addr().String(), "err", err, "delay", delay)
			time.Sleep(delay)
			continue
		}
		delay = 0
		if !s.track(conn) {
			conn.Close()
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.untrack(conn)
			s.serveConn(conn)
		}()
	}
}

// Close stops listening, disconnects every client and waits for the
// server's goroutines to end.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	lns := s.listeners
	conns := make([]*client, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	s.cancel()
	for _, ln := range lns {
		ln.Close()
	}
	for _, c := range conns {
		c.conn.Close()
	}
	s.closeAccepted()
	if s.httpSrv != nil {
		// Long-lived responses (feeds, signaling) never go idle; give
		// them a moment, then cut them, so Close stays well under a second.
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		if s.httpSrv.Shutdown(ctx) != nil {
			s.httpSrv.Close()
		}
		cancel()
	}
	s.wg.Wait()
	if s.unixPath != "" {
		os.Remove(s.unixPath)
	}
	return nil
}

// TCPAddr returns the bound protocol TCP address, or nil.
func (s *Server) TCPAddr() net.Addr { return s.tcpAddr }

// UnixPath returns the protocol Unix socket, or "".
func (s *Server) UnixPath() string { return s.unixPath }

// HTTPAddr returns the bound HTTP address, or nil.
func (s *Server) HTTPAddr() net.Addr { return s.httpAddr }

// Cookie returns the auth cookie, which is also the full-control token of
// the HTTP side.
func (s *Server) Cookie() string { return s.cookie }

// ViewToken returns the view-only token of the HTTP side.
func (s *Server) ViewToken() string { return s.view }

// AuthFile returns the file the cookie was written to, or "".
func (s *Server) AuthFile() string { return s.authFile }

// Size implements feed.Source.
func (s *Server) Size() (int, int) {
	v := s.size.Load()
	return int(v >> 32), int(uint32(v))
}

// Snapshot returns the display's current picture.
func (s *Server) Snapshot() *image.RGBA {
	var img *image.RGBA
	if !s.st.do(func(st *state) { img = st.snapshot() }) {
		w, h := s.Size()
		return image.NewRGBA(image.Rect(0, 0, w, h))
	}
	return img
}

// Subscribe implements feed.Source.
func (s *Server) Subscribe() feed.Subscription { return s.st.subscribe() }

// Input implements feed.Source.
func (s *Server) Input(ev feed.InputEvent) { s.st.input(ev) }
