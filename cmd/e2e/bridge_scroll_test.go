package e2e

import (
	"testing"
	"time"
)

// TestBridgeScrollAsCopy runs a real xterm that prints line after line,
// so that it scrolls, and checks that the bridge sent the scrolls as
// CopyArea on the display (plus the new rows), that it sent far fewer
// pixels than whole screens, and that the display ends up showing exactly
// what Xvfb shows.
func TestBridgeScrollAsCopy(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xterm")
	srv := bridgeStartDisplay(t)
	b := startBridge(t, srv, "env", "LC_ALL=C", "xterm", "-geometry", "80x24+20+40", "-e", "/bin/sh", "-c",
		"i=0; while [ $i -lt 80 ]; do i=$((i+1)); echo \"line $i of the scroll test, with some text to make it wide\"; sleep 0.03; done; exec sleep 3600")
	x := dialBridgeX(t, b)
	c := bridgeDialTestDisplay(t, srv)
	time.Sleep(4 * time.Second) // 80 lines at 30 ms
	w := waitMirrored(t, srv, x, c, func(w xTopLevel) bool { return !w.override && w.r.Dx() > 300 }, 20*time.Second)
	st := b.Stats()
	screen := uint64(4 * w.r.Dx() * w.r.Dy())
	t.Logf("bridge: %+v; one screen is %d bytes", st, screen)
	if st.Copies < 20 {
		t.Errorf("%d scrolls sent as CopyArea; want most of the ~57 the xterm made", st.Copies)
	}
	// Without copies, each of the ~57 scrolls resends the whole text area.
	if st.PixelBytes > 20*screen {
		t.Errorf("bridge sent %d bytes of pixels, %.1f screens: scrolls were sent as pixels", st.PixelBytes, float64(st.PixelBytes)/float64(screen))
	}
}
