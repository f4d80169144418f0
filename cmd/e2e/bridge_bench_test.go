package e2e

import (
	"context"
	"fmt"
	"image"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/internal/bench"
	"github.com/xfar/xfar/xclient/x11bridge"
)

// bridgeProxy forwards TCP connections to target and counts the bytes
// each way: what the bridge really puts on the wire, compressed.
type bridgeProxy struct {
	ln       net.Listener
	target   string
	up, down atomic.Int64 // client to server, server to client
	wg       sync.WaitGroup
}

func newBridgeProxy(t testing.TB, ln net.Listener, target string) *bridgeProxy {
	p := &bridgeProxy{ln: ln, target: target}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.wg.Add(2)
			go func() {
				defer p.wg.Done()
				io.Copy(s, bridgeLiveCounter{c, &p.up})
				s.(*net.TCPConn).CloseWrite()
			}()
			go func() {
				defer p.wg.Done()
				io.Copy(c, bridgeLiveCounter{s, &p.down})
				c.Close()
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); p.wg.Wait() })
	return p
}

// bridgeLiveCounter counts the bytes read through it as they pass.
type bridgeLiveCounter struct {
	net.Conn
	n *atomic.Int64
}

func (c bridgeLiveCounter) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

var bridgeEnded = regexp.MustCompile(`bridge ended" frames=(\d+) rects=(\d+) pixel_bytes=(\d+)`)

