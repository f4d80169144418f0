package displayserver

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"image/png"
	"net"
	"net/http"
	"strings"

	"github.com/xfar/xfar/displayserver/feed"
)

// tokenCookie is the cookie a browser keeps the token in after it opened a
// viewer URL, so that the page's own requests need not carry it.
const tokenCookie = "xfar_token"

// Handle mounts h on the server's HTTP mux behind token authentication.
// h sees the caller's access level through feed.AccessFrom.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, s.auth(h)) }

// access returns what the token in r allows.
func (s *Server) access(r *http.Request) (feed.Access, bool) {
	if s.cfg.NoAuth {
		return feed.FullControl, true
	}
	tok := r.URL.Query().Get("token")
	if tok == "" {
		if a, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			tok = a
		}
	}
	if tok == "" {
		if c, err := r.Cookie(tokenCookie); err == nil {
			switch {
			case subtle.ConstantTimeCompare([]byte(c.Value), []byte(s.sessionValue(feed.FullControl))) == 1:
				return feed.FullControl, true
			case subtle.ConstantTimeCompare([]byte(c.Value), []byte(s.sessionValue(feed.ViewOnly))) == 1:
				return feed.ViewOnly, true
			}
			tok = c.Value
		}
	}
	switch {
	case tok == "":
		return feed.NoAccess, false
	case subtle.ConstantTimeCompare([]byte(tok), []byte(s.cookie)) == 1:
		return feed.FullControl, true
	case subtle.ConstantTimeCompare([]byte(tok), []byte(s.view)) == 1:
		return feed.ViewOnly, true
	}
	return feed.NoAccess, true
}

// auth refuses requests without a valid token: 401 when none was given,
// 403 when it was wrong.
func (s *Server) auth(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, ok := r.Context().Value(connKey{}).(net.Conn); ok && s.plainFromAfar(c) {
			http.Error(w, "403 forbidden: "+refusePlaintext, http.StatusForbidden)
			return
		}
		a, given := s.access(r)
		switch {
		case !given:
			w.Header().Set("WWW-Authenticate", `Bearer realm="xfar"`)
			http.Error(w, "401 unauthorized: this xfar display needs its token; open the viewer URL the display server printed (it ends in ?token=...)", http.StatusUnauthorized)
			return
		case a == feed.NoAccess:
			s.pauseFor(r, s.guard.failed(addrOfString(r.RemoteAddr), "http"))
			http.Error(w, "403 forbidden: wrong token for this xfar display", http.StatusForbidden)
			return
		}
		if tok := r.URL.Query().Get("token"); tok != "" && !s.cfg.NoAuth {
			// The browser keeps a value derived from the token, not the
			// token: no response carries a token back.
			http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: s.sessionValue(a), Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		}
		h.ServeHTTP(w, r.WithContext(feed.WithAccess(r.Context(), a)))
	})
}

func (s *Server) serveSnapshot(w http.ResponseWriter, r *http.Request) {
	img := s.Snapshot()
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		http.Error(w, "encode snapshot: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// sessionValue is what the browser's cookie holds for an access level: a
// hash of the display's cookie, so it is stable across restarts (the
// cookie is) but is neither token.
func (s *Server) sessionValue(a feed.Access) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("xfar browser session %d\x00%s", a, s.cookie)))
	return hex.EncodeToString(sum[:16])
}
