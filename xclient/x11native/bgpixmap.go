package x11native

import (
	"image"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// Window background pixmaps. The display's windows have a background
// pixel or none, so a window whose X background is a pixmap (or
// ParentRelative under one) is BackgroundNone on the display, selects
// Expose there, and the server paints the tile itself where X would:
// in each exposed area before the program hears of it, and under
// ClearArea. The tile is copied when set (X lets the program free the
// pixmap right after), into a display pixmap repeated to a convenient
// size (fill.go's repeatedTile).

// setBackgroundPixmap gives w the pixmap background p (nil: none).
func (s *Server) setBackgroundPixmap(w *window, p *pixmap) error {
	s.dropBackgroundTile(w)
	if p == nil {
		return nil
	}
	t, err := s.newTile(p.w, p.h, min(w.w, maxTileSide), min(w.h, maxTileSide), func(pm xclient.Pixmap, gc xclient.GC) error {
		return s.xc.CopyArea(xclient.Pixmap(p.xfar), pm, gc, 0, 0, p.w, p.h, 0, 0)
	})
	if err != nil {
		return err
	}
	w.bgTile = t
	return nil
}

// dropBackgroundTile frees w's tile copy, if it has one.
func (s *Server) dropBackgroundTile(w *window) {
	if w.bgTile != nil {
		s.freeTile(w.bgTile)
		w.bgTile = nil
	}
}

// backgroundTile returns the tile w's background shows and the tile's
// origin in w's coordinates, following ParentRelative up the tree; nil
// when w's background is a pixel or none.
func (w *window) backgroundTile() (*repeatedTile, image.Point) {
	var off image.Point
	for v := w; v != nil; v = v.parent {
		if v.bgTile != nil {
			return v.bgTile, off
		}
		if !v.bgParentRel {
			return nil, image.Point{}
		}
		off = off.Sub(image.Pt(v.x+v.border, v.y+v.border))
	}
	return nil, image.Point{}
}

// paintBackground paints w's tile background over r (w's coordinates),
// if it has one.
func (s *Server) paintBackground(w *window, r image.Rectangle) {
	t, org := w.backgroundTile()
	if t == nil || w.xfar == 0 || w.parent == nil {
		return
	}
	r = r.Intersect(image.Rect(0, 0, w.w, w.h))
	if r.Empty() {
		return
	}
	gc, err := s.scratch()
	if err == nil {
		err = s.tileRects(t, org.X, org.Y, xclient.Window(w.xfar), gc,
			[]xclient.Rect{{X: int16(r.Min.X), Y: int16(r.Min.Y), W: uint16(r.Dx()), H: uint16(r.Dy())}})
	}
	if err != nil {
		s.log.Warn("x11native: background pixmap", "window", w.id, "err", err)
	}
}

// clearTiled paints the tile under a ClearArea request (body) on a
// window with a tile background; the request itself then goes to the
// display as usual (for its Expose events).
func (s *Server) clearTiled(body []byte) {
	if len(body) < 12 {
		return
	}
	w := s.windows[le.Uint32(body)]
	if w == nil {
		return
	}
	x, y := int(int16(le.Uint16(body[4:]))), int(int16(le.Uint16(body[6:])))
	cw, ch := int(le.Uint16(body[8:])), int(le.Uint16(body[10:]))
	if cw == 0 {
		cw = w.w - x
	}
	if ch == 0 {
		ch = w.h - y
	}
	s.paintBackground(w, image.Rect(x, y, x+cw, y+ch))
}

// backgroundAttribute applies CreateWindow's or ChangeWindowAttributes'
// background-pixmap value v to w; it reports false after sending the
// error for a bad pixmap.
func (c *client) backgroundAttribute(w *window, v uint32, op byte) bool {
	s := c.s
	w.bgParentRel = false
	switch v {
	case 0: // None
		s.dropBackgroundTile(w)
		w.bgNone = true
	case 1: // ParentRelative: the parent's background, a pixel or a tile
		s.dropBackgroundTile(w)
		w.bgParentRel = true
		w.bgNone = true
		if p := w.parent; p != nil && p.bgTile == nil && !p.bgParentRel {
			w.bgNone, w.bgPixel = p.bgNone, p.bgPixel
		} else if p != nil && p.bgParentRel {
			if t, _ := p.backgroundTile(); t == nil {
				w.bgNone, w.bgPixel = p.bgNone, p.bgPixel
			}
		}
	default:
		p, ok := s.pixmaps[v]
		if !ok {
			c.xError(errPixmap, v, op, 0)
			return false
		}
		if p.depth == 1 {
			c.xError(errMatch, v, op, 0)
			return false
		}
		if err := s.setBackgroundPixmap(w, p); err != nil {
			s.log.Warn("x11native: background pixmap", "window", w.id, "err", err)
		}
		w.bgNone = true
	}
	return true
}

// exposeMaskFor is the xfar Expose selection a tiled background needs.
func (w *window) exposeMaskFor() uint32 {
	if t, _ := w.backgroundTile(); t != nil {
		return protocol.ExposureMask
	}
	return 0
}
