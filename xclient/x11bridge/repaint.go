package x11bridge

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/jezek/xgb/composite"
	"github.com/jezek/xgb/damage"
	"github.com/jezek/xgb/xfixes"
	"github.com/jezek/xgb/xproto"
)

// maxRects is how many damaged rectangles of one window are sent one by
// one; more are sent as their bounding box, as are rectangles that cover
// most of their bounding box anyway (one request beats many small ones).
const maxRects = 16

// sendState is what a window still owes the display and how it has been
// compressing.
type sendState struct {
	// pending are the window's areas the display has stale: damage taken
	// from the X server and not yet sent. Later damage merges into them,
	// so a window that changes faster than the link carries skips frames.
	pending []xproto.Rectangle
	// lastInput is when the display last gave the window a key or button:
	// its echo goes ahead of other windows' bulk.
	lastInput time.Time
	// ratio is bytes on the wire per raw pixel byte, recently.
	ratio float64
	// shadow is what the display holds (scroll.go).
	shadow shadow
	// diffed: pending has been compared with the shadow since damage
	// last merged into it.
	diffed bool
	// img holds the pixels of imgRect read during this sendPending (by
	// the comparison), so bands inside it are not read again. Sending them
	// later than read is safe: anything drawn since is in the X server's
	// damage, which the next repaint takes.
	img     []uint32
	imgRect xproto.Rectangle
}

const (
	// smallUpdate is the area (pixels) below which a window's pending
	// update is sent even when the link's window is full: typing echo,
	// a cursor blink. Its bytes are few and waiting would cost a round
	// trip.
	smallUpdate = 8192
	// interactive is how long after a key or button a window's updates
	// count as its echo.
	interactive = time.Second
	// minBand and maxBand bound the pixels of one band of a large update.
	minBand, maxBand = 1024, 1 << 20
)

// repaint takes the damage of every dirty window from the X server into
// its pending areas, then sends as much of the pending areas as the link
// to the display takes (flow.go).
func (m *mirror) repaint() error {
	if err := m.takeDamage(); err != nil {
		return err
	}
	before := m.stats.rects.Load() + m.stats.copies.Load()
	err := m.sendPending()
	if m.stats.rects.Load()+m.stats.copies.Load() != before {
		m.stats.frames.Add(1)
	}
	return err
}

// wantRepaint reports whether a repaint would do anything now.
func (m *mirror) wantRepaint() bool {
	full := m.flow.full(m.disp.written())
	for _, w := range m.wins {
		if !w.mapped || w.did == 0 {
			continue
		}
		if w.dirty || (len(w.send.pending) > 0 && (!full || area(w.send.pending) <= smallUpdate)) {
			return true
		}
	}
	return false
}

// repaintDelay is how long after the last repaint (at last) the next may
// start: a frame interval, so damage arriving meanwhile merges into one
// update; but at once when a window the user just typed or clicked in is
// dirty, since its echo is what the user waits for.
func (m *mirror) repaintDelay(last time.Time) time.Duration {
	now := time.Now()
	for _, w := range m.wins {
		if w.dirty && w.mapped && w.did != 0 && now.Sub(w.send.lastInput) < interactive {
			return 0
		}
	}
	return max(0, frameInterval-now.Sub(last))
}

// takeDamage moves the X server's damage of dirty windows into their
// pending areas. It pipelines: every window's damage is asked for before
// any reply is read.
func (m *mirror) takeDamage() error {
	type job struct {
		w     *xwin
		fetch xfixes.FetchRegionCookie
		full  bool
	}
	var jobs []*job
	for _, w := range m.wins {
		if !w.dirty || !w.mapped || w.did == 0 {
			continue
		}
		if _, ok := m.depthBPP(w); !ok {
			w.dirty = false
			continue
		}
		if w.pixmapStale {
			m.freePixmap(w)
			id, err := m.x.NewId()
			if err != nil {
				return fmt.Errorf("allocate X pixmap: %w", err)
			}
			w.pixmap = xproto.Pixmap(id)
			// Unchecked: if the window was unmapped meanwhile, the error
			// arrives as an event and GetImage below fails harmlessly.
			composite.NameWindowPixmap(m.x, w.id, w.pixmap)
			w.pixmapStale = false
		}
		j := &job{w: w, full: w.full}
		if w.full {
			damage.Subtract(m.x, w.damage, 0, 0)
		} else {
			// The region is reused: X handles requests in order, so each
			// fetch sees the parts its own subtract put there.
			damage.Subtract(m.x, w.damage, 0, m.region)
			j.fetch = xfixes.FetchRegion(m.x, m.region)
		}
		w.dirty, w.full = false, false
		jobs = append(jobs, j)
	}
	for _, j := range jobs {
		w := j.w
		w.send.diffed = false
		if j.full {
			w.send.pending = []xproto.Rectangle{{Width: w.w, Height: w.h}}
			continue
		}
		rep, err := j.fetch.Reply()
		if err != nil {
			m.log.Debug("fetch damage", "x11window", w.id, "err", err)
			continue
		}
		w.send.pending = coalesce(append(w.send.pending, clip(rep.Rectangles, w.w, w.h)...))
	}
	return nil
}

