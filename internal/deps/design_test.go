package deps

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// citation matches a reference to a section of the design document, once
// comment markers and line breaks are folded into single spaces.
var citation = regexp.MustCompile(`DESIGN\.md, section "([^"]+)"`)

// TestDesignCitationsResolve checks that every citation of the form
// DESIGN.md, section "Heading" in the repository's Go and Markdown files
// names a heading that DESIGN.md, at the repository root, has.
func TestDesignCitationsResolve(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	headings := map[string]bool{}
	f, err := os.Open(filepath.Join(root, "DESIGN.md"))
	if err != nil {
		t.Fatalf("the design document is not in the repository root: %v", err)
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "#") {
			headings[strings.TrimSpace(strings.TrimLeft(line, "#"))] = true
		}
	}
	f.Close()
	if len(headings) < 5 {
		t.Fatalf("DESIGN.md has only %d headings", len(headings))
	}
	found := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".md") {
			return nil
		}
		if strings.HasSuffix(path, "design_test.go") {
			return nil // this file's own examples
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		text := strings.Join(strings.Fields(strings.ReplaceAll(string(b), "//", " ")), " ")
		for _, m := range citation.FindAllStringSubmatch(text, -1) {
			found++
			if !headings[m[1]] {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s cites DESIGN.md section %q, which DESIGN.md does not have", rel, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found == 0 {
		t.Fatal("no citations of DESIGN.md found; the pattern is wrong")
	}
	t.Logf("%d citations checked", found)
}