// BenchmarkBridgeRedraw500 runs the xbridge binary with a program that
// redraws a 500x500 window continuously (xprog -anim: 100 filled squares
// and a moving disc per frame, as fast as XSync allows) and measures, per
// second of streaming (one iteration): the frames the bridge sends, the
// bytes on the wire to the display server (through a counting TCP proxy,
// after the connection's compression), and the bridge process's CPU.
//
//	go test ./cmd/e2e -run '^$' -bench BridgeRedraw500 -benchtime 5x
func BenchmarkBridgeRedraw500(b *testing.B) {
	dir := b.TempDir()
	xbridge := Binary(b, "xbridge")
	prog := buildXprog(b, dir)
	srv, err := displayserver.New(displayserver.Config{TCPAddr: "127.0.0.1:0", UnixPath: "none",
		HTTPAddr: "none", AuthFile: "none", NoAuth: true, Width: 1024, Height: 768, Logger: bridgeTestLogger(b)})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	// The binary takes a display name, host:N, so the proxy listens on
	// port 6000+N for a free N.
	var ln net.Listener
	var n int
	for n = 700 + os.Getpid()%200; n < 1000; n++ {
		if ln, err = net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", 6000+n)); err == nil {
			break
		}
	}
	if ln == nil {
		b.Fatal("no free port for the proxy")
	}
	proxy := newBridgeProxy(b, ln, srv.TCPAddr().String())

	var stderr SyncBuffer
	cmd := exec.Command(xbridge, "--display", fmt.Sprintf("127.0.0.1:%d", n), "--", prog, "-anim")
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer cmd.Process.Kill()
	c := bridgeDialTestDisplay(b, srv)
	deadline := time.Now().Add(15 * time.Second)
	for len(displayTopLevels(b, c)) == 0 {
		if time.Now().After(deadline) {
			b.Fatalf("no window on the display; xbridge stderr:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // past the first full frame

	cpu0, err := bench.ProcessCPU(cmd.Process.Pid)
	if err != nil {
		b.Fatal(err)
	}
	up0 := proxy.up.Load()
	t0 := time.Now()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		time.Sleep(time.Second)
	}
	b.StopTimer()
	elapsed := time.Since(t0)
	cpu1, _ := bench.ProcessCPU(cmd.Process.Pid)
	up1 := proxy.up.Load()
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	m := bridgeEnded.FindStringSubmatch(stderr.String())
	if m == nil {
		b.Fatalf("no stats in xbridge's log:\n%s", stderr.String())
	}
	frames, _ := strconv.ParseFloat(m[1], 64)
	pixelBytes, _ := strconv.ParseFloat(m[3], 64)
	sec := elapsed.Seconds()
	b.ReportMetric(frames/sec, "frames/s")
	b.ReportMetric(float64(up1-up0)/sec/1e6, "wire-MB/s")
	b.ReportMetric(float64(up1-up0)/(frames), "wire-B/frame")
	b.ReportMetric(pixelBytes/frames, "raw-B/frame")
	b.ReportMetric((cpu1-cpu0).Seconds()/sec*100, "bridge-CPU-%")
}

// BenchmarkBridgeLatency measures how long a drawing by an X program takes
// to reach the display: an X client fills its window with a new colour and
// waits for the X server to have drawn it; the clock stops when the pixel
// has that colour in the display's picture, read through GET
// /snapshot.png (what the tests read) and through Server.Snapshot (the
// same picture without PNG encoding and HTTP, for a finer clock).
//
//	go test ./cmd/e2e -run '^$' -bench BridgeLatency -benchtime 200x
func BenchmarkBridgeLatency(b *testing.B) {
	for _, via := range []string{"snapshot.png", "Snapshot"} {
		b.Run(via, func(b *testing.B) {
			srv, err := displayserver.New(displayserver.Config{TCPAddr: "127.0.0.1:0", UnixPath: "none",
				HTTPAddr: "127.0.0.1:0", AuthFile: "none", NoAuth: true, Width: 640, Height: 480, Logger: bridgeTestLogger(b)})
			if err != nil {
				b.Fatal(err)
			}
			if err := srv.Start(); err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			br, err := x11bridge.Start(ctx, x11bridge.Config{Address: srv.TCPAddr().String(),
				Command: []string{"sleep", "3600"}, Logger: bridgeTestLogger(b)})
			if err != nil {
				b.Fatal(err)
			}
			defer br.Wait()
			defer cancel()
			x, err := x11bridge.DialX(br.XDisplay(), br.XAuthority())
			if err != nil {
				b.Fatal(err)
			}
			defer x.Close()
			scr := xproto.Setup(x).DefaultScreen(x)
			win, _ := xproto.NewWindowId(x)
			xproto.CreateWindow(x, scr.RootDepth, win, scr.Root, 100, 100, 64, 64, 0,
				xproto.WindowClassInputOutput, scr.RootVisual, xproto.CwBackPixel, []uint32{0})
			xproto.MapWindow(x, win)
			gc, _ := xproto.NewGcontextId(x)
			xproto.CreateGC(x, gc, xproto.Drawable(win), 0, nil)
			at := image.Pt(132, 132) // the window's centre, here and on the display
			pixel := func() uint32 {
				var img *image.RGBA
				if via == "Snapshot" {
					img = srv.Snapshot()
				} else {
					img = bridgeSnapshot(b, srv)
				}
				c := img.RGBAAt(at.X, at.Y)
				return uint32(c.R)<<16 | uint32(c.G)<<8 | uint32(c.B)
			}
			fill := func(color uint32) time.Duration {
				xproto.ChangeGC(x, gc, xproto.GcForeground, []uint32{color})
				xproto.PolyFillRectangle(x, xproto.Drawable(win), gc, []xproto.Rectangle{{Width: 64, Height: 64}})
				xproto.GetInputFocus(x).Reply() // the X server has drawn it
				t0 := time.Now()
				deadline := t0.Add(5 * time.Second)
				for pixel() != color {
					if time.Now().After(deadline) {
						b.Fatalf("colour %06x not on the display within 5s", color)
					}
				}
				return time.Since(t0)
			}
			fill(0x010101) // the window is mirrored
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				lat = append(lat, fill(uint32(0x102030+i*0x010305)&0xffffff|0x800000))
				time.Sleep(20 * time.Millisecond) // drawings arrive apart, not in a burst
			}
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}
