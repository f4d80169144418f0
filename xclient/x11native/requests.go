package x11native

import (
	"fmt"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// X core request opcodes the server handles (X11 protocol, section 9).
const (
	xCreateWindow           = 1
	xChangeWindowAttributes = 2
	xGetWindowAttributes    = 3
	xDestroyWindow          = 4
	xDestroySubwindows      = 5
	xChangeSaveSet          = 6
	xReparentWindow         = 7
	xMapWindow              = 8
	xMapSubwindows          = 9
	xUnmapWindow            = 10
	xUnmapSubwindows        = 11
	xConfigureWindow        = 12
	xCirculateWindow        = 13
	xGetGeometry            = 14
	xQueryTree              = 15
	xInternAtom             = 16
	xGetAtomName            = 17
	xChangeProperty         = 18
	xDeleteProperty         = 19
	xGetProperty            = 20
	xListProperties         = 21
	xSetSelectionOwner      = 22
	xGetSelectionOwner      = 23
	xConvertSelection       = 24
	xSendEvent              = 25
	xGrabPointer            = 26
	xUngrabPointer          = 27
	xGrabButton             = 28
	xUngrabButton           = 29
	xChangeActivePointerGrb = 30
	xGrabKeyboard           = 31
	xUngrabKeyboard         = 32
	xGrabKey                = 33
	xUngrabKey              = 34
	xAllowEvents            = 35
	xGrabServer             = 36
	xUngrabServer           = 37
	xQueryPointer           = 38
	xGetMotionEvents        = 39
	xTranslateCoordinates   = 40
	xWarpPointer            = 41
	xSetInputFocus          = 42
	xGetInputFocus          = 43
	xQueryKeymap            = 44
	xOpenFont               = 45
	xCloseFont              = 46
	xQueryFont              = 47
	xQueryTextExtents       = 48
	xListFonts              = 49
	xListFontsWithInfo      = 50
	xSetFontPath            = 51
	xGetFontPath            = 52
	xCreatePixmap           = 53
	xFreePixmap             = 54
	xCreateGC               = 55
	xChangeGC               = 56
	xCopyGC                 = 57
	xSetDashes              = 58
	xSetClipRectangles      = 59
	xFreeGC                 = 60
	xClearArea              = 61
	xCopyArea               = 62
	xCopyPlane              = 63
	xPolyPoint              = 64
	xPolyLine               = 65
	xPolySegment            = 66
	xPolyRectangle          = 67
	xPolyArc                = 68
	xFillPoly               = 69
	xPolyFillRectangle      = 70
	xPolyFillArc            = 71
	xPutImage               = 72
	xGetImage               = 73
	xPolyText8              = 74
	xPolyText16             = 75
	xImageText8             = 76
	xImageText16            = 77
	xCreateColormap         = 78
	xFreeColormap           = 79
	xInstallColormap        = 81
	xUninstallColormap      = 82
	xListInstalledColormaps = 83
	xAllocColor             = 84
	xAllocNamedColor        = 85
	xFreeColors             = 88
	xQueryColors            = 91
	xLookupColor            = 92
	xCreateCursor           = 93
	xCreateGlyphCursor      = 94
	xFreeCursor             = 95
	xRecolorCursor          = 96
	xQueryBestSize          = 97
	xQueryExtension         = 98
	xListExtensions         = 99
	xChangeKeyboardMapping  = 100
	xGetKeyboardMapping     = 101
	xChangeKeyboardControl  = 102
	xGetKeyboardControl     = 103
	xBell                   = 104
	xChangePointerControl   = 105
	xGetPointerControl      = 106
	xSetScreenSaver         = 107
	xGetScreenSaver         = 108
	xChangeHosts            = 109
	xListHosts              = 110
	xSetAccessControl       = 111
	xSetCloseDownMode       = 112
	xKillClient             = 113
	xRotateProperties       = 114
	xForceScreenSaver       = 115
	xSetPointerMapping      = 116
	xGetPointerMapping      = 117
	xSetModifierMapping     = 118
	xGetModifierMapping     = 119
	xNoOperation            = 127

	// Extension major opcodes this server assigns.
	xBigRequests = 128
)

// requestNames names the core requests for log lines.
var requestNames = map[byte]string{
	6: "ChangeSaveSet", 7: "ReparentWindow", 13: "CirculateWindow", 41: "WarpPointer",
	48: "QueryTextExtents", 50: "ListFontsWithInfo", 63: "CopyPlane", 75: "PolyText16",
	77: "ImageText16", 80: "CopyColormapAndFree", 86: "AllocColorCells", 87: "AllocColorPlanes",
	89: "StoreColors", 90: "StoreNamedColor", 100: "ChangeKeyboardMapping", 114: "RotateProperties",
	116: "SetPointerMapping", 118: "SetModifierMapping",
}

// rd reads a request body; a read past the end sets short, and the
// request is answered with BadLength.
type rd struct {
	b     []byte
	short bool
}

func (r *rd) n(k int) []byte {
	if len(r.b) < k {
		r.short = true
		r.b = nil
		return make([]byte, k)
	}
	v := r.b[:k]
	r.b = r.b[k:]
	return v
}
func (r *rd) u8() uint8   { return r.n(1)[0] }
func (r *rd) u16() uint16 { return le.Uint16(r.n(2)) }
func (r *rd) i16() int16  { return int16(le.Uint16(r.n(2))) }
func (r *rd) u32() uint32 { return le.Uint32(r.n(4)) }
func (r *rd) skip(k int)  { r.n(k) }
func (r *rd) str(k int) string {
	s := string(r.n(k))
	r.skip(pad4(k) - k)
	return s
}

// ownsID reports whether id is in c's range, as X requires of a new
// resource's ID.
func (c *client) ownsID(id uint32) bool {
	return id&^idMask == c.base
}

// idFree reports whether no resource uses id.
func (s *Server) idFree(id uint32) bool {
	_, w := s.windows[id]
	_, p := s.pixmaps[id]
	_, g := s.gcs[id]
	_, f := s.fonts[id]
	_, cu := s.cursors[id]
	return !w && !p && !g && !f && !cu
}

// newID checks a client-chosen ID for a new resource, sending BadIDChoice
// when it is not the client's or already in use.
func (c *client) newID(id uint32, op byte) bool {
	if !c.ownsID(id) || !c.s.idFree(id) {
		c.xError(errIDChoice, id, op, 0)
		return false
	}
	return true
}

// logOnce logs an unimplemented request or feature the first time this
// client uses it.
func (c *client) logOnce(what string) {
	if !c.unknown[what] {
		c.unknown[what] = true
		c.s.log.Warn("x11native: not implemented", "client", c.id, "what", what)
	}
}

// handle applies one request; the server's lock is held.
func (c *client) handle(op, data byte, body []byte) {
	s := c.s
	r := &rd{b: body}
	c.curData = data
	defer func() {
		if r.short {
			c.xError(errLength, 0, op, 0)
		}
	}()
	switch op {
	case xCreateWindow:
		c.createWindow(data, r)
	case xChangeWindowAttributes:
		w := c.window(r.u32(), op)
		if w == nil {
			return
		}
		mask := r.u32()
		c.windowAttributes(w, mask, r, false)
	case xGetWindowAttributes:
		w := c.window(r.u32(), op)
		if w == nil {
			return
		}
		b := le.AppendUint32(nil, visualID)
		b = le.AppendUint16(b, w.class)
		b = append(b, w.bitGravity, w.winGravity)
		b = le.AppendUint32(b, 0xffffffff)
		b = le.AppendUint32(b, 0)
		state := byte(0)
		if w.mapped {
			state = 1
			if w.viewable() {
				state = 2
			}
		}
		b = append(b, 0, 1, state, b2u(w.override))
		b = le.AppendUint32(b, colormapID)
		b = le.AppendUint32(b, w.allMasks())
		b = le.AppendUint32(b, w.masks[c])
		b = le.AppendUint16(b, uint16(w.dontPropagate))
		b = append(b, 0, 0)
		c.reply(0, b)
	case xDestroyWindow:
		if w := c.window(r.u32(), op); w != nil && w.parent != nil {
			s.destroyWindow(w, true)
		}
	case xDestroySubwindows:
		if w := c.window(r.u32(), op); w != nil {
			for len(w.children) > 0 {
				s.destroyWindow(w.children[len(w.children)-1], true)
			}
		}
	case xMapWindow:
		if w := c.window(r.u32(), op); w != nil && w.parent != nil {
			s.mapWindow(w)
		}
	case xMapSubwindows:
		if w := c.window(r.u32(), op); w != nil {
			for _, ch := range w.children {
				s.mapWindow(ch)
			}
		}
	case xUnmapWindow:
		if w := c.window(r.u32(), op); w != nil && w.parent != nil {
			s.unmapWindow(w, true)
		}
	case xUnmapSubwindows:
		if w := c.window(r.u32(), op); w != nil {
			for _, ch := range w.children {
				s.unmapWindow(ch, true)
			}
		}
	case xConfigureWindow:
		c.configureWindow(r)
	case xGetGeometry:
		id := r.u32()
		var b []byte
		b = le.AppendUint32(b, rootID)
		if w, ok := s.windows[id]; ok {
			b = le.AppendUint16(b, uint16(int16(w.x)))
			b = le.AppendUint16(b, uint16(int16(w.y)))
			b = le.AppendUint16(b, uint16(w.w))
			b = le.AppendUint16(b, uint16(w.h))
			b = le.AppendUint16(b, uint16(w.border))
			c.reply(24, b)
		} else if p, ok := s.pixmaps[id]; ok {
			b = append(b, 0, 0, 0, 0)
			b = le.AppendUint16(b, uint16(p.w))
			b = le.AppendUint16(b, uint16(p.h))
			b = append(b, 0, 0)
			c.reply(p.depth, b)
		} else {
			c.xError(errDrawable, id, op, 0)
		}
	case xQueryTree:
		w := c.window(r.u32(), op)
		if w == nil {
			return
		}
		b := le.AppendUint32(nil, rootID)
		var parent uint32
		if w.parent != nil {
			parent = w.parent.id
		}
		b = le.AppendUint32(b, parent)
		b = le.AppendUint16(b, uint16(len(w.children)))
		b = append(b, make([]byte, 14)...)
		for _, ch := range w.children {
			b = le.AppendUint32(b, ch.id)
		}
		c.reply(0, b)
	case xInternAtom:
		n := int(r.u16())
		r.skip(2)
		name := r.str(n)
		if r.short {
			return
		}
		var a uint32
		if data != 0 {
			a = s.atoms.lookup(name)
		} else if a = s.atoms.intern(name); a == 0 {
			c.xError(errAlloc, 0, op, 0)
			return
		}
		c.reply(0, le.AppendUint32(nil, a))
	case xGetAtomName:
		a := r.u32()
		name, ok := s.atoms.name(a)
		if !ok {
			c.xError(errAtom, a, op, 0)
			return
		}
		b := le.AppendUint16(nil, uint16(len(name)))
		b = append(b, make([]byte, 22)...)
		c.reply(0, append(b, name...))
	case xChangeProperty:
		c.changeProperty(data, r)
	case xDeleteProperty:
		w := c.window(r.u32(), op)
		if w == nil {
			return
		}
		a := r.u32()
		if _, ok := w.props[a]; ok {
			delete(w.props, a)
			s.propertyNotify(w, a, 1)
		}
	case xGetProperty:
		c.getProperty(data != 0, r)
	case xListProperties:
		w := c.window(r.u32(), op)
		if w == nil {
			return
		}
		b := le.AppendUint16(nil, uint16(len(w.props)))
		b = append(b, make([]byte, 22)...)
		for a := range w.props {
			b = le.AppendUint32(b, a)
		}
		c.reply(0, b)
	case xSetSelectionOwner, xConvertSelection, xGetSelectionOwner:
		c.selection(op, r)
	case xSendEvent:
		c.sendEvent(data != 0, r)
	case xGrabPointer, xGrabKeyboard:
		// The display's own grabs decide; tell the client it has it.
		c.reply(0, nil)
	case xUngrabPointer, xGrabButton, xUngrabButton, xChangeActivePointerGrb, xUngrabKeyboard,
		xGrabKey, xUngrabKey, xAllowEvents, xGrabServer, xUngrabServer, xChangeSaveSet,
		xSetFontPath, xChangeKeyboardControl, xChangePointerControl, xSetScreenSaver,
		xChangeHosts, xSetAccessControl, xSetCloseDownMode, xForceScreenSaver, xBell,
		xNoOperation, xFreeColors, xFreeColormap, xInstallColormap, xUninstallColormap:
		// Answered by doing nothing: they change state this server does
		// not have (grabs, save sets, keyboard control).
	case xFreeCursor, xRecolorCursor, xCreateCursor, xCreateGlyphCursor:
		c.cursorRequest(op, r)
	case xWarpPointer:
		c.warpPointer(r) // tree.go
	case xReparentWindow:
		c.reparentWindow(r) // tree.go
	case xCirculateWindow, xRotateProperties, xKillClient:
		c.logOnce(requestNames[op] + fmt.Sprintf("(%d), ignored", op))
	case xQueryPointer:
		c.queryPointer(r)
	case xGetMotionEvents:
		c.reply(0, make([]byte, 24))
	case xTranslateCoordinates:
		c.translateCoordinates(r)
	case xSetInputFocus:
		focus := r.u32()
		if w, ok := s.windows[focus]; ok && w.xfar != 0 && w.viewable() && w.parent != nil {
			s.focus = focus
			if err := s.xc.SetInputFocus(xclient.Window(w.xfar)); err != nil {
				s.log.Warn("x11native: set input focus", "err", err)
			}
		} else if focus <= 1 {
			s.focus = focus
		}
	case xGetInputFocus:
		c.reply(1, le.AppendUint32(nil, s.focus))
	case xQueryKeymap:
		c.reply(0, make([]byte, 32))
	case xOpenFont, xCloseFont, xQueryFont, xListFonts, xQueryTextExtents, xListFontsWithInfo:
		c.fontRequest(op, r)
	case xGetFontPath:
		c.reply(0, make([]byte, 24))
	case xCreatePixmap:
		c.createPixmap(data, r)
	case xFreePixmap:
		id := r.u32()
		p, ok := s.pixmaps[id]
		if !ok {
			c.xError(errPixmap, id, op, 0)
			return
		}
		delete(s.pixmaps, id)
		if err := s.xc.FreePixmap(xclient.Pixmap(p.xfar)); err != nil {
			s.log.Warn("x11native: free pixmap", "err", err)
		}
	case xCreateGC, xChangeGC, xCopyGC, xSetDashes, xSetClipRectangles, xFreeGC:
		c.gcRequest(op, data, r)
	case xClearArea, xCopyArea, xPolyPoint, xPolyLine, xPolySegment, xPolyRectangle, xPolyArc,
		xFillPoly, xPolyFillRectangle, xPolyFillArc, xPutImage, xGetImage, xCopyPlane:
		if op == xClearArea {
			s.clearTiled(body) // bgpixmap.go
		}
		if !c.styledDraw(op, data, body) { // fillshape.go: fill styles on lines, arcs, polygons
			c.drawRequest(op, data, r)
		}
		s.afterDraw(op, body)
	case xPolyText8, xImageText8, xPolyText16, xImageText16:
		c.textRequest(op, data, r)
		s.afterDraw(op, body)
	case xCreateColormap:
		c.newID(r.u32(), op)
	case xListInstalledColormaps:
		b := le.AppendUint16(nil, 1)
		b = append(b, make([]byte, 22)...)
		c.reply(0, le.AppendUint32(b, colormapID))
	case xAllocColor:
		r.skip(4)
		col := [3]uint16{r.u16(), r.u16(), r.u16()}
		px, got := pixelOf(col)
		b := le.AppendUint16(nil, got[0])
		b = le.AppendUint16(b, got[1])
		b = le.AppendUint16(b, got[2])
		b = append(b, 0, 0)
		c.reply(0, le.AppendUint32(b, px))
	case xAllocNamedColor, xLookupColor:
		r.skip(4)
		n := int(r.u16())
		r.skip(2)
		name := r.str(n)
		if r.short {
			return
		}
		col, ok := lookupColor(name)
		if !ok {
			c.xError(errName, 0, op, 0)
			return
		}
		px, got := pixelOf(col)
		var b []byte
		if op == xAllocNamedColor {
			b = le.AppendUint32(b, px)
		}
		for _, v := range col {
			b = le.AppendUint16(b, v)
		}
		for _, v := range got {
			b = le.AppendUint16(b, v)
		}
		c.reply(0, b)
	case xQueryColors:
		r.skip(4)
		n := len(r.b) / 4
		b := le.AppendUint16(nil, uint16(n))
		b = append(b, make([]byte, 22)...)
		for i := 0; i < n; i++ {
			px := r.u32()
			for _, sh := range []uint{16, 8, 0} {
				b = le.AppendUint16(b, uint16((px>>sh)&0xff)*0x101)
			}
			b = append(b, 0, 0)
		}
		c.reply(0, b)
	case xQueryBestSize:
		r.skip(4)
		w, h := r.u16(), r.u16()
		c.reply(0, le.AppendUint16(le.AppendUint16(nil, w), h))
	case xQueryExtension:
		n := int(r.u16())
		r.skip(2)
		name := r.str(n)
		if r.short {
			return
		}
		switch name {
		case "BIG-REQUESTS":
			c.reply(0, []byte{1, xBigRequests, 0, 0})
		case "SHAPE":
			c.reply(0, []byte{1, xShape, shapeEventBase, 0})
		default:
			c.reply(0, []byte{0, 0, 0, 0})
		}
	case xListExtensions:
		exts := []string{"BIG-REQUESTS", "SHAPE"}
		b := make([]byte, 24)
		for _, e := range exts {
			b = append(append(b, byte(len(e))), e...)
		}
		c.reply(byte(len(exts)), b)
	case xShape:
		c.shapeRequest(data, r)
	case xBigRequests:
		c.bigReqs = true
		c.reply(0, le.AppendUint32(nil, maxRequestBytes/4))
	case xGetKeyboardMapping:
		first, count := int(r.u8()), int(r.u8())
		if first < 8 || first+count-1 > 255 {
			c.xError(errValue, uint32(first), op, 0)
			return
		}
		b := make([]byte, 24)
		for k := first; k < first+count; k++ {
			syms := usKeymap[uint8(k)]
			b = le.AppendUint32(b, syms[0])
			b = le.AppendUint32(b, syms[1])
		}
		c.reply(2, b)
	case xGetModifierMapping:
		c.reply(2, append(make([]byte, 24), modifierMap[:]...))
	case xGetPointerMapping:
		c.reply(5, append(make([]byte, 24), 1, 2, 3, 4, 5, 0, 0, 0))
	case xGetKeyboardControl:
		b := make([]byte, 52)
		b[4], b[5] = 0, 50
		le.PutUint16(b[6:], 400)
		le.PutUint16(b[8:], 100)
		c.reply(1, b)
	case xGetPointerControl:
		c.reply(0, []byte{2, 0, 1, 0, 4, 0})
	case xGetScreenSaver:
		c.reply(0, nil)
	case xListHosts:
		c.reply(0, nil)
	case xChangeKeyboardMapping, xSetModifierMapping, xSetPointerMapping:
		// Refuse to remap: the map is fixed. SetModifierMapping and
		// SetPointerMapping answer "busy" (1), which clients handle.
		c.logOnce(requestNames[op] + ", refused")
		if op != xChangeKeyboardMapping {
			c.reply(1, nil)
		} else {
			c.xError(errAccess, 0, op, 0)
		}
	default:
		name, ok := requestNames[op]
		switch {
		case !ok && op >= 128:
			name = fmt.Sprintf("of an extension this server does not have, major opcode %d, minor %d", op, data)
		case !ok:
			name = fmt.Sprintf("opcode %d", op)
		}
		c.logOnce(fmt.Sprintf("request %s (%d), answered BadRequest", name, op))
		c.xError(errRequest, 0, op, 0)
	}
}

const errAccess = 10

// modifierMap is GetModifierMapping's reply: two keycodes for each of
// Shift, Lock, Control, Mod1..Mod5, as Xvfb's US map has them.
var modifierMap = [16]byte{50, 62, 66, 0, 37, 105, 64, 108, 77, 0, 0, 0, 133, 134, 92, 203}

// window looks up a window, sending BadWindow for an unknown ID.
func (c *client) window(id uint32, op byte) *window {
	w, ok := c.s.windows[id]
	if !ok {
		c.xError(errWindow, id, op, 0)
		return nil
	}
	return w
}

func (c *client) createWindow(depth byte, r *rd) {
	s := c.s
	id, parentID := r.u32(), r.u32()
	x, y, w, h, bw := r.i16(), r.i16(), r.u16(), r.u16(), r.u16()
	class := r.u16()
	r.u32() // visual
	mask := r.u32()
	if r.short {
		return
	}
	parent := c.window(parentID, xCreateWindow)
	if parent == nil || !c.newID(id, xCreateWindow) {
		return
	}
	if class == 0 {
		class = parent.class
	}
	if w == 0 || h == 0 || class > 2 {
		c.xError(errValue, uint32(w), xCreateWindow, 0)
		return
	}
	if class == 2 && bw != 0 || class == 1 && parent.class == 2 {
		c.xError(errMatch, 0, xCreateWindow, 0)
		return
	}
	win := &window{id: id, owner: c, parent: parent, x: int(x), y: int(y), w: int(w), h: int(h),
		border: int(bw), class: class, bgNone: true, masks: map[*client]uint32{},
		props: map[uint32]*property{}}
	if !c.windowAttributes(win, mask, r, true) {
		return
	}
	if class == 1 {
		if err := s.createXfar(win); err != nil {
			s.log.Warn("x11native: create window", "window", id, "err", err)
			c.xError(errAlloc, id, xCreateWindow, 0)
			return
		}
	}
	s.windows[id] = win
	parent.children = append(parent.children, win)
	for pc, m := range parent.masks {
		if m&protocol.SubstructureNotifyMsk != 0 {
			e := make([]byte, 32)
			e[0] = 16 // CreateNotify
			le.PutUint32(e[4:], parent.id)
			le.PutUint32(e[8:], id)
			le.PutUint16(e[12:], uint16(x))
			le.PutUint16(e[14:], uint16(y))
			le.PutUint16(e[16:], w)
			le.PutUint16(e[18:], h)
			le.PutUint16(e[20:], bw)
			e[22] = b2u(win.override)
			pc.event(e)
		}
	}
	_ = depth
}

// windowAttributes applies a CreateWindow or ChangeWindowAttributes value
// list to w and, for an existing window, to its xfar window.
func (c *client) windowAttributes(w *window, mask uint32, r *rd, creating bool) bool {
	s := c.s
	var ch xclient.WindowAttributes
	oldMask := w.masks[c]
	for bit := 0; bit < 15; bit++ {
		if mask&(1<<bit) == 0 {
			continue
		}
		v := r.u32()
		if r.short {
			return false
		}
		switch bit {
		case 0: // background-pixmap (bgpixmap.go)
			op := byte(xChangeWindowAttributes)
			if creating {
				op = xCreateWindow
			}
			if !c.backgroundAttribute(w, v, op) {
				return false
			}
			ch.Mask |= protocol.CWFlags | protocol.CWBackPixel
		case 1:
			s.dropBackgroundTile(w)
			w.bgPixel, w.bgNone, w.bgParentRel = v&0xffffff, false, false
			ch.Mask |= protocol.CWFlags | protocol.CWBackPixel
		case 2:
			// border-pixmap: the border keeps its pixel.
		case 3:
			w.borderPixel = v & 0xffffff
			ch.Mask |= protocol.CWBorderPix
		case 4:
			w.bitGravity = uint8(v)
		case 5:
			w.winGravity = uint8(v)
		case 9:
			w.override = v != 0
			ch.Mask |= protocol.CWFlags
		case 11:
			if v&maskSubstructRedirect != 0 {
				for oc, m := range w.masks {
					if oc != c && m&maskSubstructRedirect != 0 {
						c.xError(errAccess, w.id, xChangeWindowAttributes, 0)
						return false
					}
				}
			}
			if v == 0 {
				delete(w.masks, c)
			} else {
				w.masks[c] = v & maskAllX
			}
		case 12:
			w.dontPropagate = v
		case 13:
			w.colormap = v
		case 14:
			if v == 0 {
				w.cursor = nil
			} else if cd := s.cursors[v]; cd != nil {
				w.cursor = cd
			} else {
				op := byte(xChangeWindowAttributes)
				if creating {
					op = xCreateWindow
				}
				c.xError(errCursor, v, op, 0)
				return false
			}
		}
	}
	if creating || w.xfar == 0 {
		return true
	}
	ch.Background, ch.Border = w.bgPixel, w.borderPixel
	ch.BackgroundNone, ch.OverrideRedirect = w.bgNone, w.override
	if ch.Mask != 0 {
		if err := s.changeWindowAttributes(w, ch); err != nil {
			s.log.Warn("x11native: change window attributes", "window", w.id, "err", err)
		}
	}
	if w.masks[c] != oldMask || mask&1 != 0 {
		s.updateXfarMask(w)
	}
	s.applyCursor(w)
	return true
}

func (c *client) configureWindow(r *rd) {
	s := c.s
	w := c.window(r.u32(), xConfigureWindow)
	if w == nil {
		return
	}
	mask := r.u16()
	r.skip(2)
	ch := xclient.WindowChanges{}
	var sibling *window
	stack := -1
	for bit := 0; bit < 7; bit++ {
		if mask&(1<<bit) == 0 {
			continue
		}
		v := r.u32()
		if r.short {
			return
		}
		switch bit {
		case 0:
			w.x = int(int16(v))
		case 1:
			w.y = int(int16(v))
		case 2:
			if v == 0 {
				c.xError(errValue, v, xConfigureWindow, 0)
				return
			}
			w.w = int(uint16(v))
		case 3:
			if v == 0 {
				c.xError(errValue, v, xConfigureWindow, 0)
				return
			}
			w.h = int(uint16(v))
		case 4:
			w.border = int(uint16(v))
		case 5:
			sibling = s.windows[v]
			if sibling == nil || sibling.parent != w.parent || sibling == w {
				c.xError(errMatch, v, xConfigureWindow, 0)
				return
			}
		case 6:
			stack = int(v)
		}
	}
	if w.parent == nil {
		return
	}
	ch.Mask = mask & (protocol.ConfigX | protocol.ConfigY | protocol.ConfigWidth | protocol.ConfigHeight | protocol.ConfigBorderWidth)
	ch.X, ch.Y, ch.Width, ch.Height, ch.BorderWidth = w.x, w.y, w.w, w.h, w.border
	if stack == 0 || stack == 1 { // Above, Below; TopIf, BottomIf and Opposite are ignored
		p := w.parent
		p.removeChild(w)
		i := len(p.children)
		if stack == 1 {
			i = 0
		}
		if sibling != nil {
			for j, sc := range p.children {
				if sc == sibling {
					i = j
					if stack == 0 {
						i = j + 1
					}
				}
			}
			ch.Mask |= protocol.ConfigSibling
			ch.Sibling = xclient.Window(sibling.xfar)
		}
		p.children = append(p.children[:i], append([]*window{w}, p.children[i:]...)...)
		ch.Mask |= protocol.ConfigStackMode
		ch.StackMode = uint8(stack)
	}
	if w.xfar != 0 && ch.Mask != 0 {
		if err := s.xc.ConfigureWindow(xclient.Window(w.xfar), ch); err != nil {
			s.log.Warn("x11native: configure window", "window", w.id, "err", err)
		}
	}
	s.configureNotify(w)
}

func (c *client) changeProperty(mode byte, r *rd) {
	s := c.s
	w := c.window(r.u32(), xChangeProperty)
	if w == nil {
		return
	}
	prop, typ := r.u32(), r.u32()
	format := r.u8()
	r.skip(3)
	n := int(r.u32())
	if r.short {
		return
	}
	if format != 8 && format != 16 && format != 32 || mode > 2 {
		c.xError(errValue, uint32(format), xChangeProperty, 0)
		return
	}
	if _, ok := s.atoms.name(prop); !ok {
		c.xError(errAtom, prop, xChangeProperty, 0)
		return
	}
	size := n * int(format) / 8
	if size > len(r.b) || n > maxRequestBytes {
		r.short = true
		return
	}
	data := append([]byte(nil), r.b[:size]...)
	old := w.props[prop]
	if mode != 0 && old != nil {
		if old.typ != typ || old.format != format {
			c.xError(errMatch, 0, xChangeProperty, 0)
			return
		}
		if mode == 1 {
			data = append(data, old.data...)
		} else {
			data = append(append([]byte(nil), old.data...), data...)
		}
	}
	if len(data) > maxPropertyBytes {
		c.xError(errAlloc, 0, xChangeProperty, 0)
		return
	}
	w.props[prop] = &property{typ: typ, format: format, data: data}
	s.propertyNotify(w, prop, 0)
	if w.mapped && s.isHintProperty(prop) {
		s.sendHints(w) // wmhints.go; an unmapped window's go with its map
	}
	if prop == atomWMName && w.isTop() && w.xfar != 0 {
		title := string(data)
		if len(title) > protocol.MaxTitle {
			title = title[:protocol.MaxTitle]
		}
		if err := s.xc.SetTitle(xclient.Window(w.xfar), toUTF8(title, typ == s.atoms.lookup("UTF8_STRING"))); err != nil {
			s.log.Warn("x11native: set title", "err", err)
		}
	}
}

// maxPropertyBytes bounds one property's value.
const maxPropertyBytes = 4 << 20

// toUTF8 converts a Latin-1 STRING to UTF-8 (a UTF8_STRING is kept),
// dropping invalid bytes.
func toUTF8(s string, isUTF8 bool) string {
	if isUTF8 {
		return stringsToValidUTF8(s)
	}
	rs := make([]rune, 0, len(s))
	for i := 0; i < len(s); i++ {
		rs = append(rs, rune(s[i]))
	}
	return string(rs)
}

func (s *Server) propertyNotify(w *window, atom uint32, state byte) {
	for c, m := range w.masks {
		if m&maskPropertyChange != 0 {
			e := make([]byte, 32)
			e[0] = 28
			le.PutUint32(e[4:], w.id)
			le.PutUint32(e[8:], atom)
			le.PutUint32(e[12:], s.now())
			e[16] = state
			c.event(e)
			c.flush() // it may be another client, waiting for this
		}
	}
}

func (c *client) getProperty(del bool, r *rd) {
	s := c.s
	w := c.window(r.u32(), xGetProperty)
	if w == nil {
		return
	}
	prop, typ, off, length := r.u32(), r.u32(), r.u32(), r.u32()
	if r.short {
		return
	}
	p := w.props[prop]
	if p == nil {
		c.reply(0, make([]byte, 24))
		return
	}
	if typ != 0 && typ != p.typ {
		b := le.AppendUint32(nil, p.typ)
		b = le.AppendUint32(b, uint32(len(p.data)))
		c.reply(p.format, b)
		return
	}
	n := len(p.data)
	i := int(off) * 4
	if off > uint32(n) || i > n {
		c.xError(errValue, off, xGetProperty, 0)
		return
	}
	l := min(n-i, int(min(length, maxPropertyBytes))*4)
	after := n - (i + l)
	b := le.AppendUint32(nil, p.typ)
	b = le.AppendUint32(b, uint32(after))
	b = le.AppendUint32(b, uint32(l/(int(p.format)/8)))
	b = append(b, make([]byte, 12)...)
	b = append(b, p.data[i:i+l]...)
	c.reply(p.format, b)
	if del && after == 0 {
		delete(w.props, prop)
		s.propertyNotify(w, prop, 1)
	}
}

// now is the server time in milliseconds.
func (s *Server) now() uint32 { return uint32(nowMillis()) }

func (c *client) createPixmap(depth byte, r *rd) {
	s := c.s
	id, d := r.u32(), r.u32()
	w, h := r.u16(), r.u16()
	if r.short {
		return
	}
	if _, _, ok := s.drawable(d); !ok {
		c.xError(errDrawable, d, xCreatePixmap, 0)
		return
	}
	if !c.newID(id, xCreatePixmap) {
		return
	}
	if w == 0 || h == 0 {
		c.xError(errValue, 0, xCreatePixmap, 0)
		return
	}
	if depth != 1 && depth != 24 && depth != 32 {
		c.xError(errValue, uint32(depth), xCreatePixmap, 0)
		return
	}
	xid, err := s.xc.CreatePixmap(xclient.Window(s.root.xfar), int(w), int(h))
	if err != nil {
		s.log.Warn("x11native: create pixmap", "err", err)
		c.xError(errAlloc, id, xCreatePixmap, 0)
		return
	}
	s.pixmaps[id] = &pixmap{id: id, xfar: uint32(xid), owner: c, w: int(w), h: int(h), depth: depth}
}

func (c *client) queryPointer(r *rd) {
	s := c.s
	w := c.window(r.u32(), xQueryPointer)
	if w == nil {
		return
	}
	var rx, ry, state int
	var child uint32
	s.roundTrips.Add(1)
	if rep, err := s.xc.QueryPointer(s.xc.Root()); err == nil {
		rx, ry, state = int(rep.RootX), int(rep.RootY), int(rep.State)
		s.pointer.x, s.pointer.y = rep.RootX, rep.RootY
	} else {
		rx, ry = int(s.pointer.x), int(s.pointer.y)
		s.log.Warn("x11native: query pointer", "err", err)
	}
	wx, wy := w.rootPos()
	if ch := w.childAt(rx-wx, ry-wy); ch != nil {
		child = ch.id
	}
	b := le.AppendUint32(nil, rootID)
	b = le.AppendUint32(b, child)
	b = le.AppendUint16(b, uint16(rx))
	b = le.AppendUint16(b, uint16(ry))
	b = le.AppendUint16(b, uint16(rx-wx))
	b = le.AppendUint16(b, uint16(ry-wy))
	b = le.AppendUint16(b, uint16(state))
	c.reply(1, b)
}

// childAt returns the topmost mapped child of w containing (x, y) in w's
// coordinates.
func (w *window) childAt(x, y int) *window {
	for i := len(w.children) - 1; i >= 0; i-- {
		ch := w.children[i]
		if ch.mapped && x >= ch.x && y >= ch.y && x < ch.x+ch.w+2*ch.border && y < ch.y+ch.h+2*ch.border {
			return ch
		}
	}
	return nil
}

func (c *client) translateCoordinates(r *rd) {
	src := c.window(r.u32(), xTranslateCoordinates)
	if src == nil {
		return
	}
	dst := c.window(r.u32(), xTranslateCoordinates)
	if dst == nil {
		return
	}
	x, y := int(r.i16()), int(r.i16())
	sx, sy := src.rootPos()
	dx, dy := dst.rootPos()
	x, y = x+sx-dx, y+sy-dy
	var child uint32
	if ch := dst.childAt(x, y); ch != nil {
		child = ch.id
	}
	b := le.AppendUint32(nil, child)
	b = le.AppendUint16(b, uint16(x))
	b = le.AppendUint16(b, uint16(y))
	c.reply(1, b)
}

func (c *client) selection(op byte, r *rd) {
	s := c.s
	switch op {
	case xSetSelectionOwner:
		owner, sel := r.u32(), r.u32()
		if r.short {
			return
		}
		c.setOwner(owner, sel)
	case xGetSelectionOwner:
		sel := r.u32()
		var id uint32
		if w := s.selOwners()[sel]; w != nil {
			if _, live := s.windows[w.id]; live {
				id = w.id
			}
		}
		if xs, ok := s.xfarSelection(sel); ok && id == 0 && s.sel.display[xs] {
			id = selWinID // a display client owns it; the server stands in
		}
		c.reply(0, le.AppendUint32(nil, id))
	case xConvertSelection:
		req, sel, target, prop, t := r.u32(), r.u32(), r.u32(), r.u32(), r.u32()
		if r.short {
			return
		}
		if w := s.selOwners()[sel]; w != nil && s.windows[w.id] == w && w.owner != nil {
			e := make([]byte, 32)
			e[0] = 30 // SelectionRequest
			le.PutUint32(e[4:], t)
			le.PutUint32(e[8:], w.id)
			le.PutUint32(e[12:], req)
			le.PutUint32(e[16:], sel)
			le.PutUint32(e[20:], target)
			le.PutUint32(e[24:], prop)
			w.owner.event(e)
			w.owner.flush()
			return
		}
		if xs, ok := s.xfarSelection(sel); ok && s.sel.display[xs] {
			c.convertFromDisplay(xs, req, sel, target, prop, t)
			return
		}
		e := make([]byte, 32)
		e[0] = 31 // SelectionNotify, property None
		le.PutUint32(e[4:], t)
		le.PutUint32(e[8:], req)
		le.PutUint32(e[12:], sel)
		le.PutUint32(e[16:], target)
		c.event(e)
	}
}

func (c *client) sendEvent(propagate bool, r *rd) {
	s := c.s
	dest := r.u32()
	mask := r.u32()
	ev := append([]byte(nil), r.n(32)...)
	if r.short {
		return
	}
	var w *window
	switch dest {
	case 0, 1: // PointerWindow, InputFocus: the focus window
		w = s.windows[s.focus]
	default:
		w = s.windows[dest]
	}
	if w == nil {
		c.xError(errWindow, dest, xSendEvent, 0)
		return
	}
	ev[0] |= 0x80
	if w == s.sel.win {
		s.selectionNotifyToServer(ev)
		return
	}
	// Another client's events are flushed now: its own requests may not
	// come (a selection requestor waits for this SelectionNotify).
	if mask == 0 {
		if w.owner != nil {
			w.owner.event(ev)
			w.owner.flush()
		}
		return
	}
	for ; w != nil; w = w.parent {
		sent := false
		for oc, m := range w.masks {
			if m&mask != 0 {
				oc.event(append([]byte(nil), ev...))
				oc.flush()
				sent = true
			}
		}
		if sent || !propagate {
			return
		}
	}
}

// readImage reads a ZPixmap of depth 24 (32 bits per pixel) into
// 0x00RRGGBB pixels.
func zpixmap24(data []byte, w, h int) ([]uint32, bool) {
	if len(data) < w*h*4 {
		return nil, false
	}
	pix := make([]uint32, w*h)
	for i := range pix {
		pix[i] = le.Uint32(data[i*4:]) & 0xffffff
	}
	return pix, true
}

// stringsToValidUTF8 drops invalid UTF-8.
func stringsToValidUTF8(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r != 0xfffd {
			out = append(out, r)
		}
	}
	return string(out)
}
