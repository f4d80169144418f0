package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
	"github.com/jezek/xgb/xtest"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/internal/linkem"
	"github.com/xfar/xfar/internal/xvfb"
	"github.com/xfar/xfar/viewer/web"
	"github.com/xfar/xfar/xclient/x11bridge"
)

// The peers comparison: xfar beside the programs users would pick instead,
// Xpra (its HTML5 client) and x11vnc + websockify + noVNC, in one run on
// this machine, each showing the same X program in the same headless
// Chromium. Every page is measured the same way, by a script injected
// before the page's own (peerProbe): a frame is an animation frame in
// which the page drew on a visible canvas, and key-to-glass is the time
// from a key reaching the page to its next drawing.

// PeersConfig says what the peers comparison runs.
type PeersConfig struct {
	// Systems to run (default all: xfar, xpra, novnc).
	Systems []string
	// Workloads by name (default all of PeerWorkloads).
	Workloads []string
	// Warm is how long a workload runs before it is measured, Measure how
	// long it is measured (defaults 3 s and 5 s).
	Warm, Measure time.Duration
	// Keys is how many key presses key-to-glass times (default 10).
	Keys int
	// Self is the xbench executable, which runs the animation ("xbench
	// xanim"); default os.Executable.
	Self string
	// Chromium is the browser (default /usr/bin/chromium).
	Chromium string
	// Log receives progress; nil discards it.
	Log *slog.Logger
}

// PeerWorkload is an X program shown by every system.
type PeerWorkload struct {
	Name string
	// Command runs the program; self is the xbench executable.
	Command func(self string) []string
	// Pointer moves the X pointer in circles while measuring (xeyes).
	Pointer bool
	// Keys measures key-to-glass (an idle xterm echoing what is typed).
	Keys bool
}

// PeerWorkloads are the comparison's workloads.
func PeerWorkloads() []PeerWorkload {
	xterm := []string{"xterm", "-geometry", "100x40+0+0"}
	return []PeerWorkload{
		{Name: "xterm text flood", Command: func(string) []string {
			return append(slices.Clone(xterm), "-e", "sh", "-c", "while :; do ls -l /usr/bin; done")
		}},
		{Name: "top -d 0.1", Command: func(string) []string { return append(slices.Clone(xterm), "-e", "top", "-d", "0.1") }},
		{Name: "animation 1000x700 at 30 fps", Command: func(self string) []string {
			return []string{self, "xanim", "1000x700", "30"}
		}},
		{Name: "xeyes, pointer moving", Command: func(string) []string { return []string{"xeyes", "-geometry", "400x300+0+0"} }, Pointer: true},
		{Name: "idle xterm (and key-to-glass)", Command: func(string) []string { return slices.Clone(xterm) }, Keys: true},
	}
}

// PeerRow is one system on one workload.
type PeerRow struct {
	System, Workload string
	// BrowserBps is bytes per second from the server to the browser.
	BrowserBps float64
	// ForwardBps is xfar's bridge-to-display link (0 for the others,
	// whose server and X program share the machine).
	ForwardBps float64
	// FPS is the frames the page showed per second.
	FPS float64
	// ServerMs and BrowserMs are CPU milliseconds per second of the
	// remoting server (xfar's process; xpra; x11vnc + websockify) and of
	// Chromium (all its processes).
	ServerMs, BrowserMs float64
	// KeyToGlass are the key-to-glass latencies, sorted (Keys workloads).
	KeyToGlass []time.Duration
	// Err says why the row is missing, if it is.
	Err string
}

// peerSession is one system showing one program.
type peerSession struct {
	url       string
	xdisplay  string // the X display, for the pointer
	xauth     string
	browserIn func() int64 // bytes to the browser so far; nil: ask the page
	forward   func() int64
	serverCPU func() time.Duration
	stop      func()
}

