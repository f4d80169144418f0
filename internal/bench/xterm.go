package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xfar/xfar/internal/xvfb"
	"github.com/xfar/xfar/xclient/x11bridge"
	"github.com/xfar/xfar/xclient/x11native"
)

// XtermWorkload is an xterm running a command, measured either until the
// link has been quiet for a second (Duration 0) or for Duration.
type XtermWorkload struct {
	Name     string
	Command  []string
	Duration time.Duration
}

// XtermWorkloads are issue 16's xterm workloads: a text flood and top.
func XtermWorkloads() []XtermWorkload {
	return []XtermWorkload{
		{"flood-seq2000", []string{"xterm", "-geometry", "80x24+20+40", "-e", "sh", "-c", "seq 1 2000; sleep 60"}, 0},
		{"top-d0.1-10s", []string{"xterm", "-geometry", "80x24+20+40", "-e", "top", "-d", "0.1"}, 10 * time.Second},
	}
}

// XtermModes are the ways a workload reaches a screen, in report order:
// raw X11 to an Xvfb, Xpra, xbridge with Xvfb (pixels), xbridge --native.
var XtermModes = []string{"rawx11", "xpra", "xvfb", "native"}

// XtermResult is what one workload cost in one mode.
type XtermResult struct {
	Workload, Mode string
	// LinkBytes is what the bridge sent the display (xfar modes only,
	// after compression); BothWays counts both directions, the only
	// figure for raw X11 and Xpra.
	LinkBytes, BothWays int64
	// RoundTrips is, natively, how many X requests waited for the display.
	RoundTrips int64
	// Err is why the mode could not be measured ("" when it was).
	Err string
}

// XtermConfig selects what RunXterm measures; empty means all.
type XtermConfig struct {
	Workloads, Modes []string
	Log              *slog.Logger
}

// RunXterm measures each selected workload in each selected mode, one
// after the other on this machine. A mode that fails (a peer not
// installed) is reported in its row, not as an error.
func RunXterm(ctx context.Context, cfg XtermConfig) ([]XtermResult, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if _, err := exec.LookPath("xterm"); err != nil {
		return nil, fmt.Errorf("xterm workloads need xterm (Debian: apt-get install xterm): %w", err)
	}
	var rows []XtermResult
	for _, w := range XtermWorkloads() {
		if len(cfg.Workloads) > 0 && !slices.Contains(cfg.Workloads, w.Name) {
			continue
		}
		for _, mode := range XtermModes {
			if len(cfg.Modes) > 0 && !slices.Contains(cfg.Modes, mode) {
				continue
			}
			if err := ctx.Err(); err != nil {
				return rows, err
			}
			log.Info("xterm workload", "workload", w.Name, "mode", mode)
			r, err := runXtermMode(ctx, w, mode)
			if err != nil {
				r = XtermResult{Err: err.Error()}
				log.Warn("xterm workload failed", "workload", w.Name, "mode", mode, "err", err)
			}
			r.Workload, r.Mode = w.Name, mode
			rows = append(rows, r)
		}
	}
	return rows, nil
}

func runXtermMode(ctx context.Context, w XtermWorkload, mode string) (XtermResult, error) {
	switch mode {
	case "rawx11":
		n, err := RawX11Bytes(ctx, w.Command, w.Duration)
		return XtermResult{BothWays: n}, err
	case "xpra":
		n, err := XpraBytes(ctx, w.Command, w.Duration)
		return XtermResult{BothWays: n}, err
	case "xvfb", "native":
		return BridgeLinkBytes(ctx, mode, w.Command, w.Duration)
	}
	return XtermResult{}, fmt.Errorf("unknown mode %q (want one of %s)", mode, strings.Join(XtermModes, ", "))
}

// sumSessions is the bytes both ways over every connection p accepted.
func sumSessions(p *Proxy) int64 {
	var n int64
	for _, s := range p.Sessions() {
		c2s, s2c := s.Bytes()
		n += c2s + s2c
	}
	return n
}