// sendPending sends pending areas, the windows with recent input first,
// then the smallest updates, in bands, until the link's window is full.
// Small updates go even then. Each band is flushed and followed by a
// Sync, whose reply acknowledges it.
func (m *mirror) sendPending() error {
	var order []*xwin
	for _, w := range m.wins {
		if w.mapped && w.did != 0 && len(w.send.pending) > 0 {
			order = append(order, w)
		}
	}
	if len(order) == 0 {
		return nil
	}
	now := time.Now()
	key := func(w *xwin) (bool, int) {
		return now.Sub(w.send.lastInput) < interactive, area(w.send.pending)
	}
	slices.SortFunc(order, func(a, b *xwin) int {
		ai, aa := key(a)
		bi, ba := key(b)
		if ai != bi {
			if ai {
				return -1
			}
			return 1
		}
		return cmp.Compare(aa, ba)
	})
	// While the user types or clicks, bulk also yields to X events: one of
	// them may be the damage of the echo.
	typing := false
	for _, w := range m.wins {
		typing = typing || now.Sub(w.send.lastInput) < interactive
	}
	yield := func(w *xwin) bool {
		return len(m.devents) > 0 || (typing && len(m.xevents) > 0 && now.Sub(w.send.lastInput) >= interactive)
	}
	sent, unsynced := false, false
	for _, w := range order {
		if !w.send.diffed && (!m.flow.full(m.disp.written()) || area(w.send.pending) <= smallUpdate) && !yield(w) {
			copied, err := m.diffPending(w)
			if err != nil {
				return err
			}
			w.send.diffed = true
			sent = sent || copied
			unsynced = unsynced || copied
		}
		for len(w.send.pending) > 0 {
			small := area(w.send.pending) <= smallUpdate
			if !small && (m.flow.full(m.disp.written()) || yield(w)) {
				// Full, or input (or, while typing, an X event) is
				// waiting: the owner handles it first, and the bulk
				// resumes at the next acknowledgement or repaint.
				break
			}
			r, ok := m.nextBand(w)
			if !ok {
				continue
			}
			before := m.disp.written()
			if err := m.sendRect(w, r); err != nil {
				return err
			}
			if err := m.disp.flush(); err != nil {
				return fmt.Errorf("display connection: %w", err)
			}
			wire := float64(m.disp.written() - before)
			if raw := 4 * float64(r.Width) * float64(r.Height); raw > 0 {
				w.send.ratio = 0.7*w.send.ratio + 0.3*wire/raw
			}
			sent, unsynced = true, true
			if !small {
				m.flow.sent(m.disp.written(), m.disp.syncAsync())
				unsynced = false
			}
		}
	}
	if unsynced {
		m.flow.sent(m.disp.written(), m.disp.syncAsync())
	}
	for _, w := range order {
		w.send.img = nil
	}
	if err := m.disp.flush(); err != nil {
		return fmt.Errorf("display connection: %w", err)
	}
	return nil
}

// nextBand takes the next part of w's pending areas to send: the first
// area whole when it is small, else a band of its top rows, sized so its
// compressed bytes are a fraction of the link's window.
func (m *mirror) nextBand(w *xwin) (xproto.Rectangle, bool) {
	p := &w.send.pending[0]
	c := clip([]xproto.Rectangle{*p}, w.w, w.h)
	if len(c) == 0 {
		w.send.pending = w.send.pending[1:]
		return xproto.Rectangle{}, false
	}
	*p = c[0]
	ratio := w.send.ratio
	if ratio <= 0 {
		ratio = 0.25
	}
	target := float64(max(2<<10, m.flow.window()/8))
	pixels := int(min(max(target/(4*ratio), minBand), maxBand))
	rows := max(1, pixels/int(p.Width))
	if rows >= int(p.Height) {
		w.send.pending = w.send.pending[1:]
		return c[0], true
	}
	band := xproto.Rectangle{X: p.X, Y: p.Y, Width: p.Width, Height: uint16(rows)}
	p.Y += int16(rows)
	p.Height -= uint16(rows)
	return band, true
}