// peerProbe is injected into every page before its own scripts.
const peerProbe = `(() => {
  const st = window.__peer = { frames: 0, dirty: false, keyAt: 0, waiting: false, glass: [] };
  const mark = (c) => {
    if (!(c instanceof HTMLCanvasElement) || !c.isConnected) return;
    st.dirty = true;
    if (st.waiting) { st.waiting = false; st.glass.push(performance.now() - st.keyAt); }
  };
  for (const m of ['drawImage', 'putImageData', 'fillRect']) {
    const f = CanvasRenderingContext2D.prototype[m];
    CanvasRenderingContext2D.prototype[m] = function (...a) { mark(this.canvas); return f.apply(this, a); };
  }
  const tick = () => { if (st.dirty) { st.frames++; st.dirty = false; } requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  window.addEventListener('keydown', () => { st.keyAt = performance.now(); st.waiting = true; }, true);
})();`

// RunPeers runs the comparison.
func RunPeers(ctx context.Context, cfg PeersConfig) ([]PeerRow, error) {
	if cfg.Warm <= 0 {
		cfg.Warm = 3 * time.Second
	}
	if cfg.Measure <= 0 {
		cfg.Measure = 5 * time.Second
	}
	if cfg.Keys <= 0 {
		cfg.Keys = 10
	}
	if cfg.Chromium == "" {
		cfg.Chromium = "/usr/bin/chromium"
	}
	if cfg.Self == "" {
		self, err := os.Executable()
		if err != nil {
			return nil, err
		}
		cfg.Self = self
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	systems := cfg.Systems
	if len(systems) == 0 {
		systems = []string{"xfar", "xpra", "novnc"}
	}
	var need []string
	for _, s := range systems {
		switch s {
		case "xfar":
		case "xpra":
			need = append(need, "xpra")
		case "novnc":
			need = append(need, "x11vnc", "websockify")
		default:
			return nil, fmt.Errorf("unknown system %q (xfar, xpra, novnc)", s)
		}
	}
	for _, tool := range append(need, "xterm", "xeyes", "top", cfg.Chromium) {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("the peers comparison needs %s (Debian packages: xpra x11vnc websockify novnc xterm x11-apps chromium): %w", tool, err)
		}
	}
	var rows []PeerRow
	for _, w := range PeerWorkloads() {
		if len(cfg.Workloads) > 0 && !slices.Contains(cfg.Workloads, w.Name) {
			continue
		}
		for _, sys := range systems {
			if ctx.Err() != nil {
				return rows, ctx.Err()
			}
			cfg.Log.Info("peers", "system", sys, "workload", w.Name)
			row, err := runPeer(ctx, cfg, sys, w)
			if err != nil {
				row.Err = err.Error()
				cfg.Log.Warn("peers", "system", sys, "workload", w.Name, "err", err)
			}
			row.System, row.Workload = sys, w.Name
			rows = append(rows, row)
		}
	}
	return rows, nil
}

