// Package bench runs xfar side by side with a real X server (Xvfb) on the
// same machine, in the spirit of x11perf: the same operations, with the
// same data, through xclient on an in-process xfar display server and
// through X clients on Xvfb, each over a local socket and each ending its
// timed run with a round trip so that the server has really drawn
// everything. It also counts bytes on the wire with a proxy and the round
// trips the seed's program waits for before its first pixel. cmd/xbench
// is its command line; the report is Markdown.
//
// Two X clients are measured: xgb (what xfar's bridge uses) and a small
// Xlib-style client in this package that buffers requests the way Xlib
// does. xgb writes every request with its own system call, so on
// one-request-per-operation workloads it measures xgb, not X; the
// Xlib-style client is the fair baseline and the ratio is taken against
// the faster of the two.
//
// The machine the numbers come from is shared and noisy. So the sides
// alternate (every repetition runs each side once, the order rotating),
// each repetition is long enough to swamp scheduling noise, and the
// report gives medians, the min–max spread, and the ratio as the median
// of per-repetition ratios, which cancels load that changes slowly.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xfar/xfar/compress"
	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/internal/xvfb"
	"github.com/xfar/xfar/xclient"
)

// Config says what to run.
type Config struct {
	// Reps is how many timed repetitions each side gets per workload
	// (default 7).
	Reps int
	// RepTime is the target duration of one repetition (default 400 ms).
	RepTime time.Duration
	// Workloads selects workloads by name; empty means all.
	Workloads []string
	// Codec is the codec xfar's throughput connection asks for; "" means
	// the default negotiation (what applications get).
	Codec string
	// ByteOps is how many operations each workload sends in the
	// bytes-on-the-wire pass (default 2000; rounded up to whole requests).
	ByteOps int
	// RTT is the emulated round-trip time for the session pass (default
	// 50 ms): the proxy delays each direction by half.
	RTT time.Duration
	// Smoke runs every workload once with tiny counts and no calibration:
	// a check that the harness works, not a measurement.
	Smoke bool
	// CPUProfile, when set, profiles the xfar side (server and client
	// share the process) on the workloads where it is slower than X and
	// writes the profile there; the report summarises it.
	CPUProfile string
	// SkipSeedC skips compiling and running the seed's C Xlib program.
	SkipSeedC bool
	// Log receives progress; nil discards it.
	Log *slog.Logger
}

