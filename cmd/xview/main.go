// Command xview shows a remote xfar display in a desktop window, as
// vncviewer does for VNC: the display's screen at 1:1, live, with the
// window's mouse and keyboard driving the display's applications.
//
// Usage:
//
//	xview [--display host:N] [--auth COOKIE] [--url http://host:port] [--codec zstd|s2|none]
//
// It connects to the display server's HTTP port (8000+N) and exits when
// its window is closed (status 0) or the display server goes away (1).
// The display server itself starts xview to open its window on a desktop.
//
// xview is a launcher: Ebitengine panics while a program starts where no
// display exists, before main can say anything useful, so this program
// (which does not link it) answers --help, checks the flags and the
// desktop, and then runs xview-window, found beside it or on PATH, in its
// place with the same arguments.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/xfar/xfar/viewer/desktop/cli"
)

// windowProgram is the program that opens the window.
const windowProgram = "xview-window"

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

// run checks what can be checked without a window and then replaces this
// process with the window program; it returns only on failure.
func run(args []string, stderr io.Writer) int {
	if _, err := cli.ParseFlags(args, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "xview:", err)
		return 2
	}
	if !cli.HaveDesktop() {
		fmt.Fprintln(stderr, "xview: no desktop to open a window on (DISPLAY and WAYLAND_DISPLAY are unset); "+
			"run it in a desktop session, or open the viewer URL the display server printed in a browser")
		return 1
	}
	path, err := findWindowProgram()
	if err != nil {
		fmt.Fprintf(stderr, "xview: %v\n", err)
		return 1
	}
	// Exec, not a child: the window program gets this process's PID,
	// signals and exit status, as if xview were one program.
	err = syscall.Exec(path, append([]string{path}, args...), os.Environ())
	fmt.Fprintf(stderr, "xview: start %s: %v\n", path, err)
	return 1
}

// findWindowProgram looks beside this executable first (an install keeps
// them together), then on PATH.
func findWindowProgram() (string, error) {
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), windowProgram)
		if st, err := os.Stat(p); err == nil && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	p, err := exec.LookPath(windowProgram)
	if err != nil {
		return "", fmt.Errorf("%s is not installed beside xview or on PATH (go build ./cmd/...)", windowProgram)
	}
	return p, nil
}
