package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestNativeXtermFlood: after a text flood (seq 1 2000, which xterm
// draws by redrawing whole screens, several between two flushes of the
// bridge) a native xterm is pixel-identical to the same xterm under Xvfb,
// and the bridge withdrew lines a later redraw in the same batch painted
// over (what keeps the flood's bytes down: BenchmarkNativeXtermWorkloads).
func TestNativeXtermFlood(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xterm", "seq")
	dir := t.TempDir()
	args := func(done string) []string {
		return []string{"xterm", "-geometry", "80x24+20+40", "-e", "sh", "-c", "seq 1 2000; touch " + done + "; sleep 120"}
	}

	// The reference: Xvfb's picture once the flood is over and the
	// picture has stopped changing.
	refDone := filepath.Join(dir, "ref-done")
	srvX := bridgeStartDisplay(t)
	b := startBridge(t, srvX, args(refDone)...)
	x := dialBridgeX(t, b)
	c := bridgeDialTestDisplay(t, srvX)
	w := waitMirrored(t, srvX, x, c, func(w xTopLevel) bool { return w.r.Dx() > 300 }, 20*time.Second)
	bridgeWaitFor(t, 30*time.Second, "the flood under Xvfb to end", func() string {
		if _, err := os.Stat(refDone); err != nil {
			return err.Error()
		}
		return ""
	})
	ref := xScreenshot(t, x, w.r)
	stableSince := time.Now()
	bridgeWaitFor(t, 30*time.Second, "xterm under Xvfb to stop drawing", func() string {
		now := xScreenshot(t, x, w.r)
		if n := bridgeDiffCount(now, ref); n != 0 {
			ref, stableSince = now, time.Now()
			return fmt.Sprintf("%d pixels changed", n)
		}
		if time.Since(stableSince) < time.Second {
			return "unchanged for less than 1 s"
		}
		return ""
	})

	srv := bridgeStartDisplay(t)
	s := startNative(t, srv, nil, args(filepath.Join(dir, "native-done"))...)
	waitNative(t, srv, ref, 30*time.Second)
	if n := s.Server().Withdrawn(); n == 0 {
		t.Errorf("no overdrawn drawing withdrawn during the flood")
	} else {
		t.Logf("%d overdrawn requests withdrawn", n)
	}
}
