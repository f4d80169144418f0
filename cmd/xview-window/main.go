// Command xview-window is the window half of xview: the program that links
// Ebitengine. Users run xview, which checks for a desktop and starts this
// program with the same flags; see cmd/xview.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/viewer/desktop"
	"github.com/xfar/xfar/viewer/desktop/cli"
	"github.com/xfar/xfar/viewer/desktop/clipsync"
	"github.com/xfar/xfar/viewer/remote"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program; it returns the exit status.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	o, err := cli.ParseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "xview:", err)
		return 2
	}
	level := slog.LevelInfo
	if o.Debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	conn, err := (&remote.Dialer{Codecs: o.Codecs, Logger: log}).Dial(dctx, o.URL, o.Token)
	cancel()
	if err != nil {
		fmt.Fprintf(stderr, "xview: cannot show the display: %v\n", err)
		return 1
	}
	defer conn.Close()
	w, h := conn.Size()
	log.Info("connected", "url", o.URL, "size", fmt.Sprintf("%dx%d", w, h), "codec", conn.Codec(), "view_only", conn.Access() != feed.FullControl)
	if conn.Access() == feed.FullControl {
		// The desktop's clipboard and the display's, in step both ways.
		go func() {
			err := clipsync.Run(ctx, clipsync.Config{URL: o.URL, Token: o.Token, Logger: log})
			if err != nil && ctx.Err() == nil {
				log.Warn("clipboard sharing stopped", "err", err)
			}
		}()
	}
	opts := desktop.Options{Title: o.Title, Logger: log}
	if o.Stats {
		opts.Stats = func(s desktop.Stats) {
			sec := s.Interval.Seconds()
			log.Info("stats", "updates_per_s", fmt.Sprintf("%.1f", float64(s.Updates)/sec),
				"mpixels_per_s", fmt.Sprintf("%.1f", float64(s.Pixels)/sec/1e6),
				"fps", fmt.Sprintf("%.1f", s.FPS), "tps", fmt.Sprintf("%.1f", s.TPS))
		}
	}
	if err := desktop.Run(ctx, conn, opts); err != nil {
		fmt.Fprintf(stderr, "xview: the display at %s went away: %v\n", o.URL, err)
		return 1
	}
	return 0
}
