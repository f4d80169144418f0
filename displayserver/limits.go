package displayserver

import (
	"github.com/xfar/xfar/protocol"
)

// Memory limits. Every window and pixmap keeps its own pixels (4 bytes
// each), so pixels are what a client can make the server hold; windows
// and other resources cost bookkeeping. Each limit is a Config field and a
// displayserver flag; exceeding one fails that request with BadAlloc and
// the client stays connected.
const (
	// DefaultMaxClientPixels bounds one client's windows and pixmaps
	// together: 64 Mpx, 256 MiB (eight 4K screens).
	DefaultMaxClientPixels = 64 << 20
	// DefaultMaxPixels bounds all clients' windows and pixmaps together:
	// 256 Mpx, 1 GiB.
	DefaultMaxPixels = 256 << 20
	// DefaultMaxClientWindows bounds one client's windows.
	DefaultMaxClientWindows = 10000
	// DefaultMaxClientResources bounds one client's resources of all
	// kinds (windows, pixmaps, graphics contexts).
	DefaultMaxClientResources = 100000
)

// usage is what a client holds, kept by the state owner.
type usage struct {
	pixels  int64
	windows int
}

// limits returns the configured limits with defaults filled in.
func (cfg *Config) fillLimitDefaults() {
	if cfg.MaxClientPixels <= 0 {
		cfg.MaxClientPixels = DefaultMaxClientPixels
	}
	if cfg.MaxPixels <= 0 {
		cfg.MaxPixels = DefaultMaxPixels
	}
	if cfg.MaxClientWindows <= 0 {
		cfg.MaxClientWindows = DefaultMaxClientWindows
	}
	if cfg.MaxClientResources <= 0 {
		cfg.MaxClientResources = DefaultMaxClientResources
	}
}

// account records that c's windows and pixmaps grew by px pixels and its
// windows by win (both may be negative).
func (st *state) account(c *client, px int64, win int) {
	if c == nil {
		return
	}
	c.use.pixels += px
	c.use.windows += win
	st.pixels += px
}

// releaseAll returns what a departing client still holds to the display.
func (st *state) releaseAll(c *client) {
	st.pixels -= c.use.pixels
	c.use = usage{}
}

// admit checks, before a request runs, that what it would allocate fits
// the client's and the display's limits, and that any reply it asks for
// can be built and queued. It returns the BadAlloc error to send instead.
func (st *state) admit(c *client, seq uint32, req protocol.Request) *protocol.Error {
	cfg := &st.srv.cfg
	op := req.Opcode()
	newResource := func(id uint32) *protocol.Error {
		if len(c.resources) >= cfg.MaxClientResources {
			return errorf(seq, op, protocol.BadAlloc, id, "resource limit reached: this client holds %d resources (limit %d, --max-client-resources)", len(c.resources), cfg.MaxClientResources)
		}
		return nil
	}
	pixels := func(id uint32, px int64) *protocol.Error {
		switch {
		case c.use.pixels+px > int64(cfg.MaxClientPixels):
			return errorf(seq, op, protocol.BadAlloc, id, "pixel limit reached: this client's windows and pixmaps would hold %d pixels (limit %d, --max-client-pixels)", c.use.pixels+px, cfg.MaxClientPixels)
		case st.pixels+px > int64(cfg.MaxPixels):
			return errorf(seq, op, protocol.BadAlloc, id, "display pixel limit reached: all windows and pixmaps would hold %d pixels (limit %d, --max-pixels)", st.pixels+px, cfg.MaxPixels)
		}
		return nil
	}
	switch r := req.(type) {
	case *protocol.CreateWindow:
		if c.use.windows >= cfg.MaxClientWindows {
			return errorf(seq, op, protocol.BadAlloc, r.Window, "window limit reached: this client has %d windows (limit %d, --max-client-windows)", c.use.windows, cfg.MaxClientWindows)
		}
		if e := newResource(r.Window); e != nil {
			return e
		}
		return pixels(r.Window, int64(r.Width)*int64(r.Height))
	case *protocol.CreatePixmap:
		if e := newResource(r.Pixmap); e != nil {
			return e
		}
		return pixels(r.Pixmap, int64(r.Width)*int64(r.Height))
	case *protocol.CreateGC:
		return newResource(r.GC)
	case *protocol.GlyphSetID:
		if r.Op == protocol.OpCreateGlyphSet {
			return newResource(r.Set)
		}
	case *protocol.ConfigureWindow:
		w := st.windows[r.Window]
		if w == nil || w.owner != c || r.ValueMask&(protocol.ConfigWidth|protocol.ConfigHeight) == 0 {
			return nil // handle reports a bad window; no size change
		}
		nw, nh := int64(w.w), int64(w.h)
		if r.ValueMask&protocol.ConfigWidth != 0 {
			nw = int64(r.Width)
		}
		if r.ValueMask&protocol.ConfigHeight != 0 {
			nh = int64(r.Height)
		}
		if d := nw*nh - int64(w.w)*int64(w.h); d > 0 {
			return pixels(r.Window, d)
		}
	case *protocol.GetImage:
		return st.admitReply(c, seq, op, r.Drawable, 4*int64(r.W)*int64(r.H))
	case *protocol.IDRequest:
		if r.Op == protocol.OpQueryTree {
			if w := st.windows[r.ID]; w != nil {
				return st.admitReply(c, seq, op, r.ID, 4*int64(len(w.children))+16)
			}
		}
	}
	return nil
}

// admitReply refuses a reply of n data bytes that the wire cannot carry
// or that would by itself overflow the client's output queue, before
// anything is built for it.
func (st *state) admitReply(c *client, seq uint32, op protocol.Opcode, id uint32, n int64) *protocol.Error {
	limit := int64(protocol.MaxBody - 64)
	if q := int64(st.srv.cfg.MaxQueuedBytes); q < limit {
		limit = q
	}
	if n > limit {
		return errorf(seq, op, protocol.BadAlloc, id, "reply of %d bytes exceeds the %d-byte limit; ask for less at a time", n, limit)
	}
	return nil
}
