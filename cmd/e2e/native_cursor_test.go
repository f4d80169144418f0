package e2e

import (
	"context"
	"fmt"
	"image"
	"sync"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/displayserver/feed"
)

// watchCursor follows the display's pointer cursor (what viewers show)
// and returns a function that gives the latest.
func watchCursor(t *testing.T, srv *displayserver.Server) func() feed.Cursor {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var cur feed.Cursor
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.WatchCursor(ctx, func(c feed.Cursor) {
			mu.Lock()
			cur = c
			mu.Unlock()
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	return func() feed.Cursor {
		mu.Lock()
		defer mu.Unlock()
		return cur
	}
}

// jiggle moves the display's pointer to p or the pixel right of it, in
// turn, so that every call is a motion: the program's side (the bridge's
// XTEST, xterm) hears of it even if an earlier one came too soon.
func jiggle(srv *displayserver.Server, p image.Point, i *int) {
	*i++
	q := p.Add(image.Pt(*i%2, 0))
	bridgeInput(srv, feed.InputEvent{Kind: feed.PointerMove, X: q.X, Y: q.Y})
}

// cursorOver moves the display's pointer to p and waits until the
// display shows the cursor named want there.
func cursorOver(t *testing.T, srv *displayserver.Server, cursor func() feed.Cursor, p image.Point, want string) {
	t.Helper()
	i := 0
	bridgeWaitFor(t, 15*time.Second, fmt.Sprintf("cursor %q at %v", want, p), func() string {
		jiggle(srv, p, &i)
		if got := cursor(); got.Name != want {
			time.Sleep(100 * time.Millisecond)
			return fmt.Sprintf("the display shows %q (image %v)", got.Name, got.Size)
		}
		return ""
	})
}

// TestNativeXtermCursor: over a native xterm's text area the display
// shows the I-beam (xterm's XC_xterm from the cursor font, "text"), as it
// does for xterm under the default bridge; over the desktop the arrow.
func TestNativeXtermCursor(t *testing.T) {
	bridgeNeedTools(t, "Xvfb", "xterm")
	args := []string{"xterm", "-geometry", "40x10+50+50"}
	for _, mode := range []string{"bridge", "native"} {
		t.Run(mode, func(t *testing.T) {
			srv := bridgeStartDisplay(t)
			cursor := watchCursor(t, srv)
			if mode == "bridge" {
				startBridge(t, srv, args...)
			} else {
				startNative(t, srv, nil, args...)
			}
			c := bridgeDialTestDisplay(t, srv)
			r := waitTopLevel(t, c, "xterm window", func(wr image.Rectangle) bool { return wr.Dx() > 200 })
			mid := r.Min.Add(r.Size().Div(2))
			cursorOver(t, srv, cursor, mid, "text")
			cursorOver(t, srv, cursor, image.Pt(r.Max.X+40, r.Max.Y+40), "default")
			cursorOver(t, srv, cursor, mid.Add(image.Pt(7, 3)), "text")
		})
	}
}
