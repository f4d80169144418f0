package linkem_test

import (
	"image"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/internal/linkem"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

const cookie = "00112233445566778899aabbccddeeff"

func startServer(t *testing.T) *displayserver.Server {
	t.Helper()
	srv, err := displayserver.New(displayserver.Config{TCPAddr: "127.0.0.1:0", UnixPath: "none", HTTPAddr: "none",
		AuthFile: "none", Cookie: cookie, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func dialVia(t *testing.T, srv *displayserver.Server, cfg linkem.Config, codec string) (*xclient.Conn, *linkem.Proxy) {
	t.Helper()
	p, err := linkem.Listen("tcp", "127.0.0.1:0", "tcp", srv.TCPAddr().String(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	c, err := xclient.DialAddr("tcp", p.Addr().String(), xclient.WithAuth(cookie), xclient.WithCodecs(codec))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, p
}

// TestDelayAndCounts checks that a round trip through the proxy takes at
// least the emulated RTT and that the proxy counts the requests and
// replies it carried.
func TestDelayAndCounts(t *testing.T) {
	srv := startServer(t)
	const rtt = 80 * time.Millisecond
	c, p := dialVia(t, srv, linkem.Config{RTT: rtt}, "none")
	if err := c.Sync(); err != nil { // settle the handshake
		t.Fatal(err)
	}
	before := p.Stats()
	start := time.Now()
	for i := 0; i < 3; i++ {
		if err := c.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 3*rtt {
		t.Fatalf("3 round trips took %v, less than 3 x %v", d, rtt)
	}
	s := p.Stats().Sub(before)
	if s.Up.Messages != 3 || s.Up.ByType[protocol.OpSync] != 3 || s.Up.Bytes != 3*protocol.HeaderSize {
		t.Fatalf("upstream %d messages (%d Sync), %d bytes; want 3 Syncs of 4 bytes", s.Up.Messages, s.Up.ByType[protocol.OpSync], s.Up.Bytes)
	}
	if s.Down.Messages != 3 || s.Down.ByType[protocol.KindReply] != 3 || s.Down.Bytes != 3*(protocol.HeaderSize+8) {
		t.Fatalf("downstream %d messages (%d replies), %d bytes; want 3 empty replies", s.Down.Messages, s.Down.ByType[protocol.KindReply], s.Down.Bytes)
	}
}

// TestRateCap checks that an image takes at least its size divided by the
// rate to cross, and arrives intact.
func TestRateCap(t *testing.T) {
	srv := startServer(t)
	const rate = 400 << 10 // bytes per second
	c, p := dialVia(t, srv, linkem.Config{Rate: rate}, "none")
	win, err := c.CreateWindow(c.Root(), 0, 0, 100, 100, &xclient.WindowOptions{OverrideRedirect: true})
	if err != nil {
		t.Fatal(err)
	}
	gc, err := c.CreateGC(win, nil)
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 100, 100)) // 40 000 bytes on the wire
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	if err := c.Sync(); err != nil {
		t.Fatal(err)
	}
	before := p.Stats()
	start := time.Now()
	if err := c.PutImage(win, gc, 0, 0, img); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetImage(win, 0, 0, 100, 100)
	if err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	s := p.Stats().Sub(before)
	// Both directions carry 40 kB: at least 2 x 40000/rate.
	if min := time.Duration(float64(s.Up.Bytes+s.Down.Bytes) / rate * float64(time.Second) * 0.9); d < min {
		t.Fatalf("%d+%d bytes crossed in %v, faster than the cap allows (%v)", s.Up.Bytes, s.Down.Bytes, d, min)
	}
	for i := 0; i < len(img.Pix); i += 4 {
		if got.Pix[i] != img.Pix[i] || got.Pix[i+1] != img.Pix[i+1] || got.Pix[i+2] != img.Pix[i+2] {
			t.Fatalf("pixel %d changed crossing the proxy", i/4)
		}
	}
}

// TestCompressedCountsBytesOnly checks that a compressed connection is
// forwarded intact and counted in bytes, with no messages.
func TestCompressedCountsBytesOnly(t *testing.T) {
	srv := startServer(t)
	c, p := dialVia(t, srv, linkem.Config{RTT: 2 * time.Millisecond}, "zstd")
	for i := 0; i < 5; i++ {
		if err := c.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	s := p.Stats()
	if s.Up.Bytes == 0 || s.Down.Bytes == 0 || s.Up.Messages != 0 || s.Down.Messages != 0 {
		t.Fatalf("stats %+v / %+v", s.Up.Bytes, s.Down.Bytes)
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]int64{"": 0, "0": 0, "1mbit": 125000, "8bit": 1, "500KB": 500000, "2 MB": 2000000, "1gbit": 125000000} {
		if got, err := linkem.ParseRate(in); err != nil || got != want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"fast", "-1mbit", "1tbit"} {
		if _, err := linkem.ParseRate(in); err == nil {
			t.Errorf("ParseRate(%q) succeeded", in)
		}
	}
}
