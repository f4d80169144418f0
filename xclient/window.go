package xclient

import (
	"fmt"
	"unicode/utf8"

	"github.com/xfar/xfar/protocol"
)

// WindowOptions are CreateWindow's optional attributes; the zero value is
// a window with no border, a black background and no events selected.
type WindowOptions struct {
	// BorderWidth is the border's width in pixels, drawn outside the
	// window's size, as in X.
	BorderWidth int
	// Border is the border's pixel value, 0x00RRGGBB.
	Border uint32
	// Background is the background's pixel value, 0x00RRGGBB.
	Background uint32
	// BackgroundNone leaves exposed areas as they were instead of painting
	// Background, for clients that repaint everything themselves.
	BackgroundNone bool
	// OverrideRedirect makes a window (a menu, a tooltip) that the window
	// manager neither decorates nor manages.
	OverrideRedirect bool
	// EventMask selects events (protocol.*Mask bits), as SelectInput does.
	EventMask uint32
}

func windowFlags(overrideRedirect, backgroundNone bool) uint16 {
	var f uint16
	if overrideRedirect {
		f |= protocol.OverrideRedirect
	}
	if backgroundNone {
		f |= protocol.BackgroundNone
	}
	return f
}

// CreateWindow creates an unmapped child of parent (c.Root() for a
// top-level window) with its top-left corner at (x, y) in the parent; o may
// be nil. The ID is allocated locally: no round trip.
func (c *Conn) CreateWindow(parent Window, x, y, width, height int, o *WindowOptions) (Window, error) {
	if o == nil {
		o = &WindowOptions{}
	}
	var a args
	r := protocol.CreateWindow{
		Parent:      uint32(parent),
		X:           a.i16("x", x),
		Y:           a.i16("y", y),
		Width:       a.size("width", width),
		Height:      a.size("height", height),
		BorderWidth: a.u16("border width", o.BorderWidth),
		Flags:       windowFlags(o.OverrideRedirect, o.BackgroundNone),
		Background:  o.Background,
		BorderPixel: o.Border,
		EventMask:   o.EventMask,
	}
	if a.err != nil {
		return 0, fmt.Errorf("create window: %w", a.err)
	}
	id, err := c.NewID()
	if err != nil {
		return 0, fmt.Errorf("create window: %w", err)
	}
	r.Window = id
	if _, err := c.send(&r); err != nil {
		c.ids.release(id)
		return 0, fmt.Errorf("create window: %w", err)
	}
	return Window(id), nil
}

func (c *Conn) sendID(op protocol.Opcode, id uint32) error {
	if _, err := c.send(&protocol.IDRequest{Op: op, ID: id}); err != nil {
		return fmt.Errorf("%v %d: %w", op, id, err)
	}
	return nil
}

// DestroyWindow destroys a window and its children. Its ID becomes
// reusable once fresh IDs run out.
func (c *Conn) DestroyWindow(w Window) error {
	if err := c.sendID(protocol.OpDestroyWindow, uint32(w)); err != nil {
		return err
	}
	c.ids.release(uint32(w))
	return nil
}

// MapWindow makes a window visible (if its ancestors are mapped). Select
// StructureNotify to learn when it is: a MapNotify event.
func (c *Conn) MapWindow(w Window) error { return c.sendID(protocol.OpMapWindow, uint32(w)) }

// UnmapWindow hides a window.
func (c *Conn) UnmapWindow(w Window) error { return c.sendID(protocol.OpUnmapWindow, uint32(w)) }

// SetInputFocus gives a window the keyboard focus.
func (c *Conn) SetInputFocus(w Window) error {
	return c.sendID(protocol.OpSetInputFocus, uint32(w))
}

// WindowChanges are ConfigureWindow's values; Mask (protocol.Config* bits)
// says which apply.
type WindowChanges struct {
	Mask                uint16
	X, Y, Width, Height int
	BorderWidth         int
	// Sibling and StackMode (protocol.StackAbove or StackBelow) restack
	// the window relative to a sibling, or among all siblings when
	// ConfigSibling is not in Mask.
	Sibling   Window
	StackMode uint8
}

// ConfigureWindow moves, resizes, re-borders or restacks a window.
func (c *Conn) ConfigureWindow(w Window, ch WindowChanges) error {
	var a args
	r := protocol.ConfigureWindow{
		Window:    uint32(w),
		ValueMask: ch.Mask,
		StackMode: ch.StackMode,
		Sibling:   uint32(ch.Sibling),
	}
	if ch.Mask&protocol.ConfigX != 0 {
		r.X = a.i16("x", ch.X)
	}
	if ch.Mask&protocol.ConfigY != 0 {
		r.Y = a.i16("y", ch.Y)
	}
	if ch.Mask&protocol.ConfigWidth != 0 {
		r.Width = a.size("width", ch.Width)
	}
	if ch.Mask&protocol.ConfigHeight != 0 {
		r.Height = a.size("height", ch.Height)
	}
	if ch.Mask&protocol.ConfigBorderWidth != 0 {
		r.BorderWidth = a.u16("border width", ch.BorderWidth)
	}
	if a.err == nil {
		_, a.err = c.send(&r)
	}
	if a.err != nil {
		return fmt.Errorf("configure window %d: %w", w, a.err)
	}
	return nil
}

