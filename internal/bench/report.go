package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ProfileSummary is where the xfar side's CPU time went.
type ProfileSummary struct {
	File      string
	Workloads []string
	// Categories are shares of all samples by area, largest first.
	Categories []Share
	// Top are the functions with the most samples of their own.
	Top []Share
	Err error // the summary could not be made (no go tool); the file exists
}

// Share is a named percentage of the profile's samples.
type Share struct {
	Name    string
	Percent float64
}

// categories map function-name prefixes to the areas the report names;
// the first match wins.
var categories = []struct{ prefix, name string }{
	{"github.com/xfar/xfar/displayserver/render", "rasterizer (displayserver/render)"},
	{"github.com/xfar/xfar/fonts", "text (fonts, x/image)"},
	{"golang.org/x/image", "text (fonts, x/image)"},
	{"github.com/xfar/xfar/displayserver", "display server (state, windows, damage, feed)"},
	{"github.com/xfar/xfar/protocol", "protocol encode/decode"},
	{"github.com/klauspost/compress", "compression (zstd/s2)"},
	{"github.com/xfar/xfar/compress", "compression (zstd/s2)"},
	{"github.com/xfar/xfar/xclient", "client library (xclient)"},
	{"github.com/xfar/xfar/internal/bench", "benchmark harness"},
	{"syscall.", "system calls (socket I/O)"},
	{"internal/runtime/syscall", "system calls (socket I/O)"},
	{"internal/poll", "system calls (socket I/O)"},
	{"net.", "system calls (socket I/O)"},
	{"runtime.mallocgc", "allocation and GC"},
	{"runtime.gc", "allocation and GC"},
	{"runtime.scanobject", "allocation and GC"},
	{"runtime.mark", "allocation and GC"},
	{"runtime.memclr", "memory copy/clear"},
	{"runtime.memmove", "memory copy/clear"},
	{"runtime.", "runtime (scheduler, channels, other)"},
}

func categorise(fn string) string {
	for _, c := range categories {
		if strings.HasPrefix(fn, c.prefix) {
			return c.name
		}
	}
	return "other"
}

// summariseProfile reads the profile with `go tool pprof -top` (the only
// dependency-free reader of the format) and groups its flat samples.
// Preemption points and memory copies are hidden so that their samples
// count for the function that was running or copying: a tight rasterizer
// loop preempted under load is rasterizer time.
func summariseProfile(file string, workloads []string) (*ProfileSummary, error) {
	ps := &ProfileSummary{File: file, Workloads: workloads}
	gobin, err := exec.LookPath("go")
	if err != nil {
		ps.Err = fmt.Errorf("go tool not in PATH; read the profile with `go tool pprof -top %s`", file)
		return ps, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, gobin, "tool", "pprof", "-top", "-nodecount=100000",
		"-hide", `^runtime\.(asyncPreempt|memmove|memclrNoHeapPointers)$`, file).Output()
	if err != nil {
		ps.Err = fmt.Errorf("go tool pprof: %w", err)
		return ps, nil
	}
	byCat := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		// flat flat% sum% cum cum% name...
		if len(f) < 6 || !strings.HasSuffix(f[1], "%") || !strings.HasSuffix(f[4], "%") {
			continue
		}
		pct, err := strconv.ParseFloat(strings.TrimSuffix(f[1], "%"), 64)
		if err != nil {
			continue
		}
		name := strings.Join(f[5:], " ")
		byCat[categorise(name)] += pct
		if len(ps.Top) < 15 {
			ps.Top = append(ps.Top, Share{Name: name, Percent: pct})
		}
	}
	for k, v := range byCat {
		ps.Categories = append(ps.Categories, Share{Name: k, Percent: v})
	}
	sort.Slice(ps.Categories, func(i, j int) bool { return ps.Categories[i].Percent > ps.Categories[j].Percent })
	return ps, nil
}

// xvfbVersion asks the package manager: Xvfb has no version flag.
func xvfbVersion() string {
	out, err := exec.Command("dpkg-query", "-W", "-f", "${Version}", "xvfb").Output()
	if err != nil || len(out) == 0 {
		return "Xvfb (version unknown)"
	}
	return "Xvfb " + strings.TrimSpace(string(out))
}

// fmtRate formats operations per second with three significant digits.
func fmtRate(r float64) string {
	switch {
	case r >= 1e6:
		return fmt.Sprintf("%.3gM", r/1e6)
	case r >= 1e3:
		return fmt.Sprintf("%.3gk", r/1e3)
	default:
		return fmt.Sprintf("%.3g", r)
	}
}

func fmtBytes(b float64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", b/(1<<10))
	case b >= 100:
		return fmt.Sprintf("%.0f B", b)
	default:
		return fmt.Sprintf("%.1f B", b)
	}
}

