package remote_test

import (
	"context"
	"encoding/binary"
	"errors"
	"image"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/viewer/remote"
	"github.com/xfar/xfar/xclient"
)

// startServer runs a real display server with the feed mounted, as
// cmd/displayserver mounts it, with authentication on.
func startServer(t *testing.T) *displayserver.Server {
	t.Helper()
	srv, err := displayserver.New(displayserver.Config{TCPAddr: "127.0.0.1:0", UnixPath: "none",
		HTTPAddr: "127.0.0.1:0", AuthFile: "none", Width: 320, Height: 240,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	srv.Handle("/feed", remote.Handler(srv))
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func baseURL(srv *displayserver.Server) string { return "http://" + srv.HTTPAddr().String() }

func dial(t *testing.T, srv *displayserver.Server, token string, codecs ...string) *remote.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := (&remote.Dialer{Codecs: codecs}).Dial(ctx, baseURL(srv), token)
	if err != nil {
		t.Fatalf("dial feed: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// client is an xfar application with one mapped, decorated window.
type client struct {
	c   *xclient.Conn
	win xclient.Window
	gc  xclient.GC
	at  image.Point // the window's inside, in screen coordinates
}

func newClient(t *testing.T, srv *displayserver.Server, mask uint32) *client {
	t.Helper()
	c, err := xclient.DialAddr("tcp", srv.TCPAddr().String(), xclient.WithAuth(srv.Cookie()))
	if err != nil {
		t.Fatalf("xclient dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	win, err := c.CreateWindow(c.Root(), 40, 50, 100, 60, &xclient.WindowOptions{Background: 0x204080,
		EventMask: mask | protocol.StructureNotifyMask})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MapWindow(win); err != nil {
		t.Fatal(err)
	}
	gc, err := c.CreateGC(win, &xclient.GCValues{Mask: protocol.GCForeground, Foreground: 0xff8000})
	if err != nil {
		t.Fatal(err)
	}
	cl := &client{c: c, win: win, gc: gc, at: image.Pt(40, 50)}
	cl.waitEvent(t, protocol.MapNotify)
	return cl
}

// waitEvent returns the client's next event of the given code, failing
// after 10 s.
func (cl *client) waitEvent(t *testing.T, code protocol.EventCode) *protocol.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		ev, err := cl.c.NextEvent(ctx)
		if err != nil {
			t.Fatalf("waiting for event %v: %v", code, err)
		}
		if ev.Code == code {
			return ev
		}
	}
}

// mirror keeps a local copy of a feed, as a viewer's surface.
type mirror struct {
	w, h int
	pix  []uint32
}

func (m *mirror) apply(t *testing.T, up *feed.Update) {
	if up.Width != m.w || up.Height != m.h {
		if !up.Full {
			t.Fatalf("update %d resizes to %dx%d without being full", up.Seq, up.Width, up.Height)
		}
		m.w, m.h, m.pix = up.Width, up.Height, make([]uint32, up.Width*up.Height)
	}
	for _, r := range up.Rects {
		if len(r.Pix) != r.Dx()*r.Dy() {
			t.Fatalf("update %d rect %v has %d pixels", up.Seq, r.Rectangle, len(r.Pix))
		}
		for y := r.Min.Y; y < r.Max.Y; y++ {
			copy(m.pix[y*m.w+r.Min.X:y*m.w+r.Max.X], r.Pix[(y-r.Min.Y)*r.Dx():])
		}
	}
}

// diff counts pixels where m and the display's snapshot differ.
func (m *mirror) diff(img *image.RGBA) (int, image.Point) {
	n, first := 0, image.Pt(-1, -1)
	for y := 0; y < m.h; y++ {
		for x := 0; x < m.w; x++ {
			o := img.PixOffset(x, y)
			want := uint32(img.Pix[o])<<16 | uint32(img.Pix[o+1])<<8 | uint32(img.Pix[o+2])
			if m.pix[y*m.w+x] != want {
				if n == 0 {
					first = image.Pt(x, y)
				}
				n++
			}
		}
	}
	return n, first
}

// follow applies updates from sub until the mirror equals the display's
// picture, failing after 10 s.
func follow(t *testing.T, srv *displayserver.Server, sub feed.Subscription, m *mirror) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		up, err := sub.Next(ctx)
		cancel()
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("next update: %v", err)
		}
		if up != nil {
			m.apply(t, up)
		}
		n, first := m.diff(srv.Snapshot())
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("remote picture differs from the display in %d pixels (first at %v)", n, first)
		}
	}
}

