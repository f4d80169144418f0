package displayserver

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver/feed"
)

// TestNoResponseEchoesToken sends paths ServeMux would clean with a
// redirect; the Location header used to carry the token back.
func TestNoResponseEchoesToken(t *testing.T) {
	s := startServer(t, Config{})
	for _, p := range []string{"//snapshot.png", "/a/../snapshot.png", "/./snapshot.png", "/snapshot.png/.."} {
		conn, err := net.Dial("tcp", s.HTTPAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		// Raw, so that Go's client does not clean the path first.
		fmt.Fprintf(conn, "GET %s?token=%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", p, s.Cookie())
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		conn.Close()
		for k, vs := range resp.Header {
			for _, v := range vs {
				if strings.Contains(v, s.Cookie()) {
					t.Errorf("GET %s: header %s echoes the token: %s", p, k, v)
				}
			}
		}
		if strings.Contains(string(b), s.Cookie()) {
			t.Errorf("GET %s: body echoes the token", p)
		}
	}
}

// TestFailedAuthSlowsDownThatAddress: after a few free failures, each
// wrong cookie is answered later and later; the right cookie still gets
// in at once.
func TestFailedAuthSlowsDownThatAddress(t *testing.T) {
	s := startServer(t, Config{})
	var last time.Duration
	for i := 0; i < authFreeFailures+3; i++ {
		start := time.Now()
		if _, err := tryDialRaw(s, "wrong", "none"); err == nil {
			t.Fatal("wrong cookie accepted")
		}
		last = time.Since(start)
	}
	// The third limited failure waits authBaseDelay << 2.
	if last < 4*authBaseDelay {
		t.Fatalf("failure %d answered after %v; want at least %v", authFreeFailures+3, last, 4*authBaseDelay)
	}
	start := time.Now()
	c := dialRaw(t, s, "none")
	c.xdemoScene()
	if d := time.Since(start); d > 4*authBaseDelay {
		t.Logf("right cookie took %v during the burst (machine busy?)", d)
	}
	// HTTP shares the address's count.
	start = time.Now()
	resp, err := http.Get("http://" + s.HTTPAddr().String() + "/snapshot.png?token=wrong")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || time.Since(start) < 8*authBaseDelay {
		t.Fatalf("wrong HTTP token: %s after %v; want 403 after at least %v", resp.Status, time.Since(start), 8*authBaseDelay)
	}
}

// TestHTTPConnectionsCappedPerAddress opens connections that never finish
// a request (issue 14: 19,990 of them used every file descriptor): beyond
// the per-address cap they are closed at once.
func TestHTTPConnectionsCappedPerAddress(t *testing.T) {
	s := startServer(t, Config{MaxHTTPConnsPerAddr: 4})
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for i := 0; i < 4; i++ {
		c, err := net.Dial("tcp", s.HTTPAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "POST /snapshot.png HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\npartial")
		held = append(held, c)
	}
	time.Sleep(100 * time.Millisecond)
	extra, err := net.Dial("tcp", s.HTTPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	extra.SetReadDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(extra, "GET /snapshot.png HTTP/1.1\r\nHost: x\r\n\r\n")
	if n, err := extra.Read(make([]byte, 1)); err == nil || n > 0 {
		t.Fatal("fifth connection from one address was served")
	}
	// Freeing one slot lets the next one in (once the server has seen
	// the close).
	held[0].Close()
	held = held[1:]
	var status string
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		req, _ := http.NewRequest("GET", "http://"+s.HTTPAddr().String()+"/snapshot.png", nil)
		req.Header.Set("Authorization", "Bearer "+s.Cookie())
		resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
		if err != nil {
			status = err.Error()
			continue
		}
		resp.Body.Close()
		if status = resp.Status; resp.StatusCode == 200 {
			return
		}
	}
	t.Fatalf("after a slot freed: %s", status)
}

// TestHandshakesCappedPerAddress: connections that never send their
// hello are capped per address; a client on the Unix socket still gets in.
func TestHandshakesCappedPerAddress(t *testing.T) {
	s := startServer(t, Config{MaxHandshakesPerAddr: 3})
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for i := 0; i < 3; i++ {
		c, err := net.Dial("tcp", s.TCPAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	time.Sleep(200 * time.Millisecond)
	if _, err := tryDialRaw(s, s.Cookie(), "none"); err == nil {
		t.Fatal("a fourth handshake from one address was served while three were pending")
	}
	u, err := net.Dial("unix", s.UnixPath())
	if err != nil {
		t.Fatal(err)
	}
	u.Close()
}

// TestFeedSessionsCappedPerRole: view-only sessions fill their own slots
// only; full control still gets one.
func TestFeedSessionsCappedPerRole(t *testing.T) {
	s := startServer(t, Config{MaxFeeds: 2})
	release := make(chan struct{})
	var mu sync.Mutex
	active := map[feed.Access]int{}
	s.HandleSession("/test-feed", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := feed.AccessFrom(r.Context())
		mu.Lock()
		active[a]++
		mu.Unlock()
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		<-release
	}))
	defer close(release)
	open := func(tok string) int {
		req, _ := http.NewRequest("GET", "http://"+s.HTTPAddr().String()+"/test-feed", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 {
			resp.Body.Close()
		}
		return resp.StatusCode
	}
	for i := 0; i < 2; i++ {
		if got := open(s.ViewToken()); got != 200 {
			t.Fatalf("view-only session %d: %d", i+1, got)
		}
	}
	if got := open(s.ViewToken()); got != http.StatusServiceUnavailable {
		t.Fatalf("third view-only session: %d, want 503", got)
	}
	if got := open(s.Cookie()); got != 200 {
		t.Fatalf("full control with the view-only slots taken: %d, want 200", got)
	}
}

// TestBrowserCookieIsNotTheToken: the cookie the viewer URL sets is
// derived from the token, never the token, and it lets the page's later
// requests in with the same access.
func TestBrowserCookieIsNotTheToken(t *testing.T) {
	s := startServer(t, Config{})
	for _, tc := range []struct {
		tok  string
		want feed.Access
	}{{s.Cookie(), feed.FullControl}, {s.ViewToken(), feed.ViewOnly}} {
		resp, err := http.Get("http://" + s.HTTPAddr().String() + "/snapshot.png?token=" + tc.tok)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var val string
		for _, c := range resp.Cookies() {
			if c.Name == tokenCookie {
				val = c.Value
			}
		}
		if val == "" || val == s.Cookie() || val == s.ViewToken() {
			t.Fatalf("cookie set to %q for token %s", val, tc.tok)
		}
		req, _ := http.NewRequest("GET", "http://"+s.HTTPAddr().String()+"/snapshot.png", nil)
		req.AddCookie(&http.Cookie{Name: tokenCookie, Value: val})
		if a, ok := s.access(req); !ok || a != tc.want {
			t.Fatalf("cookie %q gives access %v, want %v", val, a, tc.want)
		}
	}
}
