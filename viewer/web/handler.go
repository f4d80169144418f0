// Package web is the web viewer: an HTTP handler that serves a page showing
// a display in any browser, live, and carries the browser's mouse and
// keyboard back. Frames and input travel over WebRTC data channels
// (pion/webrtc); signaling is one HTTP POST of the browser's SDP offer to
// the handler itself, answered once ICE gathering is complete, so no
// signaling server, STUN or TURN is needed on a LAN.
//
// The handler presents any feed.Source and trusts the caller for access
// control: it reads the viewer's access level with feed.AccessFrom from
// the request's context, refuses requests that carry none, and ignores the
// input of view-only viewers.
package web

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pion/ice/v2"
	"github.com/pion/webrtc/v3"

	"github.com/xfar/xfar/displayserver/feed"
)

//go:embed page/index.html
var indexHTML string

//go:embed page/viewer.js
var viewerJS string

// inputJS is the page's input handling (mouse, touch, keyboard, IME).
//
//go:embed page/input.js
var inputJS string

// clipboardJS is the page's clipboard (paste to the display, copy from
// it), a script of its own beside viewer.js.
//
//go:embed page/clipboard.js
var clipboardJS string

// Options configure a Handler. The zero value serves a LAN or loopback.
type Options struct {
	// ICEServers are STUN or TURN URLs ("stun:host:3478",
	// "turn:user:pass@host:3478") for viewers behind NAT. Both the page and
	// the server side use them. None are needed on a LAN.
	ICEServers []string
	// MaxViewers bounds the viewers connected at once; more are refused
	// with 503. 0 means 32. A quarter of the slots (at least one) are
	// kept for full-control viewers.
	MaxViewers int
	// Logger receives one line per viewer that connects or leaves, and
	// per error. nil means slog.Default().
	Logger *slog.Logger
	// Pool bounds frame encoding across viewers; the display server shares
	// one among all its viewers. nil means a pool of GOMAXPROCS slots for
	// this handler alone.
	Pool *feed.Pool
}

// Handler serves the viewer page ("/"), its script ("viewer.js") and the
// signaling endpoint ("offer"), all relative so it can be mounted at any
// prefix. It implements http.Handler.
type Handler struct {
	src     feed.Source
	opts    Options
	log     *slog.Logger
	api     *webrtc.API
	ice     []webrtc.ICEServer
	page    []byte
	pageCSP string

	mu       sync.Mutex
	sessions map[*session]struct{}
	closed   bool
	wg       sync.WaitGroup
}

// NewHandler returns a handler that shows src. Close it to end its viewers'
// sessions.
func NewHandler(src feed.Source, opts Options) (*Handler, error) {
	if opts.MaxViewers <= 0 {
		opts.MaxViewers = 32
	}
	if opts.Pool == nil {
		opts.Pool = feed.NewPool(0)
	}
	h := &Handler{
		src:      src,
		opts:     opts,
		log:      opts.Logger,
		sessions: make(map[*session]struct{}),
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	h.log = h.log.With("component", "webviewer")
	servers, err := parseICEServers(opts.ICEServers)
	if err != nil {
		return nil, err
	}
	h.ice = servers

	var se webrtc.SettingEngine
	// Browsers hide their addresses behind mDNS names; the server does not
	// need to resolve them, because the browser's connectivity checks
	// reveal its address (a peer-reflexive candidate). Multicast may not
	// even work where the server runs, so keep mDNS off entirely.
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	// Loopback candidates make a viewer on the same machine work even with
	// no other interface up.
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6})
	// A viewer that vanishes without closing (a laptop lid) is noticed
	// within seconds and its subscription freed.
	se.SetICETimeouts(4*time.Second, 8*time.Second, 2*time.Second)
	h.api = webrtc.NewAPI(webrtc.WithSettingEngine(se))

	cfg := pageConfig{ICEServers: []pageICEServer{}}
	for _, s := range servers {
		cred, _ := s.Credential.(string)
		cfg.ICEServers = append(cfg.ICEServers, pageICEServer{URLs: s.URLs, Username: s.Username, Credential: cred})
	}
	page, err := renderPage(cfg)
	if err != nil {
		return nil, err
	}
	h.page = page
	sum := sha256.Sum256([]byte(viewerJS))
	isum := sha256.Sum256([]byte(inputJS))
	csum := sha256.Sum256([]byte(clipboardJS))
	// The page may run only its own scripts and talk only to its origin:
	// nothing is fetched from elsewhere.
	h.pageCSP = "default-src 'none'; script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"' 'sha256-" + base64.StdEncoding.EncodeToString(isum[:]) +
		"' 'sha256-" + base64.StdEncoding.EncodeToString(csum[:]) + "'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	return h, nil
}

// pageConfig is what the page needs to know before it connects.
type pageConfig struct {
	ICEServers []pageICEServer `json:"iceServers"`
}

// pageICEServer is an RTCIceServer as the browser's API spells it.
type pageICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// renderPage puts the script and the config into the page, so that the
// page is one request: sub-resources would need the token again.
// html/template writes the config as JSON, escaped for a script element.
func renderPage(cfg pageConfig) ([]byte, error) {
	t, err := template.New("index").Parse(indexHTML)
	if err != nil {
		return nil, fmt.Errorf("parse viewer page: %w", err)
	}
	var b strings.Builder
	err = t.Execute(&b, struct {
		Config    pageConfig
		Script    template.JS
		Input     template.JS
		Clipboard template.JS
	}{cfg, template.JS(viewerJS), template.JS(inputJS), template.JS(clipboardJS)})
	if err != nil {
		return nil, fmt.Errorf("render viewer page: %w", err)
	}
	return []byte(b.String()), nil
}

