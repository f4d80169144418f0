package attack

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pion/webrtc/v3"

	"github.com/xfar/xfar/internal/otherhost"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/viewer/remote"
	"github.com/xfar/xfar/xclient"
)

// flood sends the requests make returns, over and over, for d; it
// returns how many requests went out. Writes that block (the server
// throttles a client whose inbox is full) end with the connection.
func flood(r *raw, d time.Duration, make func() []protocol.Request) int {
	var n atomic.Int64
	done := make0()
	go func() {
		defer close(done)
		for end := time.Now().Add(d); time.Now().Before(end); {
			reqs := make()
			if !r.send(reqs...) {
				return
			}
			n.Add(int64(len(reqs)))
		}
	}()
	select {
	case <-done:
	case <-time.After(d + 2*time.Second):
		// Still blocked in a write: the server is throttling us, as it
		// should. Unblock by giving up the connection.
		r.conn.Close()
		<-done
	}
	return int(n.Load())
}

func make0() chan struct{} { return make(chan struct{}) }

// TestAttackPolyArcHuge: one PolyArc 65535x65535 with line width 16384 is
// 28 bytes; it froze the display for 72-109 s.
func TestAttackPolyArcHuge(t *testing.T) {
	d := startDisplay(t)
	good := d.good()
	a := d.attacker("zstd")
	win, gc := a.window(protocol.GCValues{ValueMask: protocol.GCLineWidth, LineWidth: 16384})
	var sent int
	during(t, d, good, baseRSSCap, func() {
		sent = flood(a, 3*time.Second, func() []protocol.Request {
			return []protocol.Request{&protocol.PolyArcs{Op: protocol.OpPolyArc, Drawable: win, GC: gc,
				Arcs: []protocol.Arc{{X: -32768, Y: -32768, W: 65535, H: 65535, Angle1: 0, Angle2: 360 * 64}}}}
		})
	})
	t.Logf("attacker wrote %d huge arcs in 3 s (zstd: most of them still compressed in socket buffers when it gave up)", sent)
}

// TestAttackFillPoly40k: FillPoly with 40,000 points (160 KB) froze the
// display for 2.6-9.3 s each (cost grew with n squared).
func TestAttackFillPoly40k(t *testing.T) {
	d := startDisplay(t)
	good := d.good()
	a := d.attacker("zstd")
	win, gc := a.window(protocol.GCValues{})
	pts := make([]protocol.Point, 40000)
	for i := range pts {
		pts[i] = protocol.Point{X: int16(rand.IntN(65536) - 32768), Y: int16(rand.IntN(65536) - 32768)}
	}
	var sent int
	during(t, d, good, baseRSSCap, func() {
		sent = flood(a, 3*time.Second, func() []protocol.Request {
			return []protocol.Request{&protocol.FillPoly{Drawable: win, GC: gc, Shape: 0, Points: pts}}
		})
	})
	t.Logf("attacker wrote %d 40,000-point polygons in 3 s", sent)
}

// TestAttackXorFloodThenHangUp: a zstd stream of XOR fills over a
// 4096x4096 pixmap (tiny on the wire, 16 Mpx of work each) froze the
// display for the whole test, and after the attacker hung up.
func TestAttackXorFloodThenHangUp(t *testing.T) {
	d := startDisplay(t)
	good := d.good()
	a := d.attacker("zstd")
	pm, gc := a.id(), a.id()
	a.send(&protocol.CreatePixmap{Pixmap: pm, Drawable: a.hello.Root, Width: 4096, Height: 4096},
		&protocol.CreateGC{GC: gc, Drawable: pm, Values: protocol.GCValues{ValueMask: protocol.GCFunction | protocol.GCForeground, Function: 6, Foreground: 0xffffff}})
	if errs, err := a.sync(10 * time.Second); err != nil || len(errs) > 0 {
		t.Fatalf("set-up: %v %v", errs, err)
	}
	fill := &protocol.PolyRect{Op: protocol.OpPolyFillRectangle, Drawable: pm, GC: gc, Rects: []protocol.Rect{{W: 4096, H: 4096}}}
	batch := make([]protocol.Request, 200)
	for i := range batch {
		batch[i] = fill
	}
	during(t, d, good, 512<<20, func() {
		sent := flood(a, 2*time.Second, func() []protocol.Request { return batch })
		t.Logf("attacker wrote %d XOR fills of 16 Mpx in 2 s (most never left its zstd stream), then hung up", sent)
		a.conn.Close()
		time.Sleep(2 * time.Second) // the good client keeps measuring after the hang-up
	})
}

