package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"

	"github.com/xfar/xfar/fonts"
	"github.com/xfar/xfar/xclient"
)

// The web viewer's numbers, end to end: a real display server, a real
// client, chromium showing the display. Run with
//
//	go test ./cmd/e2e -run '^$' -bench BenchmarkWeb -benchtime 200x
//
// Results are in BENCHMARKS.md (Web viewer).

// installProbe defines window.__probe(x, y, rgb): a promise of the wall
// time (ms since the epoch) at which the canvas first has that color at
// (x, y), checked right after each frame is drawn.
const installProbe = `window.__probe = (x, y, rgb) => new Promise((resolve) => {
	const g = document.getElementById('screen').getContext('2d');
	const f = () => {
		const d = g.getImageData(x, y, 1, 1).data;
		if (((d[0] << 16) | (d[1] << 8) | d[2]) === rgb) {
			xfar.listeners.delete(f);
			resolve(performance.timeOrigin + performance.now());
		}
	};
	xfar.listeners.add(f);
	f();
}); true`

// benchViewer starts a server of the given size, a browser and one viewer.
func benchViewer(b *testing.B, w, h int) (*webServer, *xclient.Conn, context.Context) {
	b.Helper()
	s := startWebServer(b, w, h)
	c := dialTest(b, s)
	tab, _ := newTab(b, startBrowser(b, 5*time.Minute))
	openViewer(b, tab, s.viewerURL())
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](installProbe)); err != nil {
		b.Fatal(err)
	}
	return s, c, tab
}

// drawToGlass draws with draw (which must make the pixel at screen point
// probe the color rgb), and returns how long it took from the client's
// request to that pixel on the viewer's canvas, and the frame bytes the
// viewer received meanwhile.
func drawToGlass(b *testing.B, c *xclient.Conn, tab context.Context, probe image.Point, rgb uint32, draw func()) (time.Duration, float64) {
	b.Helper()
	before, err := chromedp.Run(tab, chromedp.Evaluate[float64](fmt.Sprintf(`window.__p = __probe(%d, %d, %d); xfar.bytes`, probe.X, probe.Y, rgb)))
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	draw()
	if err := c.Flush(); err != nil {
		b.Fatal(err)
	}
	ms, err := chromedp.Run(tab, chromedp.Evaluate[float64](`window.__p`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.Fatal(err)
	}
	after, err := chromedp.Run(tab, chromedp.Evaluate[float64](`xfar.bytes`))
	if err != nil {
		b.Fatal(err)
	}
	glass := time.UnixMicro(int64(ms * 1000))
	return glass.Sub(t0), after - before
}

func reportLatency(b *testing.B, lat []time.Duration, bytes []float64) {
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.95), "p95-ms")
	b.ReportMetric(q(1), "max-ms")
	total := 0.0
	for _, n := range bytes {
		total += n
	}
	b.ReportMetric(total/float64(len(bytes)), "B/update")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkWebSmallChange: a client puts a 32x16 patch (two characters'
// worth) in a window; draw-to-glass latency and bytes per update.
// "back-to-back" draws again as soon as the last change is on the glass,
// so the server's 60 Hz pacing often holds a change back; "typing" waits
// 50 ms between changes, as keystrokes do.
func BenchmarkWebSmallChange(b *testing.B) {
	b.Run("back-to-back", func(b *testing.B) { benchSmallChange(b, 0) })
	b.Run("typing", func(b *testing.B) { benchSmallChange(b, 50*time.Millisecond) })
}

func benchSmallChange(b *testing.B, gap time.Duration) {
	_, c, tab := benchViewer(b, 1280, 800)
	win, pos := mapWindow(b, c, 100, 100, 400, 300, 0)
	gc, err := c.CreateGC(win, nil)
	if err != nil {
		b.Fatal(err)
	}
	const pw, ph = 32, 16
	pix := make([]uint32, pw*ph)
	var lat []time.Duration
	var bytes []float64
	i := 0
	for b.Loop() {
		i++
		rgb := uint32(i*0x3b1d+0x10) & 0xffffff
		for k := range pix { // a text-like pattern that changes each time
			if (k*7+i)%5 == 0 {
				pix[k] = 0xe0e0e0
			} else {
				pix[k] = 0x202020
			}
		}
		pix[0] = rgb
		x, y := 20+(i%10)*pw, 20+(i/10%10)*ph
		time.Sleep(gap)
		d, n := drawToGlass(b, c, tab, pos.Add(image.Pt(x, y)), rgb, func() {
			c.PutPixels(win, gc, x, y, pw, ph, pix)
		})
		lat = append(lat, d)
		bytes = append(bytes, n)
	}
	reportLatency(b, lat, bytes)
}

// textImage is a full screen of text: what a full-screen change of a
// desktop (a maximised editor scrolling) looks like.
func textImage(w, h, shift int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Rect, image.NewUniform(color.RGBA{0xfa, 0xfa, 0xfa, 0xff}), image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Src: image.NewUniform(color.RGBA{0x20, 0x20, 0x30, 0xff}), Face: fonts.Face(fonts.Mono, 13)}
	words := []string{"func", "(s *Server)", "Handle(pattern", "string,", "h http.Handler)", "{", "return", "nil", "err", "if", "for", "range", "x := 42", "// comment", "}"}
	n := shift
	for y := 16; y < h; y += 16 {
		d.Dot = fixed.P(4+(n%6)*16, y)
		for d.Dot.X.Round() < w {
			d.DrawString(words[n%len(words)] + " ")
			n += 5
		}
		n++
	}
	return img
}

