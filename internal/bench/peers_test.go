package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestPeersXfarIdle runs the peers harness on xfar alone (the peers'
// packages are not needed for tests): a real bridged xterm in headless
// Chromium, idle, then typed into. The row must show the page drew, no
// bytes flowed while idle, and every key reached the glass.
func TestPeersXfarIdle(t *testing.T) {
	rows, err := RunPeers(context.Background(), PeersConfig{Systems: []string{"xfar"},
		Workloads: []string{"idle xterm (and key-to-glass)"}, Warm: time.Second, Measure: 2 * time.Second, Keys: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Err != "" {
		t.Fatalf("rows %+v", rows)
	}
	r := rows[0]
	t.Logf("%+v", r)
	if r.ForwardBps > 100 {
		t.Errorf("idle xterm: %.0f B/s on the bridge's link, want at most 100", r.ForwardBps)
	}
	if len(r.KeyToGlass) < 2 {
		t.Errorf("%d of 4 keys reached the glass", len(r.KeyToGlass))
	}
	var md bytes.Buffer
	WritePeersMarkdown(&md, rows, nil, "xbench --peers", time.Now())
	if !strings.Contains(md.String(), "| idle xterm (and key-to-glass) | xfar |") {
		t.Errorf("report lacks the row:\n%s", md.String())
	}
}

// TestMergePeersMarkdown: the peers section is appended once, then
// replaced in place, leaving the sections around it alone.
func TestMergePeersMarkdown(t *testing.T) {
	doc := []byte("# x\n\n## Side by side\n\nold tables\n")
	fresh := []byte(peersStart + "\n\nrun 1\n")
	once := MergePeersMarkdown(doc, fresh)
	if !strings.Contains(string(once), "old tables") || !strings.Contains(string(once), "run 1") {
		t.Fatalf("append:\n%s", once)
	}
	withNotes := append(once, []byte("\n## Peers: reading the numbers\n\nnotes\n")...)
	twice := string(MergePeersMarkdown(withNotes, []byte(peersStart+"\n\nrun 2\n")))
	if strings.Contains(twice, "run 1") || !strings.Contains(twice, "run 2") || !strings.Contains(twice, "notes") ||
		strings.Count(twice, peersStart) != 1 {
		t.Fatalf("replace:\n%s", twice)
	}
}
