package deps

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDependencyRules checks the rules of the package comment on the
// module this test is part of.
func TestDependencyRules(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	mod, err := ModulePath(root)
	if err != nil {
		t.Fatal(err)
	}
	imps, err := Scan(root, mod)
	if err != nil {
		t.Fatal(err)
	}
	// The scan must see the packages the rules are about, or an empty
	// result would prove nothing.
	for _, pkg := range []string{"displayserver", "displayserver/widgets", "xclient", "xclient/ui",
		"render", "fonts", "widget", "keyboard", "viewer/web", "viewer/remote", "viewer/desktop"} {
		if _, ok := imps[mod+"/"+pkg]; !ok {
			t.Fatalf("scan of %s did not find package %s", root, pkg)
		}
	}
	if !slices.Contains(imps[mod+"/displayserver"], mod+"/widget") {
		t.Fatalf("scan misses displayserver's import of widget: %v", imps[mod+"/displayserver"])
	}
	for _, v := range Violations(imps, mod) {
		t.Error(v)
	}
}

// TestViolationsCatch feeds each forbidden edge, and the allowed ones next
// to it, to the checker.
func TestViolationsCatch(t *testing.T) {
	const m = "example.com/x"
	bad := Imports{
		m + "/displayserver":         {m + "/xclient/ui"},
		m + "/displayserver/widgets": {m + "/xclient"},
		m + "/xclient/x11bridge":     {m + "/displayserver/feed"},
		m + "/render":                {m + "/viewer/web"},
		m + "/fonts":                 {m + "/xclient"},
		m + "/widget":                {m + "/displayserver"},
		m + "/keyboard":              {m + "/viewer/web"},
		m + "/viewer/web":            {m + "/displayserver"},
		m + "/viewer/remote":         {m + "/displayserver/widgets"},
	}
	got := Violations(bad, m)
	if len(got) != len(bad) {
		t.Fatalf("got %d violations, want %d:\n%s", len(got), len(bad), strings.Join(got, "\n"))
	}
	good := Imports{
		m + "/displayserver":         {m + "/widget", m + "/render", m + "/fonts", m + "/protocol", m + "/displayserver/feed"},
		m + "/xclient/ui":            {m + "/widget", m + "/render", m + "/xclient"},
		m + "/widget":                {m + "/protocol", m + "/fonts"},
		m + "/viewer/remote":         {m + "/displayserver/feed", m + "/protocol", m + "/compress"},
		m + "/viewer/desktop":        {m + "/displayserver/feed"},
		m + "/cmd/displayserver":     {m + "/displayserver", m + "/viewer/web"},
		m + "/displayserverextra":    {m + "/xclient"}, // a sibling, not under displayserver/
		m + "/render/rendertest":     {m + "/render"},
		m + "/xclient/ui/something":  {m + "/protocol"},
		m + "/viewer/web/page":       {m + "/fonts"},
		m + "/internal/bench":        {m + "/displayserver", m + "/xclient"},
		m + "/displayserver/feed/x":  {m + "/protocol"},
		m + "/viewer/desktop/input":  {m + "/displayserver/feed"},
		m + "/fonts/internal/gen":    {m + "/fonts"},
		m + "/widget/widgettest":     {m + "/render"},
		m + "/displayserver/widgets": {m + "/widget"},
	}
	if got := Violations(good, m); len(got) != 0 {
		t.Fatalf("allowed imports reported:\n%s", strings.Join(got, "\n"))
	}
}
