package e2e

import (
	"context"
	"testing"

	"github.com/xfar/xfar/internal/bench"
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
	r, err := bench.BridgeLinkBytes(context.Background(), mode, args, 0)
	if err != nil {
		b.Fatal(err)
	}
	return r.LinkBytes, r.RoundTrips
}
