package x11native

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"syscall"

	"github.com/xfar/xfar/internal/procgroup"
	"github.com/xfar/xfar/xclient"
)

// SessionConfig says which xfar display to use and what to run on the
// native X server.
type SessionConfig struct {
	// Display is the xfar display ("host:N" or ":N"); empty means
	// XFAR_DISPLAY. Network and Address, when Address is set, reach the
	// display server directly instead ("tcp" by default).
	Display, Network, Address string
	// Auth is the xfar auth cookie; empty means XFAR_AUTH, then the
	// display's cookie file.
	Auth string
	// Command runs with DISPLAY pointing at the native server; the
	// session ends when it exits.
	Command []string
	// Stdout and Stderr receive the command's output; nil discards it.
	Stdout, Stderr io.Writer
	// Logger receives the session's log; nil means slog.Default().
	Logger *slog.Logger
}

// Session is a native X server on an xfar connection running a command.
type Session struct {
	srv     *Server
	xc      *xclient.Conn
	cmd     *exec.Cmd
	cmdDone chan struct{}
	cmdErr  error
	done    chan struct{}
	code    int
	err     error
	log     *slog.Logger
}

// StartSession dials the xfar display, starts the native X server and
// the command. The session ends when the command exits, ctx ends or the
// display connection is lost.
func StartSession(ctx context.Context, cfg SessionConfig) (*Session, error) {
	if len(cfg.Command) == 0 {
		return nil, errors.New("x11native: a command to run is required")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	// The stream is small drawing batches: a denser codec level costs
	// little CPU and saves 10-20 % of the bytes (BENCHMARKS.md, issue 16).
	opts := []xclient.Option{xclient.WithDenseCompression()}
	if cfg.Auth != "" {
		opts = append(opts, xclient.WithAuth(cfg.Auth))
	}
	var xc *xclient.Conn
	var err error
	if cfg.Address != "" {
		network := cfg.Network
		if network == "" {
			network = "tcp"
		}
		xc, err = xclient.DialAddr(network, cfg.Address, opts...)
	} else {
		xc, err = xclient.Dial(cfg.Display, opts...)
	}
	if err != nil {
		return nil, fmt.Errorf("x11native: %w", err)
	}
	srv, err := Start(Config{Display: xc, Logger: logger})
	if err != nil {
		xc.Close()
		return nil, err
	}
	cmd := exec.Command(cfg.Command[0], cfg.Command[1:]...)
	env := os.Environ()
	filtered := env[:0]
	for _, e := range env {
		if len(e) >= 8 && (e[:8] == "DISPLAY=" || len(e) >= 11 && e[:11] == "XAUTHORITY=") {
			continue
		}
		filtered = append(filtered, e)
	}
	cmd.Env = append(filtered, "DISPLAY="+srv.Display())
	cmd.Stdout, cmd.Stderr = cfg.Stdout, cfg.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		srv.Close()
		xc.Close()
		return nil, fmt.Errorf("x11native: start %s: %w", cfg.Command[0], err)
	}
	logger.Info("command started on the native X server", "cmd", cfg.Command, "pid", cmd.Process.Pid, "x11", srv.Display())
	s := &Session{srv: srv, xc: xc, cmd: cmd, cmdDone: make(chan struct{}), done: make(chan struct{}), log: logger}
	go func() {
		s.cmdErr = cmd.Wait()
		close(s.cmdDone)
	}()
	go s.run(ctx)
	return s, nil
}

// XDisplay is the DISPLAY value of the native X server (":N").
func (s *Session) XDisplay() string { return s.srv.Display() }

// Server returns the native X server.
func (s *Session) Server() *Server { return s.srv }

// Wait waits for the session to end and returns the command's exit
// status and the error that ended the session early, if any.
func (s *Session) Wait() (int, error) {
	<-s.done
	return s.code, s.err
}

func (s *Session) run(ctx context.Context) {
	defer close(s.done)
	select {
	case <-s.cmdDone:
	case <-ctx.Done():
	case <-s.srv.Done():
		s.err = errors.New("x11native: display connection lost")
	}
	procgroup.Stop(s.cmd.Process.Pid, s.cmdDone)
	s.code = procgroup.ExitStatus(s.cmdErr)
	s.srv.Close()
	s.srv.Wait()
	s.xc.Close()
	s.log.Info("command ended", "cmd", s.cmd.Path, "status", s.code)
}
