// Package xvfb starts and stops private Xvfb servers: the X server the
// bridge runs X programs against, and the reference server the conformance
// tests and benchmarks compare with. With Options.Dummy it starts Xorg with
// the dummy video driver instead, whose screen RandR can resize (dummy.go).
package xvfb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Server is a running Xvfb (or Xorg with the dummy driver).
type Server struct {
	// Display is the X display name, ":N".
	Display string
	// Number is N.
	Number int
	// AuthFile is the Xauthority file holding the server's cookie, or ""
	// when the server was started without access control.
	AuthFile string

	cmd     *exec.Cmd
	done    chan struct{}
	waitErr error
	once    sync.Once
	tmpDir  string
}

// Options configure Start.
type Options struct {
	// Width, Height and Depth of screen 0; defaults 1280x800x24.
	Width, Height, Depth int
	// Auth makes the server require an MIT-MAGIC-COOKIE-1 cookie, written
	// to a private Xauthority file (Server.AuthFile), as a bridge's private
	// server should.
	Auth bool
	// ExtraArgs are appended to Xvfb's command line.
	ExtraArgs []string
	// First is the lowest display number tried; default 90, well above
	// what desktops use.
	First int
	// Dummy starts Xorg with the dummy video driver instead of Xvfb: its
	// screen starts at Width x Height and RandR can change it to any size
	// up to 8192x4608 (Xvfb's RandR offers only its start size), as a
	// bridge that follows the display's size needs. Xorg refuses the
	// configuration file in the temporary directory when it runs with
	// elevated privileges (a setuid wrapper), so /usr/lib/xorg/Xorg, which
	// is not setuid, is run when present.
	Dummy bool
}

// ErrNotInstalled reports that the Xvfb binary is missing.
var ErrNotInstalled = errors.New("Xvfb is not installed (Debian: apt-get install xvfb)")

// Start starts Xvfb on the first free display number at or above
// opts.First, listening on its Unix socket only, and waits until it accepts
// connections.
func Start(ctx context.Context, opts Options) (*Server, error) {
	var bin string
	var err error
	if opts.Dummy {
		bin, err = dummyBinary()
	} else if bin, err = exec.LookPath("Xvfb"); err != nil {
		err = ErrNotInstalled
	}
	if err != nil {
		return nil, err
	}
	if opts.Width == 0 {
		opts.Width, opts.Height = 1280, 800
	}
	if opts.Depth == 0 {
		opts.Depth = 24
	}
	if opts.First == 0 {
		opts.First = 90
	}
	for n := opts.First; n < opts.First+200; n++ {
		if !free(n) {
			continue
		}
		s, err := start(ctx, bin, n, opts)
		if errors.Is(err, errTaken) {
			continue
		}
		return s, err
	}
	return nil, fmt.Errorf("xvfb: no free X display number from :%d", opts.First)
}

var errTaken = errors.New("display number taken")

func free(n int) bool {
	for _, p := range []string{fmt.Sprintf("/tmp/.X%d-lock", n), fmt.Sprintf("/tmp/.X11-unix/X%d", n)} {
		if _, err := os.Stat(p); err == nil {
			return false
		}
	}
	return true
}

// ownsLock reports whether /tmp/.Xn-lock names pid, the way every X server
// writes it: the process ID as decimal text, space-padded.
func ownsLock(n, pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/tmp/.X%d-lock", n))
	if err != nil {
		return false
	}
	got, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return err == nil && got == pid
}

