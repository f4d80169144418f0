package e2e_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xfar/xfar/xclient"
)

// animFrames returns n frames of a w x h animation: a smooth colour field
// that moves, with a bright bar sweeping across (every pixel changes
// every frame, as in a video or a game).
func animFrames(w, h, n int) [][]uint32 {
	frames := make([][]uint32, n)
	for f := range frames {
		pix := make([]uint32, w*h)
		t := float64(f) / float64(n) * 2 * math.Pi
		bar := f * w / n
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				r := 128 + 127*math.Sin(float64(x)/60+t)
				g := 128 + 127*math.Sin(float64(y)/45-t)
				b := 128 + 127*math.Sin(float64(x+y)/80+2*t)
				if x >= bar && x < bar+20 {
					r, g, b = 255, 255, 255
				}
				pix[y*w+x] = uint32(r)<<16 | uint32(g)<<8 | uint32(b)
			}
		}
		frames[f] = pix
	}
	return frames
}

// processTreeCPU returns the CPU time of pid and all its descendants.
func processTreeCPU(b *testing.B, pid int) time.Duration {
	children := map[int][]int{}
	ticks := map[int]int64{}
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, d := range dirs {
		data, err := os.ReadFile(d)
		if err != nil {
			continue
		}
		s := string(data)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+2:]) // from field 3 (state)
		if len(f) < 13 {
			continue
		}
		p, _ := strconv.Atoi(strings.Fields(s)[0])
		ppid, _ := strconv.Atoi(f[1])
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		children[ppid] = append(children[ppid], p)
		ticks[p] = ut + st
	}
	var total int64
	var walk func(int)
	walk = func(p int) {
		total += ticks[p]
		for _, c := range children[p] {
			walk(c)
		}
	}
	walk(pid)
	return time.Duration(total) * time.Second / 100 // USER_HZ
}

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
	frames := animFrames(W, H, 30)
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
	cpu0, t0 := processTreeCPU(b, pid), time.Now()
	for b.Loop() {
		time.Sleep(time.Second)
	}
	f1, by1 := read()
	cpu, secs := processTreeCPU(b, pid)-cpu0, time.Since(t0).Seconds()
	shown := float64(f1 - f0)
	b.ReportMetric(shown/secs, "frames/s")
	b.ReportMetric((by1-by0)/shown/1000, "KB/frame")
	b.ReportMetric(float64(cpu.Milliseconds())/shown, "chromium-cpu-ms/frame")
	b.ReportMetric(float64(cpu.Milliseconds())/secs/10, "chromium-cpu-%")
	b.ReportMetric(0, "ns/op")
}
