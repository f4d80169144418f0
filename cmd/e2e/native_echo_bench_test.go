package e2e

import (
	"context"
	"image"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient/x11native"
)

// BenchmarkNativeKeyEcho measures key-to-glass natively: a key given to
// the display server until its echo is in the display's picture (read
// over a separate connection, polling a strip of the screen about every
// millisecond), in an xterm running cat; "idle" alone, "streaming" while
// a second xterm on the same bridge runs top -d 0.1 (whose drawing
// keeps the bridge's display flushes paced). 40 keys, 60 ms apart:
//
//	go test ./cmd/e2e -run '^$' -bench NativeKeyEcho -benchtime 1x
func BenchmarkNativeKeyEcho(b *testing.B) {
	bridgeNeedTools(b, "xterm", "top")
	for _, mode := range []string{"idle", "streaming"} {
		b.Run(mode, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				p50, p95 := nativeKeyEcho(b, mode == "streaming")
				b.ReportMetric(p50, "p50-ms")
				b.ReportMetric(p95, "p95-ms")
			}
		})
	}
}

func nativeKeyEcho(b *testing.B, streaming bool) (p50, p95 float64) {
	srv := bridgeStartDisplay(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	command := []string{"xterm", "-geometry", "80x24+20+40", "-e", "cat"}
	if streaming {
		// The typing xterm and one running top, on one native server.
		command = []string{"sh", "-c", "xterm -geometry 80x24+20+400 -e top -d 0.1 & exec xterm -geometry 80x24+20+40 -e cat"}
	}
	s, err := x11native.StartSession(ctx, x11native.SessionConfig{Address: srv.TCPAddr().String(),
		Command: command, Logger: bridgeTestLogger(b), Stderr: os.Stderr})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { cancel(); s.Wait() }()
	c := bridgeDialTestDisplay(b, srv)
	want := 1
	if streaming {
		want = 2
	}
	var r image.Rectangle
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		wins := displayTopLevels(b, c)
		r = image.Rectangle{}
		for _, wr := range wins {
			if wr.Dx() > 300 && (r.Empty() || wr.Min.Y < r.Min.Y) {
				r = wr // the upper one: cat
			}
		}
		if len(wins) >= want && !r.Empty() {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d xterm windows within 30 s", len(wins), want)
		}
	}
	at := r.Min.Add(image.Pt(r.Dx()/2, r.Dy()/2))
	bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: at.X, Y: at.Y})
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonDown, X: at.X, Y: at.Y, Button: 1})
	bridgeInput(srv, feed.InputEvent{Kind: feed.ButtonUp, X: at.X, Y: at.Y, Button: 1})
	// The echo lands on the first text line.
	strip := image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+20)
	grab := func() []uint32 {
		img, err := c.GetImage(c.Root(), strip.Min.X, strip.Min.Y, strip.Dx(), strip.Dy())
		if err != nil {
			b.Fatal(err)
		}
		out := make([]uint32, 0, strip.Dx()*strip.Dy())
		for y := 0; y < strip.Dy(); y++ {
			for x := 0; x < strip.Dx(); x++ {
				o := img.PixOffset(x, y)
				out = append(out, uint32(img.Pix[o])<<16|uint32(img.Pix[o+1])<<8|uint32(img.Pix[o+2]))
			}
		}
		return out
	}
	time.Sleep(time.Second) // let start-up drawing settle before the first key
	var lat []float64
	for k := 0; k < 40; k++ {
		before := grab()
		t0 := time.Now()
		bridgeInput(srv, feed.InputEvent{Kind: feed.KeyDown, X: at.X, Y: at.Y, Keysym: protocol.KeysymForRune('x'), Text: "x"})
		bridgeInput(srv, feed.InputEvent{Kind: feed.KeyUp, X: at.X, Y: at.Y, Keysym: protocol.KeysymForRune('x')})
		for slices.Equal(grab(), before) {
			if time.Since(t0) > 10*time.Second {
				b.Fatalf("key %d: no echo within 10 s", k)
			}
		}
		lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
		time.Sleep(60 * time.Millisecond)
	}
	slices.Sort(lat)
	return lat[len(lat)/2], lat[len(lat)*95/100]
}