func start(ctx context.Context, bin string, n int, opts Options) (*Server, error) {
	s := &Server{Display: ":" + strconv.Itoa(n), Number: n, done: make(chan struct{})}
	args := []string{s.Display,
		"-screen", "0", fmt.Sprintf("%dx%dx%d", opts.Width, opts.Height, opts.Depth),
		"-nolisten", "tcp", "-noreset"}
	if opts.Auth || opts.Dummy {
		dir, err := os.MkdirTemp("", "xfar-xvfb-")
		if err != nil {
			return nil, fmt.Errorf("xvfb: temp dir: %w", err)
		}
		s.tmpDir = dir
	}
	if opts.Dummy {
		conf, err := writeDummyConfig(s.tmpDir, opts.Width, opts.Height, opts.Depth)
		if err != nil {
			s.cleanupFiles()
			return nil, fmt.Errorf("xvfb: %w", err)
		}
		args = []string{s.Display, "-config", conf, "-nolisten", "tcp", "-noreset",
			"-logfile", filepath.Join(s.tmpDir, "Xorg.log")}
	}
	if opts.Auth {
		s.AuthFile = filepath.Join(s.tmpDir, "Xauthority")
		if err := writeXauthority(s.AuthFile, n); err != nil {
			s.cleanupFiles()
			return nil, fmt.Errorf("xvfb: %w", err)
		}
		args = append(args, "-auth", s.AuthFile)
	} else {
		args = append(args, "-ac")
	}
	args = append(args, opts.ExtraArgs...)
	s.cmd = exec.Command(bin, args...)
	// Its own process group, so that a signal to ours does not reach it
	// before we have cleaned up, and Stop can end it and any children.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	errLog, _ := os.CreateTemp("", "xvfb-log-")
	if errLog != nil {
		s.cmd.Stderr = errLog
	}
	if err := s.cmd.Start(); err != nil {
		s.cleanupFiles()
		return nil, fmt.Errorf("xvfb: start %s: %w", s.Display, err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		if errLog != nil {
			errLog.Close()
		}
		close(s.done)
	}()
	sock := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		// The socket file appears at bind, a moment before Xvfb listens:
		// only a successful connection says it is ready.
		if c, err := net.DialTimeout("unix", sock, time.Second); err == nil {
			c.Close()
			// Another process may have started its own Xvfb on the same
			// number between our check and our start (test packages run in
			// parallel): the socket answers, but it is not ours, and ours
			// is about to fail with "already active". The lock file names
			// the X server that owns the number.
			if !ownsLock(n, s.cmd.Process.Pid) {
				s.Stop()
				if errLog != nil {
					os.Remove(errLog.Name())
				}
				return nil, errTaken
			}
			if errLog != nil {
				os.Remove(errLog.Name())
			}
			return s, nil
		}
		select {
		case <-s.done:
			s.cleanupFiles()
			msg := ""
			if errLog != nil {
				b, _ := os.ReadFile(errLog.Name())
				os.Remove(errLog.Name())
				msg = string(b)
			}
			if len(msg) > 2000 {
				msg = msg[len(msg)-2000:]
			}
			if strings.Contains(msg, "already active") || strings.Contains(msg, "server is already") {
				return nil, errTaken
			}
			if opts.Dummy {
				return nil, dummyStartError(s.Display, s.waitErr, msg)
			}
			return nil, fmt.Errorf("xvfb: %s exited at start (%v): %s", s.Display, s.waitErr, msg)
		case <-deadline.C:
			s.Stop()
			return nil, fmt.Errorf("xvfb: %s did not create %s within 10s", s.Display, sock)
		case <-ctx.Done():
			s.Stop()
			return nil, ctx.Err()
		case <-tick.C:
		}
	}
}

// Env returns os.Environ() with DISPLAY (and XAUTHORITY, when the server
// has one) set for this server, for starting X programs against it.
func (s *Server) Env() []string {
	env := append(os.Environ(), "DISPLAY="+s.Display)
	if s.AuthFile != "" {
		env = append(env, "XAUTHORITY="+s.AuthFile)
	}
	return env
}

// Done is closed when the server has exited.
func (s *Server) Done() <-chan struct{} { return s.done }

// Stop terminates the server, waits for it and removes its files. It is
// safe to call more than once.
func (s *Server) Stop() error {
	s.once.Do(func() {
		if s.cmd.Process != nil {
			syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
			select {
			case <-s.done:
			case <-time.After(5 * time.Second):
				syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
				<-s.done
			}
		}
		s.cleanupFiles()
	})
	return nil
}

func (s *Server) cleanupFiles() {
	if s.tmpDir != "" {
		os.RemoveAll(s.tmpDir)
	}
}
