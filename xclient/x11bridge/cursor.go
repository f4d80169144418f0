package x11bridge

import (
	"image"

	"github.com/jezek/xgb/xfixes"

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
