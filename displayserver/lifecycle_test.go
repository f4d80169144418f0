package displayserver

import (
	"net"
	"testing"
	"time"
)

// TestCloseEndsHandshakesInProgress connects without ever sending the
// hello, on TCP and on the Unix socket, then closes the server: Close must
// not wait for the 10 s handshake timeout (issue 15: connections are the
// server's from accept on).
func TestCloseEndsHandshakesInProgress(t *testing.T) {
	s := startServer(t, Config{})
	var silent []net.Conn
	for _, a := range []struct{ network, addr string }{{"tcp", s.TCPAddr().String()}, {"unix", s.UnixPath()}} {
		c, err := net.Dial(a.network, a.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		silent = append(silent, c)
	}
	// Give the accept loops time to hand both connections over.
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	s.Close()
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Close took %v with two silent connections; it waited for their handshake timeout", d)
	}
	for _, c := range silent {
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		if _, err := c.Read(make([]byte, 1)); err == nil {
			t.Errorf("silent connection still open after Close")
		}
	}
}

// TestPanicDisconnectsOnlyThatClient makes the owner panic while serving
// one client's work: that client is cut off with the reason logged, the
// server goes on serving the other client.
func TestPanicDisconnectsOnlyThatClient(t *testing.T) {
	s := startServer(t, Config{})
	victim := dialRaw(t, s, "zstd")
	other := dialRaw(t, s, "zstd")
	victim.xdemoScene()
	var vc *client
	s.mu.Lock()
	for c := range s.conns {
		if c.idBase() == victim.hello.IDBase {
			vc = c
		}
	}
	s.mu.Unlock()
	if vc == nil {
		t.Fatal("victim not registered")
	}
	go s.st.doFor(vc, func(*state) { panic("injected fault") })
	victim.expectClosed()
	other.xdemoScene()
	if errs := other.sync(); len(errs) != 0 {
		t.Fatalf("other client got errors after the panic: %v", errs)
	}
}
