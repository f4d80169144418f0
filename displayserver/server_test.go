package displayserver

import (
	"bytes"
	"image"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/xfar/xfar/protocol"
)

const white, black = 0xffffff, 0x000000

// TestXdemoLineInSnapshot draws the seed program's scene over a real socket
// with each codec and finds the line's pixels in /snapshot.png.
func TestXdemoLineInSnapshot(t *testing.T) {
	for _, codec := range []string{"zstd", "s2", "none"} {
		t.Run(codec, func(t *testing.T) {
			s := startServer(t, Config{})
			c := dialRaw(t, s, codec)
			if c.hello.Codec != codec {
				t.Fatalf("negotiated %q, want %q", c.hello.Codec, codec)
			}
			_, _, at := c.xdemoScene()
			if at.Y < titleHeight {
				t.Fatalf("window inside at %v: the title bar (%d px) would be off screen", at, titleHeight)
			}
			img := httpSnapshot(t, s)
			// Both endpoints of an X thin line are drawn (CapButt).
			for _, p := range []image.Point{{10, 60}, {180, 20}, {95, 40}} {
				if got := pixelAt(img, at.X+p.X, at.Y+p.Y); got != white {
					t.Errorf("line pixel %v (screen %v) = %06x, want white", p, at.Add(p), got)
				}
			}
			for _, p := range []image.Point{{0, 0}, {199, 99}, {10, 20}, {180, 60}} {
				if got := pixelAt(img, at.X+p.X, at.Y+p.Y); got != black {
					t.Errorf("background pixel %v = %06x, want black", p, got)
				}
			}
		})
	}
}

func httpSnapshot(t testing.TB, s *Server) *image.RGBA {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+s.HTTPAddr().String()+"/snapshot.png", nil)
	req.Header.Set("Authorization", "Bearer "+s.Cookie())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("snapshot: %s: %s", resp.Status, b)
	}
	img, err := decodePNG(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestSnapshotNeedsToken checks the HTTP side's refusals.
func TestSnapshotNeedsToken(t *testing.T) {
	s := startServer(t, Config{})
	base := "http://" + s.HTTPAddr().String() + "/snapshot.png"
	for _, tc := range []struct {
		url  string
		want int
	}{
		{base, 401},
		{base + "?token=wrong", 403},
		{base + "?token=" + s.Cookie(), 200},
		{base + "?token=" + s.ViewToken(), 200},
	} {
		resp, err := http.Get(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("GET %s: %d, want %d (%s)", tc.url, resp.StatusCode, tc.want, body)
		}
		if tc.want != 200 && !bytes.Contains(body, []byte("token")) {
			t.Errorf("GET %s: refusal %q does not say what is missing", tc.url, body)
		}
	}
}

// TestHandshakeRefusesBadCookie checks that a wrong cookie is refused with
// a reason, and that --no-auth accepts any.
func TestHandshakeRefusesBadCookie(t *testing.T) {
	s := startServer(t, Config{})
	if _, err := tryDialRaw(s, "nope", "none"); err == nil || !bytes.Contains([]byte(err.Error()), []byte("cookie")) {
		t.Fatalf("dial with a wrong cookie: %v; want a refusal naming the cookie", err)
	}
	open := startServer(t, Config{NoAuth: true})
	c, err := tryDialRaw(open, "", "zstd")
	if err != nil {
		t.Fatalf("dial --no-auth server without cookie: %v", err)
	}
	c.conn.Close()
}

// TestErrorsKeepClientConnected sends requests naming missing and foreign
// resources: each gets the right error with its sequence number, and the
// client goes on working.
func TestErrorsKeepClientConnected(t *testing.T) {
	s := startServer(t, Config{})
	a, b := dialRaw(t, s, "zstd"), dialRaw(t, s, "zstd")
	winA, _, _ := a.xdemoScene()
	gcB := b.id()
	s1 := b.send(&protocol.IDRequest{Op: protocol.OpMapWindow, ID: 0x7777})
	s2 := b.send(&protocol.IDRequest{Op: protocol.OpMapWindow, ID: winA})
	s3 := b.send(&protocol.CreateGC{GC: gcB, Drawable: winA})
	s4 := b.send(&protocol.PolyRect{Op: protocol.OpPolyFillRectangle, Drawable: winA, GC: gcB, Rects: []protocol.Rect{{X: 0, Y: 0, W: 10, H: 10}}})
	s5 := b.send(&protocol.CreateWindow{Window: a.hello.IDBase | 99, Parent: 1, Width: 10, Height: 10})
	s6 := b.send(&protocol.CreatePixmap{Pixmap: b.id(), Drawable: 1, Width: 0, Height: 10}) // sizes are BadValue
	// A body too short for its request: BadLength, and the stream goes on.
	bad, _ := protocol.AppendRequest(nil, &protocol.IDRequest{Op: protocol.OpMapWindow, ID: 1})
	bad = protocol.AppendHeader(bad[:0], uint8(protocol.OpMapWindow), 2)
	bad = append(bad, 0, 0)
	b.sendBytes(bad)
	b.seq++
	s7 := b.seq
	errs := b.sync()
	want := []struct {
		seq  uint32
		code protocol.ErrorCode
	}{{s1, protocol.BadWindow}, {s2, protocol.BadWindow}, {s3, protocol.BadDrawable}, {s4, protocol.BadDrawable},
		{s5, protocol.BadIDChoice}, {s6, protocol.BadValue}, {s7, protocol.BadLength}}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors %v, want %d", len(errs), errs, len(want))
	}
	for i, w := range want {
		if errs[i].Seq != w.seq || errs[i].Code != w.code {
			t.Errorf("error %d: %v (seq %d), want %v (seq %d)", i, errs[i].Code, errs[i].Seq, w.code, w.seq)
		}
		if errs[i].Message == "" {
			t.Errorf("error %d: no message", i)
		}
	}
	// b still works: it can draw on its own window.
	bx, _, at := b.xdemoScene()
	_ = bx
	if got := pixelAt(s.Snapshot(), at.X+10, at.Y+60); got != white {
		t.Fatalf("client b's line after its errors: %06x, want white", got)
	}
}