func (c *Config) defaults() {
	if c.Reps <= 0 {
		c.Reps = 7
	}
	if c.RepTime <= 0 {
		c.RepTime = 400 * time.Millisecond
	}
	if c.ByteOps <= 0 {
		c.ByteOps = 2000
	}
	if c.RTT <= 0 {
		c.RTT = 50 * time.Millisecond
	}
	if c.Smoke {
		c.Reps = 1
	}
	if c.Log == nil {
		c.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// Rates is one side's operations per second over the repetitions.
type Rates []float64

// Median, Min and Max summarise the rates.
func (r Rates) Median() float64 { return median(r) }

// Min is the slowest repetition.
func (r Rates) Min() float64 { return slices.Min(r) }

// Max is the fastest repetition.
func (r Rates) Max() float64 { return slices.Max(r) }

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ThroughputRow is one workload's result.
type ThroughputRow struct {
	Workload *Workload
	// Rates by side name, in Sides order.
	Sides []string
	Rates map[string]Rates
	// Ratios are xfar's rate over the other side's in the same
	// repetition, by X side name.
	Ratios map[string][]float64
}

// Ratio is the median per-repetition ratio xfar/side.
func (t *ThroughputRow) Ratio(side string) float64 { return median(t.Ratios[side]) }

// BestX is the X side with the higher median rate.
func (t *ThroughputRow) BestX() string {
	best := ""
	for _, s := range t.Sides[1:] {
		if best == "" || t.Rates[s].Median() > t.Rates[best].Median() {
			best = s
		}
	}
	return best
}

// BytesRow is one workload's bytes on the wire, per operation.
type BytesRow struct {
	Workload *Workload
	Ops      int
	// C2S and S2C by column: "X11 (raw)" and "xfar zstd", "xfar s2", ...
	C2S, S2C map[string]int64
}

// Result is everything a run measured.
type Result struct {
	Started, Ended time.Time
	Config         Config
	Machine        Machine
	LoadStart      string
	LoadEnd        string
	XfarCodec      string // the codec the throughput connection got
	Throughput     []*ThroughputRow
	ByteColumns    []string
	Bytes          []*BytesRow
	Sessions       []SessionResult
	Profile        *ProfileSummary
}

// Machine describes where the numbers come from.
type Machine struct {
	CPU, OS, Go, Xvfb string
	Cores             int
}

// env is the two servers the benchmark runs against.
type env struct {
	xfar     *displayserver.Server
	xfarUnix string
	x        *xvfb.Server
	xUnix    string
	tmp      string
}

func startEnv(ctx context.Context) (*env, error) {
	tmp, err := os.MkdirTemp("", "xbench")
	if err != nil {
		return nil, err
	}
	e := &env{tmp: tmp, xfarUnix: filepath.Join(tmp, "xfar.sock")}
	e.xfar, err = displayserver.New(displayserver.Config{
		TCPAddr: "127.0.0.1:0", UnixPath: e.xfarUnix, HTTPAddr: "none",
		Width: 1280, Height: 800, NoAuth: true, AuthFile: "none",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err == nil {
		err = e.xfar.Start()
	}
	if err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("start xfar display server: %w", err)
	}
	e.x, err = xvfb.Start(ctx, xvfb.Options{Width: 1280, Height: 800, Depth: 24})
	if err != nil {
		e.close()
		return nil, fmt.Errorf("start Xvfb: %w", err)
	}
	e.xUnix = "/tmp/.X11-unix/X" + strconv.Itoa(e.x.Number)
	return e, nil
}

func (e *env) close() {
	if e.x != nil {
		e.x.Stop()
	}
	if e.xfar != nil {
		e.xfar.Close()
	}
	os.RemoveAll(e.tmp)
}

func (e *env) dialXfarUnix() (net.Conn, error) { return net.Dial("unix", e.xfarUnix) }
func (e *env) dialXfarTCP() (net.Conn, error) {
	return net.Dial("tcp", e.xfar.TCPAddr().String())
}
func (e *env) dialX() (net.Conn, error) { return net.Dial("unix", e.xUnix) }

// Run runs the benchmark.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	cfg.defaults()
	res := &Result{Started: time.Now(), Config: cfg, Machine: describeMachine(), LoadStart: loadAvg()}
	ws, err := selectWorkloads(cfg.Workloads)
	if err != nil {
		return nil, err
	}
	e, err := startEnv(ctx)
	if err != nil {
		return nil, err
	}
	defer e.close()

	if err := runThroughput(ctx, cfg, e, ws, res); err != nil {
		return nil, err
	}
	if err := runBytes(ctx, cfg, e, ws, res); err != nil {
		return nil, err
	}
	res.Sessions = runSessions(ctx, cfg, e)
	for _, s := range res.Sessions {
		cfg.Log.Info("session", "name", s.Name, "bytes", s.C2S+s.S2C, "round trips", s.RoundTrips, "first pixel", s.FirstPixel, "err", s.Err)
	}
	res.LoadEnd = loadAvg()
	res.Ended = time.Now()
	return res, nil
}

func selectWorkloads(names []string) ([]*Workload, error) {
	all := Workloads()
	if len(names) == 0 {
		return all, nil
	}
	var out []*Workload
	for _, n := range names {
		i := slices.IndexFunc(all, func(w *Workload) bool { return w.Name == n })
		if i < 0 {
			var known []string
			for _, w := range all {
				known = append(known, w.Name)
			}
			return nil, fmt.Errorf("unknown workload %q (known: %s)", n, strings.Join(known, ", "))
		}
		out = append(out, all[i])
	}
	return out, nil
}

// throughputSides dials the three sides over Unix sockets.
func throughputSides(cfg Config, e *env) ([]side, error) {
	var sides []side
	closeAll := func() {
		for _, s := range sides {
			s.Close()
		}
	}
	nc, err := e.dialXfarUnix()
	if err != nil {
		return nil, err
	}
	var opts []xclient.Option
	if cfg.Codec != "" {
		opts = append(opts, xclient.WithCodecs(cfg.Codec))
	}
	xf, err := newXfarSide("xfar", nc, opts...)
	if err != nil {
		return nil, err
	}
	sides = append(sides, xf)
	if nc, err = e.dialX(); err != nil {
		closeAll()
		return nil, err
	}
	xg, err := newXgbSide(nc, 0)
	if err != nil {
		closeAll()
		return nil, err
	}
	sides = append(sides, xg)
	if nc, err = e.dialX(); err != nil {
		closeAll()
		return nil, err
	}
	// Beside the xgb window, so neither hides the other's drawing.
	xr, err := newRawSide(nc, 640)
	if err != nil {
		closeAll()
		return nil, err
	}
	return append(sides, xr), nil
}

// timed runs n operations and returns the rate.
func timed(s side, w *Workload, n int) (float64, error) {
	t0 := time.Now()
	ops, err := s.Run(w, n)
	dt := time.Since(t0)
	if err != nil {
		return 0, err
	}
	return float64(ops) / dt.Seconds(), nil
}

// calibrate finds how many operations make one repetition last about
// target on s, warming the path up on the way.
func calibrate(s side, w *Workload, target time.Duration) (int, error) {
	n := w.PerReq
	for {
		t0 := time.Now()
		ops, err := s.Run(w, n)
		dt := time.Since(t0)
		if err != nil {
			return 0, err
		}
		if dt >= target/4 || ops >= 50_000_000 {
			return max(w.PerReq, int(float64(ops)*float64(target)/float64(dt))), nil
		}
		grow := 16.0
		if dt > 0 {
			grow = min(16, max(2, float64(target/4)/float64(dt)*1.5))
		}
		n = int(float64(ops) * grow)
	}
}

func runThroughput(ctx context.Context, cfg Config, e *env, ws []*Workload, res *Result) error {
	sides, err := throughputSides(cfg, e)
	if err != nil {
		return err
	}
	defer func() {
		for _, s := range sides {
			s.Close()
		}
	}()
	xf := sides[0].(*xfarSide)
	res.XfarCodec = xf.codec()
	for _, w := range ws {
		if err := ctx.Err(); err != nil {
			return err
		}
		row := &ThroughputRow{Workload: w, Rates: map[string]Rates{}, Ratios: map[string][]float64{}}
		ns := make([]int, len(sides))
		for i, s := range sides {
			row.Sides = append(row.Sides, s.Name())
			ns[i] = 2 * w.PerReq
			if !cfg.Smoke {
				if ns[i], err = calibrate(s, w, cfg.RepTime); err != nil {
					return err
				}
			}
		}
		for rep := range cfg.Reps {
			rates := make([]float64, len(sides))
			for k := range sides {
				i := (k + rep) % len(sides) // rotate the order every repetition
				if rates[i], err = timed(sides[i], w, ns[i]); err != nil {
					return err
				}
			}
			for i, s := range sides {
				row.Rates[s.Name()] = append(row.Rates[s.Name()], rates[i])
				if i > 0 {
					row.Ratios[s.Name()] = append(row.Ratios[s.Name()], rates[0]/rates[i])
				}
			}
		}
		best := row.BestX()
		cfg.Log.Info("throughput", "workload", w.Name, "xfar", fmtRate(row.Rates["xfar"].Median()),
			best, fmtRate(row.Rates[best].Median()), "ratio", fmt.Sprintf("%.2f", row.Ratio(best)))
		res.Throughput = append(res.Throughput, row)
	}
	if cfg.CPUProfile != "" {
		p, err := profileXfar(cfg, xf, res.Throughput)
		if err != nil {
			return err
		}
		res.Profile = p
	}
	return nil
}

// runBytes sends each workload's operations once more through counting
// proxies: xfar once per codec, X once (the raw protocol, Xlib-style
// client, so no client library adds requests of its own).
func runBytes(ctx context.Context, cfg Config, e *env, ws []*Workload, res *Result) error {
	type counted struct {
		col   string
		side  side
		proxy *Proxy
	}
	var cs []*counted
	defer func() {
		for _, c := range cs {
			c.side.Close()
			c.proxy.Close()
		}
	}()
	newCounted := func(col string, upstream func() (net.Conn, error), mk func(net.Conn) (side, error)) error {
		ln, err := listenTCP(0)
		if err != nil {
			return err
		}
		p := NewProxy(ln, upstream, 0, false)
		nc, err := net.Dial("tcp", p.Addr().String())
		if err != nil {
			p.Close()
			return err
		}
		s, err := mk(nc)
		if err != nil {
			p.Close()
			return fmt.Errorf("%s through the counting proxy: %w", col, err)
		}
		cs = append(cs, &counted{col: col, side: s, proxy: p})
		return nil
	}
	if err := newCounted("X11 (raw)", e.dialX, func(nc net.Conn) (side, error) { return newRawSide(nc, 0) }); err != nil {
		return err
	}
	for _, codec := range compress.Names() {
		err := newCounted("xfar "+codec, e.dialXfarTCP, func(nc net.Conn) (side, error) {
			return newXfarSide("xfar", nc, xclient.WithCodecs(codec))
		})
		if err != nil {
			return err
		}
	}
	for _, c := range cs {
		res.ByteColumns = append(res.ByteColumns, c.col)
	}
	for _, w := range ws {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(cfg.ByteOps, w.distinct())
		if cfg.Smoke {
			n = 2 * w.PerReq
		}
		if w.kind == kRoundTrip {
			n = min(n, 200) // each one waits a full round trip
		}
		row := &BytesRow{Workload: w, C2S: map[string]int64{}, S2C: map[string]int64{}}
		for _, c := range cs {
			ss := c.proxy.Sessions()
			if len(ss) != 1 {
				return fmt.Errorf("%s: %d proxied connections, want 1", c.col, len(ss))
			}
			c0, s0 := ss[0].Bytes()
			ops, err := c.side.Run(w, n)
			if err != nil {
				return err
			}
			c1, s1 := ss[0].Bytes()
			row.Ops = ops
			row.C2S[c.col], row.S2C[c.col] = c1-c0, s1-s0
		}
		cfg.Log.Info("bytes", "workload", w.Name, "ops", row.Ops, "x11", row.C2S["X11 (raw)"], "xfar zstd", row.C2S["xfar zstd"])
		res.Bytes = append(res.Bytes, row)
	}
	return nil
}

// runSessions runs the seed's program through a delaying proxy: xfar
// (xdemo's requests) with each codec, the same requests through xgb on
// Xvfb, and the real C program linked with Xlib.
func runSessions(ctx context.Context, cfg Config, e *env) []SessionResult {
	oneWay := cfg.RTT / 2
	runs := sessionRuns(cfg)
	var out []SessionResult
	for _, codec := range compress.Names() {
		name := "xdemo on xfar (" + codec + ")"
		out = append(out, repeatSession(runs, func() SessionResult {
			ln, err := listenTCP(0)
			if err != nil {
				return SessionResult{Name: name, Err: err}
			}
			return runSession(ctx, name, ln, e.dialXfarTCP, oneWay, func(a net.Addr) (int64, error) {
				return xdemoXfar(ctx, a, codec)
			})
		}))
	}
	name := "seed program via xgb on Xvfb"
	out = append(out, repeatSession(runs, func() SessionResult {
		ln, err := listenTCP(0)
		if err != nil {
			return SessionResult{Name: name, Err: err}
		}
		return runSession(ctx, name, ln, e.dialX, oneWay, xdemoXgb)
	}))
	name = "seed program, C + Xlib, on Xvfb"
	if cfg.SkipSeedC {
		return out
	}
	bin, err := buildSeedC(ctx, e.tmp)
	if err != nil {
		return append(out, SessionResult{Name: name, Err: err})
	}
	return append(out, repeatSession(runs, func() SessionResult {
		ln, disp, err := listenXDisplay(300)
		if err != nil {
			return SessionResult{Name: name, Err: err}
		}
		return runSession(ctx, name, ln, e.dialX, oneWay, func(net.Addr) (int64, error) {
			return -1, runSeedC(ctx, bin, disp)
		})
	}))
}

// sessionRuns is how many times each session runs.
func sessionRuns(cfg Config) int {
	if cfg.Smoke {
		return 1
	}
	return 5
}

// profileXfar runs the xfar side of the workloads where it is slower
// than the best X side (all of them if it is nowhere slower) under the
// CPU profiler.
func profileXfar(cfg Config, xf *xfarSide, rows []*ThroughputRow) (*ProfileSummary, error) {
	var slow []*ThroughputRow
	for _, r := range rows {
		if r.Ratio(r.BestX()) < 1 {
			slow = append(slow, r)
		}
	}
	if len(slow) == 0 {
		slow = rows
	}
	f, err := os.Create(cfg.CPUProfile)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	var names []string
	var runErr error
	for _, r := range slow {
		names = append(names, r.Workload.Name)
		// About one second of each, whatever its rate.
		n := int(r.Rates["xfar"].Median())
		if cfg.Smoke {
			n = r.Workload.PerReq
		}
		if _, runErr = xf.Run(r.Workload, max(n, r.Workload.PerReq)); runErr != nil {
			break
		}
	}
	pprof.StopCPUProfile()
	if err := errors.Join(runErr, f.Close()); err != nil {
		return nil, err
	}
	return summariseProfile(cfg.CPUProfile, names)
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func describeMachine() Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				if _, v, ok := strings.Cut(l, ":"); ok {
					m.CPU = strings.TrimSpace(v)
					break
				}
			}
		}
	}
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "PRETTY_NAME="); ok {
				m.OS = strings.Trim(v, `"`) + " " + m.OS
			}
		}
	}
	m.Xvfb = xvfbVersion()
	return m
}
