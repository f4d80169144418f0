package e2e

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/xfar/xfar/internal/bench"
)

// BenchmarkNativeXtermWorkloads puts the xterm workloads of issue 16 side
// by side (the measuring is `xbench --xterm`'s, in internal/bench): the
// bytes xbridge sends to the display (after compression) in the default
// mode (Xvfb, pixels) and natively (X requests as xfar requests), and the
// bytes both ways of raw X11 to an Xvfb and of Xpra.
//
//	go test ./cmd/e2e -run '^$' -bench NativeXtermWorkloads -benchtime 1x
//
// XFAR_BENCH_MODES (comma-separated: rawx11,xpra,xvfb,native) runs only
// those columns, e.g. XFAR_BENCH_MODES=native for the native link alone.
func BenchmarkNativeXtermWorkloads(b *testing.B) {
	bridgeNeedTools(b, "Xvfb", "xterm", "top")
	for _, w := range bench.XtermWorkloads() {
		for _, mode := range bench.XtermModes {
			if m := os.Getenv("XFAR_BENCH_MODES"); m != "" && !slices.Contains(strings.Split(m, ","), mode) {
				continue
			}
			b.Run(w.Name+"/"+mode, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					rows, err := bench.RunXterm(context.Background(), bench.XtermConfig{
						Workloads: []string{w.Name}, Modes: []string{mode}})
					if err != nil {
						b.Fatal(err)
					}
					r := rows[0]
					if r.Err != "" {
						b.Fatalf("%s %s: %s", w.Name, mode, r.Err)
					}
					b.ReportMetric(float64(r.BothWays), "both-ways-bytes/op")
					if mode == "xvfb" || mode == "native" {
						b.ReportMetric(float64(r.LinkBytes), "link-bytes/op")
					}
					if mode == "native" {
						b.ReportMetric(float64(r.RoundTrips), "display-round-trips/op")
					}
				}
			})
		}
	}
}
