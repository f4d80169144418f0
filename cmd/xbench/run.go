package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/xfar/xfar/internal/bench"
)

// run is xbench's whole program, reachable from tests; it returns the exit
// status (0 done, 1 failed, 2 usage).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("xbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "write the Markdown report to this file, replacing only its xbench section if it exists; default standard output")
	reps := fs.Int("reps", 7, "timed repetitions per side and workload (the sides alternate)")
	repTime := fs.Duration("rep-time", 400*time.Millisecond, "target duration of one repetition")
	quick := fs.Bool("quick", false, "a faster, rougher run: 3 repetitions of 150ms, 500 operations per byte count")
	workloads := fs.String("workloads", "", "comma-separated workloads to run; default all: "+strings.Join(names(), ","))
	codec := fs.String("codec", "", "codec xfar's throughput connection asks for (zstd, s2, none); default: negotiated, as applications get")
	byteOps := fs.Int("byte-ops", 2000, "operations per workload in the bytes-on-the-wire pass")
	rtt := fs.Duration("rtt", 50*time.Millisecond, "emulated round-trip time for the connect-to-first-pixel measurement")
	cpuprofile := fs.String("cpuprofile", "", "profile the xfar side on the workloads where it is slower than X and write the CPU profile here; the report summarises it")
	noSeedC := fs.Bool("no-seed-c", false, "do not compile and run the seed's C Xlib program (needs gcc and libx11-dev)")
	verbose := fs.Bool("v", false, "log progress to standard error")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: xbench [flags]\n\n"+
			"Runs xfar side by side with a private Xvfb on this machine: throughput of\n"+
			"x11perf-style operations end to end over a socket, bytes on the wire per codec\n"+
			"versus raw X11, and round trips from connect to first pixel for the seed's\n"+
			"program at an emulated round-trip time. Writes a Markdown report.\n"+
			"Needs Xvfb in PATH; gcc and libx11-dev for the C Xlib baseline.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "xbench: unexpected arguments %q\n", fs.Args())
		fs.Usage()
		return 2
	}
	cfg := bench.Config{Reps: *reps, RepTime: *repTime, ByteOps: *byteOps, RTT: *rtt,
		Codec: *codec, CPUProfile: *cpuprofile, SkipSeedC: *noSeedC}
	if *quick {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["reps"] {
			cfg.Reps = 3
		}
		if !set["rep-time"] {
			cfg.RepTime = 150 * time.Millisecond
		}
		if !set["byte-ops"] {
			cfg.ByteOps = 500
		}
	}
	if *workloads != "" {
		cfg.Workloads = strings.Split(*workloads, ",")
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	cfg.Log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	res, err := bench.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "xbench: %v\n", err)
		return 1
	}
	var report bytes.Buffer
	if err := res.WriteMarkdown(&report, "xbench "+strings.Join(args, " ")); err != nil {
		fmt.Fprintf(stderr, "xbench: write report: %v\n", err)
		return 1
	}
	if *out == "" {
		stdout.Write(report.Bytes())
		return 0
	}
	// Replace only xbench's own section of an existing report, keeping
	// the notes and the other tools' measurements.
	doc := report.Bytes()
	if old, err := os.ReadFile(*out); err == nil {
		doc = bench.MergeMarkdown(old, doc)
	}
	tmp := *out + ".tmp"
	if err := os.WriteFile(tmp, doc, 0o644); err != nil {
		fmt.Fprintf(stderr, "xbench: %v\n", err)
		return 1
	}
	if err := os.Rename(tmp, *out); err != nil {
		fmt.Fprintf(stderr, "xbench: %v\n", err)
		return 1
	}
	return 0
}

func names() []string {
	var n []string
	for _, w := range bench.Workloads() {
		n = append(n, w.Name)
	}
	return n
}
