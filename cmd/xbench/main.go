// Command xbench benchmarks xfar side by side with a real X server, in the
// spirit of x11perf. It starts an xfar display server (in process) and a
// private Xvfb, runs the same operations with the same data against both
// (xfar through xclient; X through xgb and through an Xlib-style client),
// counts bytes on the wire with a proxy (xfar per codec versus raw X11),
// measures the round trips and the time from connect to first pixel of
// the seed's program at an emulated round-trip time, and writes a
// Markdown report.
//
// Usage:
//
//	xbench [--out BENCHMARKS.md] [--reps 7] [--rep-time 400ms] [--quick]
//	       [--workloads line10,seg10] [--codec zstd] [--cpuprofile FILE]
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/jezek/xgb"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// xgb logs every connection's missing Xauthority; xbench's Xvfb needs none.
	xgb.Logger.SetOutput(io.Discard)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
