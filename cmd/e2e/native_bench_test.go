package e2e

import (
	"context"
	"net"
	"os"
	"testing"
	"time"

	"github.com/xfar/xfar/xclient/x11bridge"
	"github.com/xfar/xfar/xclient/x11native"
)

// BenchmarkNativeLinkBytes compares the bytes on the link to the display
// server (client to server, after compression, through a counting proxy)
// for the same program under xbridge (Xvfb, pixels) and xbridge --native
// (drawing requests): from start until the link has been quiet for a
// second (and at least 3 s after the start); natively also the X
// requests that waited for the display (display-round-trips). One iteration per program and mode:
//
//	go test ./cmd/e2e -run '^$' -bench NativeLinkBytes -benchtime 1x
func BenchmarkNativeLinkBytes(b *testing.B) {
	programs := []struct {
		name string
		args []string
	}{
		{"xlogo", []string{"xlogo", "-geometry", "200x150+30+40"}},
		{"xeyes", []string{"xeyes", "+shape", "+render", "+present", "-geometry", "200x200+100+100"}},
		{"xcalc", []string{"xcalc", "-geometry", "+40+40"}},
		{"xterm-seq2000", []string{"xterm", "-geometry", "80x24+20+40", "-e", "sh", "-c", "seq 1 2000; sleep 60"}},
	}
	for _, p := range programs {
		for _, mode := range []string{"xvfb", "native"} {
			b.Run(p.name+"/"+mode, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					n, rt := linkBytes(b, mode, p.args)
					b.ReportMetric(float64(n), "link-bytes/op")
					if mode == "native" {
						b.ReportMetric(float64(rt), "display-round-trips/op")
					}
				}
			})
		}
	}
}

// linkBytes runs args in mode against a fresh display server and returns
// the bytes the bridge sent once the link has gone quiet and, natively,
// how many X requests waited for the display.
func linkBytes(b *testing.B, mode string, args []string) (int64, int64) {
	up, _, rt := linkBytesFor(b, mode, args, 0)
	return up, rt
}

// linkBytesFor is linkBytes measuring for dur (0: until quiet); both is
// the bytes both ways (the display's events and replies too).
func linkBytesFor(b *testing.B, mode string, args []string, dur time.Duration) (up, both, rt int64) {
	srv := bridgeStartDisplay(b)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	proxy := newBridgeProxy(b, ln, srv.TCPAddr().String())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wait func()
	var roundTrips func() int64
	switch mode {
	case "native":
		s, err := x11native.StartSession(ctx, x11native.SessionConfig{Address: ln.Addr().String(),
			Command: args, Logger: bridgeTestLogger(b), Stderr: os.Stderr})
		if err != nil {
			b.Fatal(err)
		}
		wait = func() { s.Wait() }
		roundTrips = s.Server().RoundTrips
	default:
		br, err := x11bridge.Start(ctx, x11bridge.Config{Address: ln.Addr().String(),
			Command: args, Logger: bridgeTestLogger(b), Stderr: os.Stderr})
		if err != nil {
			b.Fatal(err)
		}
		wait = func() { br.Wait() }
		roundTrips = func() int64 { return 0 }
	}
	last := waitLink(proxy.up.Load, dur)
	rt = roundTrips()
	both = last + proxy.down.Load()
	cancel()
	wait()
	return last, both, rt
}
