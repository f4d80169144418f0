package e2e

import (
	"fmt"
	"image"
	"regexp"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/xfar/xfar/internal/bench"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// deskBench is a headless displayserver, xview showing it on an Xvfb
// desktop exactly as displayserver would start it (raw pixels over
// loopback), and a client window.
type deskBench struct {
	d    *deskDesktop
	s    *deskServer
	xv   *deskProc
	view image.Rectangle
	c    *xclient.Conn
	win  xclient.Window
	gc   xclient.GC
}

func startDeskBench(b *testing.B, at image.Rectangle) *deskBench {
	b.Helper()
	d := startDesktop(b)
	s := startDeskServer(b, deskEnv(), "--no-window")
	xv := deskStart(b, deskEnv(append(d.env, protocol.EnvAuth+"="+s.cookie)...), Binary(b, "xview"),
		"--url", s.url, "--codec", "none", "--title", "bench", "--stats")
	_, view := d.findWindow(b, "bench")
	c, err := xclient.DialAddr("tcp", fmt.Sprintf("127.0.0.1:%d", protocol.TCPBasePort+s.n), xclient.WithAuth(s.cookie))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	// Override-redirect: no title bar, so the window can cover the screen.
	win, err := c.CreateWindow(c.Root(), at.Min.X, at.Min.Y, at.Dx(), at.Dy(),
		&xclient.WindowOptions{OverrideRedirect: true, BackgroundNone: true})
	if err != nil {
		b.Fatal(err)
	}
	c.MapWindow(win)
	gc, err := c.CreateGC(win, &xclient.GCValues{Mask: protocol.GCForeground, Foreground: 0})
	if err != nil {
		b.Fatal(err)
	}
	return &deskBench{d: d, s: s, xv: xv, view: view, c: c, win: win, gc: gc}
}

// procCPU returns the CPU time a process has used so far.
func procCPU(b *testing.B, pid int) time.Duration {
	b.Helper()
	cpu, err := bench.ProcessCPU(pid)
	if err != nil {
		b.Fatal(err)
	}
	return cpu
}

var deskStatsRe = regexp.MustCompile(`updates_per_s=([0-9.]+)`)

// BenchmarkDesktopFullScreen has a client redraw the whole 1280x800
// screen at up to 60 frames a second (alternating two busy images) and
// reports the frames per second the desktop viewer presents and the CPU
// it and the display server use.
func BenchmarkDesktopFullScreen(b *testing.B) {
	db := startDeskBench(b, image.Rect(0, 0, 1280, 800))
	var frames [2][]uint32
	for i := range frames {
		frames[i] = make([]uint32, 1280*800)
		for y := 0; y < 800; y++ {
			for x := 0; x < 1280; x++ {
				frames[i][y*1280+x] = uint32((x+i*37)&0xff)<<16 | uint32((y*3+x/7)&0xff)<<8 | uint32((x*y+i*91)&0xff)
			}
		}
	}
	xvPid, dsPid := db.xv.cmd.Process.Pid, db.s.cmd.Process.Pid
	time.Sleep(time.Second)
	statsBefore := len(deskStatsRe.FindAllStringSubmatch(db.xv.err.String(), -1))
	cpu0, ds0, t0 := procCPU(b, xvPid), procCPU(b, dsPid), time.Now()
	b.ResetTimer()
	tick := time.NewTicker(time.Second / 60)
	defer tick.Stop()
	for i := 0; i < b.N; i++ {
		if err := db.c.PutPixels(db.win, db.gc, 0, 0, 1280, 800, frames[i%2]); err != nil {
			b.Fatal(err)
		}
		if err := db.c.Flush(); err != nil {
			b.Fatal(err)
		}
		<-tick.C
	}
	// Let the last frames reach the window.
	time.Sleep(200 * time.Millisecond)
	b.StopTimer()
	wall := time.Since(t0)
	cpu, ds := procCPU(b, xvPid)-cpu0, procCPU(b, dsPid)-ds0
	all := deskStatsRe.FindAllStringSubmatch(db.xv.err.String(), -1)
	var sum float64
	var n int
	for _, m := range all[statsBefore:] {
		v, _ := strconv.ParseFloat(m[1], 64)
		sum += v
		n++
	}
	if n > 0 {
		b.ReportMetric(sum/float64(n), "viewer_fps")
	}
	b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "viewer_cpu_%")
	b.ReportMetric(100*ds.Seconds()/wall.Seconds(), "server_cpu_%")
	b.ReportMetric(float64(b.N)/wall.Seconds(), "client_fps")
}

// BenchmarkDesktopLatency measures, per iteration, the time from a
// client's fill request to the pixel on the Xvfb screen, through the
// display server and the desktop viewer, and reports p50 and p95.
func BenchmarkDesktopLatency(b *testing.B) {
	db := startDeskBench(b, image.Rect(100, 100, 164, 164))
	probe := db.view.Min.Add(image.Pt(132, 132))
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		color := uint32(0x102030 + (i%200)*0x010101)
		db.c.SetForeground(db.gc, color)
		db.c.FillRectangle(db.win, db.gc, 0, 0, 64, 64)
		start := time.Now()
		if err := db.c.Flush(); err != nil {
			b.Fatal(err)
		}
		for {
			img := db.d.shot(b, image.Rectangle{Min: probe, Max: probe.Add(image.Pt(1, 1))})
			if deskPixel(img, 0, 0) == color {
				break
			}
			if time.Since(start) > 5*time.Second {
				b.Fatalf("pixel %06x not on the screen after 5 s", color)
			}
			time.Sleep(200 * time.Microsecond)
		}
		lat = append(lat, time.Since(start))
		time.Sleep(30 * time.Millisecond) // let the viewer go idle again
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50_ms")
	b.ReportMetric(pct(0.95), "p95_ms")
	b.ReportMetric(0, "ns/op")
}
