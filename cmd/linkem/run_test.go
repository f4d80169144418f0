package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/internal/syncbuf"
	"github.com/xfar/xfar/xclient"
)

// TestLinkem runs linkem in front of a real display server, makes a
// client's round trips through it and checks the delay and the counts it
// prints on exit.
func TestLinkem(t *testing.T) {
	const cookie = "00112233445566778899aabbccddeeff"
	srv, err := displayserver.New(displayserver.Config{TCPAddr: "127.0.0.1:0", UnixPath: "none", HTTPAddr: "none",
		AuthFile: "none", Cookie: cookie, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := make(chan string, 1)
	var stdout, stderr syncbuf.Buffer
	code := make(chan int, 1)
	go func() {
		code <- runReady(ctx, []string{"--listen", "127.0.0.1:0", "--to", srv.TCPAddr().String(), "--rtt", "40ms", "--rate", "10mbit"},
			&stdout, &stderr, func(a string) { addr <- a })
	}()
	var a string
	select {
	case a = <-addr:
	case c := <-code:
		t.Fatalf("linkem exited %d: %s", c, stderr.String())
	}
	c, err := xclient.DialAddr("tcp", a, xclient.WithAuth(cookie), xclient.WithCodecs("none"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := 0; i < 2; i++ {
		if err := c.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Fatalf("two round trips in %v through a 40ms link", d)
	}
	c.Close()
	cancel()
	if got := <-code; got != 0 {
		t.Fatalf("exit %d: %s", got, stderr.String())
	}
	if out := stdout.String(); !strings.Contains(out, "client->server:") || !strings.Contains(out, "2 messages") {
		t.Fatalf("output %q", out)
	}
}

func TestLinkemFlags(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"--help"}, io.Discard, &stderr); code != 0 {
		t.Fatalf("--help exit %d", code)
	}
	for _, f := range []string{"-listen", "-to", "-rtt", "-rate"} {
		if !strings.Contains(stderr.String(), f) {
			t.Errorf("--help lacks %s", f)
		}
	}
	if code := run(context.Background(), []string{"--rate", "fast"}, io.Discard, io.Discard); code != 2 {
		t.Fatalf("bad rate exit %d, want 2", code)
	}
}
