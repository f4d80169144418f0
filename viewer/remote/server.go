package remote

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/xfar/xfar/compress"
	"github.com/xfar/xfar/displayserver/feed"
)

// writeTimeout is how long one update may take to reach a viewer before
// the viewer is considered gone; a live but slow viewer just gets fewer,
// larger updates, because the subscription coalesces meanwhile.
const writeTimeout = 30 * time.Second

// serverCodecs are the codecs the server offers, best first.
var serverCodecs = []string{"zstd", "s2", "none"}

// Server serves a feed.Source to remote viewers. Mount it behind the
// display server's token authentication, which puts the viewer's access
// level in the request context (feed.AccessFrom); input from a view-only
// viewer is ignored.
type Server struct {
	// Source is the display to serve.
	Source feed.Source
	// Logger receives one line per viewer that connects, leaves or is
	// dropped; nil means slog.Default().
	Logger *slog.Logger
	// Pool bounds update encoding across viewers; nil means a pool of
	// GOMAXPROCS slots for this server alone.
	Pool *feed.Pool

	mu       sync.Mutex
	sessions map[*session]struct{}
	servers  map[*http.Server]bool // http.Servers whose Shutdown ends our sessions
}

// Handler returns an http.Handler serving src to remote viewers (see the
// package comment for the protocol).
func Handler(src feed.Source) http.Handler { return &Server{Source: src} }

var defaultPool struct {
	once sync.Once
	p    *feed.Pool
}

func (s *Server) pool() *feed.Pool {
	if s.Pool != nil {
		return s.Pool
	}
	defaultPool.once.Do(func() { defaultPool.p = feed.NewPool(0) })
	return defaultPool.p
}

