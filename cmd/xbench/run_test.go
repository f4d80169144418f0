package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestUsage checks --help (exit 0, every flag documented) and that stray
// arguments and unknown workloads are refused before anything starts.
func TestUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"--help"}, &out, &errb); code != 0 {
		t.Fatalf("--help exited %d", code)
	}
	for _, f := range []string{"-out", "-reps", "-rep-time", "-quick", "-workloads", "-codec", "-byte-ops", "-rtt", "-cpuprofile", "-no-seed-c"} {
		if !strings.Contains(errb.String(), f) {
			t.Errorf("--help does not mention %s", f)
		}
	}
	errb.Reset()
	if code := run(context.Background(), []string{"extra"}, &out, &errb); code != 2 {
		t.Errorf("stray argument: exit %d, want 2", code)
	}
	errb.Reset()
	if code := run(context.Background(), []string{"--workloads", "nosuch"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "unknown workload") {
		t.Errorf("unknown workload: exit %d, stderr %q", code, errb.String())
	}
}
