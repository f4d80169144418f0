package attack

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xfar/xfar/compress"
	"github.com/xfar/xfar/internal/rawconn"
	"github.com/xfar/xfar/internal/syncbuf"
	"github.com/xfar/xfar/internal/testbin"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// The stated bounds.
const (
	// maxRoundTrip bounds the well-behaved client's Sync round trip (and a
	// snapshot) while an attack runs. Before the limits the display froze
	// for 2.6 to 109 s per request and far longer under a 3 s flood; on a
	// quiet machine the worst case is now a few hundred ms, median tens of
	// ms. The bound leaves room for a 2-core machine running the race
	// detector and other tests beside the attack (1.36 s seen there).
	maxRoundTrip = 2500 * time.Millisecond
	// baseRSSCap bounds the display server's resident memory under the
	// attacks that are not about memory held by design.
	baseRSSCap = 256 << 20
)

// bins are displayserver and xdemo, built once per run (or taken from
// $XFAR_ATTACK_BINDIR, which is then left in place).
var bins = testbin.New("xfar-attack-bin-", "XFAR_ATTACK_BINDIR",
	"github.com/xfar/xfar/cmd/displayserver", "github.com/xfar/xfar/cmd/xdemo")

func TestMain(m *testing.M) {
	code := m.Run()
	bins.Remove()
	os.Exit(code)
}

// binary returns the path of the named command of bins.
func binary(t testing.TB, name string) string {
	t.Helper()
	return bins.Path(t, name)
}

// display is a running displayserver binary.
type display struct {
	t        testing.TB
	n        int
	home     string
	cmd      *exec.Cmd
	out      *syncbuf.Buffer
	done     chan error
	cookie   string
	view     string
	httpPort string
	// ending is set when the test ends the server itself, so xdemo
	// exiting is expected.
	ending atomic.Bool
	// noSnapshot skips measuring /snapshot.png during an attack on the
	// HTTP port itself (its per-address caps refuse this test's address).
	noSnapshot bool
}

var tokenRe = regexp.MustCompile(`http://\S+:(\d+)/\?token=([0-9a-f]+)`)

func freeDisplay(t testing.TB) int {
	for i := 0; i < 500; i++ {
		n := 100 + rand.IntN(protocol.MaxDisplay-100)
		if _, err := os.Stat(protocol.SocketPath(n)); err == nil {
			continue
		}
		ok := true
		for _, p := range []int{protocol.TCPBasePort + n, protocol.HTTPBasePort + n} {
			ln, err := net.Listen("tcp", ":"+strconv.Itoa(p))
			if err != nil {
				ok = false
				break
			}
			ln.Close()
		}
		if ok {
			return n
		}
	}
	t.Fatal("no free display number")
	return 0
}