func runPeer(ctx context.Context, cfg PeersConfig, sys string, w PeerWorkload) (PeerRow, error) {
	var row PeerRow
	cmd := w.Command(cfg.Self)
	var s *peerSession
	var err error
	switch sys {
	case "xfar":
		s, err = startXfarPeer(ctx, cmd)
	case "xpra":
		s, err = startXpraPeer(ctx, cmd)
	case "novnc":
		s, err = startNoVNCPeer(ctx, cmd)
	}
	if err != nil {
		return row, err
	}
	defer s.stop()

	bctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "xbench-chromium")
	if err != nil {
		return row, err
	}
	defer os.RemoveAll(dir)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(cfg.Chromium), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.NoFirstRun,
		chromedp.UserDataDir(dir), chromedp.WindowSize(1400, 900))
	actx, acancel := chromedp.NewExecAllocator(bctx, opts...)
	defer acancel()
	tab, tcancel := chromedp.NewContext(actx)
	defer tcancel()
	if err := chromedp.Do(tab, chromedp.Func(func(c context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(c, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: peerProbe})
		return err
	}), chromedp.Navigate(s.url)); err != nil {
		return row, fmt.Errorf("open %s: %w", s.url, err)
	}
	pid := chromedp.FromContext(tab).Browser.Process().Pid
	frames := func() int {
		n, _ := chromedp.Run(tab, chromedp.Evaluate[int](`window.__peer ? __peer.frames : 0`))
		return n
	}
	deadline := time.Now().Add(60 * time.Second)
	for frames() == 0 {
		if time.Now().After(deadline) {
			return row, errors.New("the page showed nothing within 60 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	browserIn := s.browserIn
	if browserIn == nil { // xfar: the DTLS bytes the page received
		browserIn = func() int64 {
			n, _ := chromedp.Run(tab, chromedp.Evaluate[float64](`xfar.transportBytes().then((t) => t ? t.received : 0)`, chromedp.EvalAwaitPromise))
			return int64(n)
		}
	}
	stopPointer := make(chan struct{})
	var pointer sync.WaitGroup
	if w.Pointer {
		pointer.Add(1)
		go func() { defer pointer.Done(); movePointer(s.xdisplay, s.xauth, stopPointer) }()
	}
	defer func() { close(stopPointer); pointer.Wait() }()
	time.Sleep(cfg.Warm)

	f0, b0, fw0 := frames(), browserIn(), int64(0)
	if s.forward != nil {
		fw0 = s.forward()
	}
	sc0, bc0, t0 := s.serverCPU(), TreeCPU(pid), time.Now()
	time.Sleep(cfg.Measure)
	f1, b1 := frames(), browserIn()
	sc1, bc1, secs := s.serverCPU(), TreeCPU(pid), time.Since(t0).Seconds()
	row.FPS = float64(f1-f0) / secs
	row.BrowserBps = float64(b1-b0) / secs
	if s.forward != nil {
		row.ForwardBps = float64(s.forward()-fw0) / secs
	}
	row.ServerMs = float64((sc1 - sc0).Milliseconds()) / secs
	row.BrowserMs = float64((bc1 - bc0).Milliseconds()) / secs

	if w.Keys {
		// Click into the terminal (it has the focus after that on every
		// system), let the click's effects settle, then type.
		if err := chromedp.Do(tab, chromedp.MouseClickXY(200, 150)); err != nil {
			return row, fmt.Errorf("click: %w", err)
		}
		time.Sleep(time.Second)
		for i := 0; i < cfg.Keys; i++ {
			chromedp.Run(tab, chromedp.Evaluate[bool](`__peer.waiting = false, true`))
			if err := chromedp.Do(tab, chromedp.KeyEvent("a")); err != nil {
				return row, fmt.Errorf("key: %w", err)
			}
			time.Sleep(400 * time.Millisecond)
		}
		glass, _ := chromedp.Run(tab, chromedp.Evaluate[[]float64](`__peer.glass`))
		for _, ms := range glass {
			row.KeyToGlass = append(row.KeyToGlass, time.Duration(ms*float64(time.Millisecond)))
		}
		slices.Sort(row.KeyToGlass)
		if len(row.KeyToGlass) < cfg.Keys/2 {
			return row, fmt.Errorf("only %d of %d keys reached the glass", len(row.KeyToGlass), cfg.Keys)
		}
	}
	return row, nil
}

// movePointer moves the X pointer in circles, 60 times a second.
func movePointer(display, auth string, stop <-chan struct{}) {
	var x *xgb.Conn
	var err error
	if auth != "" {
		x, err = x11bridge.DialX(display, auth)
	} else {
		x, err = xgb.NewConnDisplay(display)
	}
	if err != nil {
		return
	}
	defer x.Close()
	if xtest.Init(x) != nil {
		return
	}
	root := xproto.Setup(x).DefaultScreen(x).Root
	tick := time.NewTicker(time.Second / 60)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		a := float64(i) / 40
		px, py := 200+int16(150*math.Cos(a)), 150+int16(120*math.Sin(a))
		xtest.FakeInput(x, xproto.MotionNotify, 0, 0, root, px, py, 0)
		x.Sync()
	}
}

// startXfarPeer: the display server and its web viewer in this process,
// the bridge too, through an uncapped linkem that counts the forwarding
// link's bytes.
func startXfarPeer(ctx context.Context, cmd []string) (*peerSession, error) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := displayserver.New(displayserver.Config{TCPAddr: "127.0.0.1:0", UnixPath: "none",
		HTTPAddr: "127.0.0.1:0", AuthFile: "none", Cookie: "xbench-peers", Width: 1280, Height: 800, Logger: quiet})
	if err != nil {
		return nil, err
	}
	h, err := web.NewHandler(srv, web.Options{Logger: quiet})
	if err != nil {
		return nil, err
	}
	srv.Handle("/", h)
	if err := srv.Start(); err != nil {
		h.Close()
		return nil, err
	}
	proxy, err := linkem.Listen("tcp", "127.0.0.1:0", "tcp", srv.TCPAddr().String(), linkem.Config{})
	if err != nil {
		h.Close()
		srv.Close()
		return nil, err
	}
	bctx, cancel := context.WithCancel(ctx)
	br, err := x11bridge.Start(bctx, x11bridge.Config{Address: proxy.Addr().String(), Auth: "xbench-peers",
		Width: 1280, Height: 800, Command: cmd, Logger: quiet})
	if err != nil {
		cancel()
		proxy.Close()
		h.Close()
		srv.Close()
		return nil, fmt.Errorf("xbridge: %w", err)
	}
	return &peerSession{
		url:      "http://" + srv.HTTPAddr().String() + "/?token=xbench-peers",
		xdisplay: br.XDisplay(), xauth: br.XAuthority(),
		forward:   func() int64 { return proxy.Stats().Up.Bytes },
		serverCPU: selfCPU,
		stop: func() {
			cancel()
			br.Wait()
			proxy.Close()
			h.Close()
			srv.Close()
		},
	}, nil
}

