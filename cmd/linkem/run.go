package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/xfar/xfar/internal/linkem"
)

// run is linkem's whole program, reachable from tests: it returns the
// exit status (0 clean, 1 failure, 2 usage).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runReady(ctx, args, stdout, stderr, nil)
}

// runReady is run, calling ready (if set) with the listening address once
// the proxy runs.
func runReady(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(addr string)) int {
	fs := flag.NewFlagSet("linkem", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:6010", "address to accept clients on (display N is TCP port 6000+N)")
	to := fs.String("to", "127.0.0.1:6000", "display server address to forward to: host:port, or unix:/path")
	rtt := fs.Duration("rtt", 0, "round-trip time to add, such as 50ms (each direction gets half)")
	rate := fs.String("rate", "", "bandwidth cap per direction, such as 1mbit or 500KB (bytes per second); default none")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: linkem [flags]\n\n"+
			"Emulates a long link between xfar clients and a display server: a TCP proxy\n"+
			"that adds a round-trip time and caps the bandwidth. Prints what crossed it on exit.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "linkem: unexpected arguments %q\n", fs.Args())
		return 2
	}
	bps, err := linkem.ParseRate(*rate)
	if err != nil {
		fmt.Fprintf(stderr, "linkem: %v\n", err)
		return 2
	}
	if *rtt < 0 {
		fmt.Fprintf(stderr, "linkem: negative --rtt\n")
		return 2
	}
	network, target := "tcp", *to
	if p, ok := strings.CutPrefix(target, "unix:"); ok {
		network, target = "unix", p
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	p, err := linkem.Listen("tcp", *listen, network, target, linkem.Config{RTT: *rtt, Rate: bps, Logger: log})
	if err != nil {
		log.Error("start", "err", err)
		return 1
	}
	log.Info("listening", "addr", p.Addr(), "to", *to, "rtt", *rtt, "rate_bytes_per_s", bps)
	if ready != nil {
		ready(p.Addr().String())
	}
	<-ctx.Done()
	err = p.Close()
	s := p.Stats()
	fmt.Fprintf(stdout, "client->server: %d bytes, %d messages\nserver->client: %d bytes, %d messages\n",
		s.Up.Bytes, s.Up.Messages, s.Down.Bytes, s.Down.Messages)
	if err != nil {
		log.Error("close", "err", err)
		return 1
	}
	return 0
}
