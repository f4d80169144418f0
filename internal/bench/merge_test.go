package bench

import (
	"strings"
	"testing"
)

// TestMergeMarkdownKeepsOtherSections reruns the report into a file that
// has notes and other tools' sections: the tables are replaced, the rest
// stays.
func TestMergeMarkdownKeepsOtherSections(t *testing.T) {
	existing := "# xfar benchmarks\n\n" + sectionStart + "\n\nold table 0.22x\n" +
		notesStart + "\n\nhand notes\n" + otherStart + "\n\n## Web viewer\n\nweb numbers\n"
	fresh := "# xfar benchmarks\n\n" + sectionStart + "\n\nnew table 1.21x\n\n### Reproduce\n\nxbench\n" + otherStart + "\n\n"
	got := string(MergeMarkdown([]byte(existing), []byte(fresh)))
	for _, want := range []string{"new table 1.21x", "### Reproduce", "hand notes", "## Web viewer", "web numbers"} {
		if !strings.Contains(got, want) {
			t.Errorf("merged report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "old table") {
		t.Errorf("merged report still has the old table:\n%s", got)
	}
	if strings.Count(got, sectionStart) != 1 || strings.Count(got, "## Other measurements") != 1 {
		t.Errorf("merged report repeats a section:\n%s", got)
	}
	if got := string(MergeMarkdown([]byte("unrelated\n"), []byte(fresh))); got != fresh {
		t.Errorf("merge into a file without the section = %q, want the fresh report", got)
	}
}
