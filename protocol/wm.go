package protocol

import (
	"bytes"
	"errors"
	"fmt"
)

// The window-manager requests tell the display server's window manager
// what X programs tell theirs through properties (ICCCM's WM_NORMAL_HINTS
// and WM_TRANSIENT_FOR, EWMH's _NET_WM_WINDOW_TYPE and _NET_WM_STATE,
// Motif's decoration hints, the Shape and XFixes cursor extensions), so
// that the same rules apply to xclient programs and bridged X programs.
// SPEC.md §19 describes them.

// Window-manager requests.
const (
	OpSetWMHints      Opcode = 75
	OpSetWindowState  Opcode = 76
	OpSetShape        Opcode = 77
	OpSetCursor       Opcode = 78
	OpBeginMoveResize Opcode = 79
)

const (
	maxWMWindowType        = WindowTypeNotification
	wmHintsAll             = HintUSPosition | HintPPosition | HintMinSize | HintMaxSize | HintResizeInc | HintBaseSize | HintTransient | HintNoDecorations
	windowStatesAll        = StateMaximizedVert | StateMaximizedHorz | StateFullscreen | StateMinimized
	maxMoveResizeDirection = MoveResizeMove
	maxStateAction         = StateToggle
)

// WindowStateNotify tells a window's owner that its window-manager state
// changed (whoever changed it: the user through the title bar, or the
// program through SetWindowState): State holds the new Window State bits.
// It is sent, whatever the masks, to the owner of the window; the size
// change that comes with it is reported by ConfigureNotify as usual.
const WindowStateNotify EventCode = 50

// SetWMHints flags: which fields of SetWMHints are meaningful.
const (
	// HintUSPosition and HintPPosition: the window's position was asked
	// for by the user or the program; the window manager keeps it instead
	// of placing the window.
	HintUSPosition uint32 = 1 << 0
	HintPPosition  uint32 = 1 << 1
	HintMinSize    uint32 = 1 << 2
	HintMaxSize    uint32 = 1 << 3
	HintResizeInc  uint32 = 1 << 4
	HintBaseSize   uint32 = 1 << 5
	// HintTransient: TransientFor names the window this one is a dialog
	// of; it is centred on it when first mapped and kept above it.
	HintTransient uint32 = 1 << 6
	// HintNoDecorations: the window draws its own frame (or none); the
	// window manager adds no title bar.
	HintNoDecorations uint32 = 1 << 7
)

// Window types (EWMH's _NET_WM_WINDOW_TYPE). Menus, tooltips and
// notifications are never decorated.
const (
	WindowTypeNormal       = 0
	WindowTypeDialog       = 1
	WindowTypeUtility      = 2
	WindowTypeMenu         = 3 // menus, drop-downs, popups, combo lists
	WindowTypeTooltip      = 4
	WindowTypeSplash       = 5
	WindowTypeNotification = 6
)

// Window states (EWMH's _NET_WM_STATE), as bits.
const (
	StateMaximizedVert uint16 = 1 << 0
	StateMaximizedHorz uint16 = 1 << 1
	StateFullscreen    uint16 = 1 << 2
	StateMinimized     uint16 = 1 << 3
	// StateMaximized is both maximized bits.
	StateMaximized = StateMaximizedVert | StateMaximizedHorz
)

// SetWindowState actions (EWMH's _NET_WM_STATE client message).
const (
	StateRemove = 0
	StateAdd    = 1
	StateToggle = 2
)

// BeginMoveResize directions (EWMH's _NET_WM_MOVERESIZE): the edge or
// corner the pointer drags, clockwise from the top-left corner, or a move.
const (
	MoveResizeTopLeft     = 0
	MoveResizeTop         = 1
	MoveResizeTopRight    = 2
	MoveResizeRight       = 3
	MoveResizeBottomRight = 4
	MoveResizeBottom      = 5
	MoveResizeBottomLeft  = 6
	MoveResizeLeft        = 7
	MoveResizeMove        = 8
)

// Cursor kinds of SetCursor.
const (
	// CursorInherit shows the parent's cursor (the root's is the arrow).
	CursorInherit = 0
	// CursorNamed shows a standard cursor by its CSS name (CursorNames).
	CursorNamed = 1
	// CursorImage shows an ARGB image with a hot spot.
	CursorImage = 2
)

// Limits of the window-manager requests.
const (
	// MaxShapeRects bounds the rectangles of a shape.
	MaxShapeRects = 16384
	// MaxCursorSize bounds a cursor image's width and height.
	MaxCursorSize = 128
	// MaxCursorName bounds a cursor name.
	MaxCursorName = 32
)

