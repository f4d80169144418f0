// Package x11bridge mirrors the top-level windows of an X server onto an
// xfar display and feeds the display's input back to the X programs, the way
// Xpra does: the bridge is an ordinary X client that redirects the windows
// with Composite, learns what changed from Damage, reads the changed pixels
// with GetImage, and injects input with XTEST. It can start a private Xvfb
// and run a command in it, or attach to an X display that already exists.
package x11bridge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/xfar/xfar/internal/procgroup"
	"github.com/xfar/xfar/internal/xvfb"
)

// Config says what to bridge where.
type Config struct {
	// Display is the xfar display ("host:N" or ":N"); empty means the
	// XFAR_DISPLAY environment variable.
	Display string
	// Network and Address, when Address is set, reach the display server
	// directly instead ("tcp" is the default network): a server on an
	// ephemeral port, or a proxy in front of one.
	Network, Address string
	// Auth is the xfar auth cookie; empty means XFAR_AUTH, then the
	// display's cookie file.
	Auth string
	// X11 attaches to an existing X display (":N") instead of starting a
	// private Xvfb. Its authorization comes from XAUTHORITY as for any X
	// client.
	X11 string
	// Width and Height size the private Xvfb's screen; zero means the xfar
	// display's size.
	Width, Height int
	// Command runs against the X server (DISPLAY set to it); the bridge
	// ends when it exits, with its exit status. Optional with X11.
	Command []string
	// Stdout and Stderr receive the command's output; nil discards it.
	Stdout, Stderr io.Writer
	// Logger receives the bridge's log; nil means slog.Default().
	Logger *slog.Logger
	// FollowResize makes the X server's screen follow the display's size
	// through RandR: the private server is then Xorg with the dummy video
	// driver instead of Xvfb (whose RandR cannot change its size; needs
	// the xserver-xorg-video-dummy package); with X11 the
	// existing server is resized, if its RandR can.
	FollowResize bool
	// Quality, 1-100, lets areas of more than 256 colours travel as JPEG
	// at that quality (lossy); 0, the default, keeps every pixel exact.
	Quality int
}

// Bridge is a running bridge.
type Bridge struct {
	cfg Config
	log *slog.Logger

	xvfb     *xvfb.Server // nil when attached
	xdisplay string
	xauth    string

	cmd     *exec.Cmd
	cmdDone chan struct{} // closed when cmd has exited (never, without cmd)
	cmdErr  error

	m   *mirror
	sel *selBridge

	done     chan struct{}
	exitCode int
	err      error

	stopOnce sync.Once
	stop     chan struct{}
}

// Run starts a bridge and waits for it to end: when the command exits
// (returning its exit status), when ctx ends, or when either connection
// fails.
func Run(ctx context.Context, cfg Config) (exitCode int, err error) {
	b, err := Start(ctx, cfg)
	if err != nil {
		return 1, err
	}
	return b.Wait()
}

// Start sets the bridge up: the X server (started or attached), the xfar
// connection, the mirror of the windows already there, and then the
// command. It returns once all of that is running.
func Start(ctx context.Context, cfg Config) (*Bridge, error) {
	if cfg.X11 == "" && len(cfg.Command) == 0 {
		return nil, errors.New("x11bridge: a command to run, or an X display to attach to, is required")
	}
	b := &Bridge{cfg: cfg, log: cfg.Logger, cmdDone: make(chan struct{}),
		done: make(chan struct{}), stop: make(chan struct{})}
	if b.log == nil {
		b.log = slog.Default()
	}
	if cfg.Quality < 0 || cfg.Quality > 100 {
		return nil, fmt.Errorf("x11bridge: quality %d out of range 0-100", cfg.Quality)
	}
	disp, err := dialDisplay(cfg.Display, cfg.Network, cfg.Address, cfg.Auth)
	if err != nil {
		return nil, err
	}
	disp.quality = cfg.Quality
	ok := false
	defer func() {
		if !ok {
			disp.close()
			if b.xvfb != nil {
				b.xvfb.Stop()
			}
		}
	}()
	if cfg.X11 != "" {
		b.xdisplay = cfg.X11
	} else {
		w, h := cfg.Width, cfg.Height
		if w <= 0 || h <= 0 {
			w, h = disp.size()
		}
		s, err := xvfb.Start(ctx, xvfb.Options{Width: w, Height: h, Auth: true, Dummy: cfg.FollowResize})
		if err != nil {
			return nil, fmt.Errorf("x11bridge: %w", err)
		}
		b.xvfb, b.xdisplay, b.xauth = s, s.Display, s.AuthFile
		b.log.Info("private X server started", "x11", s.Display, "size", fmt.Sprintf("%dx%d", w, h), "xorg_dummy", cfg.FollowResize)
	}
	xc, err := DialX(b.xdisplay, b.xauth)
	if err != nil {
		return nil, fmt.Errorf("x11bridge: %w", err)
	}
	m, err := newMirror(xc, disp, b.log)
	if err != nil {
		xc.Close()
		return nil, fmt.Errorf("x11bridge: %w", err)
	}
	b.m = m
	if cfg.FollowResize {
		// An explicit size stays until the display changes.
		if err := m.startFollowing(cfg.Width <= 0 || cfg.Height <= 0); err != nil {
			b.log.Warn("the X screen will not follow the display's size", "err", err)
		}
	}
	if b.sel, err = startSelections(b.xdisplay, b.xauth, disp.c, b.log); err != nil {
		m.shutdown()
		return nil, fmt.Errorf("x11bridge: %w", err)
	}
	m.settleSelections = b.sel.settle
	if len(cfg.Command) > 0 {
		if err := b.startCommand(); err != nil {
			b.sel.stop()
			m.shutdown()
			return nil, err
		}
	}
	ok = true
	go b.run(ctx)
	return b, nil
}