// startDisplay runs the display server binary on a free display number
// with a fresh HOME, and waits for its banner.
func startDisplay(t testing.TB, args ...string) *display {
	t.Helper()
	d := &display{t: t, n: freeDisplay(t), home: t.TempDir(), out: &syncbuf.Buffer{}, done: make(chan error, 1)}
	args = append([]string{"--display", fmt.Sprintf(":%d", d.n), "--no-window", "--geometry", "640x480"}, args...)
	d.cmd = exec.Command(binary(t, "displayserver"), args...)
	d.cmd.Env = append(os.Environ(), "HOME="+d.home, "XFAR_DISPLAY=", "XFAR_AUTH=", "DISPLAY=", "WAYLAND_DISPLAY=")
	d.cmd.Stdout, d.cmd.Stderr = d.out, d.out
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.done <- d.cmd.Wait() }()
	t.Cleanup(func() {
		d.cmd.Process.Kill()
		<-d.done
		d.done <- nil
		if t.Failed() {
			out := d.out.String()
			if len(out) > 8000 {
				out = out[:4000] + "\n…\n" + out[len(out)-4000:]
			}
			t.Logf("display server output:\n%s", out)
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		ms := tokenRe.FindAllStringSubmatch(d.out.String(), -1)
		if len(ms) >= 2 {
			d.httpPort, d.cookie, d.view = ms[0][1], ms[0][2], ms[1][2]
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("display server printed no viewer URLs:\n%s", d.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// alive fails the test if the server process has exited.
func (d *display) alive() {
	d.t.Helper()
	select {
	case err := <-d.done:
		d.done <- err
		d.t.Fatalf("display server died: %v", err)
	default:
	}
}

// rss is the server's resident memory in bytes.
func (d *display) rss() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", d.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// fds counts the server's open file descriptors.
func (d *display) fds() int {
	es, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", d.cmd.Process.Pid))
	return len(es)
}

// tcp is the display's client port; name is its display name over TCP.
func (d *display) tcp() string  { return fmt.Sprintf("127.0.0.1:%d", protocol.TCPBasePort+d.n) }
func (d *display) name() string { return fmt.Sprintf("127.0.0.1:%d", d.n) }

// good connects the well-behaved client (xclient over the Unix socket)
// and starts an xdemo over TCP beside it.
func (d *display) good() *xclient.Conn {
	d.t.Helper()
	c, err := xclient.Dial(fmt.Sprintf(":%d", d.n), xclient.WithAuth(d.cookie))
	if err != nil {
		d.t.Fatal(err)
	}
	d.t.Cleanup(func() { c.Close() })
	x := exec.Command(binary(d.t, "xdemo"), "--display", d.name(), "--auth", d.cookie)
	x.Env = append(os.Environ(), "HOME="+d.home)
	xo := &syncbuf.Buffer{}
	x.Stdout, x.Stderr = xo, xo
	if err := x.Start(); err != nil {
		d.t.Fatal(err)
	}
	xdone := make(chan error, 1)
	go func() { xdone <- x.Wait() }()
	d.t.Cleanup(func() {
		select {
		case err := <-xdone:
			if d.ending.Load() {
				return
			}
			d.t.Errorf("xdemo exited during the attack: %v\n%s", err, xo.String())
		default:
			x.Process.Kill()
			<-xdone
		}
	})
	// Wait for xdemo's window, so that it is connected before any attack.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		tree, err := c.QueryTree(c.Root())
		if err != nil {
			d.t.Fatal(err)
		}
		found := false
		for _, w := range tree.Children {
			if g, err := c.GetGeometry(xclient.Window(w)); err == nil && g.Width == 200 && g.Height == 100 {
				found = true
			}
		}
		if found {
			break
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("xdemo's window never appeared:\n%s", xo.String())
		}
	}
	return c
}

// roundTrips measures the good client's Sync round trips until stop is
// closed; it returns the largest and the median.
func roundTrips(t testing.TB, c *xclient.Conn, stop <-chan struct{}) (maxRT, median time.Duration) {
	var rts []time.Duration
	for {
		select {
		case <-stop:
			if len(rts) == 0 {
				return 0, 0
			}
			slices.Sort(rts)
			return rts[len(rts)-1], rts[len(rts)/2]
		default:
		}
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, err := c.SyncAsync().ReplyContext(ctx)
		cancel()
		rt := time.Since(start)
		if err != nil {
			t.Errorf("well-behaved client's Sync after %v: %v", rt, err)
			return rt, rt
		}
		rts = append(rts, rt)
		time.Sleep(20 * time.Millisecond)
	}
}

// during runs attack while measuring the good client and the server's
// peak RSS, then checks the stated bounds.
func during(t *testing.T, d *display, good *xclient.Conn, rssCap int64, attack func()) {
	t.Helper()
	stop := make(chan struct{})
	var maxRT, med, maxSnap time.Duration
	var peak int64
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		if d.noSnapshot {
			return
		}
		maxSnap = snapshots(t, d, stop)
	}()
	go func() {
		defer wg.Done()
		maxRT, med = roundTrips(t, good, stop)
	}()
	go func() {
		defer wg.Done()
		tk := time.NewTicker(20 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
				peak = max(peak, d.rss())
			}
		}
	}()
	attack()
	close(stop)
	wg.Wait()
	peak = max(peak, d.rss())
	d.alive()
	t.Logf("well-behaved client's round trip during the attack: max %v, median %v; /snapshot.png max %v; server peak RSS %d MiB",
		maxRT.Round(time.Microsecond), med.Round(time.Microsecond), maxSnap.Round(time.Microsecond), peak>>20)
	if maxRT > maxRoundTrip {
		t.Errorf("round trip %v during the attack, bound %v", maxRT, maxRoundTrip)
	}
	if maxSnap > maxRoundTrip {
		t.Errorf("/snapshot.png took %v during the attack, bound %v", maxSnap, maxRoundTrip)
	}
	if peak > rssCap {
		t.Errorf("server RSS peaked at %d MiB, cap %d MiB", peak>>20, rssCap>>20)
	}
}

// raw is an attacker speaking the protocol directly, so it can send what
// xclient would refuse to.
type raw struct {
	t      testing.TB
	conn   net.Conn
	hello  *protocol.ServerHello
	w      compress.Writer
	r      *bufio.Reader
	seq    uint32
	nextID uint32
	buf    []byte
}

func dialRaw(t testing.TB, addr, cookie, codec string) (*raw, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	h, w, r, err := rawconn.Handshake(conn, cookie, codec)
	if err != nil {
		return nil, err
	}
	return &raw{t: t, conn: conn, hello: h, w: w, r: r, nextID: 1}, nil
}

func (d *display) attacker(codec string) *raw {
	d.t.Helper()
	r, err := dialRaw(d.t, d.tcp(), d.cookie, codec)
	if err != nil {
		d.t.Fatal(err)
	}
	d.t.Cleanup(func() { r.conn.Close() })
	return r
}

func (r *raw) id() uint32 {
	id := r.hello.IDBase | r.nextID
	r.nextID++
	return id
}

// send writes requests and flushes; it reports false once the server has
// closed the connection.
func (r *raw) send(reqs ...protocol.Request) bool {
	var b []byte
	for _, q := range reqs {
		var err error
		if b, err = protocol.AppendRequest(b, q); err != nil {
			r.t.Fatal(err)
		}
		r.seq++
	}
	r.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	if _, err := r.w.Write(b); err != nil {
		return false
	}
	return r.w.Flush() == nil
}

// sync sends Sync and reads until its reply, returning the errors before
// it, or the read error.
func (r *raw) sync(timeout time.Duration) ([]*protocol.Error, error) {
	if !r.send(&protocol.Sync{}) {
		return nil, fmt.Errorf("send failed")
	}
	want := r.seq
	var errs []*protocol.Error
	r.conn.SetReadDeadline(time.Now().Add(timeout))
	for {
		h, body, err := protocol.ReadMessage(r.r, r.buf, protocol.MaxBody)
		r.buf = body
		if err != nil {
			return errs, err
		}
		m, err := protocol.DecodeServerMessage(h, body)
		if err != nil {
			return errs, err
		}
		switch m := m.(type) {
		case *protocol.Reply:
			if m.Seq == want {
				return errs, nil
			}
		case *protocol.Error:
			errs = append(errs, m)
		}
	}
}

// window creates a mapped 640x480 window and a GC with the given values.
func (r *raw) window(v protocol.GCValues) (win, gc uint32) {
	win, gc = r.id(), r.id()
	r.send(&protocol.CreateWindow{Window: win, Parent: r.hello.Root, Width: 640, Height: 480},
		&protocol.IDRequest{Op: protocol.OpMapWindow, ID: win},
		&protocol.CreateGC{GC: gc, Drawable: win, Values: v})
	if errs, err := r.sync(10 * time.Second); err != nil || len(errs) > 0 {
		r.t.Fatalf("attacker set-up: %v %v", errs, err)
	}
	return win, gc
}

// snapshots fetches /snapshot.png every 50 ms until stop and returns the
// longest it took.
func snapshots(t testing.TB, d *display, stop <-chan struct{}) time.Duration {
	var worst time.Duration
	client := &http.Client{Timeout: 30 * time.Second}
	for {
		select {
		case <-stop:
			return worst
		default:
		}
		start := time.Now()
		req, _ := http.NewRequest("GET", "http://127.0.0.1:"+d.httpPort+"/snapshot.png", nil)
		req.Header.Set("Authorization", "Bearer "+d.cookie)
		resp, err := client.Do(req)
		if err != nil {
			t.Errorf("snapshot during the attack: %v", err)
			return time.Since(start)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("snapshot during the attack: %s", resp.Status)
		}
		worst = max(worst, time.Since(start))
		time.Sleep(50 * time.Millisecond)
	}
}
