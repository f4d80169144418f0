// Package testbin builds a test package's commands once per test run, so
// its tests run the real binaries as a user would. The end-to-end test
// packages (cmd/e2e, cmd/e2e/attack) share it.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// Set is a group of commands built together into one temporary directory
// on first use. A test package keeps one Set in a package variable and
// calls Remove from its TestMain.
type Set struct {
	prefix string   // of the temporary directory's name
	envDir string   // variable naming a directory of prebuilt binaries, or ""
	pkgs   []string // import paths to build

	once sync.Once
	dir  string
	err  error
	ours bool // dir was made by the Set, so Remove deletes it
}

// New returns a Set that builds pkgs into a directory named with prefix.
// If envDir is not empty and that environment variable names a directory,
// the binaries are taken from there instead and not built.
func New(prefix, envDir string, pkgs ...string) *Set {
	return &Set{prefix: prefix, envDir: envDir, pkgs: pkgs}
}

// Path returns the path of the named command, building the whole set the
// first time; a failed build fails t.
func (s *Set) Path(t testing.TB, name string) string {
	t.Helper()
	s.once.Do(s.build)
	if s.err != nil {
		t.Fatal(s.err)
	}
	return filepath.Join(s.dir, name)
}

func (s *Set) build() {
	if s.envDir != "" {
		if d := os.Getenv(s.envDir); d != "" {
			s.dir = d
			return
		}
	}
	s.dir, s.err = os.MkdirTemp("", s.prefix)
	if s.err != nil {
		return
	}
	s.ours = true
	cmd := exec.Command("go", append([]string{"build", "-o", s.dir + "/"}, s.pkgs...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		s.err = fmt.Errorf("go build: %v\n%s", err, out)
	}
}

// Remove deletes the binaries the Set built, if any. Call it once every
// test has run.
func (s *Set) Remove() {
	if s.ours {
		os.RemoveAll(s.dir)
	}
}
