package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"testing"

	"github.com/xfar/xfar/displayserver"
	webviewer "github.com/xfar/xfar/viewer/web"
)

// TestBannerNamesListeningAddress starts a real display server on
// 127.0.0.1 only and checks that the viewer URL it prints names 127.0.0.1
// (not the host name, which may resolve elsewhere, such as 127.0.1.1) and
// that the printed URL answers.
func TestBannerNamesListeningAddress(t *testing.T) {
	srv, err := displayserver.New(displayserver.Config{TCPAddr: "127.0.0.1:0", UnixPath: "none",
		HTTPAddr: "127.0.0.1:0", AuthFile: "none"})
	if err != nil {
		t.Fatal(err)
	}
	web, err := webviewer.NewHandler(srv, webviewer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	srv.Handle("/", web)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var out bytes.Buffer
	printBanner(&out, srv, &options{width: 1280, height: 800})
	port := srv.HTTPAddr().(*net.TCPAddr).Port
	m := regexp.MustCompile(`viewer \(full control\): (\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no viewer URL in the banner:\n%s", out.String())
	}
	want := fmt.Sprintf("http://127.0.0.1:%d/?token=%s", port, srv.Cookie())
	if m[1] != want {
		t.Errorf("viewer URL %s, want %s\n%s", m[1], want, out.String())
	}
	resp, err := http.Get(m[1])
	if err != nil {
		t.Fatalf("GET the printed URL: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET the printed URL: %s", resp.Status)
	}
	if !bytes.Contains(out.Bytes(), []byte("xdemo --display 127.0.0.1:")) {
		t.Errorf("the client line does not name 127.0.0.1:\n%s", out.String())
	}
}

// TestAddrHost: all addresses -> the fallback; one address -> itself.
func TestAddrHost(t *testing.T) {
	for _, c := range []struct {
		addr, want string
	}{{"0.0.0.0:8000", "myhost"}, {"[::]:8000", "myhost"}, {"127.0.0.1:8000", "127.0.0.1"},
		{"192.168.1.5:8000", "192.168.1.5"}, {"[::1]:8000", "[::1]"}} {
		a, err := net.ResolveTCPAddr("tcp", c.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := addrHost(a, "myhost"); got != c.want {
			t.Errorf("addrHost(%s) = %s, want %s", c.addr, got, c.want)
		}
	}
}
