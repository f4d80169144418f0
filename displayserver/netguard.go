package displayserver

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path"
	"sync"
	"time"

	"github.com/xfar/xfar/displayserver/feed"
)

// Network limits. Each bounds what one address (or one role) can hold, so
// that an unauthenticated peer cannot use up file descriptors, memory or
// viewer slots that others need.
const (
	// DefaultMaxHTTPConnsPerAddr bounds open HTTP connections from one
	// IP address; more are closed on accept.
	DefaultMaxHTTPConnsPerAddr = 64
	// DefaultMaxHTTPConns bounds open HTTP connections in all.
	DefaultMaxHTTPConns = 1024
	// DefaultMaxHandshakesPerAddr bounds client connections from one IP
	// address that have not finished their handshake.
	DefaultMaxHandshakesPerAddr = 16
	// DefaultMaxHandshakes bounds unfinished handshakes in all.
	DefaultMaxHandshakes = 128
	// DefaultMaxFeeds bounds /feed sessions per role (view-only and full
	// control have separate slots, so view-only can never lock out full
	// control).
	DefaultMaxFeeds = 16

	httpReadHeaderTimeout = 5 * time.Second
	// httpReadTimeout and httpWriteTimeout bound a whole ordinary request
	// and its response; long-lived sessions (HandleSession) lift them.
	httpReadTimeout  = 30 * time.Second
	httpWriteTimeout = 60 * time.Second
	httpIdleTimeout  = 60 * time.Second
)

// addrOf returns the IP part of a remote address ("unix" for sockets).
func addrOf(a net.Addr) string {
	if a == nil {
		return "unix"
	}
	if host, _, err := net.SplitHostPort(a.String()); err == nil {
		return host
	}
	if s := a.String(); s != "" && s != "@" {
		return s
	}
	return "unix"
}

// slots counts holders per key with a per-key and a total cap.
type slots struct {
	mu         sync.Mutex
	n          map[string]int
	total      int
	per, limit int
}

func newSlots(per, limit int) *slots { return &slots{n: map[string]int{}, per: per, limit: limit} }

// take reserves a slot for key; false when key or everyone is at the cap.
func (s *slots) take(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n[key] >= s.per || s.total >= s.limit {
		return false
	}
	s.n[key]++
	s.total++
	return true
}

func (s *slots) give(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n[key] <= 1 {
		delete(s.n, key)
	} else {
		s.n[key]--
	}
	s.total--
}

// limitListener closes connections beyond its slots on accept.
type limitListener struct {
	net.Listener
	slots *slots
	log   *slog.Logger
	// warned rate-limits the log line per address.
	mu     sync.Mutex
	warned map[string]time.Time
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		a := addrOf(c.RemoteAddr())
		if l.slots.take(a) {
			return &slotConn{Conn: c, release: func() { l.slots.give(a) }}, nil
		}
		l.mu.Lock()
		if time.Since(l.warned[a]) > time.Minute {
			if len(l.warned) > 4096 {
				clear(l.warned)
			}
			l.warned[a] = time.Now()
			l.log.Warn("http: connection limit reached; closing new connections from this address", "addr", a)
		}
		l.mu.Unlock()
		c.Close()
	}
}

// slotConn gives its slot back once, when closed.
type slotConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *slotConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}

// guardHTTP wraps the server's handler: a request whose path is not clean
// is answered 404 instead of ServeMux's redirect, whose Location would
// echo the query, token included.
func guardHTTP(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if p == "" || p[0] != '/' || (p != "/" && path.Clean(p) != p && path.Clean(p)+"/" != p) {
			http.Error(w, "404 not found: use the URL the display server printed", http.StatusNotFound)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// HandleSession mounts h like Handle, for an endpoint whose request lasts
// as long as a viewer session (the remote feed): it lifts the HTTP read
// and write timeouts for it and caps concurrent sessions per role,
// answering 503 beyond the cap.
func (s *Server) HandleSession(pattern string, h http.Handler) {
	s.mux.Handle(pattern, s.auth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		role := feed.AccessFrom(r.Context())
		if !s.feeds[role].take("") {
			http.Error(w, fmt.Sprintf("503 too many sessions with this token's access (limit %d)", s.cfg.MaxFeeds), http.StatusServiceUnavailable)
			return
		}
		defer s.feeds[role].give("")
		rc := http.NewResponseController(w)
		rc.SetReadDeadline(time.Time{})
		rc.SetWriteDeadline(time.Time{})
		h.ServeHTTP(w, r)
	})))
}