// MoveWindow moves a window's top-left corner to (x, y) in its parent.
func (c *Conn) MoveWindow(w Window, x, y int) error {
	return c.ConfigureWindow(w, WindowChanges{Mask: protocol.ConfigX | protocol.ConfigY, X: x, Y: y})
}

// ResizeWindow changes a window's size.
func (c *Conn) ResizeWindow(w Window, width, height int) error {
	return c.ConfigureWindow(w, WindowChanges{Mask: protocol.ConfigWidth | protocol.ConfigHeight, Width: width, Height: height})
}

// MoveResizeWindow moves and resizes a window in one request.
func (c *Conn) MoveResizeWindow(w Window, x, y, width, height int) error {
	return c.ConfigureWindow(w, WindowChanges{
		Mask: protocol.ConfigX | protocol.ConfigY | protocol.ConfigWidth | protocol.ConfigHeight,
		X:    x, Y: y, Width: width, Height: height,
	})
}

// RaiseWindow puts a window on top of its siblings.
func (c *Conn) RaiseWindow(w Window) error {
	return c.ConfigureWindow(w, WindowChanges{Mask: protocol.ConfigStackMode, StackMode: protocol.StackAbove})
}

// LowerWindow puts a window below its siblings.
func (c *Conn) LowerWindow(w Window) error {
	return c.ConfigureWindow(w, WindowChanges{Mask: protocol.ConfigStackMode, StackMode: protocol.StackBelow})
}

// SetTitle sets the title the window manager shows for a top-level window
// (X's WM_NAME). It must be UTF-8 of at most protocol.MaxTitle bytes.
func (c *Conn) SetTitle(w Window, title string) error {
	var err error
	switch {
	case len(title) > protocol.MaxTitle:
		err = fmt.Errorf("%d bytes, limit %d", len(title), protocol.MaxTitle)
	case !utf8.ValidString(title):
		err = fmt.Errorf("not UTF-8")
	default:
		_, err = c.send(&protocol.SetTitle{Window: uint32(w), Title: title})
	}
	if err != nil {
		return fmt.Errorf("set title of window %d: %w", w, err)
	}
	return nil
}

// SelectInput replaces this client's event mask on a window
// (protocol.*Mask bits).
func (c *Conn) SelectInput(w Window, eventMask uint32) error {
	if _, err := c.send(&protocol.SelectInput{Window: uint32(w), EventMask: eventMask}); err != nil {
		return fmt.Errorf("select input on window %d: %w", w, err)
	}
	return nil
}

// WindowAttributes are ChangeWindowAttributes' values; Mask
// (protocol.CW* bits) says which apply. CWFlags sets OverrideRedirect and
// BackgroundNone together.
type WindowAttributes struct {
	Mask             uint32
	Background       uint32
	Border           uint32
	OverrideRedirect bool
	BackgroundNone   bool
	EventMask        uint32
}

// ChangeWindowAttributes changes a window's background, border, flags or
// event mask.
func (c *Conn) ChangeWindowAttributes(w Window, at WindowAttributes) error {
	r := protocol.ChangeWindowAttributes{
		Window:      uint32(w),
		ValueMask:   at.Mask,
		Background:  at.Background,
		BorderPixel: at.Border,
		Flags:       uint32(windowFlags(at.OverrideRedirect, at.BackgroundNone)),
		EventMask:   at.EventMask,
	}
	if _, err := c.send(&r); err != nil {
		return fmt.Errorf("change attributes of window %d: %w", w, err)
	}
	return nil
}

// SetBackground sets a window's background pixel, used by later exposures
// and ClearArea (not repainted at once, as in X).
func (c *Conn) SetBackground(w Window, pixel uint32) error {
	return c.ChangeWindowAttributes(w, WindowAttributes{Mask: protocol.CWBackPixel, Background: pixel})
}

// ClearArea paints an area of a window with its background; a zero width
// or height extends to the window's edge. With exposures, the server also
// sends Expose events for the area.
func (c *Conn) ClearArea(w Window, x, y, width, height int, exposures bool) error {
	var a args
	r := protocol.ClearArea{Window: uint32(w), X: a.i16("x", x), Y: a.i16("y", y),
		W: a.u16("width", width), H: a.u16("height", height), Exposures: exposures}
	if a.err == nil {
		_, a.err = c.send(&r)
	}
	if a.err != nil {
		return fmt.Errorf("clear area of window %d: %w", w, a.err)
	}
	return nil
}
