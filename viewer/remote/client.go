package remote

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/xfar/xfar/compress"
	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/internal/tlspin"
)

// inputBacklog bounds the input events waiting to be sent. A burst of
// typing (xdotool type --delay 1: thousands of events a second) must fit
// while the writer catches up on a busy machine; an event is a few bytes.
const inputBacklog = 4096

// inputWait is how long Input waits for room when the backlog is full
// before dropping the event: losing a key is worse than a stalled UI for a
// moment, but a viewer whose network is gone must not hang forever.
const inputWait = 2 * time.Second

// Dialer connects to remote feeds. The zero value is ready to use.
type Dialer struct {
	// Codecs lists the compression codecs to ask for, best first; default
	// zstd. "none" suits a viewer on the same machine, where bandwidth is
	// free and CPU is not.
	Codecs []string
	// Logger receives warnings (dropped input); nil means slog.Default().
	Logger *slog.Logger
	// Fingerprint pins an https:// server's certificate ("sha256:…", as
	// the display server prints it); "" pins the one recorded in
	// ~/.xfar/known_hosts, recording it on first use (internal/tlspin).
	Fingerprint string
}

// Dial connects to the feed of the display server at baseURL
// ("http://host:port"; "/feed" is added when the URL has no path) with
// token, the display's cookie or view-only token.
func Dial(ctx context.Context, baseURL, token string) (*Conn, error) {
	return (&Dialer{}).Dial(ctx, baseURL, token)
}

// Conn is a connection to a remote display's feed. It implements
// feed.Source: it keeps a copy of the remote screen, so any number of
// local subscriptions can present it, each coalesced on its own, and
// Input forwards events to the display.
type Conn struct {
	ws     *websocket.Conn
	nc     net.Conn // ws as a stream of binary messages
	access feed.Access
	codec  string
	log    *slog.Logger
	inputs chan feed.InputEvent
	done   chan struct{} // closed when the connection ends
	wg     sync.WaitGroup
	start  func() // starts the reader and writer, once the handshake is over
	cursor cursorState

	mu     sync.Mutex // guards everything below
	w, h   int
	pix    []uint32 // the remote screen, row-major 0x00RRGGBB
	subs   map[*subscription]struct{}
	err    error // why the connection ended
	closed bool
}

// Dial connects and waits for the remote screen's first picture, so that
// Size is right as soon as Dial returns.
func (d *Dialer) Dial(ctx context.Context, baseURL, token string) (*Conn, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("feed url %q: %w", baseURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("feed url %q: only http:// and https:// are supported", baseURL)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/feed"
	}
	codecs := d.Codecs
	if len(codecs) == 0 {
		codecs = []string{"zstd"}
	}
	h := http.Header{}
	h.Set("Xfar-Codecs", strings.Join(codecs, ", "))
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	opts := &websocket.DialOptions{HTTPHeader: h,
		Subprotocols: []string{Subprotocol}, CompressionMode: websocket.CompressionDisabled}
	if u.Scheme == "https" {
		// Display servers make their own certificates: pin, like ssh.
		opts.HTTPClient = &http.Client{Transport: &http.Transport{
			TLSClientConfig: tlspin.ClientConfig(u.Host, tlspin.KnownHostsFile(), d.Fingerprint)}}
	}
	ws, resp, err := websocket.Dial(ctx, u.String(), opts)
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			return nil, fmt.Errorf("feed %s refused: %s: %s", u.Redacted(), resp.Status, strings.TrimSpace(string(body)))
		}
		return nil, fmt.Errorf("connect to feed %s: %w", u.Redacted(), err)
	}
	c, err := d.handshake(ctx, ws, resp, u)
	if err != nil {
		ws.CloseNow()
		return nil, err
	}
	c.start()
	return c, nil
}