// startXpraPeer: xpra start with its HTML5 client, behind a counting
// proxy for the browser's connection.
func startXpraPeer(ctx context.Context, cmd []string) (*peerSession, error) {
	n, err := freeXDisplay()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "xbench-xpra")
	if err != nil {
		return nil, err
	}
	args := []string{"start", fmt.Sprintf(":%d", n), fmt.Sprintf("--bind-tcp=127.0.0.1:%d", port), "--html=on",
		"--daemon=no", "--start-child=" + shellJoin(cmd), "--exit-with-children=yes",
		"--mdns=no", "--pulseaudio=no", "--notifications=no", "--webcam=no", "--clipboard=no",
		"--speaker=off", "--microphone=off", "--printing=no", "--file-transfer=no", "--systemd-run=no",
		"--dbus-launch=", "--dbus-proxy=no", "--dbus-control=no", "--bell=no", "--xsettings=no",
		"--system-tray=no", "--resize-display=no", "--log-dir=" + dir, "--socket-dirs=" + dir,
		"--xvfb=Xvfb +extension Composite -screen 0 1280x800x24+32 -nolisten tcp -noreset -auth $XAUTHORITY"}
	c := exec.Command("xpra", args...)
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	log, _ := os.Create(filepath.Join(dir, "xpra.out"))
	c.Stdout, c.Stderr = log, log
	if err := c.Start(); err != nil {
		return nil, fmt.Errorf("start xpra: %w", err)
	}
	stop := func() {
		endGroup(c)
		log.Close()
		os.RemoveAll(dir)
	}
	if err := waitTCP(fmt.Sprintf("127.0.0.1:%d", port), 30*time.Second); err != nil {
		stop()
		return nil, fmt.Errorf("xpra: %w", err)
	}
	p, err := newCountProxy(fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		stop()
		return nil, err
	}
	pid := c.Process.Pid
	return &peerSession{
		url:       "http://" + p.Addr().String() + "/index.html",
		xdisplay:  fmt.Sprintf(":%d", n),
		browserIn: serverBytes(p),
		serverCPU: func() time.Duration { cpu, _ := ProcessCPU(pid); return cpu },
		stop:      func() { p.Close(); stop() },
	}, nil
}

