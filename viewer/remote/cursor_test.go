package remote_test

import (
	"context"
	"image"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver/feed"
)

// TestFeedCarriesCursor: a window's cursor, named and image, reaches a
// remote viewer as the pointer moves over it, and the arrow over the
// desktop.
func TestFeedCarriesCursor(t *testing.T) {
	srv := startServer(t)
	cl := newClient(t, srv, 0)
	if err := cl.c.SetCursorName(cl.win, "text"); err != nil {
		t.Fatal(err)
	}
	if err := cl.c.Sync(); err != nil {
		t.Fatal(err)
	}
	conn := dial(t, srv, srv.Cookie())
	got := make(chan feed.Cursor, 64)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go conn.WatchCursor(ctx, func(c feed.Cursor) { got <- c })
	want := func(p image.Point, check func(feed.Cursor) bool, what string) {
		t.Helper()
		conn.Input(feed.InputEvent{Kind: feed.PointerMove, X: p.X, Y: p.Y})
		deadline := time.After(10 * time.Second)
		for {
			select {
			case c := <-got:
				if check(c) {
					return
				}
			case <-deadline:
				t.Fatalf("the remote cursor at %v never became %s", p, what)
			}
		}
	}
	in := cl.at.Add(image.Pt(30, 30))
	want(in, func(c feed.Cursor) bool { return c.Name == "text" }, `"text"`)
	want(image.Pt(300, 220), func(c feed.Cursor) bool { return c.Name == "default" }, `"default"`)
	pix := []uint32{0xff000000, 0xffffffff, 0x80ff0000, 0}
	if err := cl.c.SetCursorImage(cl.win, image.Pt(2, 2), image.Pt(1, 0), pix); err != nil {
		t.Fatal(err)
	}
	cl.c.Sync()
	want(in.Add(image.Pt(1, 0)), func(c feed.Cursor) bool {
		return c.Name == "" && c.Size == image.Pt(2, 2) && c.Hot == image.Pt(1, 0) && len(c.Pix) == 4 && c.Pix[2] == 0x80ff0000
	}, "the 2x2 image")
}
