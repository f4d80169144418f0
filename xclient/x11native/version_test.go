package x11native

import (
	"io"
	"net"
	"strings"
	"testing"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// TestRefusesOlderDisplay: a display server of protocol 1.0 (no glyph
// sets) is refused at Start with a message that names both versions and
// the way out, instead of BadRequest on every string drawn later.
func TestRefusesOlderDisplay(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	served := make(chan error, 1)
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		defer nc.Close()
		if _, err := protocol.ReadClientHello(nc); err != nil {
			served <- err
			return
		}
		sh := protocol.ServerHello{Accepted: true, Major: protocol.MajorVersion, Minor: 0,
			Root: 1, IDBase: 0x00200000, IDMask: 0x001fffff, MaxRequest: protocol.DefaultMaxRequest,
			Width: 640, Height: 480, Codec: "none", Vendor: "old"}
		_, err = sh.WriteTo(nc)
		served <- err
		io.Copy(io.Discard, nc)
	}()
	xc, err := xclient.DialAddr("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer xc.Close()
	if err := <-served; err != nil {
		t.Fatalf("old server: %v", err)
	}
	s, err := Start(Config{Display: xc, SocketDir: t.TempDir()})
	if err == nil {
		s.Close()
		s.Wait()
		t.Fatal("Start accepted a 1.0 display server")
	}
	for _, want := range []string{"1.0", "needs 1.1", "without --native"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}
