package bench

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb"

	"github.com/xfar/xfar/compress"
)

func init() {
	// xgb logs each connection's missing Xauthority; the bench's Xvfb
	// needs none.
	xgb.Logger.SetOutput(io.Discard)
}

// TestXbenchSmoke runs every workload once with tiny counts against xfar
// and Xvfb, the byte counting and the seed-program sessions, and checks
// each produced a positive rate and byte count, so the harness cannot
// silently break. It is not a measurement.
func TestXbenchSmoke(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	start := time.Now()
	res, err := Run(ctx, Config{Smoke: true, RTT: 10 * time.Millisecond, ByteOps: 1,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Throughput) != len(Workloads()) {
		t.Fatalf("%d throughput rows, want %d", len(res.Throughput), len(Workloads()))
	}
	for _, row := range res.Throughput {
		for _, s := range row.Sides {
			if r := row.Rates[s]; len(r) != 1 || !(r[0] > 0) {
				t.Errorf("%s on %s: rates %v, want one positive rate", row.Workload.Name, s, r)
			}
		}
	}
	if len(res.Bytes) != len(Workloads()) {
		t.Fatalf("%d byte rows, want %d", len(res.Bytes), len(Workloads()))
	}
	for _, row := range res.Bytes {
		for _, c := range res.ByteColumns {
			if row.C2S[c] <= 0 || row.S2C[c] <= 0 {
				t.Errorf("%s on %s: %d bytes to the server, %d back; want both positive (a round trip ends every run)",
					row.Workload.Name, c, row.C2S[c], row.S2C[c])
			}
		}
		if row.Workload.kind != kRoundTrip && row.C2S["xfar none"] < int64(row.Ops)*4 {
			t.Errorf("%s: xfar without compression sent %d bytes for %d operations", row.Workload.Name, row.C2S["xfar none"], row.Ops)
		}
	}
	if want := len(compress.Names()) + 2; len(res.Sessions) != want {
		t.Fatalf("%d sessions, want %d", len(res.Sessions), want)
	}
	for _, s := range res.Sessions {
		if s.Err != nil {
			t.Errorf("session %s: %v", s.Name, s.Err)
			continue
		}
		// Every session waits at least for the handshake and MapNotify,
		// each costing the emulated round trip.
		if s.RoundTrips < 2 || s.FirstPixel < 2*res.Config.RTT || s.C2S <= 0 || s.S2C <= 0 {
			t.Errorf("session %s: %d round trips, first pixel after %v, %d/%d bytes", s.Name, s.RoundTrips, s.FirstPixel, s.C2S, s.S2C)
		}
	}
	var md bytes.Buffer
	if err := res.WriteMarkdown(&md, "xbench --smoke"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Side by side with Xvfb (xbench)", "## Other measurements", "| line10 |", "seed program, C + Xlib"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	t.Logf("smoke run took %v", time.Since(start).Round(time.Millisecond))
	if testing.Verbose() {
		t.Log("\n" + md.String())
	}
}

// TestFirstXDrawEnd checks the X11 stream parser the session timing
// relies on, on a stream laid out as Xlib sends it.
func TestFirstXDrawEnd(t *testing.T) {
	var b []byte
	b = append(b, 'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0)    // setup, no auth
	b = append(b, 1, 0, 3, 0, 1, 2, 3, 4, 5, 6, 7, 8)       // 12-byte request
	b = append(b, 8, 0, 2, 0, 9, 9, 9, 9)                   // MapWindow
	b = append(b, 66, 0, 5, 0, 1, 0, 0, 0, 2, 0, 0, 0)      // PolySegment header
	b = append(b, 10, 0, 60, 0, 180, 0, 20, 0, 43, 0, 1, 0) // one segment, GetInputFocus
	end, err := firstXDrawEnd(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := 12 + 12 + 8 + 20; end != want {
		t.Fatalf("draw ends at %d, want %d", end, want)
	}
	if _, err := firstXDrawEnd(b[:32]); err == nil {
		t.Fatal("a stream without a drawing request parsed")
	}
}