// sendRect reads r of w from the X server and puts it on the display.
func (m *mirror) sendRect(w *xwin, r xproto.Rectangle) error {
	if pix := w.send.cached(r); pix != nil {
		return m.putRect(w, r, pix)
	}
	bw := int16(w.bw)
	rep, err := xproto.GetImage(m.x, xproto.ImageFormatZPixmap, xproto.Drawable(w.pixmap),
		r.X+bw, r.Y+bw, r.Width, r.Height, 0xffffffff).Reply()
	if err != nil {
		// The window went away or changed size since; the events
		// saying so are on their way and will repaint it.
		m.log.Debug("get X image", "x11window", w.id, "err", err)
		return nil
	}
	bpp, _ := m.depthBPP(w)
	pix, err := toPixels(rep.Data, int(r.Width), int(r.Height), bpp)
	if err != nil {
		m.log.Warn("X image", "x11window", w.id, "err", err)
		return nil
	}
	return m.putRect(w, r, pix)
}

// putRect puts pixels for r of w on the display and in the shadow.
func (m *mirror) putRect(w *xwin, r xproto.Rectangle, pix []uint32) error {
	if err := m.disp.putImage(w.did, r.X, r.Y, r.Width, r.Height, pix); err != nil {
		return fmt.Errorf("display connection: %w", err)
	}
	w.send.shadow.resize(int(w.w), int(w.h))
	w.send.shadow.put(r, pix)
	m.stats.rects.Add(1)
	m.stats.pixelBytes.Add(uint64(4 * len(pix)))
	return nil
}

// cached returns r's pixels from img when img covers r, else nil.
func (s *sendState) cached(r xproto.Rectangle) []uint32 {
	c := s.imgRect
	if s.img == nil || r.X < c.X || r.Y < c.Y || int(r.X)+int(r.Width) > int(c.X)+int(c.Width) ||
		int(r.Y)+int(r.Height) > int(c.Y)+int(c.Height) {
		return nil
	}
	cw, x0, y0 := int(c.Width), int(r.X-c.X), int(r.Y-c.Y)
	if r.Width == c.Width {
		return s.img[y0*cw : (y0+int(r.Height))*cw]
	}
	pix := make([]uint32, 0, int(r.Width)*int(r.Height))
	for y := y0; y < y0+int(r.Height); y++ {
		pix = append(pix, s.img[y*cw+x0:y*cw+x0+int(r.Width)]...)
	}
	return pix
}

// area is the total area of rects (overlaps counted twice).
func area(rects []xproto.Rectangle) int {
	a := 0
	for _, r := range rects {
		a += int(r.Width) * int(r.Height)
	}
	return a
}

// depthBPP returns the bits per pixel of the window's depth, and whether
// the bridge can read it: 24 and 32-bit depths stored as 32 bits, which is
// what Xvfb and every current X server use (and FormatBGRX is).
func (m *mirror) depthBPP(w *xwin) (byte, bool) {
	if w.depth != 24 && w.depth != 32 {
		return 0, false
	}
	bpp := m.bpp[w.depth]
	return bpp, bpp == 32
}

// toPixels converts a ZPixmap image (32 bits per pixel, least significant
// byte first: B, G, R, X) to 0x00RRGGBB pixels.
func toPixels(data []byte, w, h int, bpp byte) ([]uint32, error) {
	if bpp != 32 {
		return nil, fmt.Errorf("%d bits per pixel", bpp)
	}
	n := w * h
	if len(data) < 4*n {
		return nil, fmt.Errorf("%dx%d image in %d bytes", w, h, len(data))
	}
	pix := make([]uint32, n)
	for i := range pix {
		pix[i] = binary.LittleEndian.Uint32(data[4*i:]) & 0xffffff
	}
	return pix, nil
}

// clip keeps the parts of rects inside a w x h window (damage may cover
// the border, outside it).
func clip(rects []xproto.Rectangle, w, h uint16) []xproto.Rectangle {
	out := rects[:0]
	for _, r := range rects {
		x0, y0 := max(int(r.X), 0), max(int(r.Y), 0)
		x1, y1 := min(int(r.X)+int(r.Width), int(w)), min(int(r.Y)+int(r.Height), int(h))
		if x1 > x0 && y1 > y0 {
			out = append(out, xproto.Rectangle{X: int16(x0), Y: int16(y0),
				Width: uint16(x1 - x0), Height: uint16(y1 - y0)})
		}
	}
	return out
}

// coalesce returns rects, or their bounding box when there are many of
// them or they fill most of it.
func coalesce(rects []xproto.Rectangle) []xproto.Rectangle {
	if len(rects) <= 1 {
		return rects
	}
	x0, y0, x1, y1 := int(rects[0].X), int(rects[0].Y), 0, 0
	area := 0
	for _, r := range rects {
		x0, y0 = min(x0, int(r.X)), min(y0, int(r.Y))
		x1, y1 = max(x1, int(r.X)+int(r.Width)), max(y1, int(r.Y)+int(r.Height))
		area += int(r.Width) * int(r.Height)
	}
	box := (x1 - x0) * (y1 - y0)
	if len(rects) > maxRects || 4*area >= 3*box {
		return []xproto.Rectangle{{X: int16(x0), Y: int16(y0), Width: uint16(x1 - x0), Height: uint16(y1 - y0)}}
	}
	return rects
}