// BridgeLinkBytes runs args through xbridge (mode "xvfb") or xbridge
// --native ("native") to a fresh in-process display server behind a
// counting proxy, until the link is quiet for a second (dur 0) or for dur.
func BridgeLinkBytes(ctx context.Context, mode string, args []string, dur time.Duration) (XtermResult, error) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("XFAR_BENCH_DEBUG") != "" {
		quiet = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	srv, err := startDisplay(1280, 800, quiet)
	if err != nil {
		return XtermResult{}, err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return XtermResult{}, err
	}
	target := srv.TCPAddr().String()
	proxy := NewProxy(ln, func() (net.Conn, error) { return net.Dial("tcp", target) }, 0, false)
	defer proxy.Close()
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wait func()
	roundTrips := func() int64 { return 0 }
	if mode == "native" {
		s, err := x11native.StartSession(bctx, x11native.SessionConfig{Address: ln.Addr().String(),
			Command: args, Logger: quiet})
		if err != nil {
			return XtermResult{}, fmt.Errorf("start native bridge: %w", err)
		}
		wait = func() { s.Wait() }
		roundTrips = s.Server().RoundTrips
	} else {
		br, err := x11bridge.Start(bctx, x11bridge.Config{Address: ln.Addr().String(),
			Command: args, Logger: quiet})
		if err != nil {
			return XtermResult{}, fmt.Errorf("start bridge: %w", err)
		}
		wait = func() { br.Wait() }
	}
	up := func() int64 {
		var n int64
		for _, s := range proxy.Sessions() {
			c2s, _ := s.Bytes()
			n += c2s
		}
		return n
	}
	// The quiet that ends a flood's measurement counts only once the
	// program's window is on the display: the pixel bridge starts an
	// Xvfb first, and the link is quiet meanwhile.
	shown := func() bool {
		for _, w := range srv.Windows() {
			if w.Mapped {
				return true
			}
		}
		return false
	}
	r := XtermResult{LinkBytes: waitLinkAfter(up, dur, shown)}
	r.RoundTrips = roundTrips()
	r.BothWays = sumSessions(proxy)
	cancel()
	wait()
	return r, nil
}

// RawX11Bytes runs args against a private Xvfb through a counting TCP
// proxy and returns the X11 bytes both ways (set-up, font queries and
// replies included): until quiet for a second (dur 0) or for dur.
func RawX11Bytes(ctx context.Context, args []string, dur time.Duration) (int64, error) {
	x, err := xvfb.Start(ctx, xvfb.Options{First: 400})
	if err != nil {
		return 0, err
	}
	defer x.Stop()
	sock := "/tmp/.X11-unix/X" + strconv.Itoa(x.Number)
	var ln net.Listener
	disp := 60
	for ; disp < 200; disp++ {
		if ln, err = net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(6000+disp)); err == nil {
			break
		}
	}
	if ln == nil {
		return 0, fmt.Errorf("no free X TCP port: %w", err)
	}
	proxy := NewProxy(ln, func() (net.Conn, error) { return net.Dial("unix", sock) }, 0, false)
	defer proxy.Close()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = append(os.Environ(), fmt.Sprintf("DISPLAY=127.0.0.1:%d", disp))
	if x.AuthFile != "" {
		cmd.Env = append(cmd.Env, "XAUTHORITY="+x.AuthFile)
	}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start %s: %w", args[0], err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	return waitLink(func() int64 { return sumSessions(proxy) }, dur), nil
}

// XpraBytes runs args as the child of an Xpra server (its own Xvfb) and
// attaches an Xpra client (on a private Xvfb) over TCP through a counting
// proxy; it returns the bytes both ways, measured as RawX11Bytes does.
func XpraBytes(ctx context.Context, args []string, dur time.Duration) (int64, error) {
	if _, err := exec.LookPath("xpra"); err != nil {
		return 0, errors.New("xpra is not installed (Debian: apt-get install xpra)")
	}
	srvLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	srvPort := srvLn.Addr().(*net.TCPAddr).Port
	srvLn.Close() // for xpra to bind
	disp := 400
	for ; disp < 500; disp++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", disp)); err != nil {
			break
		}
	}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	server := exec.CommandContext(ctx, "xpra", "start", fmt.Sprintf(":%d", disp), "--daemon=no",
		fmt.Sprintf("--bind-tcp=127.0.0.1:%d", srvPort), "--mdns=no", "--pulseaudio=no",
		"--notifications=no", "--webcam=no", "--speaker=off", "--microphone=off",
		"--systemd-run=no", "--dbus-launch=", "--dbus-proxy=no", "--html=off",
		"--start-child="+strings.Join(quoted, " "), "--exit-with-children=yes")
	if err := server.Start(); err != nil {
		return 0, fmt.Errorf("start xpra server: %w", err)
	}
	defer func() {
		exec.Command("xpra", "stop", fmt.Sprintf(":%d", disp)).Run()
		server.Wait()
	}()
	// The server is ready when its TCP port accepts.
	addr := fmt.Sprintf("127.0.0.1:%d", srvPort)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("xpra server not listening within 30 s: %w", err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	proxy := NewProxy(ln, func() (net.Conn, error) { return net.Dial("tcp", addr) }, 0, false)
	defer proxy.Close()
	x, err := xvfb.Start(ctx, xvfb.Options{First: 500})
	if err != nil {
		return 0, fmt.Errorf("xpra client's screen: %w", err)
	}
	defer x.Stop()
	client := exec.CommandContext(ctx, "xpra", "attach", fmt.Sprintf("tcp://%s/", ln.Addr()),
		"--speaker=off", "--microphone=off", "--webcam=no", "--notifications=no", "--tray=no",
		"--system-tray=no", "--mdns=no", "--pulseaudio=no", "--dbus-launch=")
	client.Env = x.Env()
	if err := client.Start(); err != nil {
		return 0, fmt.Errorf("start xpra client: %w", err)
	}
	defer func() { client.Process.Kill(); client.Wait() }()
	return waitLink(func() int64 { return sumSessions(proxy) }, dur), nil
}