// CursorNames are the standard cursor names SetCursor accepts: CSS's
// cursor keywords, which viewers show as they are.
var CursorNames = []string{
	"default", "none", "context-menu", "help", "pointer", "progress", "wait",
	"cell", "crosshair", "text", "vertical-text", "alias", "copy", "move",
	"no-drop", "not-allowed", "grab", "grabbing", "all-scroll", "col-resize",
	"row-resize", "n-resize", "e-resize", "s-resize", "w-resize", "ne-resize",
	"nw-resize", "se-resize", "sw-resize", "ew-resize", "ns-resize",
	"nesw-resize", "nwse-resize", "zoom-in", "zoom-out",
}

// ValidCursorName reports whether name is one of CursorNames.
func ValidCursorName(name string) bool {
	for _, n := range CursorNames {
		if n == name {
			return true
		}
	}
	return false
}

// SetWMHints tells the window manager how to treat a top-level window:
// X's WM_NORMAL_HINTS, WM_TRANSIENT_FOR, _NET_WM_WINDOW_TYPE and the
// Motif/GTK "no decorations" hints, in one request. Sizes are of the
// window's inside.
type SetWMHints struct {
	Window       uint32
	Flags        uint32
	TransientFor uint32
	MinW, MinH   uint16
	MaxW, MaxH   uint16
	IncW, IncH   uint16
	BaseW, BaseH uint16
	Type         uint8
}

// Opcode implements Request.
func (*SetWMHints) Opcode() Opcode { return OpSetWMHints }

// AppendBody implements Request.
func (r *SetWMHints) AppendBody(b []byte) []byte {
	b = putU32(b, r.Window)
	b = putU32(b, r.Flags)
	b = putU32(b, r.TransientFor)
	for _, v := range []uint16{r.MinW, r.MinH, r.MaxW, r.MaxH, r.IncW, r.IncH, r.BaseW, r.BaseH} {
		b = putU16(b, v)
	}
	return append(b, r.Type, 0, 0, 0)
}

func decodeSetWMHints(_ Opcode, d *decoder) (Request, error) {
	r := &SetWMHints{Window: d.u32(), Flags: d.u32(), TransientFor: d.u32(),
		MinW: d.u16(), MinH: d.u16(), MaxW: d.u16(), MaxH: d.u16(),
		IncW: d.u16(), IncH: d.u16(), BaseW: d.u16(), BaseH: d.u16(), Type: d.u8()}
	d.skip(3)
	switch {
	case r.Flags&^wmHintsAll != 0:
		return r, fmt.Errorf("flags %#x", r.Flags)
	case r.Type > maxWMWindowType:
		return r, fmt.Errorf("window type %d", r.Type)
	}
	for _, v := range []uint16{r.MinW, r.MinH, r.MaxW, r.MaxH, r.IncW, r.IncH, r.BaseW, r.BaseH} {
		if v > MaxDimension {
			return r, fmt.Errorf("size %d out of range 0..%d", v, MaxDimension)
		}
	}
	return r, nil
}

// SetWindowState asks the window manager to add, remove or toggle states
// of a top-level window (EWMH's _NET_WM_STATE client message).
type SetWindowState struct {
	Window uint32
	Action uint8
	States uint16
}

// Opcode implements Request.
func (*SetWindowState) Opcode() Opcode { return OpSetWindowState }

// AppendBody implements Request.
func (r *SetWindowState) AppendBody(b []byte) []byte {
	b = putU32(b, r.Window)
	b = append(b, r.Action, 0)
	return putU16(b, r.States)
}

func decodeSetWindowState(_ Opcode, d *decoder) (Request, error) {
	r := &SetWindowState{Window: d.u32(), Action: d.u8()}
	d.skip(1)
	r.States = d.u16()
	switch {
	case r.Action > maxStateAction:
		return r, fmt.Errorf("action %d", r.Action)
	case r.States&^windowStatesAll != 0:
		return r, fmt.Errorf("states %#x", r.States)
	}
	return r, nil
}

// SetShape gives a window a bounding shape (X's Shape extension): only the
// union of Rects, in the window's coordinates, is drawn and takes input.
// Shaped false (and no rectangles) makes the window rectangular again.
type SetShape struct {
	Window uint32
	Shaped bool
	Rects  []Rect
}

// Opcode implements Request.
func (*SetShape) Opcode() Opcode { return OpSetShape }

// AppendBody implements Request.
func (r *SetShape) AppendBody(b []byte) []byte {
	b = putU32(b, r.Window)
	b = append(b, boolByte(r.Shaped), 0, 0, 0)
	return appendRects(b, r.Rects)
}

func decodeSetShape(_ Opcode, d *decoder) (Request, error) {
	r := &SetShape{Window: d.u32()}
	shaped := d.u8()
	d.skip(3)
	if d.err == nil && d.rest()/8 > MaxShapeRects {
		n := d.rest() / 8
		d.skip(d.rest())
		return r, fmt.Errorf("%d shape rectangles, limit %d", n, MaxShapeRects)
	}
	if r.Rects = decodeRects(d); len(r.Rects) == 0 {
		r.Rects = nil
	}
	switch {
	case shaped > 1:
		return r, fmt.Errorf("shaped %d", shaped)
	case shaped == 0 && len(r.Rects) > 0:
		return r, errors.New("rectangles for an unshaped window")
	}
	r.Shaped = shaped == 1
	return r, nil
}

