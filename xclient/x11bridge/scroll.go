package x11bridge

import (
	"fmt"
	"hash/maphash"
	"slices"
	"unsafe"

	"github.com/jezek/xgb/xproto"
)

// The bridge sends only what changed. It keeps a shadow of each window:
// the pixels the display holds for it, as far as the bridge has sent them.
// Before a large damaged area goes out, its current pixels are compared
// with the shadow row by row: rows that did not change are dropped (X
// programs often redraw what is already there), and when most rows match
// shadow rows a fixed distance away, the area scrolled (a terminal
// printing, a list moving) and the display is told to copy its own pixels
// (CopyArea), after which only the rows that are really new are sent.

// shadow is what the display holds of one window.
type shadow struct {
	w, h  int
	pix   []uint32 // w*h, 0x00RRGGBB
	known []bool   // per row: the whole row has been sent since the last resize
}

// resize forgets everything when the window's size changed.
func (s *shadow) resize(w, h int) {
	if s.w == w && s.h == h {
		return
	}
	s.w, s.h = w, h
	s.pix = make([]uint32, w*h)
	s.known = make([]bool, h)
}

// put records pixels sent for r.
func (s *shadow) put(r xproto.Rectangle, pix []uint32) {
	x0, y0, w, h := int(r.X), int(r.Y), int(r.Width), int(r.Height)
	if x0 < 0 || y0 < 0 || x0+w > s.w || y0+h > s.h || len(pix) < w*h {
		return
	}
	for y := 0; y < h; y++ {
		copy(s.pix[(y0+y)*s.w+x0:], pix[y*w:(y+1)*w])
		if w == s.w {
			s.known[y0+y] = true
		}
	}
}

// row returns the part [x0, x0+w) of shadow row y.
func (s *shadow) row(y, x0, w int) []uint32 { return s.pix[y*s.w+x0 : y*s.w+x0+w] }

// copyRows moves rows [src, src+n) to [dst, dst+n) within columns
// [x0, x0+w), as CopyArea does on the display. A row stays known if its
// source was known and, unless the copy spans the whole width, it was
// known itself.
func (s *shadow) copyRows(x0, w, src, dst, n int) {
	step, i := 1, 0
	if dst > src { // copy from the bottom so overlapping rows are read first
		step, i = -1, n-1
	}
	for ; i >= 0 && i < n; i += step {
		copy(s.row(dst+i, x0, w), s.row(src+i, x0, w))
		s.known[dst+i] = s.known[src+i] && (w == s.w || s.known[dst+i])
	}
}

var rowSeed = maphash.MakeSeed()

// hashRow hashes a row's memory (its byte order does not matter: both
// sides of every comparison are on this machine).
func hashRow(row []uint32) uint64 {
	if len(row) == 0 {
		return 0
	}
	return maphash.Bytes(rowSeed, unsafe.Slice((*byte)(unsafe.Pointer(&row[0])), 4*len(row)))
}

// plain reports whether a row is one colour: such rows match everywhere,
// so they vote for no scroll distance.
func plain(row []uint32) bool {
	for _, p := range row[1:] {
		if p != row[0] {
			return false
		}
	}
	return true
}

// minDiffRows is the height from which an area is compared with the
// shadow before sending: below it, comparing costs more than it saves.
const minDiffRows = 4

