package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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

// TestXtermSection runs the xterm text flood as raw X11 and natively and
// checks that the report's xterm section replaces only itself in an
// existing file and carries both byte counts and native's ratio.
func TestXtermSection(t *testing.T) {
	out := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	before := "# Bench\n\n## xterm workloads: native, pixels, raw X11, Xpra (xbench --xterm)\n\nold numbers\n\n## Later\n\nkept\n"
	if err := os.WriteFile(out, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	args := []string{"--xterm", "--xterm-modes", "rawx11,native", "--xterm-workloads", "flood-seq2000", "--out", out}
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("xbench %v exited %d: %s", args, code, stderr.String())
	}
	doc, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	if strings.Contains(s, "old numbers") || !strings.Contains(s, "## Later\n\nkept") || !strings.HasPrefix(s, "# Bench\n") {
		t.Fatalf("the xterm section did not replace only itself:\n%s", s)
	}
	row := regexp.MustCompile(`\| flood-seq2000 \| (\d+) \| – \| – \| (\d+) \((\d+)\) \| (\d+) \| 1/([0-9.]+) \| – \|`).FindStringSubmatch(s)
	if row == nil {
		t.Fatalf("no measured flood row:\n%s", s)
	}
	raw, _ := strconv.Atoi(row[1])
	native, _ := strconv.Atoi(row[2])
	if raw < 100_000 || native <= 0 || native >= raw {
		t.Errorf("raw X11 %d bytes, native %d: want a real flood (>100 KB raw) carried in fewer bytes natively", raw, native)
	}
}

// TestXtermFlagsRefused: unknown modes and workloads stop before anything
// starts, with exit 2.
func TestXtermFlagsRefused(t *testing.T) {
	for _, args := range [][]string{{"--xterm", "--xterm-modes", "vnc"}, {"--xterm", "--xterm-workloads", "emacs"}} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "unknown --xterm") {
			t.Errorf("xbench %v: exit %d, stderr %q; want 2 and the reason", args, code, stderr.String())
		}
	}
}