// SetCursor sets the pointer's look over a window and its descendants
// that set none: inherited, a standard cursor by name, or an ARGB image
// (0xAARRGGBB, rows top to bottom) whose hot spot is at (HotX, HotY).
type SetCursor struct {
	Window        uint32
	Kind          uint8
	Name          string // CursorNamed: one of CursorNames
	HotX, HotY    uint16
	Width, Height uint16
	Pix           []uint32 // CursorImage: Width×Height pixels
}

// Opcode implements Request.
func (*SetCursor) Opcode() Opcode { return OpSetCursor }

// AppendBody implements Request.
func (r *SetCursor) AppendBody(b []byte) []byte {
	b = putU32(b, r.Window)
	b = append(b, r.Kind, 0)
	b = putU16(b, r.HotX)
	b = putU16(b, r.HotY)
	b = putU16(b, r.Width)
	b = putU16(b, r.Height)
	b = putU16(b, 0)
	var name [MaxCursorName]byte
	copy(name[:], r.Name)
	b = append(b, name[:]...)
	for _, p := range r.Pix {
		b = putU32(b, p)
	}
	return b
}

func decodeSetCursor(_ Opcode, d *decoder) (Request, error) {
	r := &SetCursor{Window: d.u32(), Kind: d.u8()}
	d.skip(1)
	r.HotX, r.HotY, r.Width, r.Height = d.u16(), d.u16(), d.u16(), d.u16()
	d.skip(2)
	name := d.bytes(MaxCursorName)
	if d.err != nil {
		return r, nil
	}
	if i := bytes.IndexByte(name, 0); i >= 0 {
		if bytes.ContainsFunc(name[i:], func(c rune) bool { return c != 0 }) {
			d.skip(d.rest())
			return r, errors.New("cursor name: bytes after its NUL")
		}
		name = name[:i]
	}
	r.Name = string(name)
	switch r.Kind {
	case CursorInherit, CursorNamed:
		if r.Width != 0 || r.Height != 0 || r.HotX != 0 || r.HotY != 0 {
			d.skip(d.rest())
			return r, errors.New("only an image cursor has a size and hot spot")
		}
		if r.Kind == CursorInherit && r.Name != "" {
			return r, errors.New("an inherited cursor has no name")
		}
		if r.Kind == CursorNamed && !ValidCursorName(r.Name) {
			return r, fmt.Errorf("cursor name %q", r.Name)
		}
	case CursorImage:
		if r.Name != "" {
			d.skip(d.rest())
			return r, errors.New("an image cursor has no name")
		}
		if r.Width == 0 || r.Height == 0 || r.Width > MaxCursorSize || r.Height > MaxCursorSize {
			d.skip(d.rest())
			return r, fmt.Errorf("cursor size %dx%d out of range 1..%d", r.Width, r.Height, MaxCursorSize)
		}
		if r.HotX >= r.Width || r.HotY >= r.Height {
			d.skip(d.rest())
			return r, fmt.Errorf("hot spot %d,%d outside the %dx%d image", r.HotX, r.HotY, r.Width, r.Height)
		}
		n := int(r.Width) * int(r.Height)
		if !d.need(4 * n) {
			return r, nil
		}
		r.Pix = make([]uint32, n)
		for i := range r.Pix {
			r.Pix[i] = d.u32()
		}
	default:
		d.skip(d.rest())
		return r, fmt.Errorf("cursor kind %d", r.Kind)
	}
	return r, nil
}

// BeginMoveResize starts a window-manager drag of a top-level window, as
// if its title bar (MoveResizeMove) or a frame edge had been grabbed:
// what EWMH's _NET_WM_MOVERESIZE asks of an X window manager, for
// windows that draw their own title bar. The drag lasts while Button is
// held (any button when 0).
type BeginMoveResize struct {
	Window    uint32
	Direction uint8
	Button    uint8
}

// Opcode implements Request.
func (*BeginMoveResize) Opcode() Opcode { return OpBeginMoveResize }

// AppendBody implements Request.
func (r *BeginMoveResize) AppendBody(b []byte) []byte {
	b = putU32(b, r.Window)
	return append(b, r.Direction, r.Button, 0, 0)
}

func decodeBeginMoveResize(_ Opcode, d *decoder) (Request, error) {
	r := &BeginMoveResize{Window: d.u32(), Direction: d.u8(), Button: d.u8()}
	d.skip(2)
	switch {
	case r.Direction > maxMoveResizeDirection:
		return r, fmt.Errorf("direction %d", r.Direction)
	case r.Button > 7:
		return r, fmt.Errorf("button %d", r.Button)
	}
	return r, nil
}
