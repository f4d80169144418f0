package displayserver

import (
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Failed authentications are rate-limited per address. The first few
// failures cost nothing (a mistyped token); after that each failed attempt
// is answered only after a delay that doubles with every failure, up to
// authMaxDelay, while a correct cookie is never delayed. With the
// per-address caps on unfinished handshakes and HTTP connections, this
// bounds guessing from one address to a few tries per second (it was
// about 6,000). The log gets one line when an address starts being
// limited and one when its burst ends, not one per attempt.
const (
	authFreeFailures = 5
	authBaseDelay    = 100 * time.Millisecond
	authMaxDelay     = 5 * time.Second
	// authQuiet ends a burst: an address without failures this long
	// starts afresh.
	authQuiet = time.Minute
	// authMaxAddrs bounds the table; beyond it, quiet entries go first.
	authMaxAddrs = 4096
)

type authRecord struct {
	fails    int
	last     time.Time
	limiting bool
}

// authGuard keeps failed-authentication counts per address.
type authGuard struct {
	log *slog.Logger
	mu  sync.Mutex
	m   map[string]*authRecord
	now func() time.Time
}

func newAuthGuard(log *slog.Logger) *authGuard {
	return &authGuard{log: log, m: map[string]*authRecord{}, now: time.Now}
}

// failed records a failed attempt from addr and returns how long to wait
// before answering it.
func (g *authGuard) failed(addr, where string) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	r := g.m[addr]
	if r != nil && now.Sub(r.last) > authQuiet {
		g.endBurst(addr, r)
		r = nil
	}
	if r == nil {
		if len(g.m) >= authMaxAddrs {
			g.sweep(now)
		}
		r = &authRecord{}
		g.m[addr] = r
	}
	r.fails++
	r.last = now
	if r.fails <= authFreeFailures {
		return 0
	}
	if !r.limiting {
		r.limiting = true
		g.log.Warn("failed authentications; slowing down this address", "addr", addr, "where", where, "failures", r.fails)
	}
	d := authBaseDelay << min(r.fails-authFreeFailures-1, 16)
	return min(d, authMaxDelay)
}

// endBurst logs the end of a limited burst and forgets the address.
func (g *authGuard) endBurst(addr string, r *authRecord) {
	if r.limiting {
		g.log.Info("failed authentications from this address stopped", "addr", addr, "failures", r.fails)
	}
	delete(g.m, addr)
}

// sweep drops quiet entries, or all when none are quiet (a flood from many
// addresses; each then starts afresh, still capped by the slot limits).
func (g *authGuard) sweep(now time.Time) {
	for a, r := range g.m {
		if now.Sub(r.last) > authQuiet {
			g.endBurst(a, r)
		}
	}
	if len(g.m) >= authMaxAddrs {
		clear(g.m)
	}
}

// pause waits d, or less when the server closes.
func (s *Server) pause(d time.Duration) { s.pauseUntil(nil, d) }

// pauseFor waits d, or less when the request ends or the server closes.
func (s *Server) pauseFor(r *http.Request, d time.Duration) { s.pauseUntil(r.Context().Done(), d) }

// pauseUntil waits d, or less when stop (nil: never) or the server's
// context is done.
func (s *Server) pauseUntil(stop <-chan struct{}, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-stop:
	case <-s.ctx.Done():
	}
}

// addrOfString is addrOf for an http.Request's RemoteAddr.
func addrOfString(a string) string {
	if host, _, err := net.SplitHostPort(a); err == nil {
		return host
	}
	return a
}
