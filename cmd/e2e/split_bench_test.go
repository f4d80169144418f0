package e2e

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// BenchmarkSplitSession runs the scripted session (30 key presses, each
// waited for on the display, 5 clicks on Add, a wheel scroll and a
// selection) in every split over links of 0, 50 and 200 ms round-trip
// time, and reports per session: messages and bytes each way (codec none,
// so the link emulator can count messages; the zstd variant at 0 ms shows
// compressed bytes), the bytes of start-up, and the time from a key press
// to its character on the display (p50, p95). Run it with -benchtime=1x:
//
//	go test ./cmd/e2e -run '^$' -bench BenchmarkSplitSession -benchtime=1x
func BenchmarkSplitSession(b *testing.B) {
	type variant struct {
		rtt   time.Duration
		codec string
	}
	variants := []variant{{0, "none"}, {50 * time.Millisecond, "none"}, {200 * time.Millisecond, "none"}, {0, "zstd"}}
	for _, v := range variants {
		for _, split := range splits {
			b.Run(fmt.Sprintf("%s/rtt=%v/codec=%s", split, v.rtt, v.codec), func(b *testing.B) {
				var lat []time.Duration
				var up, down, upMsgs, downMsgs, startUp, startDown int64
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					s := startSplit(b, split, v.rtt, v.codec)
					start := s.proxy.Stats()
					b.StartTimer()
					lat = append(lat, runSplitScript(s)...)
					b.StopTimer()
					// Let the last redraws and updates cross the link.
					time.Sleep(v.rtt + 50*time.Millisecond)
					d := s.proxy.Stats().Sub(start)
					up += d.Up.Bytes
					down += d.Down.Bytes
					upMsgs += d.Up.Messages
					downMsgs += d.Down.Messages
					startUp += start.Up.Bytes
					startDown += start.Down.Bytes
					s.stop()
				}
				n := float64(b.N)
				slices.Sort(lat)
				pct := func(p float64) float64 {
					return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond)
				}
				b.ReportMetric(float64(upMsgs)/n, "msgs_up/op")
				b.ReportMetric(float64(up)/n, "B_up/op")
				b.ReportMetric(float64(downMsgs)/n, "msgs_down/op")
				b.ReportMetric(float64(down)/n, "B_down/op")
				b.ReportMetric(float64(startUp)/n, "startup_B_up/op")
				b.ReportMetric(float64(startDown)/n, "startup_B_down/op")
				b.ReportMetric(pct(0.5), "key_p50_ms")
				b.ReportMetric(pct(0.95), "key_p95_ms")
			})
		}
	}
}