// WriteMarkdown writes the report: the section "Side by side with Xvfb
// (xbench)" and an empty "Other measurements" heading for numbers other
// tools produce.
func (r *Result) WriteMarkdown(w io.Writer, command string) error {
	b := &bytes.Buffer{}
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	cfg := r.Config
	p("# xfar benchmarks\n\n")
	p("## Side by side with Xvfb (xbench)\n\n")
	p("Generated by `%s` on %s (%s).\n\n", command, r.Started.Format("2006-01-02 15:04 MST"), r.Ended.Sub(r.Started).Round(time.Second))
	p("- Machine: %s, %d logical CPUs, %s, %s\n", r.Machine.CPU, r.Machine.Cores, r.Machine.OS, r.Machine.Go)
	p("- X server: %s, 1280x800x24, started by xbench; the xfar display server runs in the benchmark's process\n", r.Machine.Xvfb)
	p("- Load average (1, 5, 15 min) at start: %s; at end: %s. The machine is shared: absolute rates move with the load, the ratios much less (see method).\n", r.LoadStart, r.LoadEnd)
	p("- xfar codec for throughput: %s; %d repetitions per side of about %v each\n\n", r.XfarCodec, cfg.Reps, cfg.RepTime)

	p("### Method\n\n")
	p("Each workload is an x11perf-style test run end to end over a local socket (xfar: its Unix socket; X: Xvfb's Unix socket). ")
	p("A repetition sends N operations (batched in requests as stated) and ends with a round trip (xfar `Sync`, X `GetInputFocus`), so the server has drawn everything before the clock stops. ")
	p("N is calibrated per side so a repetition lasts about %v. ", cfg.RepTime)
	p("Every repetition runs all three sides once, the order rotating, and the ratio is the median of the per-repetition ratios, so load that changes over seconds cancels out. ")
	p("All sides draw the same pseudo-random geometry and pixels (fixed seed).\n\n")
	p("Two X clients: **X (xgb)**, the Go X library xfar's bridge uses, which writes each request with its own system call after a goroutine hand-off; and **X (Xlib-style)**, a minimal client in `internal/bench` that buffers requests into one 64 KiB buffer as Xlib does. ")
	p("The ratio column compares xfar with the faster of the two, the honest baseline.\n\n")

	p("### Throughput (operations per second, median [min–max])\n\n")
	p("| workload | operation | xfar | X (xgb) | X (Xlib-style) | xfar / best X [spread] |\n|---|---|---:|---:|---:|---:|\n")
	for _, t := range r.Throughput {
		cell := func(s string) string {
			rs := t.Rates[s]
			return fmt.Sprintf("%s [%s–%s]", fmtRate(rs.Median()), fmtRate(rs.Min()), fmtRate(rs.Max()))
		}
		best := t.BestX()
		ratios := t.Ratios[best]
		mark := ""
		if t.Ratio(best) < 1 {
			mark = " ⚠"
		}
		p("| %s | %s | %s | %s | %s | **%.2f×** [%.2f–%.2f]%s |\n", t.Workload.Name, t.Workload.Desc,
			cell(t.Sides[0]), cell(t.Sides[1]), cell(t.Sides[2]), t.Ratio(best), minF(ratios), maxF(ratios), mark)
	}
	p("\nTarget: xfar at least equal to Xvfb on lines, segments and rectangles end to end. ⚠ marks workloads where xfar is slower than the best X client.\n\n")

	p("### Bytes on the wire per operation (client → server; server → client in total)\n\n")
	p("Counted by a proxy in front of each server: for X the raw X11 protocol, for xfar the compressed stream actually on the socket. ")
	p("Each workload sends up to %d operations (the ops column) on an established connection, ending with one round trip. No request repeats an earlier one (images included), so compression gains only from structure, not from replays; the data is pseudo-random geometry, generated text and images with structure plus one random pixel in eight.\n\n", cfg.ByteOps)
	p("| workload | ops |")
	for _, c := range r.ByteColumns {
		p(" %s |", c)
	}
	p(" best xfar / X11 |\n|---|---:|")
	for range r.ByteColumns {
		p("---:|")
	}
	p("---:|\n")
	for _, row := range r.Bytes {
		p("| %s | %d |", row.Workload.Name, row.Ops)
		x := float64(row.C2S["X11 (raw)"])
		bestX := 0.0
		for _, c := range r.ByteColumns {
			p(" %s |", fmtBytes(float64(row.C2S[c])/float64(row.Ops)))
			if strings.HasPrefix(c, "xfar") && (bestX == 0 || float64(row.C2S[c]) < bestX) {
				bestX = float64(row.C2S[c])
			}
		}
		p(" %s |\n", pctOrDash(bestX, x))
	}
	p("\nServer → client bytes per workload (replies to the closing round trip, events):")
	for _, row := range r.Bytes {
		p(" %s:", row.Workload.Name)
		for i, c := range r.ByteColumns {
			if i > 0 {
				p("/")
			}
			p("%d", row.S2C[c])
		}
		p(";")
	}
	p(" (columns in the order above).\n\nTarget: xfar at most one tenth of raw X11 for xdemo and the drawing workloads.\n\n")

	p("### The seed program: connect to first pixel at %v round-trip time\n\n", cfg.RTT)
	p("The program opens a 200x100 window, selects StructureNotify, maps it, creates a GC, waits for MapNotify and draws one line. ")
	p("A proxy delays each direction by %v and timestamps every chunk. *Blocking round trips* counts the times the client sent only after hearing from the server, from connect to the drawing request; *first pixel* is when the drawing request reached the server, measured from the connection's accept (the TCP handshake itself is not emulated, the same for every row). ", cfg.RTT/2)
	p("xfar rows replay cmd/xdemo's requests through xclient with each codec; the xgb row replays the seed's Xlib calls request for request; the last row is the seed's C program itself, compiled with gcc against libX11.\n\n")
	p("Each session runs %d times; first pixel is given as the fastest run and the median (timers fire late on a loaded machine, so the fastest is closest to what the network alone costs). The floor is blocking round trips × RTT + RTT/2 for the drawing request itself.\n\n", sessionRuns(cfg))
	p("| session | bytes client→server | bytes server→client | blocking round trips | first pixel: fastest / median | floor |\n|---|---:|---:|---:|---:|---:|\n")
	for _, s := range r.Sessions {
		if s.Err != nil {
			p("| %s | — | — | — | not measured: %s | |\n", s.Name, strings.ReplaceAll(s.Err.Error(), "\n", " "))
			continue
		}
		floor := time.Duration(s.RoundTrips)*cfg.RTT + cfg.RTT/2
		p("| %s | %d | %d | %d | %v / %v | %v |\n", s.Name, s.C2S, s.S2C, s.RoundTrips,
			s.FirstPixel.Round(time.Millisecond), s.Median.Round(time.Millisecond), floor)
	}
	p("\nTarget: no blocking round trip between connect and first pixel beyond the handshake and what the application asks for (here: waiting for MapNotify), so 2 for xdemo.\n\n")

	if pr := r.Profile; pr != nil {
		p("### Where xfar's time goes (CPU profile)\n\n")
		p("`%s` profiles the xfar side (display server and client library share the process) on: %s. ", "--cpuprofile", strings.Join(pr.Workloads, ", "))
		p("Read it with `go tool pprof -top %s`. Samples in preemption points and memory copies are charged to the function that was running (pprof `-hide`).\n\n", pr.File)
		if pr.Err != nil {
			p("Summary not available: %v\n\n", pr.Err)
		} else {
			p("| area | share of samples |\n|---|---:|\n")
			for _, c := range pr.Categories {
				if c.Percent >= 0.5 {
					p("| %s | %.1f%% |\n", c.Name, c.Percent)
				}
			}
			p("\n| function (flat) | share |\n|---|---:|\n")
			for _, t := range pr.Top {
				p("| `%s` | %.1f%% |\n", t.Name, t.Percent)
			}
			p("\n")
		}
	}
	p("### Reproduce\n\n```\ngo run ./cmd/xbench --out BENCHMARKS.md --cpuprofile xfar.prof\n```\n\n")
	p("Hot paths as Go benchmarks: `go test -run '^$' -bench . ./protocol ./displayserver/render ./xclient ./internal/bench` (decode/encode, rasterize, client encode+compress, stream compression).\n\n")
	p("## Other measurements\n\n")
	_, err := w.Write(b.Bytes())
	return err
}