// diffPending replaces w's pending areas by what really changed in their
// bounding box: a CopyArea for a scroll (sent at once) and the spans that
// differ from the shadow. It reports whether it sent anything.
func (m *mirror) diffPending(w *xwin) (bool, error) {
	s := &w.send.shadow
	s.resize(int(w.w), int(w.h))
	c := clip([]xproto.Rectangle{bbox(w.send.pending)}, w.w, w.h)
	if len(c) == 0 || int(c[0].Height) < minDiffRows {
		return false, nil
	}
	r := c[0]
	x0, y0, rw, rh := int(r.X), int(r.Y), int(r.Width), int(r.Height)
	bw := int16(w.bw)
	rep, err := xproto.GetImage(m.x, xproto.ImageFormatZPixmap, xproto.Drawable(w.pixmap),
		r.X+bw, r.Y+bw, r.Width, r.Height, 0xffffffff).Reply()
	if err != nil {
		return false, nil // the window changed; its events will repaint it
	}
	bpp, _ := m.depthBPP(w)
	cur, err := toPixels(rep.Data, rw, rh, bpp)
	if err != nil {
		return false, nil
	}
	row := func(i int) []uint32 { return cur[i*rw : (i+1)*rw] }
	w.send.img, w.send.imgRect = cur, r

	sent := false
	dy, ok := findScroll(s, cur, x0, y0, rw, rh)
	if ok {
		// Destination rows [a, b) whose source rows [a+dy, b+dy) the
		// display holds.
		a, b := max(y0, -dy), min(y0+rh, s.h-dy)
		for a < b && !s.known[a+dy] {
			a++
		}
		for b > a && !s.known[b-1+dy] {
			b--
		}
		if b-a >= minDiffRows {
			if err := m.disp.copyArea(w.did, int16(x0), int16(a+dy), uint16(rw), uint16(b-a), int16(x0), int16(a)); err != nil {
				return false, fmt.Errorf("display connection: %w", err)
			}
			s.copyRows(x0, rw, a+dy, a, b-a)
			m.stats.copies.Add(1)
			sent = true
		}
	}
	// The rows that still differ, as runs, each cut to the columns that
	// differ in it.
	var changed []xproto.Rectangle
	var diff []bool    // changedColumns' scratch, one for all runs
	var spans [][2]int // likewise
	same := func(i int) bool { return s.known[y0+i] && slices.Equal(row(i), s.row(y0+i, x0, rw)) }
	for i := 0; i < rh; {
		if same(i) {
			i++
			continue
		}
		j := i + 1
		for j < rh && !same(j) {
			j++
		}
		if diff == nil {
			diff = make([]bool, rw)
		}
		spans = changedColumns(spans[:0], diff, s, cur, x0, y0, rw, i, j)
		for _, span := range spans {
			changed = append(changed, xproto.Rectangle{X: int16(x0 + span[0]), Y: int16(y0 + i),
				Width: uint16(span[1] - span[0]), Height: uint16(j - i)})
		}
		i = j
	}
	w.send.pending = changed
	return sent, nil
}

// bbox is the bounding box of rects (at least one).
func bbox(rects []xproto.Rectangle) xproto.Rectangle {
	x0, y0, x1, y1 := int(rects[0].X), int(rects[0].Y), 0, 0
	for _, r := range rects {
		x0, y0 = min(x0, int(r.X)), min(y0, int(r.Y))
		x1, y1 = max(x1, int(r.X)+int(r.Width)), max(y1, int(r.Y)+int(r.Height))
	}
	return xproto.Rectangle{X: int16(x0), Y: int16(y0), Width: uint16(x1 - x0), Height: uint16(y1 - y0)}
}

// columnGap is the run of unchanged columns that splits an update in two:
// narrower gaps cost less to send than another request.
const columnGap = 32

// changedColumns appends to spans the column spans [a, b) (relative to
// x0) in which rows [i, j) of cur differ from the shadow; all of them
// where a row is not known. diff is scratch of rw entries.
func changedColumns(spans [][2]int, diff []bool, s *shadow, cur []uint32, x0, y0, rw, i, j int) [][2]int {
	clear(diff)
	for k := i; k < j; k++ {
		if !s.known[y0+k] {
			return append(spans, [2]int{0, rw})
		}
		old, now := s.row(y0+k, x0, rw), cur[k*rw:(k+1)*rw]
		for x := range now {
			if now[x] != old[x] {
				diff[x] = true
			}
		}
	}
	for x := 0; x < rw; {
		if !diff[x] {
			x++
			continue
		}
		a, b := x, x+1
		for y := x + 1; y < rw && y-b < columnGap; y++ {
			if diff[y] {
				b = y + 1
			}
		}
		spans = append(spans, [2]int{a, b})
		x = b
	}
	return spans
}

// findScroll looks for a distance dy such that most of the current rows i
// equal the shadow's rows i+dy: a scroll by -dy. It needs a clear
// majority of the rows that carry anything, and more than stay in place.
func findScroll(s *shadow, cur []uint32, x0, y0, rw, rh int) (int, bool) {
	// Where each shadow row's content is, within the columns compared.
	at := make(map[uint64]int, s.h)
	for y := 0; y < s.h; y++ {
		if s.known[y] {
			r := s.row(y, x0, rw)
			if !plain(r) {
				at[hashRow(r)] = y
			}
		}
	}
	if len(at) == 0 {
		return 0, false
	}
	votes := map[int]int{}
	content := 0
	for i := 0; i < rh; i++ {
		r := cur[i*rw : (i+1)*rw]
		if plain(r) {
			continue
		}
		content++
		if y, ok := at[hashRow(r)]; ok {
			votes[y-(y0+i)]++
		}
	}
	best, n := 0, 0
	for dy, v := range votes {
		if dy != 0 && (v > n || (v == n && abs(dy) < abs(best))) {
			best, n = dy, v
		}
	}
	if n < minDiffRows || 3*n < content || n <= votes[0] {
		return 0, false
	}
	return best, true
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