// BenchmarkWebFullScreenChange: a client replaces the whole 1280x800
// screen with another page of text; latency and bytes per update.
func BenchmarkWebFullScreenChange(b *testing.B) {
	const W, H = 1280, 800
	_, c, tab := benchViewer(b, W, H)
	win, err := c.CreateWindow(c.Root(), 0, 0, W, H, &xclient.WindowOptions{OverrideRedirect: true})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.MapWindow(win); err != nil {
		b.Fatal(err)
	}
	gc, err := c.CreateGC(win, nil)
	if err != nil {
		b.Fatal(err)
	}
	var imgs []*image.RGBA
	for i := range 8 {
		imgs = append(imgs, textImage(W, H, i*3))
	}
	var lat []time.Duration
	var bytes []float64
	i := 0
	for b.Loop() {
		i++
		img := imgs[i%len(imgs)]
		rgb := uint32(i*0x3b1d+0x10) & 0xffffff
		img.SetRGBA(W-1, H-1, color.RGBA{uint8(rgb >> 16), uint8(rgb >> 8), uint8(rgb), 0xff})
		d, n := drawToGlass(b, c, tab, image.Pt(W-1, H-1), rgb, func() {
			c.PutImage(win, gc, 0, 0, img)
		})
		lat = append(lat, d)
		bytes = append(bytes, n)
	}
	reportLatency(b, lat, bytes)
}

