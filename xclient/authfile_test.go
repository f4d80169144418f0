package xclient

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xfar/xfar/internal/otherhost"
	"github.com/xfar/xfar/protocol"
)

// TestCookieGoesOnlyToItsHost: with this machine's display 41 cookie in
// ~/.xfar/auth-41, dialling display 41 of another host sends no cookie
// (issue 14: it used to send the local one to whatever the name pointed
// at); that host's own file, ~/.xfar/auth-HOST-41, is sent to it.
func TestCookieGoesOnlyToItsHost(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv(protocol.EnvAuth, "")
	// In the clear, so the listener can read the hello: this test is
	// about which cookie, TestRemoteDisplayUsesTLS about how it travels.
	t.Setenv(EnvTLS, "off")
	os.Mkdir(filepath.Join(home, ".xfar"), 0o700)
	const local = "0123456789abcdef0123456789abcdef"
	if err := os.WriteFile(protocol.AuthFile(41), []byte(local+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// "Another host": this machine's non-loopback address, which is not
	// its host name and not loopback, so the client must treat it as
	// remote.
	ip := otherhost.IPv4(t)
	if protocol.IsLocalHost(ip) {
		t.Fatalf("%s counted as this machine", ip)
	}
	d := protocol.Display{Host: ip, Number: 41}
	for _, tc := range []struct {
		file, want string
	}{
		{"", ""},
		{protocol.AuthFileFor(d), "fedcba9876543210fedcba9876543210"},
	} {
		if tc.file != "" {
			if err := os.WriteFile(tc.file, []byte(tc.want+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		got := captureAuth(t, ip, d)
		if got == local {
			t.Fatalf("sent this machine's display 41 cookie to %s", d)
		}
		if got != tc.want {
			t.Fatalf("sent cookie %q to %s, want %q", got, d, tc.want)
		}
	}
	if got := protocol.AuthFileFor(protocol.Display{Host: "localhost", Number: 41}); got != protocol.AuthFile(41) {
		t.Fatalf("localhost:41 reads %s, want the local file", got)
	}
}

// captureAuth listens where display d would be and returns the cookie a
// client dialling d sends in its hello.
func captureAuth(t *testing.T, ip string, d protocol.Display) string {
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, fmt.Sprint(protocol.TCPBasePort+d.Number)))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- "accept: " + err.Error()
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		h, err := protocol.ReadClientHello(bufio.NewReader(c))
		if err != nil {
			got <- "read hello: " + err.Error()
			return
		}
		got <- h.Auth
		(&protocol.ServerHello{Major: protocol.MajorVersion, Reason: "test"}).WriteTo(c)
	}()
	if c, err := Dial(d.String(), WithHandshakeTimeout(5*time.Second)); err == nil {
		c.Close()
	}
	return strings.TrimSpace(<-got)
}

// TestRemoteDisplayUsesTLS: to a display on another machine the client
// speaks TLS first, so not even a wrong server sees the cookie in the
// clear; XFAR_TLS=off is the user asking for plain.
func TestRemoteDisplayUsesTLS(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv(EnvTLS, "")
	ip := otherhost.IPv4(t)
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, fmt.Sprint(protocol.TCPBasePort+42)))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	first := make(chan byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		b := make([]byte, 1)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Read(b); err == nil {
			first <- b[0]
		}
	}()
	const secret = "0123456789abcdef0123456789abcdef"
	if c, err := Dial(fmt.Sprintf("%s:42", ip), WithAuth(secret), WithHandshakeTimeout(2*time.Second)); err == nil {
		c.Close()
		t.Fatal("handshake with a listener that never answers succeeded")
	}
	select {
	case b := <-first:
		if b != 0x16 {
			t.Fatalf("first byte to a remote display %#x, want a TLS handshake record (0x16)", b)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("client never connected")
	}
}
