package bench

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync/atomic"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// SessionResult is one run of the seed's program (open a 200x100 window,
// wait until it is mapped, draw a line) through a counting, delaying
// proxy.
type SessionResult struct {
	Name string
	// C2S and S2C are the bytes each way for the whole session, from
	// connect to close.
	C2S, S2C int64
	// RoundTrips counts the times the client sent after having had to
	// wait for the server, from connect to the first drawing request.
	RoundTrips int
	// FirstPixel is the time from connect until the drawing request
	// reached the server, with the emulated round-trip time: the fastest
	// of the runs, and their median.
	FirstPixel, Median time.Duration
	Err                error
}

// repeatSession runs a session runs times and keeps the fastest first
// pixel and the median; bytes and round trips come from the fastest run.
func repeatSession(runs int, one func() SessionResult) SessionResult {
	var best SessionResult
	var times []float64
	for i := range runs {
		r := one()
		if r.Err != nil {
			return r
		}
		times = append(times, float64(r.FirstPixel))
		if i == 0 || r.FirstPixel < best.FirstPixel {
			best = r
		}
	}
	best.Median = time.Duration(median(times))
	return best
}

// countConn counts what the client wrote, so the replay can say where in
// the stream its drawing request ended.
type countConn struct {
	net.Conn
	n atomic.Int64
}

func (c *countConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.n.Add(int64(n))
	return n, err
}

// analyse turns a finished session's trace into the result, given the
// client-stream offset at which the first drawing request ends.
func analyse(name string, s *Session, drawEnd int64) SessionResult {
	r := SessionResult{Name: name}
	r.C2S, r.S2C = s.Bytes()
	chunks, _ := s.Trace()
	// The chunk that delivered the drawing request's last byte.
	var got int64
	drawRead := time.Duration(-1)
	for _, c := range chunks {
		if c.Dir != ClientToServer {
			continue
		}
		got += int64(c.N)
		if got >= drawEnd {
			r.FirstPixel, drawRead = c.Delivered, c.Read
			break
		}
	}
	if drawRead < 0 {
		r.Err = fmt.Errorf("drawing request (ending at byte %d) never reached the server (%d bytes did)", drawEnd, got)
		return r
	}
	// Blocking round trips: in the order the two ends sent, each switch
	// from the server talking to the client talking.
	sort.SliceStable(chunks, func(i, j int) bool { return chunks[i].Read < chunks[j].Read })
	prev := Dir(-1)
	for _, c := range chunks {
		if c.Read > drawRead {
			break
		}
		if c.Dir == ClientToServer && prev == ServerToClient {
			r.RoundTrips++
		}
		prev = c.Dir
	}
	return r
}

// runSession starts a proxy in front of upstream, runs client against it
// and analyses the trace. client returns the offset of the end of its
// drawing request in its stream, or -1 to have it parsed as X11.
func runSession(ctx context.Context, name string, ln net.Listener, upstream func() (net.Conn, error), oneWay time.Duration,
	client func(addr net.Addr) (int64, error)) SessionResult {
	p := NewProxy(ln, upstream, oneWay, true)
	defer p.Close()
	drawEnd, err := client(p.Addr())
	if err != nil {
		return SessionResult{Name: name, Err: err}
	}
	ss := p.Sessions()
	if len(ss) != 1 {
		return SessionResult{Name: name, Err: fmt.Errorf("%d connections through the proxy, want 1", len(ss))}
	}
	select {
	case <-ss[0].Done():
	case <-ctx.Done():
		return SessionResult{Name: name, Err: ctx.Err()}
	case <-time.After(10 * time.Second):
		return SessionResult{Name: name, Err: fmt.Errorf("session did not end within 10s of the client closing")}
	}
	if drawEnd < 0 {
		_, c2s := ss[0].Trace()
		end, err := firstXDrawEnd(c2s)
		if err != nil {
			return SessionResult{Name: name, Err: err}
		}
		drawEnd = int64(end)
	}
	return analyse(name, ss[0], drawEnd)
}

// The seed program's window and line.
const (
	seedW, seedH = 200, 100
	black, white = 0x000000, 0xffffff
)

// xdemoXfar replays xdemo's start (cmd/xdemo: create, select input, title,
// map, GC, wait for MapNotify, draw the line, flush) through xclient.
func xdemoXfar(ctx context.Context, addr net.Addr, codec string) (int64, error) {
	raw, err := net.Dial(addr.Network(), addr.String())
	if err != nil {
		return 0, err
	}
	nc := &countConn{Conn: raw}
	c, err := xclient.DialConn(nc, xclient.WithCodecs(codec))
	if err != nil {
		return 0, fmt.Errorf("xdemo (xfar %s): %w", codec, err)
	}
	defer c.Close()
	win, err := c.CreateWindow(c.Root(), 0, 0, seedW, seedH, &xclient.WindowOptions{Background: black, Border: black})
	if err != nil {
		return 0, err
	}
	if err := c.SelectInput(win, protocol.StructureNotifyMask|protocol.ButtonPressMask|protocol.KeyPressMask|protocol.ExposureMask); err != nil {
		return 0, err
	}
	if err := c.SetTitle(win, "xdemo"); err != nil {
		return 0, err
	}
	if err := c.MapWindow(win); err != nil {
		return 0, err
	}
	gc, err := c.CreateGC(win, &xclient.GCValues{Mask: protocol.GCForeground, Foreground: white})
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		ev, err := c.NextEvent(ctx)
		if err != nil {
			return 0, fmt.Errorf("xdemo (xfar %s) waiting for MapNotify: %w", codec, err)
		}
		if ev.Code == protocol.MapNotify && ev.Window == uint32(win) {
			break
		}
	}
	if err := c.DrawLine(win, gc, 10, 60, 180, 20); err != nil {
		return 0, err
	}
	if err := c.Flush(); err != nil {
		return 0, err
	}
	return nc.n.Load(), nil
}