// TestMalformedStreamDisconnectsOnlyThatClient sends each kind of malformed
// stream from its own client while a healthy client keeps drawing; the bad
// client is disconnected (after seeing an error where one fits) and the
// healthy one never notices.
func TestMalformedStreamDisconnectsOnlyThatClient(t *testing.T) {
	s := startServer(t, Config{})
	good := dialRaw(t, s, "zstd")
	_, gc, at := good.xdemoScene()
	_ = gc
	cases := map[string]func(c *rawClient){
		"unknown opcode": func(c *rawClient) { c.sendBytes(protocol.AppendHeader(nil, 200, 0)) },
		"length over limit": func(c *rawClient) {
			c.sendBytes(append(protocol.AppendHeader(nil, uint8(protocol.OpPolyLine), protocol.DefaultMaxRequest+1), 1, 2, 3))
		},
		"fixed-size request claiming megabytes": func(c *rawClient) {
			c.sendBytes(append(protocol.AppendHeader(nil, uint8(protocol.OpMapWindow), 1<<20), 1, 2, 3))
		},
		"garbage": func(c *rawClient) {
			c.sendBytes(bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 64))
		},
	}
	for name, send := range cases {
		t.Run(name, func(t *testing.T) {
			bad := dialRaw(t, s, "none")
			send(bad)
			errs := bad.expectClosed()
			if name != "garbage" && len(errs) == 0 {
				t.Errorf("disconnected without an error message")
			}
		})
	}
	t.Run("compression bomb", func(t *testing.T) {
		bad := dialRaw(t, s, "zstd")
		// A zstd frame asking for a 64 MiB window: over the decoder's limit.
		var frame bytes.Buffer
		e, _ := zstd.NewWriter(&frame, zstd.WithWindowSize(64<<20), zstd.WithEncoderLevel(zstd.SpeedFastest))
		e.Write(bytes.Repeat(protocol.AppendHeader(nil, uint8(protocol.OpSync), 0), 8<<20))
		e.Close()
		bad.conn.Write(frame.Bytes())
		bad.expectClosed()
	})
	// The healthy client carries on: draw more and see it.
	good.send(&protocol.PolyRect{Op: protocol.OpPolyFillRectangle, Drawable: good.hello.IDBase | 1, GC: good.hello.IDBase | 2,
		Rects: []protocol.Rect{{X: 100, Y: 70, W: 5, H: 5}}})
	if errs := good.sync(); len(errs) > 0 {
		t.Fatalf("healthy client got errors: %v", errs)
	}
	if got := pixelAt(s.Snapshot(), at.X+102, at.Y+72); got != white {
		t.Fatalf("healthy client's new rectangle: %06x, want white", got)
	}
}

