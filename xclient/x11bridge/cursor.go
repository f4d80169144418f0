package x11bridge

import (
	"image"

	"github.com/jezek/xgb/xfixes"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// X cursors: XFixes reports every change of the cursor on the X screen
// (CursorNotify) and gives its image and name. The bridge sets it on the
// display window the pointer is in: named cursors that have a standard
// CSS counterpart (xterm's I-beam is "xterm" in X, "text" in CSS) go by
// name, so viewers show their own crisp cursor; the rest as images.

// xCursorNames maps X cursor names (the core cursor font's and the
// cursor themes' usual aliases) to CSS cursor names.
var xCursorNames = map[string]string{
	"left_ptr": "default", "arrow": "default", "top_left_arrow": "default", "default": "default",
	"xterm": "text", "text": "text", "ibeam": "text",
	"hand1": "pointer", "hand2": "pointer", "pointer": "pointer", "pointing_hand": "pointer",
	"watch": "wait", "wait": "wait", "left_ptr_watch": "progress", "progress": "progress",
	"crosshair": "crosshair", "cross": "crosshair", "tcross": "crosshair",
	"question_arrow": "help", "help": "help",
	"fleur": "move", "move": "move", "all-scroll": "all-scroll", "grabbing": "grabbing",
	"sb_h_double_arrow": "ew-resize", "h_double_arrow": "ew-resize", "ew-resize": "ew-resize", "col-resize": "col-resize",
	"sb_v_double_arrow": "ns-resize", "v_double_arrow": "ns-resize", "ns-resize": "ns-resize", "row-resize": "row-resize",
	"top_side": "n-resize", "bottom_side": "s-resize", "left_side": "w-resize", "right_side": "e-resize",
	"top_left_corner": "nw-resize", "top_right_corner": "ne-resize",
	"bottom_left_corner": "sw-resize", "bottom_right_corner": "se-resize",
	"n-resize": "n-resize", "s-resize": "s-resize", "e-resize": "e-resize", "w-resize": "w-resize",
	"ne-resize": "ne-resize", "nw-resize": "nw-resize", "se-resize": "se-resize", "sw-resize": "sw-resize",
	"not-allowed": "not-allowed", "crossed_circle": "not-allowed", "pirate": "not-allowed",
	"grab": "grab", "openhand": "grab", "copy": "copy", "alias": "alias", "context-menu": "context-menu",
	"cell": "cell", "plus": "cell", "zoom-in": "zoom-in", "zoom-out": "zoom-out",
}

// xCursor is the X screen's cursor as the bridge last read it.
type xCursor struct {
	serial    uint32
	name      string // CSS name, or "" for an image
	size, hot image.Point
	pix       []uint32
}

// cursorChanged reads the new X cursor and shows it on the window the
// pointer is in.
func (m *mirror) cursorChanged() {
	r, err := xfixes.GetCursorImageAndName(m.x).Reply()
	if err != nil {
		m.log.Debug("read X cursor", "err", err)
		return
	}
	c := &xCursor{serial: r.CursorSerial, name: xCursorNames[r.Name]}
	if c.name == "" && int(r.Width)*int(r.Height) <= len(r.CursorImage) {
		c.name = m.fontCursors[cursorKey(r.Width, r.Height, r.Xhot, r.Yhot, r.CursorImage[:int(r.Width)*int(r.Height)])]
	}
	if c.name == "" {
		w, h := int(r.Width), int(r.Height)
		if w <= 0 || h <= 0 || w > protocol.MaxCursorSize || h > protocol.MaxCursorSize || len(r.CursorImage) < w*h {
			c.name = "default"
		} else {
			c.size, c.hot = image.Pt(w, h), image.Pt(min(int(r.Xhot), w-1), min(int(r.Yhot), h-1))
			c.pix = append([]uint32(nil), r.CursorImage[:w*h]...)
		}
	}
	m.cursor = c
	if w := m.ptrWin; w != nil {
		m.applyCursor(w)
	}
}

// pointerIn notes that the pointer is in w; if w does not show the X
// screen's cursor yet, it gets it.
func (m *mirror) pointerIn(w *xwin) {
	if m.ptrWin != w {
		m.ptrWin = w
		m.applyCursor(w)
	}
}

// applyCursor sets the current X cursor on w's display window if it
// shows another.
func (m *mirror) applyCursor(w *xwin) {
	c := m.cursor
	if c == nil || w.did == 0 {
		return
	}
	key := c.name
	if key == "" {
		key = "image:" + itoa(c.serial)
	}
	if w.cursorSent == key {
		return
	}
	w.cursorSent = key
	win := xclient.Window(w.did)
	if c.name != "" {
		m.disp.c.SetCursorName(win, c.name)
	} else {
		m.disp.c.SetCursorImage(win, c.size, c.hot, c.pix)
	}
}

func itoa(v uint32) string {
	var b [10]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}

// fontCursors are the X core cursor font's shapes (X11/cursorfont.h)
// with the CSS name each stands for. Programs that use them (xterm's
// I-beam) give XFixes no name, so the bridge recognises their images.
var fontCursors = []struct {
	shape uint16
	css   string
}{
	{68, "default"}, {2, "default"}, {132, "default"}, {152, "text"}, {60, "pointer"}, {58, "pointer"},
	{150, "wait"}, {34, "crosshair"}, {130, "crosshair"}, {52, "move"}, {92, "help"},
	{108, "ew-resize"}, {116, "ns-resize"}, {134, "nw-resize"}, {136, "ne-resize"},
	{12, "sw-resize"}, {14, "se-resize"}, {138, "n-resize"}, {16, "s-resize"},
	{70, "w-resize"}, {96, "e-resize"}, {90, "cell"}, {88, "not-allowed"},
}

// cursorKey identifies a cursor image.
func cursorKey(w, h, hx, hy uint16, pix []uint32) string {
	b := make([]byte, 0, 8+4*len(pix))
	b = append(b, byte(w), byte(w>>8), byte(h), byte(h>>8), byte(hx), byte(hx>>8), byte(hy), byte(hy>>8))
	for _, p := range pix {
		b = append(b, byte(p), byte(p>>8), byte(p>>16), byte(p>>24))
	}
	return string(b)
}

// learnFontCursors records the images of the core font's cursors as
// programs create them (black on white): each is shown on the empty root
// for a moment and read back. Only while the pointer is over the bare
// root (a fresh private server), so that nothing the user sees changes.
func (m *mirror) learnFontCursors() {
	m.fontCursors = map[string]string{}
	q, err := xproto.QueryPointer(m.x, m.root).Reply()
	if err != nil || q.Child != 0 {
		return
	}
	fid, err := m.x.NewId()
	if err != nil {
		return
	}
	font := xproto.Font(fid)
	if err := xproto.OpenFontChecked(m.x, font, uint16(len("cursor")), "cursor").Check(); err != nil {
		m.log.Debug("no X cursor font; font cursors are sent as images", "err", err)
		return
	}
	defer xproto.CloseFont(m.x, font)
	for _, fc := range fontCursors {
		cid, err := m.x.NewId()
		if err != nil {
			return
		}
		cur := xproto.Cursor(cid)
		xproto.CreateGlyphCursor(m.x, cur, font, font, fc.shape, fc.shape+1, 0, 0, 0, 0xffff, 0xffff, 0xffff)
		xproto.ChangeWindowAttributes(m.x, m.root, xproto.CwCursor, []uint32{uint32(cur)})
		r, err := xfixes.GetCursorImage(m.x).Reply()
		xproto.FreeCursor(m.x, cur)
		if err != nil || int(r.Width)*int(r.Height) > len(r.CursorImage) {
			continue
		}
		k := cursorKey(r.Width, r.Height, r.Xhot, r.Yhot, r.CursorImage[:int(r.Width)*int(r.Height)])
		if _, dup := m.fontCursors[k]; !dup {
			m.fontCursors[k] = fc.css
		}
	}
	xproto.ChangeWindowAttributes(m.x, m.root, xproto.CwCursor, []uint32{0})
}
