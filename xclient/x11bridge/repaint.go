package x11bridge

import (
	"encoding/binary"
	"fmt"

	"github.com/jezek/xgb/composite"
	"github.com/jezek/xgb/damage"
	"github.com/jezek/xgb/xfixes"
	"github.com/jezek/xgb/xproto"
)

// maxRects is how many damaged rectangles of one window are sent one by
// one; more are sent as their bounding box, as are rectangles that cover
// most of their bounding box anyway (one request beats many small ones).
const maxRects = 16

// repaint sends the damaged parts of every dirty window to the display. It
// pipelines its X requests: first every window's damage is taken, then
// every image is asked for, then the replies are read in order.
func (m *mirror) repaint() error {
	type job struct {
		w     *xwin
		fetch xfixes.FetchRegionCookie
		full  bool
		rects []xproto.Rectangle
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
	if len(jobs) == 0 {
		return nil
	}
	type image struct {
		w   *xwin
		r   xproto.Rectangle
		get xproto.GetImageCookie
	}
	var images []image
	for _, j := range jobs {
		w := j.w
		if j.full {
			j.rects = []xproto.Rectangle{{Width: w.w, Height: w.h}}
		} else {
			rep, err := j.fetch.Reply()
			if err != nil {
				m.log.Debug("fetch damage", "x11window", w.id, "err", err)
				continue
			}
			j.rects = coalesce(clip(rep.Rectangles, w.w, w.h))
		}
		for _, r := range j.rects {
			bw := int16(w.bw)
			images = append(images, image{w: w, r: r,
				get: xproto.GetImage(m.x, xproto.ImageFormatZPixmap, xproto.Drawable(w.pixmap),
					r.X+bw, r.Y+bw, r.Width, r.Height, 0xffffffff)})
		}
	}
	sent := false
	for _, im := range images {
		rep, err := im.get.Reply()
		if err != nil {
			// The window went away or changed size since; the events
			// saying so are on their way and will repaint it.
			m.log.Debug("get X image", "x11window", im.w.id, "err", err)
			continue
		}
		bpp, _ := m.depthBPP(im.w)
		pix, err := toPixels(rep.Data, int(im.r.Width), int(im.r.Height), bpp)
		if err != nil {
			m.log.Warn("X image", "x11window", im.w.id, "err", err)
			continue
		}
		if err := m.disp.putImage(im.w.did, im.r.X, im.r.Y, im.r.Width, im.r.Height, pix); err != nil {
			return fmt.Errorf("display connection: %w", err)
		}
		m.stats.rects.Add(1)
		m.stats.pixelBytes.Add(uint64(4 * len(pix)))
		sent = true
	}
	if sent {
		m.stats.frames.Add(1)
	}
	if err := m.disp.flush(); err != nil {
		return fmt.Errorf("display connection: %w", err)
	}
	return nil
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