// TestDisconnectFreesWindows kills a client mid-stream and checks that its
// window leaves the picture while another client's stays.
func TestDisconnectFreesWindows(t *testing.T) {
	s := startServer(t, Config{})
	stay, gone := dialRaw(t, s, "zstd"), dialRaw(t, s, "zstd")
	_, _, atStay := stay.xdemoScene()
	winGone, gcGone, atGone := gone.xdemoSceneAt(400, 300)
	// Mid-stream: half a request, then the connection dies.
	b, _ := protocol.AppendRequest(nil, &protocol.PolyRect{Op: protocol.OpPolyFillRectangle, Drawable: winGone, GC: gcGone,
		Rects: []protocol.Rect{{X: 0, Y: 0, W: 200, H: 100}}})
	gone.w.Write(b[:len(b)/2])
	gone.w.Flush()
	gone.conn.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		img := s.Snapshot()
		stillThere := pixelAt(img, atGone.X+10, atGone.Y+60) == white && pixelAt(img, atGone.X+5, atGone.Y+5) == black
		if !stillThere {
			if got := pixelAt(img, atStay.X+10, atStay.Y+60); got != white {
				t.Fatalf("surviving client's line vanished: %06x", got)
			}
			if atGone != atStay {
				if got := pixelAt(img, atGone.X+5, atGone.Y+5); got != desktopColor && !inWindow(atStay, atGone.Add(image.Pt(5, 5))) {
					t.Fatalf("where the dead client's window was: %06x, want the desktop %06x", got, desktopColor)
				}
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("dead client's window still on screen after 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if errs := stay.sync(); len(errs) > 0 {
		t.Fatal(errs)
	}
}

func inWindow(at, p image.Point) bool {
	return p.In(image.Rect(at.X, at.Y-titleHeight, at.X+200, at.Y+100))
}

// TestClientThatStopsReadingIsDisconnected asks for large replies without
// ever reading them: the server must drop that client once its bounded
// queue is full, and serve others meanwhile.
func TestClientThatStopsReadingIsDisconnected(t *testing.T) {
	s := startServer(t, Config{MaxQueuedBytes: 256 << 10})
	other := dialRaw(t, s, "zstd")
	hog := dialRaw(t, s, "none")
	pm := hog.id()
	hog.send(&protocol.CreatePixmap{Pixmap: pm, Drawable: 1, Width: 200, Height: 200})
	// 160 KB per reply: 100 of them overflow the 256 KiB queue plus
	// whatever the sockets buffer.
	// The server may cut the hog off while it is still sending (its
	// replies fill the queue as fast as it asks): a write error here is
	// the behaviour under test, not a failure.
	var b []byte
	for i := 0; i < 100; i++ {
		var err error
		if b, err = protocol.AppendRequest(b, &protocol.GetImage{Drawable: pm, W: 200, H: 200}); err != nil {
			t.Fatal(err)
		}
	}
	hog.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := hog.w.Write(b); err == nil {
		err = hog.w.Flush()
		if err != nil {
			t.Logf("hog cut off while sending: %v", err)
		}
	} else {
		t.Logf("hog cut off while sending: %v", err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		s.mu.Lock()
		n := len(s.conns)
		s.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("client that never reads is still connected (%d clients)", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	other.xdemoScene()
}
