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
	"slices"
	"strings"
	"time"

	"github.com/xfar/xfar/internal/bench"
)

// run is xbench's whole program, reachable from tests; it returns the exit
// status (0 done, 1 failed, 2 usage).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "xanim" {
		return xanim(ctx, args[1:], stderr)
	}
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
	peers := fs.Bool("peers", false, "run the peers comparison instead: xfar beside Xpra and x11vnc + websockify + noVNC on the same X programs, in headless Chromium (needs the Debian packages xpra x11vnc websockify novnc)")
	peerSystems := fs.String("peer-systems", "", "with --peers: comma-separated systems (xfar, xpra, novnc); default all")
	peerWorkloads := fs.String("peer-workloads", "", "with --peers: comma-separated workload names; default all")
	peerMeasure := fs.Duration("peer-time", 5*time.Second, "with --peers: how long each workload is measured")
	xterm := fs.Bool("xterm", false, "run the xterm workloads instead (issue 16): bytes for a text flood and top in xterm as raw X11, through Xpra, through xbridge (pixels) and xbridge --native")
	xtermModes := fs.String("xterm-modes", "", "with --xterm: comma-separated modes ("+strings.Join(bench.XtermModes, ", ")+"); default all")
	xtermWorkloads := fs.String("xterm-workloads", "", "with --xterm: comma-separated workloads ("+strings.Join(xtermNames(), ", ")+"); default all")
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
	if *peers {
		pc := bench.PeersConfig{Measure: *peerMeasure, Log: cfg.Log}
		if *peerSystems != "" {
			pc.Systems = strings.Split(*peerSystems, ",")
		}
		if *peerWorkloads != "" {
			pc.Workloads = strings.Split(*peerWorkloads, ",")
		}
		return runPeers(ctx, pc, *out, "xbench "+strings.Join(args, " "), stdout, stderr)
	}
	if *xterm {
		xc := bench.XtermConfig{Log: cfg.Log}
		if *xtermModes != "" {
			xc.Modes = strings.Split(*xtermModes, ",")
		}
		if *xtermWorkloads != "" {
			xc.Workloads = strings.Split(*xtermWorkloads, ",")
		}
		for _, m := range xc.Modes {
			if !slices.Contains(bench.XtermModes, m) {
				fmt.Fprintf(stderr, "xbench: unknown --xterm-modes entry %q (want %s)\n", m, strings.Join(bench.XtermModes, ", "))
				return 2
			}
		}
		for _, w := range xc.Workloads {
			if !slices.Contains(xtermNames(), w) {
				fmt.Fprintf(stderr, "xbench: unknown --xterm-workloads entry %q (want %s)\n", w, strings.Join(xtermNames(), ", "))
				return 2
			}
		}
		return runXterm(ctx, xc, *out, "xbench "+strings.Join(args, " "), stdout, stderr)
	}

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
	return writeReport(report.Bytes(), *out, bench.MergeMarkdown, stdout, stderr)
}

// writeReport writes a report to stdout, or into out replacing only its
// own section of an existing file (merge), keeping the notes and the
// other tools' measurements.
func writeReport(doc []byte, out string, merge func(old, fresh []byte) []byte, stdout, stderr io.Writer) int {
	if out == "" {
		stdout.Write(doc)
		return 0
	}
	if old, err := os.ReadFile(out); err == nil {
		doc = merge(old, doc)
	}
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, doc, 0o644); err != nil {
		fmt.Fprintf(stderr, "xbench: %v\n", err)
		return 1
	}
	if err := os.Rename(tmp, out); err != nil {
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

func xtermNames() []string {
	var n []string
	for _, w := range bench.XtermWorkloads() {
		n = append(n, w.Name)
	}
	return n
}

// runPeers runs the peers comparison and writes its section.
func runPeers(ctx context.Context, pc bench.PeersConfig, out, command string, stdout, stderr io.Writer) int {
	start := time.Now()
	rows, err := bench.RunPeers(ctx, pc)
	if err != nil {
		fmt.Fprintf(stderr, "xbench: %v\n", err)
		return 1
	}
	var links []*bench.LinkResult
	if len(pc.Systems) == 0 || slices.Contains(pc.Systems, "xfar") {
		for _, rate := range []int64{10e6 / 8, 2e6 / 8} {
			l, err := bench.RunLink(ctx, bench.LinkConfig{RTT: 50 * time.Millisecond, Rate: rate, Keys: 20, Stream: true, Log: pc.Log})
			if err != nil {
				fmt.Fprintf(stderr, "xbench: key-to-glass over linkem: %v\n", err)
				return 1
			}
			links = append(links, l)
		}
	}
	var report bytes.Buffer
	bench.WritePeersMarkdown(&report, rows, links, command, start)
	return writeReport(report.Bytes(), out, bench.MergePeersMarkdown, stdout, stderr)
}

// runXterm runs the xterm workloads and writes their section.
func runXterm(ctx context.Context, xc bench.XtermConfig, out, command string, stdout, stderr io.Writer) int {
	start := time.Now()
	rows, err := bench.RunXterm(ctx, xc)
	if err != nil {
		fmt.Fprintf(stderr, "xbench: %v\n", err)
		return 1
	}
	var report bytes.Buffer
	bench.WriteXtermMarkdown(&report, rows, command, start)
	return writeReport(report.Bytes(), out, bench.MergeXtermMarkdown, stdout, stderr)
}

// xanim runs the peers comparison's animation: xbench xanim WxH FPS.
func xanim(ctx context.Context, args []string, stderr io.Writer) int {
	var w, h, fps int
	if len(args) != 2 {
		fmt.Fprintln(stderr, "usage: xbench xanim WIDTHxHEIGHT FPS")
		return 2
	}
	if _, err := fmt.Sscanf(args[0], "%dx%d", &w, &h); err != nil || w <= 0 || h <= 0 {
		fmt.Fprintf(stderr, "xbench xanim: bad size %q\n", args[0])
		return 2
	}
	if _, err := fmt.Sscanf(args[1], "%d", &fps); err != nil || fps <= 0 {
		fmt.Fprintf(stderr, "xbench xanim: bad rate %q\n", args[1])
		return 2
	}
	if err := bench.Animate("", w, h, fps, ctx.Done()); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