// handshake checks the server's answer and reads the first update, the
// whole screen, so that the connection is fully usable when Dial returns.
func (d *Dialer) handshake(ctx context.Context, ws *websocket.Conn, resp *http.Response, u *url.URL) (*Conn, error) {
	if ws.Subprotocol() != Subprotocol {
		return nil, fmt.Errorf("feed %s: server speaks %q, not %s", u.Redacted(), ws.Subprotocol(), Subprotocol)
	}
	codec, err := compress.Lookup(resp.Header.Get("Xfar-Codec"))
	if err != nil {
		return nil, fmt.Errorf("feed %s: %w", u.Redacted(), err)
	}
	access := feed.ViewOnly
	if resp.Header.Get("Xfar-Access") == "full" {
		access = feed.FullControl
	}
	// One stream each way: every Write is one binary message.
	nc := websocket.NetConn(context.Background(), ws, websocket.MessageBinary)
	// Until the first update is in, ctx bounds the wait.
	stop := context.AfterFunc(ctx, func() { ws.CloseNow() })
	defer stop()
	zr, err := codec.NewReader(bufio.NewReaderSize(nc, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("feed %s: %w", u.Redacted(), err)
	}
	log := d.Logger
	if log == nil {
		log = slog.Default()
	}
	c := &Conn{ws: ws, nc: nc, access: access, codec: codec.Name(), log: log,
		inputs: make(chan feed.InputEvent, inputBacklog), done: make(chan struct{}),
		subs: map[*subscription]struct{}{}}
	rd := bufio.NewReaderSize(zr, 64<<10)
	var up wireUpdate
	for {
		ok, err := readUpdate(rd, &up)
		if err != nil {
			zr.Close()
			if ctx.Err() != nil {
				err = context.Cause(ctx)
			}
			return nil, fmt.Errorf("feed %s: first update: %w", u.Redacted(), err)
		}
		if ok {
			break
		}
		if up.cursor != nil { // cursor.go
			c.cursor.set(*up.cursor)
			up.cursor = nil
		}
	}
	if !stop() {
		zr.Close()
		return nil, fmt.Errorf("connect to feed %s: %w", u.Redacted(), context.Cause(ctx))
	}
	if !up.full {
		zr.Close()
		return nil, fmt.Errorf("feed %s: %w: first update is not the whole screen", u.Redacted(), errProtocol)
	}
	c.apply(&up)
	c.start = func() {
		c.wg.Add(2)
		go func() {
			defer c.wg.Done()
			defer zr.Close()
			c.readLoop(rd, &up)
		}()
		go func() {
			defer c.wg.Done()
			c.writeLoop()
		}()
	}
	return c, nil
}

// Access reports what the server lets this viewer do.
func (c *Conn) Access() feed.Access { return c.access }

// Codec returns the compression codec the server chose.
func (c *Conn) Codec() string { return c.codec }

// Done is closed when the connection has ended; Err says why.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err returns why the connection ended, or nil while it is up.
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close ends the connection and waits for its goroutines.
func (c *Conn) Close() error {
	c.fail(errors.New("remote: connection closed"))
	c.wg.Wait()
	return nil
}

// fail ends the connection with err, once.
func (c *Conn) fail(err error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.err = err
	c.mu.Unlock()
	close(c.done)
	c.ws.CloseNow()
}

// Size implements feed.Source.
func (c *Conn) Size() (int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.w, c.h
}

// Input implements feed.Source: it queues ev for the server. When the
// backlog is full it waits up to inputWait for room (back-pressure on the
// viewer's input reader), then drops ev with a warning.
func (c *Conn) Input(ev feed.InputEvent) {
	select {
	case <-c.done:
		return
	case c.inputs <- ev:
		return
	default:
	}
	t := time.NewTimer(inputWait)
	defer t.Stop()
	select {
	case <-c.done:
	case c.inputs <- ev:
	case <-t.C:
		c.log.Warn("remote feed: input dropped, backlog full", "kind", ev.Kind)
	}
}

// readLoop applies the server's updates until the connection ends.
func (c *Conn) readLoop(rd io.Reader, up *wireUpdate) {
	for {
		ok, err := readUpdate(rd, up)
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				err = errors.New("remote: the display server closed the connection")
			} else if !errors.Is(err, errProtocol) {
				err = fmt.Errorf("remote: connection lost: %w", err)
			}
			c.fail(err)
			return
		}
		if ok {
			c.apply(up)
		} else if up.cursor != nil {
			c.cursor.set(*up.cursor) // cursor.go
			up.cursor = nil
		}
	}
}

// writeLoop sends queued input until the connection ends.
func (c *Conn) writeLoop() {
	var b []byte
	for {
		select {
		case <-c.done:
			return
		case ev := <-c.inputs:
			b = appendInput(b[:0], ev)
			// Send everything queued in one write.
		more:
			for len(b) < 2<<10 {
				select {
				case ev := <-c.inputs:
					b = appendInput(b, ev)
				default:
					break more
				}
			}
			if _, err := c.nc.Write(b); err != nil {
				c.fail(fmt.Errorf("remote: send input: %w", err))
				return
			}
		}
	}
}

// apply copies an update into the screen copy and tells every local
// subscription what changed.
func (c *Conn) apply(up *wireUpdate) {
	c.mu.Lock()
	defer c.mu.Unlock()
	resized := up.w != c.w || up.h != c.h
	if resized {
		c.w, c.h = up.w, up.h
		c.pix = make([]uint32, up.w*up.h)
	}
	for _, wr := range up.rects {
		r, src := wr.r, wr.pix
		n := r.Dx()
		for y := r.Min.Y; y < r.Max.Y; y++ {
			row := c.pix[y*c.w+r.Min.X : y*c.w+r.Max.X]
			for i := range row {
				row[i] = binary.LittleEndian.Uint32(src[4*i:])
			}
			src = src[4*n:]
		}
	}
	for s := range c.subs {
		if resized {
			s.co.Invalidate()
			continue
		}
		for _, wr := range up.rects {
			s.co.Damage(wr.r)
		}
	}
}

// Subscribe implements feed.Source.
func (c *Conn) Subscribe() feed.Subscription {
	s := &subscription{c: c, co: feed.NewCoalescer()}
	c.mu.Lock()
	c.subs[s] = struct{}{}
	c.mu.Unlock()
	return s
}

// subscription is one local viewer of a Conn. The coalescer's damage is
// guarded by the Conn's mutex.
type subscription struct {
	c  *Conn
	co *feed.Coalescer
}

// Close implements feed.Subscription.
func (s *subscription) Close() {
	if s.co.Close() {
		s.c.mu.Lock()
		delete(s.c.subs, s)
		s.c.mu.Unlock()
	}
}

// Next implements feed.Subscription, paced to feed.MaxRate like the
// display server's own subscriptions. When the connection ends it returns
// the reason (see Conn.Err).
func (s *subscription) Next(ctx context.Context) (*feed.Update, error) {
	return s.co.Next(ctx, s.c.done, s.c.Err, s.collect)
}

// collect copies out what changed since the previous update, or returns
// nil if nothing did.
func (s *subscription) collect() (*feed.Update, error) {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	return s.co.Take(c.w, c.h, func(r image.Rectangle) []uint32 {
		pix := make([]uint32, 0, r.Dx()*r.Dy())
		for y := r.Min.Y; y < r.Max.Y; y++ {
			pix = append(pix, c.pix[y*c.w+r.Min.X:y*c.w+r.Max.X]...)
		}
		return pix
	}), nil
}