// TestFeedMirrorsDisplay draws on a real display and checks, pixel for
// pixel, that a remote subscription shows what /snapshot.png shows, with
// every codec.
func TestFeedMirrorsDisplay(t *testing.T) {
	for _, codec := range []string{"zstd", "s2", "none"} {
		t.Run(codec, func(t *testing.T) {
			srv := startServer(t)
			conn := dial(t, srv, srv.Cookie(), codec)
			if conn.Codec() != codec {
				t.Fatalf("codec %q, want %q", conn.Codec(), codec)
			}
			if w, h := conn.Size(); w != 320 || h != 240 {
				t.Fatalf("size %dx%d, want 320x240", w, h)
			}
			if conn.Access() != feed.FullControl {
				t.Fatalf("access %v with the cookie, want full control", conn.Access())
			}
			sub := conn.Subscribe()
			defer sub.Close()
			var m mirror
			follow(t, srv, sub, &m)
			cl := newClient(t, srv, 0)
			for i := 0; i < 5; i++ {
				if err := cl.c.FillRectangle(cl.win, cl.gc, 10*i, 5*i, 30, 20); err != nil {
					t.Fatal(err)
				}
				if err := cl.c.DrawLine(cl.win, cl.gc, 0, 59, 99, 3*i); err != nil {
					t.Fatal(err)
				}
				cl.c.Flush()
				follow(t, srv, sub, &m)
			}
			if got := m.pix[(cl.at.Y+5)*m.w+cl.at.X+5]; got != 0xff8000 {
				t.Fatalf("drawn pixel = %06x in the remote picture, want ff8000", got)
			}
			// A second subscription starts with the whole screen.
			sub2 := conn.Subscribe()
			defer sub2.Close()
			var m2 mirror
			follow(t, srv, sub2, &m2)
		})
	}
}

// TestFeedInputReachesClient sends a click and a key through the remote
// feed and checks the X events an application gets.
func TestFeedInputReachesClient(t *testing.T) {
	srv := startServer(t)
	conn := dial(t, srv, srv.Cookie())
	cl := newClient(t, srv, protocol.ButtonPressMask|protocol.KeyPressMask)
	p := cl.at.Add(image.Pt(17, 23))
	conn.Input(feed.InputEvent{Kind: feed.PointerMove, X: p.X, Y: p.Y})
	conn.Input(feed.InputEvent{Kind: feed.ButtonDown, X: p.X, Y: p.Y, Button: 1})
	conn.Input(feed.InputEvent{Kind: feed.ButtonUp, X: p.X, Y: p.Y, Button: 1})
	ev := cl.waitEvent(t, protocol.ButtonPress)
	if ev.X != 17 || ev.Y != 23 || ev.Detail != 1 {
		t.Fatalf("ButtonPress at (%d,%d) button %d, want (17,23) button 1", ev.X, ev.Y, ev.Detail)
	}
	conn.Input(feed.InputEvent{Kind: feed.KeyDown, X: p.X, Y: p.Y, Keysym: 'Q', Mods: protocol.ShiftMask, Text: "Q"})
	conn.Input(feed.InputEvent{Kind: feed.KeyUp, X: p.X, Y: p.Y, Keysym: 'Q', Mods: protocol.ShiftMask})
	ev = cl.waitEvent(t, protocol.KeyPress)
	if ev.Keysym != 'Q' || ev.State&protocol.ShiftMask == 0 || ev.Text != "Q" {
		t.Fatalf("KeyPress keysym %#x state %#x text %q, want 'Q' with Shift", ev.Keysym, ev.State, ev.Text)
	}
}

// TestFeedViewOnlyIgnoresInput checks that the view-only token watches but
// cannot drive: its click is dropped, a full-control key after it arrives.
func TestFeedViewOnlyIgnoresInput(t *testing.T) {
	srv := startServer(t)
	view := dial(t, srv, srv.ViewToken())
	if view.Access() != feed.ViewOnly {
		t.Fatalf("access %v with the view token, want view only", view.Access())
	}
	full := dial(t, srv, srv.Cookie())
	cl := newClient(t, srv, protocol.ButtonPressMask|protocol.KeyPressMask)
	p := cl.at.Add(image.Pt(5, 5))
	view.Input(feed.InputEvent{Kind: feed.ButtonDown, X: p.X, Y: p.Y, Button: 1})
	view.Input(feed.InputEvent{Kind: feed.ButtonUp, X: p.X, Y: p.Y, Button: 1})
	// The view-only events were sent first; give the server time to (not)
	// act on them before the marker key goes out on the other connection.
	time.Sleep(300 * time.Millisecond)
	// Focus follows a click, so focus the window from the full viewer's
	// side with a click on its title bar, which the client does not see.
	full.Input(feed.InputEvent{Kind: feed.ButtonDown, X: p.X, Y: cl.at.Y - 10, Button: 1})
	full.Input(feed.InputEvent{Kind: feed.ButtonUp, X: p.X, Y: cl.at.Y - 10, Button: 1})
	full.Input(feed.InputEvent{Kind: feed.KeyDown, X: p.X, Y: p.Y, Keysym: 'k', Text: "k"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		ev, err := cl.c.NextEvent(ctx)
		if err != nil {
			t.Fatalf("waiting for the marker key: %v", err)
		}
		switch ev.Code {
		case protocol.ButtonPress:
			t.Fatalf("a view-only viewer's click reached the client: %+v", ev)
		case protocol.KeyPress:
			if ev.Keysym != 'k' {
				t.Fatalf("KeyPress keysym %#x, want 'k'", ev.Keysym)
			}
			return
		}
	}
}

// TestFeedRefusals checks the answers to requests that may not have the
// feed: no token, a wrong token, and a plain GET that does not upgrade.
func TestFeedRefusals(t *testing.T) {
	srv := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, tc := range []struct{ token, want string }{{"", "401"}, {"wrong", "403"}} {
		_, err := remote.Dial(ctx, baseURL(srv), tc.token)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("dial with token %q: err %v, want %s", tc.token, err, tc.want)
		}
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", baseURL(srv)+"/feed?token="+srv.Cookie(), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUpgradeRequired || !strings.Contains(string(body), "xview") {
		t.Errorf("plain GET /feed: %s %q, want 426 naming xview", resp.Status, body)
	}
}

