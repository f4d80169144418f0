package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/internal/linkem"
	"github.com/xfar/xfar/xclient/x11bridge"
)

// BridgedWorkload is a real X program run through the bridge, whose
// output the benchmarks measure on the link.
type BridgedWorkload struct {
	Name    string
	Command []string
}

// BridgedWorkloads are the programs the peers comparison runs.
func BridgedWorkloads() []BridgedWorkload {
	return []BridgedWorkload{
		{"xterm text flood", []string{"xterm", "-geometry", "100x40+0+0", "-e", "sh", "-c", "while :; do ls -l /usr/bin; done"}},
		{"top -d 0.1", []string{"xterm", "-geometry", "100x40+0+0", "-e", "top", "-d", "0.1"}},
		{"idle xterm", []string{"xterm", "-geometry", "100x40+0+0"}},
	}
}

// BridgedResult is what crossed the link for one workload.
type BridgedResult struct {
	Name string
	// UpBytesPerSec is bridge to display, on the wire (compressed).
	UpBytesPerSec float64
	// Frames per second the bridge sent (repaint passes with pixels).
	FramesPerSec float64
}

// RunBridged runs w through the bridge to an in-process display server
// over an uncapped linkem (which only counts) and measures the bytes the
// bridge sends per second for d, after warm of settling.
func RunBridged(ctx context.Context, w BridgedWorkload, warm, d time.Duration) (*BridgedResult, error) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := startDisplay(linkScreenW, linkScreenH, quiet)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	proxy, err := linkem.Listen("tcp", "127.0.0.1:0", "tcp", srv.TCPAddr().String(), linkem.Config{})
	if err != nil {
		return nil, err
	}
	defer proxy.Close()
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	br, err := x11bridge.Start(bctx, x11bridge.Config{Address: proxy.Addr().String(),
		Width: linkScreenW, Height: linkScreenH, Command: w.Command, Logger: quiet})
	if err != nil {
		return nil, fmt.Errorf("start bridge: %w", err)
	}
	defer br.Wait()
	defer cancel()
	time.Sleep(warm)
	s0, f0 := proxy.Stats().Up.Bytes, br.Stats().Frames
	time.Sleep(d)
	s1, f1 := proxy.Stats().Up.Bytes, br.Stats().Frames
	if os.Getenv("XFAR_BENCH_DEBUG") != "" {
		fmt.Fprintf(os.Stderr, "%s: %+v\n", w.Name, br.Stats())
	}
	return &BridgedResult{Name: w.Name, UpBytesPerSec: float64(s1-s0) / d.Seconds(),
		FramesPerSec: float64(f1-f0) / d.Seconds()}, nil
}

// startDisplay starts an in-process display server of w x h for a
// measurement: TCP on a free loopback port, no Unix socket, no HTTP, no
// authentication.
func startDisplay(w, h int, log *slog.Logger) (*displayserver.Server, error) {
	srv, err := displayserver.New(displayserver.Config{TCPAddr: "127.0.0.1:0", UnixPath: "none",
		HTTPAddr: "none", AuthFile: "none", NoAuth: true, Width: w, Height: h, Logger: log})
	if err == nil {
		err = srv.Start()
	}
	if err != nil {
		return nil, fmt.Errorf("start display server: %w", err)
	}
	return srv, nil
}
