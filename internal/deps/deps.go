// Package deps checks that xfar's dependencies point one way (DESIGN.md,
// section "Packages (top level fixed by the project card)"). The rules,
// on the imports of each package's non-test files:
//
//   - displayserver/... imports nothing from xclient/... (the display
//     server does not link the client library);
//   - xclient/... imports nothing from displayserver/... (applications do
//     not link the display server);
//   - the neutral packages render/..., fonts/..., widget/... and
//     keyboard/..., which both sides import, import neither side nor
//     viewer/...;
//   - viewer/... imports no display server internals. "Internals" means
//     every package under displayserver/ except displayserver/feed: feed
//     is the contract between a display and its viewers (Source,
//     Subscription, Update, InputEvent), so a viewer presents any feed,
//     local or remote, and knows nothing of windows, clients or the
//     state that produces the frames. Today viewers import feed,
//     protocol, compress, fonts and keyboard; none imports displayserver
//     itself.
//
// Test files are left out on purpose: a package's tests may start the
// real other side (xclient's tests dial a real display server, the
// remote viewer's tests run one), which is integration, not linkage.
// Files are read with go/parser whatever their build constraints, so a
// file built only with cgo or on another platform is checked too.
package deps

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Imports maps a package path to the module paths its non-test files
// import.
type Imports map[string][]string

// Scan reads the import lists of every package under root, the directory
// holding the go.mod of module modPath. Directories named testdata or
// starting with "." or "_" are skipped, as the go command does.
func Scan(root, modPath string) (Imports, error) {
	out := Imports{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return fmt.Errorf("parse imports: %w", err)
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		pkg := modPath
		if rel != "." {
			pkg += "/" + filepath.ToSlash(rel)
		}
		if _, ok := out[pkg]; !ok {
			out[pkg] = nil
		}
		for _, im := range f.Imports {
			p, err := strconv.Unquote(im.Path.Value)
			if err != nil {
				return fmt.Errorf("%s: import %s: %w", path, im.Path.Value, err)
			}
			out[pkg] = append(out[pkg], p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", root, err)
	}
	return out, nil
}

// ModulePath returns the module path declared in the go.mod at root.
func ModulePath(root string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("read go.mod: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			return f[1], nil
		}
	}
	return "", fmt.Errorf("no module line in %s", filepath.Join(root, "go.mod"))
}

// under reports whether pkg is dir or a package below it.
func under(pkg, dir string) bool { return pkg == dir || strings.HasPrefix(pkg, dir+"/") }

// Violations returns one line per import that breaks a rule of the
// package comment, sorted. modPath is the module's path.
func Violations(imps Imports, modPath string) []string {
	p := func(dir string) string { return modPath + "/" + dir }
	type rule struct {
		from   []string // the rule applies to packages under these
		banned []string // imports under these are violations...
		except []string // ...unless under one of these
		why    string
	}
	rules := []rule{
		{from: []string{p("displayserver")}, banned: []string{p("xclient")},
			why: "the display server must not import the client library"},
		{from: []string{p("xclient")}, banned: []string{p("displayserver")},
			why: "the client library must not import the display server"},
		{from: []string{p("render"), p("fonts"), p("widget"), p("keyboard")},
			banned: []string{p("displayserver"), p("xclient"), p("viewer")},
			why:    "neutral packages import neither side"},
		{from: []string{p("viewer")}, banned: []string{p("displayserver")}, except: []string{p("displayserver/feed")},
			why: "viewers know the display only through displayserver/feed"},
	}
	var out []string
	for pkg, list := range imps {
		for _, r := range rules {
			if !anyUnder(pkg, r.from) {
				continue
			}
			for _, im := range list {
				if anyUnder(im, r.banned) && !anyUnder(im, r.except) {
					out = append(out, fmt.Sprintf("%s imports %s: %s", pkg, im, r.why))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func anyUnder(pkg string, dirs []string) bool {
	for _, d := range dirs {
		if under(pkg, d) {
			return true
		}
	}
	return false
}