// parseICEServers turns URLs with optional "user:pass@" into ICE servers.
func parseICEServers(urls []string) ([]webrtc.ICEServer, error) {
	out := []webrtc.ICEServer{}
	for _, u := range urls {
		s := webrtc.ICEServer{URLs: []string{u}}
		if scheme, rest, ok := strings.Cut(u, ":"); ok {
			if cred, host, ok := strings.Cut(rest, "@"); ok {
				user, pass, _ := strings.Cut(cred, ":")
				s = webrtc.ICEServer{URLs: []string{scheme + ":" + host}, Username: user, Credential: pass}
			}
		}
		if !strings.HasPrefix(u, "stun:") && !strings.HasPrefix(u, "stuns:") &&
			!strings.HasPrefix(u, "turn:") && !strings.HasPrefix(u, "turns:") {
			return nil, fmt.Errorf("ICE server %q: want a stun:, stuns:, turn: or turns: URL", u)
		}
		out = append(out, s)
	}
	return out, nil
}

// ServeHTTP serves the page, the script and the signaling endpoint.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if feed.AccessFrom(r.Context()) == feed.NoAccess {
		// The display server's auth middleware sets the access level;
		// without one this handler was mounted unprotected.
		http.Error(w, "xfar web viewer: no access level for this request (missing or wrong token)", http.StatusForbidden)
		return
	}
	hd := w.Header()
	// The token may be in the URL: never cache, never leak it as a referrer.
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Content-Type-Options", "nosniff")
	switch path := r.URL.Path; {
	case path == "/" || path == "" || strings.HasSuffix(path, "/index.html"):
		if !allow(w, r, http.MethodGet, http.MethodHead) {
			return
		}
		hd.Set("Content-Type", "text/html; charset=utf-8")
		hd.Set("Content-Security-Policy", h.pageCSP)
		_, _ = w.Write(h.page)
	case strings.HasSuffix(path, "/viewer.js"):
		if !allow(w, r, http.MethodGet, http.MethodHead) {
			return
		}
		hd.Set("Content-Type", "text/javascript; charset=utf-8")
		_, _ = io.WriteString(w, viewerJS)
	case strings.HasSuffix(path, "/offer"):
		if !allow(w, r, http.MethodPost) {
			return
		}
		h.serveOffer(w, r)
	default:
		http.NotFound(w, r)
	}
}

func allow(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

// offer is the body of a signaling request and of its answer.
type offer struct {
	Type string `json:"type"`
	SDP  string `json:"sdp"`
	// Access, in an answer, is "full" or "view", so the page can say so.
	Access string `json:"access,omitempty"`
}

// maxOffer bounds a signaling request; a browser's offer is a few KiB.
const maxOffer = 64 << 10

// gatherTimeout bounds ICE gathering; host candidates take milliseconds,
// a STUN server that does not answer would take forever.
const gatherTimeout = 5 * time.Second

func (h *Handler) serveOffer(w http.ResponseWriter, r *http.Request) {
	access := feed.AccessFrom(r.Context())
	var o offer
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxOffer)).Decode(&o); err != nil {
		http.Error(w, "bad offer: "+err.Error(), http.StatusBadRequest)
		return
	}
	if o.Type != "offer" || o.SDP == "" {
		http.Error(w, `bad offer: want {"type":"offer","sdp":...}`, http.StatusBadRequest)
		return
	}
	s, err := h.newSession(access, r.RemoteAddr)
	if errors.Is(err, errTooMany) || errors.Is(err, errClosed) {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	if err != nil {
		h.log.Error("new viewer session", "remote", r.RemoteAddr, "err", err)
		http.Error(w, "cannot start a session", http.StatusInternalServerError)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), gatherTimeout)
	defer cancel()
	answer, err := s.answer(ctx, o.SDP)
	if err != nil {
		s.close(fmt.Sprintf("signaling: %v", err))
		h.log.Warn("viewer signaling", "remote", r.RemoteAddr, "err", err)
		http.Error(w, "signaling failed: "+err.Error(), http.StatusBadRequest)
		return
	}
	a := "view"
	if access == feed.FullControl {
		a = "full"
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(offer{Type: "answer", SDP: answer, Access: a})
}

var (
	errTooMany = errors.New("too many viewers")
	errClosed  = errors.New("viewer closed")
)

// Viewers returns how many viewers are connected or connecting.
func (h *Handler) Viewers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.sessions)
}

// Disconnect ends every viewer's current session but keeps serving: the
// pages notice and reconnect on their own (after a token change, say).
func (h *Handler) Disconnect() {
	h.mu.Lock()
	ss := make([]*session, 0, len(h.sessions))
	for s := range h.sessions {
		ss = append(ss, s)
	}
	h.mu.Unlock()
	for _, s := range ss {
		s.close("disconnected by the server")
	}
}

// Close ends every viewer's session, waits for their goroutines to exit,
// and refuses new ones.
func (h *Handler) Close() error {
	h.mu.Lock()
	h.closed = true
	ss := make([]*session, 0, len(h.sessions))
	for s := range h.sessions {
		ss = append(ss, s)
	}
	h.mu.Unlock()
	for _, s := range ss {
		s.close("handler closed")
	}
	h.wg.Wait()
	return nil
}