// xdemoXgb replays the seed's Xlib program request for request through
// xgb: XCreateSimpleWindow, XSelectInput, XMapWindow, XCreateGC,
// XSetForeground, wait for MapNotify, XDrawLine (a PolySegment).
func xdemoXgb(addr net.Addr) (int64, error) {
	raw, err := net.Dial(addr.Network(), addr.String())
	if err != nil {
		return 0, err
	}
	nc := &countConn{Conn: raw}
	c, err := xgb.NewConnNet(nc)
	if err != nil {
		return 0, fmt.Errorf("xdemo (xgb): %w", err)
	}
	defer c.Close()
	scr := xproto.Setup(c).DefaultScreen(c)
	win, err := xproto.NewWindowId(c)
	if err != nil {
		return 0, err
	}
	xproto.CreateWindow(c, 0, win, scr.Root, 0, 0, seedW, seedH, 0, xproto.WindowClassCopyFromParent, 0,
		xproto.CwBackPixel|xproto.CwBorderPixel, []uint32{scr.BlackPixel, scr.BlackPixel})
	xproto.ChangeWindowAttributes(c, win, xproto.CwEventMask, []uint32{xproto.EventMaskStructureNotify})
	xproto.MapWindow(c, win)
	gc, err := xproto.NewGcontextId(c)
	if err != nil {
		return 0, err
	}
	xproto.CreateGC(c, gc, xproto.Drawable(win), 0, nil)
	xproto.ChangeGC(c, gc, xproto.GcForeground, []uint32{scr.WhitePixel})
	for {
		ev, xerr := c.WaitForEvent()
		if xerr != nil {
			return 0, fmt.Errorf("xdemo (xgb): X error %v", xerr)
		}
		if ev == nil {
			return 0, fmt.Errorf("xdemo (xgb): connection closed while waiting for MapNotify")
		}
		if m, ok := ev.(xproto.MapNotifyEvent); ok && m.Window == win {
			break
		}
	}
	xproto.PolySegment(c, xproto.Drawable(win), gc, []xproto.Segment{{X1: 10, Y1: 60, X2: 180, Y2: 20}})
	// xgb writes each request before the call returns.
	return nc.n.Load(), nil
}

// seedC is the seed's Xlib example as a complete C program.
const seedC = `#include <X11/Xlib.h>
#include <assert.h>
#define NIL (0)
int main(void) {
	Display *dpy = XOpenDisplay(NIL);
	assert(dpy);
	int blackColor = BlackPixel(dpy, DefaultScreen(dpy));
	int whiteColor = WhitePixel(dpy, DefaultScreen(dpy));
	Window w = XCreateSimpleWindow(dpy, DefaultRootWindow(dpy), 0, 0,
		200, 100, 0, blackColor, blackColor);
	XSelectInput(dpy, w, StructureNotifyMask);
	XMapWindow(dpy, w);
	GC gc = XCreateGC(dpy, w, 0, NIL);
	XSetForeground(dpy, gc, whiteColor);
	for (;;) {
		XEvent e;
		XNextEvent(dpy, &e);
		if (e.type == MapNotify)
			break;
	}
	XDrawLine(dpy, w, gc, 10, 60, 180, 20);
	XFlush(dpy);
	XCloseDisplay(dpy);
	return 0;
}
`

// buildSeedC compiles the seed program with gcc and libX11 into dir.
func buildSeedC(ctx context.Context, dir string) (string, error) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		return "", fmt.Errorf("gcc not installed: %w", err)
	}
	src := filepath.Join(dir, "seed.c")
	bin := filepath.Join(dir, "seed")
	if err := os.WriteFile(src, []byte(seedC), 0o644); err != nil {
		return "", err
	}
	out, err := exec.CommandContext(ctx, gcc, "-O2", "-o", bin, src, "-lX11").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("compile the seed's Xlib program (needs libx11-dev): %v: %s", err, out)
	}
	return bin, nil
}

// runSeedC runs the compiled program against DISPLAY=127.0.0.1:N, the
// proxy's X display port.
func runSeedC(ctx context.Context, bin string, display int) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), fmt.Sprintf("DISPLAY=127.0.0.1:%d", display), "XAUTHORITY=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("seed Xlib program: %v: %s", err, out)
	}
	return nil
}
