package xclient

import (
	"fmt"
	"image"

	"github.com/xfar/xfar/protocol"
)

// WMHints tell the display's window manager how to treat a top-level
// window (X's WM_NORMAL_HINTS, WM_TRANSIENT_FOR and _NET_WM_WINDOW_TYPE,
// and the "no decorations" hint of programs that draw their own frame).
type WMHints struct {
	// Positioned keeps the window where it was created instead of letting
	// the window manager place it (X's PPosition).
	Positioned bool
	// MinSize, MaxSize, ResizeInc and BaseSize constrain the user's
	// resizing (zero: no constraint).
	MinSize, MaxSize, ResizeInc, BaseSize image.Point
	// TransientFor makes the window a dialog of another: centred on it
	// when first mapped and kept above it.
	TransientFor Window
	// NoDecorations: the window draws its own title bar, or none.
	NoDecorations bool
	// Type is one of protocol.WindowType*; menus and tooltips get no
	// title bar.
	Type uint8
}

// SetWMHints sets w's window-manager hints; they apply from the next map
// on (placement) and at once (decoration, size limits).
func (c *Conn) SetWMHints(w Window, h WMHints) error {
	r := &protocol.SetWMHints{Window: uint32(w), Type: h.Type}
	set := func(flag uint32, p image.Point, dw, dh *uint16) {
		if p != (image.Point{}) {
			r.Flags |= flag
			*dw, *dh = uint16(max(0, p.X)), uint16(max(0, p.Y))
		}
	}
	set(protocol.HintMinSize, h.MinSize, &r.MinW, &r.MinH)
	set(protocol.HintMaxSize, h.MaxSize, &r.MaxW, &r.MaxH)
	set(protocol.HintResizeInc, h.ResizeInc, &r.IncW, &r.IncH)
	set(protocol.HintBaseSize, h.BaseSize, &r.BaseW, &r.BaseH)
	if h.Positioned {
		r.Flags |= protocol.HintPPosition
	}
	if h.TransientFor != 0 {
		r.Flags |= protocol.HintTransient
		r.TransientFor = uint32(h.TransientFor)
	}
	if h.NoDecorations {
		r.Flags |= protocol.HintNoDecorations
	}
	if _, err := c.send(r); err != nil {
		return fmt.Errorf("SetWMHints %d: %w", w, err)
	}
	return nil
}

// SetWMHintsRaw sends hints exactly as given (every protocol flag and
// field), for programs that translate another system's hints, such as
// the X11 bridge.
func (c *Conn) SetWMHintsRaw(h *protocol.SetWMHints) error {
	r := *h
	if _, err := c.send(&r); err != nil {
		return fmt.Errorf("SetWMHints %d: %w", h.Window, err)
	}
	return nil
}

// SetWindowState adds (protocol.StateAdd), removes or toggles
// window-manager states (protocol.StateMaximized, StateFullscreen,
// StateMinimized) of a top-level window. The window manager answers with
// a WindowStateNotify event.
func (c *Conn) SetWindowState(w Window, action uint8, states uint16) error {
	if _, err := c.send(&protocol.SetWindowState{Window: uint32(w), Action: action, States: states}); err != nil {
		return fmt.Errorf("SetWindowState %d: %w", w, err)
	}
	return nil
}

// SetShape gives w a bounding shape: the union of rects (in w's
// coordinates) is drawn and takes input, the rest shows what is below.
// A nil rects makes the window rectangular again.
func (c *Conn) SetShape(w Window, rects []image.Rectangle) error {
	r := &protocol.SetShape{Window: uint32(w), Shaped: rects != nil}
	for _, rc := range rects {
		if rc.Empty() {
			continue
		}
		r.Rects = append(r.Rects, protocol.Rect{X: int16(rc.Min.X), Y: int16(rc.Min.Y), W: uint16(rc.Dx()), H: uint16(rc.Dy())})
	}
	if _, err := c.send(r); err != nil {
		return fmt.Errorf("SetShape %d: %w", w, err)
	}
	return nil
}

// SetCursorName shows a standard cursor (a CSS cursor name such as
// "text" or "pointer", see protocol.CursorNames) over w; "" inherits the
// parent's.
func (c *Conn) SetCursorName(w Window, name string) error {
	r := &protocol.SetCursor{Window: uint32(w), Kind: protocol.CursorNamed, Name: name}
	if name == "" {
		r.Kind = protocol.CursorInherit
	} else if !protocol.ValidCursorName(name) {
		return fmt.Errorf("SetCursor %d: %q is not a standard cursor name", w, name)
	}
	if _, err := c.send(r); err != nil {
		return fmt.Errorf("SetCursor %d: %w", w, err)
	}
	return nil
}

// SetCursorImage shows an ARGB image (0xAARRGGBB, rows top to bottom,
// size.X×size.Y, at most protocol.MaxCursorSize a side) over w, with its
// hot spot at hot.
func (c *Conn) SetCursorImage(w Window, size, hot image.Point, pix []uint32) error {
	if size.X <= 0 || size.Y <= 0 || size.X > protocol.MaxCursorSize || size.Y > protocol.MaxCursorSize ||
		len(pix) != size.X*size.Y || !hot.In(image.Rectangle{Max: size}) {
		return fmt.Errorf("SetCursor %d: bad image (%v, hot spot %v, %d pixels)", w, size, hot, len(pix))
	}
	r := &protocol.SetCursor{Window: uint32(w), Kind: protocol.CursorImage, Width: uint16(size.X), Height: uint16(size.Y),
		HotX: uint16(hot.X), HotY: uint16(hot.Y), Pix: pix}
	if _, err := c.send(r); err != nil {
		return fmt.Errorf("SetCursor %d: %w", w, err)
	}
	return nil
}

// BeginMoveResize hands a drag to the window manager: the window moves
// (protocol.MoveResizeMove) or resizes by the given edge while button
// (0: any) stays down. Programs that draw their own title bar call it on
// a press there.
func (c *Conn) BeginMoveResize(w Window, direction, button uint8) error {
	if _, err := c.send(&protocol.BeginMoveResize{Window: uint32(w), Direction: direction, Button: button}); err != nil {
		return fmt.Errorf("BeginMoveResize %d: %w", w, err)
	}
	return nil
}
