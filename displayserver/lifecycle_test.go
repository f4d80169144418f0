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
