// Command xview shows a remote xfar display in a desktop window, as
// vncviewer does for VNC: the display's screen at 1:1, live, with the
// window's mouse and keyboard driving the display's applications.
//
// Usage:
//
//	xview [--display host:N] [--auth COOKIE] [--url http://host:port] [--codec zstd|s2|none]
//
// It connects to the display server's HTTP port (8000+N) and exits when
// its window is closed (status 0) or the display server goes away (1).
// The display server itself starts xview to open its window on a desktop.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/viewer/desktop"
	"github.com/xfar/xfar/viewer/remote"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// options are xview's resolved flags.
type options struct {
	url, token, title string
	codecs            []string
	stats, debug      bool
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("xview", flag.ContinueOnError)
	fs.SetOutput(stderr)
	display := fs.String("display", "", "display to show, host:N or :N (HTTP port 8000+N); default $"+protocol.EnvDisplay+", then :0")
	auth := fs.String("auth", "", "the display's cookie (full control) or view-only token; default $"+protocol.EnvAuth+", then the cookie file the display server wrote")
	url := fs.String("url", "", "the display server's HTTP `address`, e.g. http://host:8000 (overrides the port from --display)")
	codec := fs.String("codec", "zstd", "compression for the picture: zstd, s2 or none (none suits the same machine)")
	title := fs.String("title", "", "window title (default \"xfar host:N\")")
	stats := fs.Bool("stats", false, "log frames presented per second, once a second")
	debug := fs.Bool("debug", false, "log every input event sent to the display")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: xview [flags]\n\n"+
			"Shows an xfar display in a window: mouse and keyboard drive its applications.\n"+
			"Closing the window ends xview; so does the display server going away.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	name := *display
	if name == "" {
		name = os.Getenv(protocol.EnvDisplay)
	}
	if name == "" {
		name = ":0"
	}
	d, err := protocol.ParseDisplay(name)
	if err != nil {
		return nil, fmt.Errorf("--display: %w", err)
	}
	o := &options{url: *url, token: *auth, title: *title, codecs: []string{*codec}, stats: *stats, debug: *debug}
	if o.url == "" {
		host := d.Host
		if host == "" {
			host = "localhost"
		}
		o.url = "http://" + net.JoinHostPort(host, strconv.Itoa(protocol.HTTPBasePort+d.Number))
	}
	if o.title == "" {
		o.title = "xfar " + d.Host + ":" + strconv.Itoa(d.Number)
	}
	if o.token == "" {
		o.token = strings.TrimSpace(os.Getenv(protocol.EnvAuth))
	}
	if o.token == "" {
		b, err := os.ReadFile(protocol.AuthFile(d.Number))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("read cookie file: %w", err)
		}
		o.token = strings.TrimSpace(string(b))
	}
	return o, nil
}

// run is the whole program; it returns the exit status.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "xview:", err)
		return 2
	}
	level := slog.LevelInfo
	if o.debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	conn, err := (&remote.Dialer{Codecs: o.codecs, Logger: log}).Dial(dctx, o.url, o.token)
	cancel()
	if err != nil {
		fmt.Fprintf(stderr, "xview: cannot show the display: %v\n", err)
		return 1
	}
	defer conn.Close()
	w, h := conn.Size()
	log.Info("connected", "url", o.url, "size", fmt.Sprintf("%dx%d", w, h), "codec", conn.Codec(), "view_only", conn.Access() != feed.FullControl)
	opts := desktop.Options{Title: o.title, Logger: log}
	if o.stats {
		opts.Stats = func(s desktop.Stats) {
			sec := s.Interval.Seconds()
			log.Info("stats", "updates_per_s", fmt.Sprintf("%.1f", float64(s.Updates)/sec),
				"mpixels_per_s", fmt.Sprintf("%.1f", float64(s.Pixels)/sec/1e6),
				"fps", fmt.Sprintf("%.1f", s.FPS), "tps", fmt.Sprintf("%.1f", s.TPS))
		}
	}
	if err := desktop.Run(ctx, conn, opts); err != nil {
		fmt.Fprintf(stderr, "xview: the display at %s went away: %v\n", o.url, err)
		return 1
	}
	return 0
}