// TestAttackHugeWindows: three CreateWindow 16384x16384 ended in "fatal
// error: out of memory" after 2 GiB. Now each is BadAlloc.
func TestAttackHugeWindows(t *testing.T) {
	d := startDisplay(t)
	good := d.good()
	a := d.attacker("zstd")
	during(t, d, good, baseRSSCap, func() {
		for i := 0; i < 3; i++ {
			a.send(&protocol.CreateWindow{Window: a.id(), Parent: a.hello.Root, Width: 16384, Height: 16384})
		}
		errs, err := a.sync(10 * time.Second)
		if err != nil {
			t.Fatalf("attacker cut off instead of refused: %v", err)
		}
		if len(errs) != 3 || errs[0].Code != protocol.BadAlloc {
			t.Fatalf("errors %v, want 3 BadAlloc", errs)
		}
		t.Logf("refused: %s", errs[0].Message)
	})
}

// TestAttackWindowFloodQueryTree: two clients creating 2 million windows
// each, then QueryTree(root), panicked the server ("reply exceeds
// MaxBody"). Now windows beyond the per-client limit are BadAlloc and
// QueryTree answers.
func TestAttackWindowFloodQueryTree(t *testing.T) {
	d := startDisplay(t)
	good := d.good()
	var as []*raw
	for i := 0; i < 2; i++ {
		as = append(as, d.attacker("zstd"))
	}
	during(t, d, good, 512<<20, func() {
		var wg sync.WaitGroup
		for _, a := range as {
			wg.Add(1)
			go func() {
				defer wg.Done()
				batch := make([]protocol.Request, 0, 1000)
				for i := 0; i < 15; i++ {
					batch = batch[:0]
					for j := 0; j < 1000; j++ {
						batch = append(batch, &protocol.CreateWindow{Window: a.id(), Parent: a.hello.Root, Width: 1, Height: 1})
					}
					if !a.send(batch...) {
						t.Errorf("attacker cut off while creating windows")
						return
					}
				}
				errs, err := a.sync(60 * time.Second)
				if err != nil {
					t.Errorf("attacker's sync: %v", err)
					return
				}
				if len(errs) != 5000 || errs[0].Code != protocol.BadAlloc {
					t.Errorf("%d errors, want 5000 BadAlloc beyond the 10,000-window limit", len(errs))
				}
			}()
		}
		wg.Wait()
		tree, err := good.QueryTree(good.Root())
		if err != nil {
			t.Fatalf("QueryTree(root): %v", err)
		}
		t.Logf("QueryTree(root) answered with %d children", len(tree.Children))
	})
}

// TestAttackNeverReads: clients that never read their replies held
// 250-334 MiB each (8 of them: 1.3 GB) although the bound was 64 MiB.
func TestAttackNeverReads(t *testing.T) {
	d := startDisplay(t)
	good := d.good()
	const hogs = 4
	var as []*raw
	for i := 0; i < hogs; i++ {
		as = append(as, d.attacker("none"))
	}
	during(t, d, good, baseRSSCap+hogs*96<<20, func() {
		var wg sync.WaitGroup
		var cut atomic.Int32
		for _, a := range as {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req := &protocol.GetImage{Drawable: a.hello.Root, W: 640, H: 480}
				for i := 0; i < 400; i++ { // 1.2 MB per reply: 480 MB asked
					if !a.send(req) {
						cut.Add(1)
						return
					}
				}
				// Not cut off by the writes alone: the server must close it.
				a.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
				time.Sleep(time.Second)
				a.conn.(*net.TCPConn).CloseWrite()
				if _, err := io.Copy(io.Discard, a.conn); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
					// EOF (nil) is also a close by the server; a timeout is not.
					if err != nil {
						return
					}
				}
				cut.Add(1)
			}()
		}
		wg.Wait()
		t.Logf("%d of %d non-reading clients cut off", cut.Load(), hogs)
	})
}

