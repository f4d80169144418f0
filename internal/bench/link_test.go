package bench

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"
)

// BenchmarkLinkKeyToGlass measures key-to-glass latency in one bridged
// window while another streams, over linkem at 50 ms RTT:
//
//	go test ./internal/bench -run '^$' -bench LinkKeyToGlass -benchtime 1x
func BenchmarkLinkKeyToGlass(b *testing.B) {
	for _, rate := range []struct {
		name string
		bps  int64
	}{{"10mbit", 10e6 / 8}, {"2mbit", 2e6 / 8}} {
		b.Run(rate.name, func(b *testing.B) {
			var log *slog.Logger
			if os.Getenv("XFAR_TEST_DEBUG") != "" {
				log = slog.New(slog.NewTextHandler(os.Stderr, nil))
			}
			for i := 0; i < b.N; i++ {
				res, err := RunLink(context.Background(), LinkConfig{RTT: 50 * time.Millisecond, Rate: rate.bps,
					Keys: 15, Stream: true, Log: log})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(res.P50().Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(res.P95().Microseconds())/1000, "p95-ms")
				b.ReportMetric(float64(res.UpBytes)/res.Elapsed.Seconds()/1000, "up-KB/s")
				b.ReportMetric(float64(res.StreamFrames)/res.Elapsed.Seconds(), "stream-fps")
				b.ReportMetric(float64(res.Lost), "lost")
				fmt.Fprintf(os.Stderr, "%s: key-to-glass %v\n", rate.name, res.KeyToGlass)
			}
		})
	}
}

// BenchmarkBridged measures the bytes per second the bridge sends for
// real X programs:
//
//	go test ./internal/bench -run '^$' -bench Bridged -benchtime 1x
func BenchmarkBridged(b *testing.B) {
	for _, w := range BridgedWorkloads() {
		b.Run(w.Name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				res, err := RunBridged(context.Background(), w, 2*time.Second, 5*time.Second)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(res.UpBytesPerSec/1000, "up-KB/s")
				b.ReportMetric(res.FramesPerSec, "frames/s")
			}
		})
	}
}