// rawFeed opens the feed as a bare WebSocket, uncompressed, and returns
// it as a stream of binary messages.
func rawFeed(t *testing.T, srv *displayserver.Server) (*websocket.Conn, net.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h := http.Header{"Xfar-Codecs": {"none"}, "Authorization": {"Bearer " + srv.Cookie()}}
	ws, resp, err := websocket.Dial(ctx, baseURL(srv)+"/feed", &websocket.DialOptions{HTTPHeader: h,
		Subprotocols: []string{remote.Subprotocol}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.CloseNow() })
	if resp.Header.Get("Xfar-Codec") != "none" {
		t.Fatalf("upgrade: codec %q", resp.Header.Get("Xfar-Codec"))
	}
	return ws, websocket.NetConn(context.Background(), ws, websocket.MessageBinary)
}

// TestFeedBadInputDropsOnlyThatViewer sends a malformed input message and
// checks that the server hangs up on that viewer while another viewer
// keeps getting updates and driving the display.
func TestFeedBadInputDropsOnlyThatViewer(t *testing.T) {
	for _, bad := range []struct {
		name string
		msg  []byte
	}{
		{"kind", []byte{2, 16, 0, 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"length", binary.LittleEndian.AppendUint16([]byte{2}, 60000)},
		{"short", []byte{2, 3, 0, 1, 0, 0}},
	} {
		t.Run(bad.name, func(t *testing.T) {
			srv := startServer(t)
			good := dial(t, srv, srv.Cookie())
			_, nc := rawFeed(t, srv)
			if _, err := nc.Write(bad.msg); err != nil {
				t.Fatal(err)
			}
			// The server may have sent the first update already; after
			// it, the connection must end, saying why.
			nc.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, err := io.Copy(io.Discard, nc)
			if websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
				t.Fatalf("bad viewer's connection ended with %v, want a policy-violation close", err)
			}
			cl := newClient(t, srv, protocol.ButtonPressMask)
			sub := good.Subscribe()
			defer sub.Close()
			var m mirror
			follow(t, srv, sub, &m)
			p := cl.at.Add(image.Pt(3, 4))
			good.Input(feed.InputEvent{Kind: feed.ButtonDown, X: p.X, Y: p.Y, Button: 1})
			ev := cl.waitEvent(t, protocol.ButtonPress)
			if ev.X != 3 || ev.Y != 4 {
				t.Fatalf("ButtonPress at (%d,%d), want (3,4)", ev.X, ev.Y)
			}
		})
	}
}

// TestFeedEndsWhenServerCloses checks that a viewer learns, promptly and
// with a reason, that the display server went away.
func TestFeedEndsWhenServerCloses(t *testing.T) {
	srv := startServer(t)
	conn := dial(t, srv, srv.Cookie())
	sub := conn.Subscribe()
	defer sub.Close()
	if _, err := sub.Next(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	select {
	case <-conn.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("connection still up 10 s after the display server closed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := sub.Next(ctx)
	if err == nil || errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "closed the connection") {
		t.Fatalf("Next after the server closed: %v, want the connection's end", err)
	}
}

// TestDialUnreachable checks that Dial gives up within its context.
func TestDialUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close() // accepts nothing: the handshake never completes
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = remote.Dial(ctx, "http://"+ln.Addr().String(), "x")
	if err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("Dial to a silent server: err %v after %v", err, time.Since(start))
	}
}
