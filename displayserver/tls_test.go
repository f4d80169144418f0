package displayserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xfar/xfar/internal/otherhost"
	"github.com/xfar/xfar/internal/tlspin"
	"github.com/xfar/xfar/viewer/remote"
	"github.com/xfar/xfar/xclient"
)

// TestTLSClientPortAndPins: from another machine (played by this one),
// plain connections are refused; TLS works pinned to the printed
// fingerprint or on first use, and a changed certificate is refused.
func TestTLSClientPortAndPins(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	ip := otherhost.IPv4(t)
	s := startServer(t, Config{TCPAddr: ip + ":0", HTTPAddr: ip + ":0"})
	s.treatAllAsRemote = true
	if !strings.HasPrefix(s.TLSFingerprint(), "sha256:") {
		t.Fatalf("fingerprint %q", s.TLSFingerprint())
	}
	addr := s.TCPAddr().String()

	// Plain from another machine: refused with the reason, before the
	// cookie is looked at.
	_, err := xclient.DialAddr("tcp", addr, xclient.WithAuth(s.Cookie()))
	var re *xclient.RefusedError
	if !errors.As(err, &re) || !strings.Contains(re.Reason, "TLS") {
		t.Fatalf("plain connection from afar: %v, want refused for TLS", err)
	}
	// TLS pinned to the printed fingerprint.
	c, err := xclient.DialAddr("tcp", addr, xclient.WithAuth(s.Cookie()), xclient.WithTLS(s.TLSFingerprint()))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Sync(); err != nil {
		t.Fatal(err)
	}
	c.Close()
	// Wrong fingerprint: refused by the client before it sends anything.
	if _, err := xclient.DialAddr("tcp", addr, xclient.WithAuth(s.Cookie()), xclient.WithTLS("sha256:00")); !errors.Is(err, tlspin.ErrChanged) {
		t.Fatalf("wrong pin: %v, want ErrChanged", err)
	}
	// Trust on first use: recorded, then required.
	c, err = xclient.DialAddr("tcp", addr, xclient.WithAuth(s.Cookie()), xclient.WithTLS(""))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	b, _ := os.ReadFile(tlspin.KnownHostsFile())
	if want := addr + " " + s.TLSFingerprint(); !strings.Contains(string(b), want) {
		t.Fatalf("known_hosts %q lacks %q", b, want)
	}
	s.Close()
	// Another server (another certificate) at the same address.
	s2 := startServer(t, Config{TCPAddr: addr, HTTPAddr: ip + ":0"})
	if _, err := xclient.DialAddr("tcp", addr, xclient.WithAuth(s2.Cookie()), xclient.WithTLS("")); !errors.Is(err, tlspin.ErrChanged) {
		t.Fatalf("changed certificate: %v, want ErrChanged", err)
	}
}

// TestTLSHTTPPort: HTTPS with the pinned certificate serves the
// snapshot; plain HTTP from another machine is refused.
func TestTLSHTTPPort(t *testing.T) {
	ip := otherhost.IPv4(t)
	s := startServer(t, Config{TCPAddr: "none", HTTPAddr: ip + ":0"})
	s.treatAllAsRemote = true
	addr := s.HTTPAddr().String()
	pinned := &http.Client{Transport: &http.Transport{TLSClientConfig: tlspin.ClientConfig(addr, os.DevNull, s.TLSFingerprint())}}
	resp, err := pinned.Get(fmt.Sprintf("https://%s/snapshot.png?token=%s", addr, s.Cookie()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("https snapshot: %s", resp.Status)
	}
	resp, err = http.Get(fmt.Sprintf("http://%s/snapshot.png?token=%s", addr, s.Cookie()))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "TLS") {
		t.Fatalf("plain http from afar: %s %s", resp.Status, body)
	}
}

// TestTLSRemoteFeed: xview's feed over https, pinned to the fingerprint;
// plain http from another machine is refused.
func TestTLSRemoteFeed(t *testing.T) {
	ip := otherhost.IPv4(t)
	s := startServer(t, Config{TCPAddr: "none", HTTPAddr: ip + ":0"})
	s.treatAllAsRemote = true
	s.HandleSession("/feed", &remote.Server{Source: s})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := (&remote.Dialer{Fingerprint: s.TLSFingerprint()}).Dial(ctx, "https://"+s.HTTPAddr().String(), s.ViewToken())
	if err != nil {
		t.Fatal(err)
	}
	if w, h := c.Size(); w != 1280 || h != 800 {
		t.Fatalf("remote screen %dx%d", w, h)
	}
	c.Close()
	if _, err := (&remote.Dialer{}).Dial(ctx, "http://"+s.HTTPAddr().String(), s.ViewToken()); err == nil || !strings.Contains(err.Error(), "TLS") {
		t.Fatalf("plain feed from afar: %v, want refused for TLS", err)
	}
}
