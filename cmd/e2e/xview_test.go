package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// TestXviewWithoutDesktop runs xview where no desktop exists, as on a
// headless host: --help prints the usage and succeeds, and a real start
// says why no window can open instead of panicking inside Ebitengine.
func TestXviewWithoutDesktop(t *testing.T) {
	xview := Binary(t, "xview")
	help := exec.Command(xview, "--help")
	help.Env = deskEnv()
	out, err := help.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Usage: xview") || strings.Contains(string(out), "panic") {
		t.Fatalf("xview --help without a desktop: %v\n%s", err, out)
	}
	run := exec.Command(xview, "--display", "127.0.0.1:1")
	run.Env = deskEnv()
	out, err = run.CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "no desktop") || strings.Contains(string(out), "panic") {
		t.Fatalf("xview without a desktop: %v\n%s\nwant exit 1 and a message saying there is no desktop", err, out)
	}
}