func pctOrDash(a, b float64) string {
	if b == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*a/b)
}

func minF(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	m := v[0]
	for _, x := range v {
		m = min(m, x)
	}
	return m
}

func maxF(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	m := v[0]
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

// Markers of the report's own section inside BENCHMARKS.md.
const (
	sectionStart = "## Side by side with Xvfb (xbench)"
	notesStart   = "\n### Reading the numbers"
	otherStart   = "\n## Other measurements"
)

// MergeMarkdown returns existing with its xbench section replaced by the
// one in fresh (a WriteMarkdown report), keeping everything else: the
// hand-written notes that follow the tables ("### Reading the numbers")
// and the other tools' measurements. Without an xbench section in
// existing, it returns fresh.
func MergeMarkdown(existing, fresh []byte) []byte {
	e, f := string(existing), string(fresh)
	es, fs := strings.Index(e, sectionStart), strings.Index(f, sectionStart)
	if es < 0 || fs < 0 {
		return fresh
	}
	section := f[fs:]
	if i := strings.Index(section, otherStart); i >= 0 {
		section = section[:i]
	}
	end := len(e)
	for _, m := range []string{notesStart, otherStart} {
		if i := strings.Index(e[es:], m); i >= 0 && es+i < end {
			end = es + i
		}
	}
	return []byte(e[:es] + strings.TrimRight(section, "\n") + "\n" + e[end:])
}
