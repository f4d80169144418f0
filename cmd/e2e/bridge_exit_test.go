package e2e

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/protocol"
)

// bridgeStartUnixDisplay starts a display server on a free display number's
// Unix socket, so that the xbridge binary can be pointed at it as ":N".
func bridgeStartUnixDisplay(t testing.TB) (*displayserver.Server, string) {
	t.Helper()
	for n := 700 + os.Getpid()%200; n < 1000; n++ {
		if _, err := os.Stat(protocol.SocketPath(n)); err == nil {
			continue
		}
		srv, err := displayserver.New(displayserver.Config{Display: n, TCPAddr: "none",
			UnixPath: protocol.SocketPath(n), HTTPAddr: "127.0.0.1:0", AuthFile: "none", NoAuth: true,
			Width: 800, Height: 600, Logger: bridgeTestLogger(t)})
		if err != nil {
			t.Fatalf("display server: %v", err)
		}
		if err := srv.Start(); err != nil {
			continue
		}
		t.Cleanup(func() { srv.Close() })
		return srv, fmt.Sprintf(":%d", n)
	}
	t.Fatal("no free display number")
	return nil, ""
}

var x11Started = regexp.MustCompile(`private X server started" x11=(:\d+)`)

// runningXvfb reports whether an Xvfb process serves display name.
func runningXvfb(name string) bool {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err == nil && strings.HasPrefix(string(b), "Xvfb\x00"+name+"\x00") ||
			err == nil && strings.Contains(string(b), "/Xvfb\x00"+name+"\x00") {
			return true
		}
	}
	return false
}

// checkNoXvfb asserts the private X server of a finished xbridge is gone:
// no process, no socket, no lock file.
func checkNoXvfb(t *testing.T, stderr string) {
	t.Helper()
	m := x11Started.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("xbridge did not log its X server; stderr:\n%s", stderr)
	}
	name := m[1]
	if runningXvfb(name) {
		t.Errorf("Xvfb %s still running after xbridge exited", name)
	}
	num := strings.TrimPrefix(name, ":")
	for _, f := range []string{"/tmp/.X11-unix/X" + num, "/tmp/.X" + num + "-lock"} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s left behind", f)
		}
	}
}

// TestBridgeExitsWithProgram: the xbridge binary exits with the program's
// status when the program exits, removes the program's windows from the
// display and leaves no Xvfb behind; on SIGTERM it ends the program and
// cleans up the same way.
func TestBridgeExitsWithProgram(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "gcc", "xlogo")
	dir := t.TempDir()
	xbridge := Binary(t, "xbridge")
	prog := buildXprog(t, dir)
	srv, name := bridgeStartUnixDisplay(t)
	c := bridgeDialTestDisplay(t, srv)

	t.Run("ProgramExits", func(t *testing.T) {
		var stderr SyncBuffer
		cmd := exec.Command(xbridge, "--display", name, "--", prog, "-exit", "1500", "3")
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		bridgeWaitFor(t, 10*time.Second, "window on the display", func() string {
			if len(displayTopLevels(t, c)) != 1 {
				return "no window"
			}
			return ""
		})
		err := bridgeWaitProcess(t, cmd, 15*time.Second)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 3 {
			t.Errorf("xbridge exited with %v, want status 3 (the program's)", err)
		}
		checkNoXvfb(t, stderr.String())
		if n := len(displayTopLevels(t, c)); n != 0 {
			t.Errorf("%d windows left on the display", n)
		}
	})

	t.Run("SIGTERM", func(t *testing.T) {
		var stderr SyncBuffer
		cmd := exec.Command(xbridge, "--display", name, "--", "xlogo")
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		bridgeWaitFor(t, 10*time.Second, "window on the display", func() string {
			if len(displayTopLevels(t, c)) != 1 {
				return "no window"
			}
			return ""
		})
		cmd.Process.Signal(syscall.SIGTERM)
		err := bridgeWaitProcess(t, cmd, 15*time.Second)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 128+int(syscall.SIGTERM) {
			t.Errorf("xbridge exited with %v, want status %d (xlogo ended by SIGTERM)", err, 128+int(syscall.SIGTERM))
		}
		checkNoXvfb(t, stderr.String())
		if n := len(displayTopLevels(t, c)); n != 0 {
			t.Errorf("%d windows left on the display", n)
		}
	})
}

// bridgeWaitProcess waits for cmd with a deadline, killing it on expiry.
func bridgeWaitProcess(t *testing.T, cmd *exec.Cmd, d time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s did not exit within %v", cmd.Path, d)
		return nil
	}
}