// waitLink polls a byte counter until it has been quiet for a second
// (and 3 s have passed), or for dur when dur > 0; 30 s at most.
func waitLink(n func() int64, dur time.Duration) int64 {
	return waitLinkAfter(n, dur, func() bool { return true })
}

// waitLinkAfter is waitLink counting quiet only once ready reports true.
func waitLinkAfter(n func() int64, dur time.Duration, ready func() bool) int64 {
	start := time.Now()
	if dur > 0 {
		time.Sleep(dur)
		return n()
	}
	last, quietSince := int64(-1), time.Now()
	for time.Since(start) < 30*time.Second {
		time.Sleep(100 * time.Millisecond)
		v := n()
		if v != last || !ready() {
			last, quietSince = v, time.Now()
			continue
		}
		if time.Since(quietSince) >= time.Second && v > 0 && time.Since(start) > 3*time.Second {
			break
		}
	}
	return last
}

// xtermStart begins the xterm section of BENCHMARKS.md.
const xtermStart = "## xterm workloads: native, pixels, raw X11, Xpra (xbench --xterm)"

// WriteXtermMarkdown writes the xterm workloads as a Markdown section: one
// row per workload, one column per mode, and native's ratios to raw X11
// and Xpra (issue 16's targets: at most 1/10 of each).
func WriteXtermMarkdown(w io.Writer, rows []XtermResult, command string, start time.Time) {
	m := describeMachine()
	fmt.Fprintf(w, "%s\n\nGenerated by `%s` on %s (%s).\n\n", xtermStart, command,
		start.UTC().Format("2006-01-02 15:04 UTC"), time.Since(start).Round(time.Second))
	fmt.Fprintf(w, "- Machine: %s, %d logical CPUs, %s, %s; load average at the end %s\n", m.CPU, m.Cores, m.OS, m.Go, loadAvg())
	fmt.Fprintln(w, "- xterm 80x24; the flood is measured from start until the link has been quiet for 1 s, top for 10 s from start.")
	fmt.Fprintln(w, "- raw X11: the xterm talks to an Xvfb through a counting TCP proxy (both ways). Xpra: `xpra start` with the xterm as child, `xpra attach tcp://…` through a counting proxy (both ways, default encodings). xfar: what xbridge sends the display server after compression (both ways in brackets); *round trips*: X requests that waited for the display natively.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| workload | raw X11 | Xpra | xbridge (pixels) | xbridge --native | native round trips | native / raw X11 | native / Xpra |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	var order []string
	by := map[string]map[string]XtermResult{}
	for _, r := range rows {
		if by[r.Workload] == nil {
			by[r.Workload] = map[string]XtermResult{}
			order = append(order, r.Workload)
		}
		by[r.Workload][r.Mode] = r
	}
	for _, name := range order {
		m := by[name]
		cell := func(mode string) string {
			r, ok := m[mode]
			switch {
			case !ok:
				return "–"
			case r.Err != "":
				return "failed: " + strings.ReplaceAll(r.Err, "|", "/")
			case mode == "rawx11" || mode == "xpra":
				return strconv.FormatInt(r.BothWays, 10)
			}
			return fmt.Sprintf("%d (%d)", r.LinkBytes, r.BothWays)
		}
		nat, okN := m["native"]
		rt, ratioRaw, ratioXpra := "–", "–", "–"
		if okN && nat.Err == "" && nat.LinkBytes > 0 {
			rt = strconv.FormatInt(nat.RoundTrips, 10)
			if r, ok := m["rawx11"]; ok && r.Err == "" {
				ratioRaw = fmt.Sprintf("1/%.1f", float64(r.BothWays)/float64(nat.LinkBytes))
			}
			if r, ok := m["xpra"]; ok && r.Err == "" {
				ratioXpra = fmt.Sprintf("1/%.1f", float64(r.BothWays)/float64(nat.LinkBytes))
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", name, cell("rawx11"), cell("xpra"),
			cell("xvfb"), cell("native"), rt, ratioRaw, ratioXpra)
	}
}

// MergeXtermMarkdown returns existing with its xterm section replaced by
// fresh's (or fresh's appended), keeping everything else.
func MergeXtermMarkdown(existing, fresh []byte) []byte {
	return mergeSection(existing, fresh, xtermStart)
}