func (s *Server) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// ServeHTTP upgrades the request to the feed protocol and serves the
// viewer until it leaves, breaks the protocol, or the HTTP server shuts
// down.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	access := feed.AccessFrom(r.Context())
	if access == feed.NoAccess {
		http.Error(w, "403 forbidden: this feed needs a token", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodGet || !headerHas(r.Header, "Upgrade", "websocket") {
		w.Header().Set("Upgrade", "websocket")
		w.Header().Set("Connection", "Upgrade")
		http.Error(w, "426 upgrade required: this is the xfar remote feed, a WebSocket; connect with xview --display host:N", http.StatusUpgradeRequired)
		return
	}
	if !headerHas(r.Header, "Sec-WebSocket-Protocol", Subprotocol) {
		http.Error(w, "400 bad request: the feed speaks the WebSocket subprotocol "+Subprotocol, http.StatusBadRequest)
		return
	}
	var offered []string
	if v := r.Header.Get("Xfar-Codecs"); v != "" {
		for _, c := range strings.Split(v, ",") {
			offered = append(offered, strings.TrimSpace(c))
		}
	} else {
		offered = []string{"zstd"}
	}
	codec, err := compress.Negotiate(offered, serverCodecs)
	if err != nil {
		http.Error(w, "400 bad request: "+err.Error(), http.StatusBadRequest)
		return
	}
	accessName := "view"
	if access == feed.FullControl {
		accessName = "full"
	}
	w.Header().Set("Xfar-Codec", codec.Name())
	w.Header().Set("Xfar-Access", accessName)
	// The updates are compressed by the negotiated codec, whose history
	// spans the connection; permessage-deflate on top would only cost CPU.
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{Subprotocol},
		CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		s.log().Warn("feed: websocket handshake failed", "remote", r.RemoteAddr, "err", err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	// One stream each way: every Write is one binary message.
	nc := websocket.NetConn(context.Background(), ws, websocket.MessageBinary)
	ss := &session{srv: s, ws: ws, nc: nc, in: bufio.NewReaderSize(nc, 4<<10), codec: codec, access: access, remote: r.RemoteAddr, cancel: cancel}
	s.track(ss, r)
	defer s.untrack(ss)
	s.log().Info("feed: viewer connected", "remote", r.RemoteAddr, "codec", codec.Name(), "access", accessName)
	err = ss.run(ctx)
	s.log().Info("feed: viewer left", "remote", r.RemoteAddr, "reason", err)
}

// track registers a session so that the HTTP server's Shutdown, which
// does not know about hijacked connections, still ends it.
func (s *Server) track(ss *session, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sessions == nil {
		s.sessions = map[*session]struct{}{}
		s.servers = map[*http.Server]bool{}
	}
	s.sessions[ss] = struct{}{}
	if hs, ok := r.Context().Value(http.ServerContextKey).(*http.Server); ok && !s.servers[hs] {
		s.servers[hs] = true
		hs.RegisterOnShutdown(s.closeAll)
	}
}

func (s *Server) untrack(ss *session) {
	s.mu.Lock()
	delete(s.sessions, ss)
	s.mu.Unlock()
}

// closeAll ends every session.
func (s *Server) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ss := range s.sessions {
		ss.cancel()
	}
}

// truncate shortens s to at most n bytes, for a WebSocket close reason
// (at most 123 bytes).
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// headerHas reports whether a comma-separated header contains token,
// ignoring case.
func headerHas(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// session is one connected viewer: the handler's goroutine writes
// updates, a reader goroutine takes input.
type session struct {
	srv    *Server
	ws     *websocket.Conn
	nc     net.Conn // ws as a stream of binary messages
	in     *bufio.Reader
	codec  compress.Codec
	access feed.Access
	remote string
	cancel context.CancelFunc
}

// run serves the viewer until either direction fails or ctx ends, and
// returns why.
func (ss *session) run(ctx context.Context) error {
	defer ss.cancel()
	readErr := make(chan error, 1)
	go func() {
		err := ss.readInput()
		ss.cancel()
		readErr <- err
	}()
	err := ss.writeUpdates(ctx)
	var rerr error
	select {
	case rerr = <-readErr: // the reader ended first, and so the writer
	default:
		// Closing the connection ends the reader, which the session owns.
		ss.ws.CloseNow()
		rerr = <-readErr
	}
	if errors.Is(rerr, errProtocol) {
		// Tell the viewer why; the reader has stopped, so the close
		// handshake has the connection to itself (and gives up after 5 s).
		ss.ws.Close(websocket.StatusPolicyViolation, truncate(rerr.Error(), 120))
	}
	ss.ws.CloseNow()
	if err == nil || errors.Is(err, context.Canceled) {
		if rerr == nil || errors.Is(rerr, io.EOF) || errors.Is(rerr, net.ErrClosed) {
			return errors.New("closed")
		}
		return rerr
	}
	return err
}

// readInput passes the viewer's input to the display, if the viewer may
// drive it, until the connection ends or the viewer breaks the protocol.
func (ss *session) readInput() error {
	if ss.access == feed.FullControl {
		// What the viewer held down when it went will never be released by it.
		defer ss.srv.Source.Input(feed.InputEvent{Kind: feed.ReleaseAll})
	}
	buf := make([]byte, inputFixed+MaxText)
	for {
		ev, ok, err := readInput(ss.in, buf)
		if err != nil {
			if errors.Is(err, errProtocol) {
				ss.srv.log().Warn("feed: dropping viewer", "remote", ss.remote, "err", err)
			}
			return err
		}
		if ok && ss.access == feed.FullControl {
			ss.srv.Source.Input(ev)
		}
	}
}

// writeUpdates streams the subscription's updates, compressed, flushing
// after each so the viewer sees it at once.
func (ss *session) writeUpdates(ctx context.Context) error {
	// Compress into memory inside a pool slot, then write to the network
	// outside it, so a slow viewer never holds a slot.
	var frame bytes.Buffer
	zw, err := ss.codec.NewWriter(&frame)
	if err != nil {
		return fmt.Errorf("feed: %w", err)
	}
	defer zw.Close()
	sub := ss.srv.Source.Subscribe()
	defer sub.Close()
	// The cursor's messages (cursor.go) share the compressed stream: one
	// writer at a time.
	var wmu sync.Mutex
	sendCursor := func(msg []byte) error {
		wmu.Lock()
		defer wmu.Unlock()
		frame.Reset()
		if _, err := zw.Write(msg); err != nil {
			return err
		}
		if err := zw.Flush(); err != nil {
			return err
		}
		ss.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
		_, err := ss.nc.Write(frame.Bytes())
		return err
	}
	cctx, cstop := context.WithCancel(ctx)
	var cwg sync.WaitGroup
	cwg.Add(1)
	go func() { defer cwg.Done(); ss.watchCursor(cctx, sendCursor) }()
	defer func() { cstop(); cwg.Wait() }()
	var scratch []byte
	for {
		up, err := sub.Next(ctx)
		if err != nil {
			return err
		}
		wmu.Lock()
		frame.Reset()
		err = ss.srv.pool().Do(ctx, func() (err error) {
			if scratch, err = writeUpdate(zw, up, scratch); err != nil {
				return err
			}
			return zw.Flush()
		})
		if err != nil {
			wmu.Unlock()
			return fmt.Errorf("encode update %d: %w", up.Seq, err)
		}
		// One update, one WebSocket message.
		ss.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
		_, err = ss.nc.Write(frame.Bytes())
		wmu.Unlock()
		if err != nil {
			return fmt.Errorf("send update %d: %w", up.Seq, err)
		}
	}
}
