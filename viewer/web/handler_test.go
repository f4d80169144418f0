package web

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xfar/xfar/displayserver/feed"
)

// idleSource is a Source for the handler's HTTP tests, which never get as
// far as subscribing. The viewer's behaviour with a real display server is
// tested end to end in cmd/e2e.
type idleSource struct{}

func (idleSource) Size() (int, int)             { return 640, 480 }
func (idleSource) Subscribe() feed.Subscription { panic("idleSource: not for streaming") }
func (idleSource) Input(feed.InputEvent)        {}

func serve(t *testing.T, h http.Handler, access feed.Access, method, path, body string) *http.Response {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if access != feed.NoAccess {
		r = r.WithContext(feed.WithAccess(context.Background(), access))
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func TestHandlerServesPage(t *testing.T) {
	h, err := NewHandler(idleSource{}, Options{ICEServers: []string{"stun:stun.example:3478", "turn:u:p@turn.example:3478"}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	resp := serve(t, h, feed.ViewOnly, "GET", "/?token=x", "")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /: %s", resp.Status)
	}
	page := string(body)
	// The script is inline and the CSP allows exactly it.
	sum := sha256.Sum256([]byte(viewerJS))
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, hash) || !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("CSP %q lacks the script's hash %s or connect-src 'self'", csp, hash)
	}
	if !strings.Contains(page, "<script>"+viewerJS+"</script>") {
		t.Error("page does not carry viewer.js verbatim (the CSP hash would not match)")
	}
	csum := sha256.Sum256([]byte(clipboardJS))
	if chash := "'sha256-" + base64.StdEncoding.EncodeToString(csum[:]) + "'"; !strings.Contains(resp.Header.Get("Content-Security-Policy"), chash) ||
		!strings.Contains(page, "<script>"+clipboardJS+"</script>") {
		t.Error("page does not carry clipboard.js verbatim with its hash in the CSP")
	}
	if !strings.Contains(page, `{"urls":["turn:turn.example:3478"],"username":"u","credential":"p"}`) ||
		!strings.Contains(page, `{"urls":["stun:stun.example:3478"]}`) {
		t.Errorf("page config lacks the ICE servers:\n%s", page[strings.Index(page, "xfar-config"):][:300])
	}
	if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("page headers %v: the token in its URL must not be cached or leaked", resp.Header)
	}
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") || strings.Contains(viewerJS, "//cdn") {
		t.Error("page refers to another origin")
	}
}

func TestHandlerRefuses(t *testing.T) {
	h, err := NewHandler(idleSource{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for _, tc := range []struct {
		access       feed.Access
		method, path string
		body         string
		want         int
	}{
		{feed.NoAccess, "GET", "/", "", http.StatusForbidden},
		{feed.NoAccess, "POST", "/offer", `{"type":"offer","sdp":"x"}`, http.StatusForbidden},
		{feed.FullControl, "GET", "/offer", "", http.StatusMethodNotAllowed},
		{feed.FullControl, "POST", "/", "", http.StatusMethodNotAllowed},
		{feed.FullControl, "POST", "/offer", `nonsense`, http.StatusBadRequest},
		{feed.FullControl, "POST", "/offer", `{"type":"answer","sdp":"x"}`, http.StatusBadRequest},
		{feed.FullControl, "POST", "/offer", `{"type":"offer","sdp":"not sdp"}`, http.StatusBadRequest},
		{feed.FullControl, "POST", "/offer", `{"type":"offer","sdp":"` + strings.Repeat("x", maxOffer) + `"}`, http.StatusBadRequest},
		{feed.FullControl, "GET", "/nothing", "", http.StatusNotFound},
		{feed.FullControl, "GET", "/viewer.js", "", http.StatusOK},
	} {
		resp := serve(t, h, tc.access, tc.method, tc.path, tc.body)
		if resp.StatusCode != tc.want {
			t.Errorf("%s %s (access %v): %s, want %d", tc.method, tc.path, tc.access, resp.Status, tc.want)
		}
	}
	if n := h.Viewers(); n != 0 {
		t.Errorf("%d sessions left after failed offers, want 0", n)
	}
}

func TestParseICEServers(t *testing.T) {
	if _, err := parseICEServers([]string{"http://x"}); err == nil {
		t.Error("http URL accepted as an ICE server")
	}
	s, err := parseICEServers([]string{"turns:alice:secret@relay.example:443"})
	if err != nil || s[0].Username != "alice" || s[0].Credential != "secret" || s[0].URLs[0] != "turns:relay.example:443" {
		t.Errorf("parseICEServers = %+v, %v", s, err)
	}
}
