package e2e_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xfar/xfar/internal/bench"
	"github.com/xfar/xfar/xclient"
)

// BenchmarkWebAnimation: a client redraws a 1000x700 window 30 times a
// second; the frames per second the page shows, the bytes it receives per
// frame, and Chromium's CPU (every process of the browser) per frame shown.
// Each iteration is one second.
//
//	go test ./cmd/e2e -run '^$' -bench WebAnimation -benchtime 5x
func BenchmarkWebAnimation(b *testing.B) {
	const W, H, fps = 1000, 700, 30
	s := startWebServer(b, 1280, 800)
	// No compression on the drawing client's connection: 84 MB/s through
	// zstd would be the benchmark measuring itself.
	c, err := xclient.DialAddr("tcp", s.TCPAddr().String(), xclient.WithAuth(s.Cookie()), xclient.WithCodecs("none"))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	win, err := c.CreateWindow(c.Root(), 0, 0, W, H, &xclient.WindowOptions{OverrideRedirect: true})
	if err != nil {
		b.Fatal(err)
	}
	c.MapWindow(win)
	gc, err := c.CreateGC(win, nil)
	if err != nil {
		b.Fatal(err)
	}
	frames := bench.AnimFrames(W, H, 30)
	browser := startBrowser(b, 5*time.Minute)
	tab, _ := newTab(b, browser)
	openViewer(b, tab, s.viewerURL())
	pid := chromedp.FromContext(browser).Browser.Process().Pid

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Second / fps)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			c.PutPixels(win, gc, 0, 0, W, H, frames[i%len(frames)])
			if err := c.Flush(); err != nil {
				return
			}
		}
	}()
	defer func() { cancel(); <-done }()
	time.Sleep(time.Second)
	read := func() (int, float64) {
		v, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](`[xfar.frames, xfar.bytes]`))
		if err != nil {
			b.Fatal(err)
		}
		return int(v[0]), v[1]
	}
	f0, by0 := read()
	cpu0, t0 := bench.TreeCPU(pid), time.Now()
	for b.Loop() {
		time.Sleep(time.Second)
	}
	f1, by1 := read()
	cpu, secs := bench.TreeCPU(pid)-cpu0, time.Since(t0).Seconds()
	shown := float64(f1 - f0)
	b.ReportMetric(shown/secs, "frames/s")
	b.ReportMetric((by1-by0)/shown/1000, "KB/frame")
	b.ReportMetric(float64(cpu.Milliseconds())/shown, "chromium-cpu-ms/frame")
	b.ReportMetric(float64(cpu.Milliseconds())/secs/10, "chromium-cpu-%")
	b.ReportMetric(0, "ns/op")
}