// TestAttackHTTPSlowBodies: 19,990 unauthenticated HTTP requests that
// never finished their body used every file descriptor; new xfar clients
// could not connect.
func TestAttackHTTPSlowBodies(t *testing.T) {
	d := startDisplay(t)
	d.noSnapshot = true
	good := d.good()
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	during(t, d, good, baseRSSCap, func() {
		for i := 0; i < 3000; i++ {
			c, err := net.Dial("tcp", "127.0.0.1:"+d.httpPort)
			if err != nil {
				break
			}
			fmt.Fprintf(c, "POST /offer HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{")
			conns = append(conns, c)
		}
		time.Sleep(500 * time.Millisecond)
		n := d.fds()
		t.Logf("%d slow HTTP connections opened; the server holds %d file descriptors", len(conns), n)
		if n > 200 {
			t.Errorf("server holds %d file descriptors", n)
		}
		c, err := xclient.Dial(d.name(), xclient.WithAuth(d.cookie))
		if err != nil {
			t.Fatalf("a new xfar client cannot connect during the HTTP flood: %v", err)
		}
		c.Close()
	})
}

// feedStatus opens a remote-feed session and returns its HTTP status
// (101 when it was upgraded, 0 when the connection was refused); an
// upgraded connection stays open until cleanup.
func (d *display) feedStatus(t *testing.T, token string) int {
	c, err := net.Dial("tcp", "127.0.0.1:"+d.httpPort)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "GET /feed HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: %s\r\n\r\n", token, remote.Subprotocol)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		c.Close()
		return 0 // refused on accept (the per-address connection cap)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		c.Close() // a refused attacker does not keep the connection
	}
	return resp.StatusCode
}

// TestAttackViewOnlyFeeds: 300 view-only /feed sessions were all
// accepted, about 5 MiB each.
func TestAttackViewOnlyFeeds(t *testing.T) {
	d := startDisplay(t)
	good := d.good()
	during(t, d, good, baseRSSCap, func() {
		ok := 0
		for i := 0; i < 300; i++ {
			if d.feedStatus(t, d.view) == http.StatusSwitchingProtocols {
				ok++
			}
		}
		t.Logf("%d of 300 view-only feed sessions accepted", ok)
		if ok > 16 {
			t.Errorf("%d view-only feeds accepted, limit 16", ok)
		}
		if s := d.feedStatus(t, d.cookie); s != http.StatusSwitchingProtocols {
			t.Errorf("full-control feed refused (%d) with the view-only slots taken", s)
		}
	})
}

