package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/viewer/remote"
)

// The desktop window is a separate program, xview, that the display
// server starts: Ebitengine panics while initialising where no display
// exists, so a display server that must also run headless cannot link it.
// xview watches this server through its remote feed, exactly as it would
// watch a server on another machine.

// mountRemoteFeed serves the remote feed that xview (here or elsewhere)
// connects to.
func mountRemoteFeed(srv *displayserver.Server, pool *feed.Pool, log *slog.Logger) {
	srv.HandleSession("/feed", &remote.Server{Source: srv, Pool: pool, Logger: log})
}

// xviewName is the desktop viewer's program name.
const xviewName = "xview"

// findXview looks for xview next to this executable first (an install
// keeps them together), then on PATH.
func findXview() (string, error) {
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), xviewName)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return exec.LookPath(xviewName)
}

// startDesktopWindow opens the desktop window when this process runs on a
// desktop (DISPLAY or WAYLAND_DISPLAY set), by starting xview pointed at
// this server's HTTP side. Without a desktop, without HTTP or without
// xview it logs why and the server stays headless. stop ends the window.
func startDesktopWindow(ctx context.Context, srv *displayserver.Server, o *options, log *slog.Logger) (stop func()) {
	noop := func() {}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		log.Info("no desktop (DISPLAY and WAYLAND_DISPLAY unset): running headless, no window")
		return noop
	}
	addr, ok := srv.HTTPAddr().(*net.TCPAddr)
	if !ok || addr == nil {
		log.Warn("desktop window disabled: it needs the HTTP side, which is off")
		return noop
	}
	bin, err := findXview()
	if err != nil {
		log.Warn("desktop window disabled: xview not found next to displayserver or on PATH; run headless or install xview", "err", err)
		return noop
	}
	// The window connects over loopback whatever address HTTP listens on.
	host := "127.0.0.1"
	if addr.IP != nil && !addr.IP.IsUnspecified() {
		host = addr.IP.String()
	}
	url := "http://" + net.JoinHostPort(host, strconv.Itoa(addr.Port))
	cmd := exec.Command(bin, "--url", url, "--codec", "none",
		"--title", fmt.Sprintf("xfar :%d", o.display.Number))
	// The cookie goes through the environment, not argv, which every
	// local user can read in the process list.
	cmd.Env = append(os.Environ(), protocol.EnvAuth+"="+srv.Cookie())
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		log.Warn("desktop window disabled: cannot start xview", "path", bin, "err", err)
		return noop
	}
	log.Info("desktop window opened", "viewer", bin, "pid", cmd.Process.Pid)
	done := make(chan struct{})
	go func() {
		err := cmd.Wait()
		close(done)
		if ctx.Err() == nil {
			// The user closed the window or xview failed: the display
			// keeps running for its other viewers either way.
			log.Info("desktop window closed; the display keeps running", "status", exitStatus(err))
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			select {
			case <-done:
				return
			default:
			}
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				cmd.Process.Kill()
				<-done
			}
		})
	}
}

// exitStatus describes how a child ended.
func exitStatus(err error) string {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return "exit 0"
	case errors.As(err, &ee):
		return ee.String()
	}
	return err.Error()
}
