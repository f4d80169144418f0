package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xfar/xfar/internal/bench"
)

// BenchmarkNativeXtermWorkloads puts the xterm workloads of issue 16 side
// by side: the bytes xbridge sends to the display (after compression) in
// the default mode (Xvfb, pixels) and natively (X requests as xfar
// requests), and the raw X11 bytes (both directions) the same program
// exchanges with an Xvfb through a counting proxy. The text flood runs
// until the link is quiet for a second; top -d 0.1 for a fixed 10 s.
//
//	go test ./cmd/e2e -run '^$' -bench NativeXtermWorkloads -benchtime 1x
//
// XFAR_BENCH_MODES (comma-separated: rawx11,xpra,xvfb,native) runs only
// those columns, e.g. XFAR_BENCH_MODES=native for the native link alone.
func BenchmarkNativeXtermWorkloads(b *testing.B) {
	bridgeNeedTools(b, "Xvfb", "xterm", "top")
	workloads := []struct {
		name string
		args []string
		dur  time.Duration
	}{
		{"flood-seq2000", []string{"xterm", "-geometry", "80x24+20+40", "-e", "sh", "-c", "seq 1 2000; sleep 60"}, 0},
		{"top-d0.1-10s", []string{"xterm", "-geometry", "80x24+20+40", "-e", "top", "-d", "0.1"}, 10 * time.Second},
	}
	for _, w := range workloads {
		for _, mode := range []string{"rawx11", "xpra", "xvfb", "native"} {
			if m := os.Getenv("XFAR_BENCH_MODES"); m != "" && !slices.Contains(strings.Split(m, ","), mode) {
				continue
			}
			b.Run(w.name+"/"+mode, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					switch mode {
					case "rawx11":
						b.ReportMetric(float64(rawX11Bytes(b, w.args, w.dur)), "both-ways-bytes/op")
						continue
					case "xpra":
						b.ReportMetric(float64(xpraBytes(b, w.args, w.dur)), "both-ways-bytes/op")
						continue
					}
					n, both, rt := linkBytesFor(b, mode, w.args, w.dur)
					b.ReportMetric(float64(n), "link-bytes/op")
					b.ReportMetric(float64(both), "both-ways-bytes/op")
					if mode == "native" {
						b.ReportMetric(float64(rt), "display-round-trips/op")
					}
				}
			})
		}
	}
}

// startXvfb starts a private Xvfb without TCP and returns its display
// number and a function that stops it.
func startXvfb(b *testing.B, ctx context.Context) (string, func()) {
	r, w, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	xvfb := exec.CommandContext(ctx, "Xvfb", "-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "1280x800x24")
	xvfb.ExtraFiles = []*os.File{w}
	if err := xvfb.Start(); err != nil {
		b.Fatal(err)
	}
	w.Close()
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		b.Fatalf("Xvfb display number: %v", err)
	}
	return strings.TrimSpace(line), func() { xvfb.Process.Kill(); xvfb.Wait() }
}

// xpraBytes runs args under an Xpra server (its own Xvfb) and attaches an
// Xpra client (on a private Xvfb) over TCP through a counting proxy; it
// returns the bytes both ways, measured as rawX11Bytes does.
func xpraBytes(b *testing.B, args []string, dur time.Duration) int64 {
	bridgeNeedTools(b, "xpra")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srvLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srvPort := srvLn.Addr().(*net.TCPAddr).Port
	srvLn.Close() // for xpra to bind
	disp := 0
	for disp = 400; disp < 500; disp++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", disp)); err != nil {
			break
		}
	}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	server := exec.Command("xpra", "start", fmt.Sprintf(":%d", disp), "--daemon=no",
		fmt.Sprintf("--bind-tcp=127.0.0.1:%d", srvPort), "--mdns=no", "--pulseaudio=no",
		"--notifications=no", "--webcam=no", "--speaker=off", "--microphone=off",
		"--systemd-run=no", "--dbus-launch=", "--dbus-proxy=no", "--html=off",
		"--start-child="+strings.Join(quoted, " "), "--exit-with-children=yes")
	if err := server.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		exec.Command("xpra", "stop", fmt.Sprintf(":%d", disp)).Run()
		server.Wait()
	}()
	// The server is ready when its TCP port accepts.
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", srvPort))
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("xpra server not listening within 30 s: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	proxy := bench.NewProxy(ln, func() (net.Conn, error) {
		return net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", srvPort))
	}, 0, false)
	defer proxy.Close()
	clientDisplay, waitX := startXvfb(b, ctx)
	defer waitX()
	client := exec.CommandContext(ctx, "xpra", "attach", fmt.Sprintf("tcp://%s/", ln.Addr()),
		"--speaker=off", "--microphone=off", "--webcam=no", "--notifications=no", "--tray=no",
		"--system-tray=no", "--mdns=no", "--pulseaudio=no", "--dbus-launch=")
	client.Env = append(os.Environ(), "DISPLAY=:"+clientDisplay)
	if err := client.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { client.Process.Kill(); client.Wait() }()
	return waitLink(func() int64 {
		var n int64
		for _, s := range proxy.Sessions() {
			c2s, s2c := s.Bytes()
			n += c2s + s2c
		}
		return n
	}, dur)
}

// rawX11Bytes runs args against a private Xvfb through a TCP proxy and
// returns the X11 bytes both ways: until quiet for a second (dur 0) or
// for dur.
func rawX11Bytes(b *testing.B, args []string, dur time.Duration) int64 {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	num, waitX := startXvfb(b, ctx)
	defer waitX()
	sock := "/tmp/.X11-unix/X" + num
	var ln net.Listener
	var err error
	var disp int
	for disp = 60; disp < 200; disp++ {
		if ln, err = net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(6000+disp)); err == nil {
			break
		}
	}
	if ln == nil {
		b.Fatalf("no free X TCP port: %v", err)
	}
	proxy := bench.NewProxy(ln, func() (net.Conn, error) { return net.Dial("unix", sock) }, 0, false)
	defer proxy.Close()
	total := func() int64 {
		var n int64
		for _, s := range proxy.Sessions() {
			c2s, s2c := s.Bytes()
			n += c2s + s2c
		}
		return n
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = append(os.Environ(), fmt.Sprintf("DISPLAY=127.0.0.1:%d", disp))
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	return waitLink(func() int64 { return total() }, dur)
}

// waitLink polls a byte counter until it has been quiet for a second
// (and 3 s have passed), or for dur when dur > 0; 30 s at most.
func waitLink(n func() int64, dur time.Duration) int64 {
	start := time.Now()
	if dur > 0 {
		time.Sleep(dur)
		return n()
	}
	last, quietSince := int64(-1), time.Now()
	for time.Since(start) < 30*time.Second {
		time.Sleep(100 * time.Millisecond)
		v := n()
		if v != last {
			last, quietSince = v, time.Now()
			continue
		}
		if time.Since(quietSince) >= time.Second && v > 0 && time.Since(start) > 3*time.Second {
			break
		}
	}
	return last
}