// BenchmarkWebIdle: DTLS bytes per second (frames, acks, SCTP heartbeats)
// in both directions while the screen does not change, and the ICE
// consent checks (STUN messages, about 100 bytes each) beside them. Each
// iteration is one second.
func BenchmarkWebIdle(b *testing.B) {
	_, c, tab := benchViewer(b, 1280, 800)
	mapWindow(b, c, 100, 100, 400, 300, 0)
	time.Sleep(time.Second) // let the first frames go
	type tb struct {
		Sent     float64 `json:"sent"`
		Received float64 `json:"received"`
		STUN     float64 `json:"stun"`
	}
	read := func() tb {
		js, err := chromedp.Run(tab, chromedp.Evaluate[string](`xfar.transportBytes().then(JSON.stringify)`, chromedp.EvalAwaitPromise))
		if err != nil {
			b.Fatal(err)
		}
		var v tb
		if err := json.Unmarshal([]byte(js), &v); err != nil {
			b.Fatalf("transport bytes %q: %v", js, err)
		}
		return v
	}
	frames0, _ := chromedp.Run(tab, chromedp.Evaluate[int](`xfar.frames`))
	start := read()
	t0 := time.Now()
	for b.Loop() {
		time.Sleep(time.Second)
	}
	end := read()
	secs := time.Since(t0).Seconds()
	frames1, _ := chromedp.Run(tab, chromedp.Evaluate[int](`xfar.frames`))
	b.ReportMetric((end.Received-start.Received)/secs, "B/s-down")
	b.ReportMetric((end.Sent-start.Sent)/secs, "B/s-up")
	b.ReportMetric((end.STUN-start.STUN)/secs, "stun-msgs/s")
	b.ReportMetric(float64(frames1-frames0), "frames")
	b.ReportMetric(0, "ns/op")
}

// cpuTime is this process's CPU time so far (the display server runs in
// it; chromium does not).
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWebCPUPerViewer: display-server CPU that each viewer adds
// while a client animates a 400x300 area of text at 60 frames a second.
// The process's CPU (display server and client; chromium is apart) is
// measured for 2 s with no viewer, then for b.N seconds with the viewers;
// the difference is the viewers' cost. Each viewer takes frames at its
// own pace, so the cost is also given per frame delivered.
func BenchmarkWebCPUPerViewer(b *testing.B) {
	for _, viewers := range []int{1, 4} {
		b.Run(fmt.Sprintf("viewers-%d", viewers), func(b *testing.B) {
			s := startWebServer(b, 1280, 800)
			c := dialTest(b, s)
			win, _ := mapWindow(b, c, 100, 100, 400, 300, 0)
			gc, err := c.CreateGC(win, nil)
			if err != nil {
				b.Fatal(err)
			}
			browser := startBrowser(b, 5*time.Minute)
			imgs := []*image.RGBA{textImage(400, 300, 0), textImage(400, 300, 1)}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() {
				defer close(done)
				tick := time.NewTicker(time.Second / 60)
				defer tick.Stop()
				for i := 0; ; i++ {
					select {
					case <-ctx.Done():
						return
					case <-tick.C:
					}
					c.PutImage(win, gc, 0, 0, imgs[i%2])
					if err := c.Flush(); err != nil {
						return
					}
				}
			}()
			defer func() { cancel(); <-done }()

			measure := func(d time.Duration) float64 {
				cpu0, t0 := cpuTime(b), time.Now()
				time.Sleep(d)
				return float64((cpuTime(b) - cpu0).Milliseconds()) / time.Since(t0).Seconds()
			}
			base := measure(2 * time.Second)

			var tabs []context.Context
			for range viewers {
				tab, _ := newTab(b, browser)
				openViewer(b, tab, s.viewerURL())
				tabs = append(tabs, tab)
			}
			frames := func() int {
				n := 0
				for _, tab := range tabs {
					f, err := chromedp.Run(tab, chromedp.Evaluate[int](`xfar.frames`))
					if err != nil {
						b.Fatal(err)
					}
					n += f
				}
				return n
			}
			f0 := frames()
			cpu0, t0 := cpuTime(b), time.Now()
			for b.Loop() {
				time.Sleep(time.Second)
			}
			cpu, secs := cpuTime(b)-cpu0, time.Since(t0).Seconds()
			f1 := frames()
			with := float64(cpu.Milliseconds()) / secs
			perViewer := (with - base) / float64(viewers)
			fps := float64(f1-f0) / secs / float64(viewers)
			b.ReportMetric(base, "base-cpu-ms/s")
			b.ReportMetric(perViewer, "cpu-ms/s/viewer")
			b.ReportMetric(fps, "frames/s/viewer")
			b.ReportMetric(perViewer/fps, "cpu-ms/frame")
			b.ReportMetric(0, "ns/op")
		})
	}
}
