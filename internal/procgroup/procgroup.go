// Package procgroup ends the command a bridge or a native session runs
// for the user, with everything it started, and reports its status the
// way a shell does. x11bridge and x11native both run such a command.
package procgroup

import (
	"errors"
	"os/exec"
	"syscall"
	"time"
)

// grace is how long the command has to exit after SIGTERM before it is
// killed.
const grace = 3 * time.Second

// Stop ends process group pgid, whose leader's exit closes done: SIGTERM
// if the leader still runs, SIGKILL if it has not exited within the grace
// time. Children the leader left behind in its group are killed in any
// case. It returns once the leader has exited.
func Stop(pgid int, done <-chan struct{}) {
	select {
	case <-done:
	default:
		syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(grace):
			syscall.Kill(-pgid, syscall.SIGKILL)
			<-done
		}
	}
	syscall.Kill(-pgid, syscall.SIGKILL)
}

// ExitStatus turns err, from exec.Cmd.Wait, into a shell-style status: 0
// for success, the exit code, 128+signal when killed, 1 when the command
// could not be waited for at all.
func ExitStatus(err error) int {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	default:
		return 1
	}
}