// TestAttackViewOnlyWebRTC: 100 WebRTC offers with the view-only token
// took all 32 slots, locking the full-control viewer out.
func TestAttackViewOnlyWebRTC(t *testing.T) {
	d := startDisplay(t)
	good := d.good()
	pc, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if _, err := pc.CreateDataChannel("x", nil); err != nil {
		t.Fatal(err)
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	pc.SetLocalDescription(offer)
	<-gathered
	body := fmt.Sprintf(`{"type":"offer","sdp":%q}`, pc.LocalDescription().SDP)
	post := func(token string) int {
		req, _ := http.NewRequest("POST", "http://127.0.0.1:"+d.httpPort+"/offer", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	during(t, d, good, baseRSSCap, func() {
		ok := 0
		for i := 0; i < 100; i++ {
			if post(d.view) == 200 {
				ok++
			}
		}
		t.Logf("%d of 100 view-only offers answered", ok)
		if s := post(d.cookie); s != 200 {
			t.Errorf("full-control offer refused (%d) after 100 view-only offers", s)
		}
	})
}

// TestAttackCookieGuessing: about 6,000 tries/s per display, no back-off.
func TestAttackCookieGuessing(t *testing.T) {
	d := startDisplay(t)
	good := d.good()
	var tries atomic.Int64
	during(t, d, good, baseRSSCap, func() {
		var wg sync.WaitGroup
		end := time.Now().Add(3 * time.Second)
		for i := 0; i < 32; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(end) {
					r, err := dialRaw(t, d.tcp(), fmt.Sprintf("%032x", rand.Uint64()), "none")
					if err == nil {
						r.conn.Close()
						t.Error("a guessed cookie was accepted")
						return
					}
					if strings.Contains(err.Error(), "refused:") {
						tries.Add(1)
					}
				}
			}()
		}
		wg.Wait()
	})
	rate := float64(tries.Load()) / 3
	t.Logf("%d wrong cookies answered in 3 s: %.1f tries/s", tries.Load(), rate)
	if rate > 50 {
		t.Errorf("%.0f guesses/s answered; want under 50", rate)
	}
	// The right cookie still works from the same address.
	c, err := xclient.Dial(d.name(), xclient.WithAuth(d.cookie))
	if err != nil {
		t.Fatalf("right cookie refused after the guessing: %v", err)
	}
	c.Close()
}

// TestAttackAnotherLocalUser: /tmp/.xfar-unix was world-writable without
// the sticky bit: any user could replace another user's socket.
func TestAttackAnotherLocalUser(t *testing.T) {
	d := startDisplay(t)
	d.good()
	fi, err := os.Stat(protocol.SocketDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %v", protocol.SocketDir, fi.Mode())
	if fi.Mode()&os.ModeSticky == 0 {
		t.Fatalf("%s has no sticky bit: %v", protocol.SocketDir, fi.Mode())
	}
	sock := protocol.SocketPath(d.n)
	out, err := exec.Command("runuser", "-u", "nobody", "--", "rm", "-f", sock).CombinedOutput()
	if err == nil {
		t.Errorf("user nobody removed the display's socket")
	}
	t.Logf("user nobody: rm %s: %s", sock, strings.TrimSpace(string(out)))
	if _, err := os.Stat(sock); err != nil {
		t.Fatalf("socket gone: %v", err)
	}
	c, err := xclient.Dial(fmt.Sprintf(":%d", d.n), xclient.WithAuth(d.cookie))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// TestAttackCookieToOtherHost: `xdemo --display otherhost:41` sent this
// machine's cookie for display 41 to whatever host the name pointed at.
func TestAttackCookieToOtherHost(t *testing.T) {
	// This machine's display N has a cookie in ~/.xfar/auth-N, as its
	// display server leaves it.
	d := &display{n: freeDisplay(t), home: t.TempDir(), cookie: "0123456789abcdef0123456789abcdef"}
	os.Mkdir(filepath.Join(d.home, ".xfar"), 0o700)
	cookieFile := filepath.Join(d.home, ".xfar", fmt.Sprintf("auth-%d", d.n))
	if err := os.WriteFile(cookieFile, []byte(d.cookie+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// "otherhost": this machine's non-loopback address, a listener that
	// records the hello.
	ip := otherhost.IPv4(t)
	// By default the client speaks TLS to another machine: the listener
	// sees a TLS record first, never a hello with a cookie in it.
	if first, _ := captureHello(t, ip, d, nil); first != 0x16 {
		t.Fatalf("first byte to another host %#x, want a TLS record (0x16)", first)
	}
	// In the clear (the user asked), the hello carries no cookie, not
	// this machine's.
	_, auth := captureHello(t, ip, d, []string{"XFAR_TLS=off"})
	if auth == d.cookie {
		t.Fatalf("xdemo sent this machine's display %d cookie to %s", d.n, ip)
	}
	t.Logf("xdemo --display %s:%d: TLS first; in the clear it sent cookie %q", ip, d.n, auth)
}

// captureHello runs xdemo against a listener at ip for display d and
// returns the first byte it sent and, for a plain hello, its cookie.
func captureHello(t *testing.T, ip string, d *display, env []string) (byte, string) {
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, fmt.Sprint(protocol.TCPBasePort+d.n)))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	type result struct {
		first byte
		auth  string
	}
	got := make(chan result, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		br := bufio.NewReader(c)
		b, err := br.Peek(1)
		if err != nil {
			return
		}
		if b[0] != 'X' {
			got <- result{first: b[0]}
			return
		}
		h, err := protocol.ReadClientHello(br)
		if err == nil {
			got <- result{first: b[0], auth: h.Auth}
		}
		(&protocol.ServerHello{Major: protocol.MajorVersion, Reason: "test over"}).WriteTo(c)
	}()
	x := exec.Command(binary(t, "xdemo"), "--display", fmt.Sprintf("%s:%d", ip, d.n))
	x.Env = append(append(os.Environ(), "HOME="+d.home, "XFAR_AUTH="), env...)
	out, _ := x.CombinedOutput()
	select {
	case r := <-got:
		return r.first, r.auth
	case <-time.After(10 * time.Second):
		t.Fatalf("xdemo never connected: %s", out)
	}
	return 0, ""
}

// TestAttackRedirectEchoesToken: path-cleaning redirects echoed the
// token in Location.
func TestAttackRedirectEchoesToken(t *testing.T) {
	d := startDisplay(t)
	for _, p := range []string{"//snapshot.png", "/x/../snapshot.png", "/./"} {
		c, err := net.Dial("tcp", "127.0.0.1:"+d.httpPort)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "GET %s?token=%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", p, d.cookie)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("GET %s?token=…: %s, Location %q", p, resp.Status, resp.Header.Get("Location"))
		if strings.Contains(resp.Header.Get("Location"), d.cookie) {
			t.Errorf("GET %s: Location echoes the token", p)
		}
	}
}

// TestAttackSIGTERMDuringFlood: SIGTERM waited for the 72 s arc; now the
// server ends within a second whatever it is doing, and clients are told
// why.
func TestAttackSIGTERMDuringFlood(t *testing.T) {
	d := startDisplay(t)
	good := d.good()
	a := d.attacker("zstd")
	win, gc := a.window(protocol.GCValues{ValueMask: protocol.GCLineWidth, LineWidth: 16384})
	go flood(a, 10*time.Second, func() []protocol.Request {
		return []protocol.Request{&protocol.PolyArcs{Op: protocol.OpPolyArc, Drawable: win, GC: gc,
			Arcs: []protocol.Arc{{X: -32768, Y: -32768, W: 65535, H: 65535, Angle1: 0, Angle2: 360 * 64}}}}
	})
	time.Sleep(time.Second)
	start := time.Now()
	d.ending.Store(true)
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-d.done:
		d.done <- err
		el := time.Since(start)
		t.Logf("exited %v after SIGTERM (%v)", el.Round(time.Millisecond), err)
		if el > time.Second {
			t.Errorf("took %v to exit, bound 1 s", el)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("display server still running 10 s after SIGTERM")
	}
	// The well-behaved client was told why.
	var why string
	for {
		ev, err := good.PollEvent()
		var pe *protocol.Error
		if errors.As(err, &pe) {
			why = pe.Message
			break
		}
		if ev == nil && err == nil {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if err != nil {
			break
		}
	}
	t.Logf("the well-behaved client was told: %q", why)
	if !strings.Contains(why, "shutting down") {
		t.Errorf("client not told why it was disconnected (got %q)", why)
	}
}
