package xrecord_test

import (
	"context"
	"testing"
	"time"

	"github.com/jezek/xgb/xproto"
	"github.com/jezek/xgb/xtest"

	"github.com/xfar/xfar/internal/xvfb"
	"github.com/xfar/xfar/viewer/desktop/xrecord"
	"github.com/xfar/xfar/xclient/x11bridge"
)

// TestRecordsInstantClicks: 100 button clicks and 100 key taps XTEST makes
// with nothing between press and release are all recorded, in order.
func TestRecordsInstantClicks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := xvfb.Start(ctx, xvfb.Options{Width: 640, Height: 480, Auth: true, First: 170})
	if err != nil {
		t.Fatalf("start Xvfb (Debian package xvfb): %v", err)
	}
	defer srv.Stop()
	t.Setenv("XAUTHORITY", srv.AuthFile)
	rec, err := xrecord.Start(srv.Display)
	if err != nil {
		t.Fatalf("start recording: %v", err)
	}
	defer rec.Close()
	x, err := x11bridge.DialX(srv.Display, srv.AuthFile)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if err := xtest.Init(x); err != nil {
		t.Fatal(err)
	}
	root := xproto.Setup(x).DefaultScreen(x).Root
	xtest.FakeInput(x, xproto.MotionNotify, 0, 0, root, 123, 45, 0)
	const n = 100
	for i := 0; i < n; i++ {
		xtest.FakeInput(x, xproto.ButtonPress, 1, 0, root, 0, 0, 0)
		xtest.FakeInput(x, xproto.ButtonRelease, 1, 0, root, 0, 0, 0)
		xtest.FakeInput(x, xproto.KeyPress, 38, 0, root, 0, 0, 0)
		xtest.FakeInput(x, xproto.KeyRelease, 38, 0, root, 0, 0, 0)
	}
	x.Sync()
	want := []uint8{xrecord.ButtonPress, xrecord.ButtonRelease, xrecord.KeyPress, xrecord.KeyRelease}
	got := 0
	timeout := time.After(10 * time.Second)
	for got < 4*n {
		select {
		case ev, ok := <-rec.Events():
			if !ok {
				t.Fatalf("recording ended after %d events: %v", got, rec.Err())
			}
			if ev.Type == xrecord.MotionNotify {
				continue
			}
			if ev.Type != want[got%4] {
				t.Fatalf("event %d is type %d, want %d", got, ev.Type, want[got%4])
			}
			if ev.Type == xrecord.ButtonPress && (ev.Detail != 1 || ev.RootX != 123 || ev.RootY != 45) {
				t.Fatalf("ButtonPress %+v, want button 1 at 123,45", ev)
			}
			if ev.Type == xrecord.KeyPress && ev.Detail != 38 {
				t.Fatalf("KeyPress %+v, want keycode 38", ev)
			}
			got++
		case <-timeout:
			t.Fatalf("recorded %d of %d events in 10s (dropped %d)", got, 4*n, rec.Dropped())
		}
	}
}
