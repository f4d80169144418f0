package web

import (
	"errors"
	"testing"

	"github.com/xfar/xfar/displayserver/feed"
)

// TestViewOnlyCannotLockOutFullControl fills every slot a view-only token
// may take (issue 14: 100 offers with the view-only token took all 32) and
// checks that a full-control viewer still gets in.
func TestViewOnlyCannotLockOutFullControl(t *testing.T) {
	h, err := NewHandler(idleSource{}, Options{MaxViewers: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	view := 0
	for i := 0; i < 20; i++ {
		_, err := h.newSession(feed.ViewOnly, "attacker")
		if errors.Is(err, errTooMany) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		view++
	}
	if want := 8 - fullControlReserve(8); view != want {
		t.Fatalf("view-only token got %d sessions, want %d", view, want)
	}
	for i := 0; i < fullControlReserve(8); i++ {
		if _, err := h.newSession(feed.FullControl, "owner"); err != nil {
			t.Fatalf("full-control viewer %d refused with the view-only slots taken: %v", i+1, err)
		}
	}
	if _, err := h.newSession(feed.FullControl, "owner"); !errors.Is(err, errTooMany) {
		t.Fatalf("session beyond MaxViewers: %v, want errTooMany", err)
	}
}