// XDisplay is the X display the bridge mirrors (":N").
func (b *Bridge) XDisplay() string { return b.xdisplay }

// XAuthority is the Xauthority file of the private X server, or "" when
// attached to an existing display.
func (b *Bridge) XAuthority() string { return b.xauth }

// Stats returns counters of what the bridge has sent.
func (b *Bridge) Stats() Stats { return b.m.stats.load() }

// Stop ends the bridge (and the command, if it is still running); Wait
// then returns.
func (b *Bridge) Stop() { b.stopOnce.Do(func() { close(b.stop) }) }

// Wait waits for the bridge to end and returns the command's exit status
// (0 without a command) and the error that ended the bridge, if any.
func (b *Bridge) Wait() (int, error) {
	<-b.done
	return b.exitCode, b.err
}

func (b *Bridge) startCommand() error {
	env := os.Environ()
	if b.xvfb != nil {
		env = b.xvfb.Env()
	} else {
		env = append(env, "DISPLAY="+b.xdisplay)
	}
	cmd := exec.Command(b.cfg.Command[0], b.cfg.Command[1:]...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = b.cfg.Stdout, b.cfg.Stderr
	// A process group of its own, so that ending the bridge ends whatever
	// the command started too; and a signal if the bridge dies without
	// cleaning up, so that the command does not outlive it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("x11bridge: start %s: %w", b.cfg.Command[0], err)
	}
	b.cmd = cmd
	b.log.Info("command started", "cmd", b.cfg.Command, "pid", cmd.Process.Pid, "x11", b.xdisplay)
	go func() {
		b.cmdErr = cmd.Wait()
		close(b.cmdDone)
	}()
	return nil
}

// run is the bridge's owner goroutine: it runs the mirror until something
// ends it, then cleans up in order: the mirrored windows, the command, the
// X server.
func (b *Bridge) run(ctx context.Context) {
	defer close(b.done)
	stopped := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
		case <-b.stop:
		case <-b.cmdDone:
		case <-b.m.dead:
		}
		close(stopped)
	}()
	loopErr := b.m.loop(stopped)
	b.sel.stop()
	b.m.shutdown()
	if loopErr != nil {
		b.err = loopErr
	}
	b.exitCode = b.endCommand()
	if b.xvfb != nil {
		b.xvfb.Stop()
		b.log.Info("private X server stopped", "x11", b.xdisplay)
	}
}

// endCommand stops the command's process group if it still runs and
// returns its exit status, shell-style (128+signal when killed).
func (b *Bridge) endCommand() int {
	if b.cmd == nil {
		return 0
	}
	procgroup.Stop(b.cmd.Process.Pid, b.cmdDone)
	code := procgroup.ExitStatus(b.cmdErr)
	b.log.Info("command ended", "cmd", b.cfg.Command[0], "status", code)
	return code
}

// Stats are counters of the bridge's output.
type Stats struct {
	// Frames counts repaint passes that sent pixels.
	Frames uint64
	// Rects counts the rectangles sent.
	Rects uint64
	// PixelBytes counts the raw (uncompressed) bytes of pixels sent.
	PixelBytes uint64
	// Copies counts scrolls sent as a CopyArea on the display.
	Copies uint64
}

type stats struct {
	frames, rects, pixelBytes, copies atomic.Uint64
}

func (s *stats) load() Stats {
	return Stats{Frames: s.frames.Load(), Rects: s.rects.Load(), PixelBytes: s.pixelBytes.Load(),
		Copies: s.copies.Load()}
}