// startNoVNCPeer: a private Xvfb running the program, x11vnc on it,
// websockify serving noVNC, a counting proxy for the browser.
func startNoVNCPeer(ctx context.Context, cmd []string) (*peerSession, error) {
	x, err := xvfb.Start(ctx, xvfb.Options{Width: 1280, Height: 800, Depth: 24, Auth: true})
	if err != nil {
		return nil, err
	}
	var procs []*exec.Cmd
	stop := func() {
		for i := len(procs) - 1; i >= 0; i-- {
			endGroup(procs[i])
		}
		x.Stop()
	}
	start := func(env []string, name string, args ...string) error {
		c := exec.Command(name, args...)
		c.Env = env
		c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
		if err := c.Start(); err != nil {
			return fmt.Errorf("start %s: %w", name, err)
		}
		procs = append(procs, c)
		return nil
	}
	if err := start(x.Env(), cmd[0], cmd[1:]...); err != nil {
		stop()
		return nil, err
	}
	vnc, err := freePort()
	if err != nil {
		stop()
		return nil, err
	}
	if err := start(os.Environ(), "x11vnc", "-display", x.Display, "-auth", x.AuthFile, "-rfbport", strconv.Itoa(vnc),
		"-localhost", "-forever", "-shared", "-nopw", "-quiet"); err != nil {
		stop()
		return nil, err
	}
	if err := waitTCP(fmt.Sprintf("127.0.0.1:%d", vnc), 20*time.Second); err != nil {
		stop()
		return nil, fmt.Errorf("x11vnc: %w", err)
	}
	ws, err := freePort()
	if err != nil {
		stop()
		return nil, err
	}
	if err := start(os.Environ(), "websockify", "--web", "/usr/share/novnc", fmt.Sprintf("127.0.0.1:%d", ws), fmt.Sprintf("127.0.0.1:%d", vnc)); err != nil {
		stop()
		return nil, err
	}
	if err := waitTCP(fmt.Sprintf("127.0.0.1:%d", ws), 20*time.Second); err != nil {
		stop()
		return nil, fmt.Errorf("websockify: %w", err)
	}
	p, err := newCountProxy(fmt.Sprintf("127.0.0.1:%d", ws))
	if err != nil {
		stop()
		return nil, err
	}
	pids := []int{procs[1].Process.Pid, procs[2].Process.Pid}
	return &peerSession{
		url:       "http://" + p.Addr().String() + "/vnc_lite.html",
		xdisplay:  x.Display,
		xauth:     x.AuthFile,
		browserIn: serverBytes(p),
		serverCPU: func() time.Duration {
			var t time.Duration
			for _, pid := range pids {
				cpu, _ := ProcessCPU(pid)
				t += cpu
			}
			return t
		},
		stop: func() { p.Close(); stop() },
	}, nil
}

// endGroup ends a command's process group: SIGTERM, then SIGKILL after
// 10 s, and waits for the command.
func endGroup(c *exec.Cmd) {
	syscall.Kill(-c.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { c.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		<-done
	}
	// What the command left in its group goes too.
	syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
}

// newCountProxy forwards TCP connections to target through a Proxy
// (no delay), for counting what a peer's server sends its browser.
func newCountProxy(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return NewProxy(ln, func() (net.Conn, error) { return net.Dial("tcp", target) }, 0, false), nil
}

// serverBytes returns the bytes p's upstream has sent over all its
// connections so far.
func serverBytes(p *Proxy) func() int64 {
	return func() int64 {
		var n int64
		for _, s := range p.Sessions() {
			_, down := s.Bytes()
			n += down
		}
		return n
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// freeXDisplay picks an X display number nobody uses.
func freeXDisplay() (int, error) {
	for n := 400 + os.Getpid()%300; n < 1000; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		return n, nil
	}
	return 0, errors.New("no free X display number")
}

func waitTCP(addr string, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing listens on %s after %v", addr, d)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// shellJoin quotes args for a shell.
func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
