package xclient

import (
	"fmt"

	"github.com/xfar/xfar/fonts"
	"github.com/xfar/xfar/protocol"
)

// GCValues are a graphics context's fields, as X's XGCValues; Mask
// (protocol.GC* bits) says which apply, so that a zero value (black, say)
// can be set on purpose.
type GCValues struct {
	Mask uint32
	// Function is the raster operation, 0 (GXclear) to 15 (GXset);
	// protocol.GXcopy is the default.
	Function  uint8
	PlaneMask uint32
	// Foreground and Background are pixel values, 0x00RRGGBB.
	Foreground, Background uint32
	// LineWidth 0 draws X's thin lines.
	LineWidth int
	// LineStyle, CapStyle, JoinStyle, FillRule and ArcMode take the
	// protocol package's values (LineSolid, CapButt, JoinMiter, ...).
	LineStyle, CapStyle, JoinStyle uint8
	FillRule, ArcMode              uint8
	// Font and FontSize (pixels, clamped by the server as fonts.ClampSize
	// does) are used by DrawText; TextWidth measures the same.
	Font              fonts.ID
	FontSize          int
	GraphicsExposures bool
	// ClipX and ClipY are the origin of the clip rectangles.
	ClipX, ClipY int
	DashOffset   int
	// Dashes sets an even on/off dash pattern of that length (SetDashes
	// sets any pattern).
	Dashes uint8
}

// wire converts v, checking ranges.
func (v *GCValues) wire() (protocol.GCValues, error) {
	var a args
	w := protocol.GCValues{
		ValueMask:  v.Mask,
		Function:   v.Function,
		LineStyle:  v.LineStyle,
		CapStyle:   v.CapStyle,
		JoinStyle:  v.JoinStyle,
		FillRule:   v.FillRule,
		ArcMode:    v.ArcMode,
		Font:       uint8(v.Font),
		Foreground: v.Foreground,
		Background: v.Background,
		LineWidth:  a.u16("line width", v.LineWidth),
		FontSize:   a.u16("font size", v.FontSize),
		DashOffset: a.u16("dash offset", v.DashOffset),
		Dashes:     v.Dashes,
		ClipX:      a.i16("clip x", v.ClipX),
		ClipY:      a.i16("clip y", v.ClipY),
		PlaneMask:  v.PlaneMask,
	}
	if v.GraphicsExposures {
		w.GraphicsExposures = 1
	}
	return w, a.err
}

// CreateGC creates a graphics context for drawing on drawables of d's
// screen; v may be nil for X's defaults: foreground pixel 0 (black),
// background pixel 1 (0x000001, which on xfar's TrueColor screen is
// black too, not white: set Background for DrawImageText and double
// dashes), GXcopy, thin solid lines. The ID is allocated locally.
func (c *Conn) CreateGC(d Drawable, v *GCValues) (GC, error) {
	if v == nil {
		v = &GCValues{}
	}
	vals, err := v.wire()
	if err != nil {
		return 0, fmt.Errorf("create GC: %w", err)
	}
	id, err := c.NewID()
	if err != nil {
		return 0, fmt.Errorf("create GC: %w", err)
	}
	if _, err := c.send(&protocol.CreateGC{GC: id, Drawable: did(d), Values: vals}); err != nil {
		c.ids.release(id)
		return 0, fmt.Errorf("create GC: %w", err)
	}
	return GC(id), nil
}

// ChangeGC changes the fields of gc that v.Mask selects.
func (c *Conn) ChangeGC(gc GC, v GCValues) error {
	vals, err := v.wire()
	if err == nil {
		_, err = c.send(&protocol.ChangeGC{GC: uint32(gc), Values: vals})
	}
	if err != nil {
		return fmt.Errorf("change GC %d: %w", gc, err)
	}
	return nil
}

// SetForeground sets a GC's foreground pixel, 0x00RRGGBB.
func (c *Conn) SetForeground(gc GC, pixel uint32) error {
	return c.ChangeGC(gc, GCValues{Mask: protocol.GCForeground, Foreground: pixel})
}

// SetLineWidth sets a GC's line width (0 for thin lines).
func (c *Conn) SetLineWidth(gc GC, width int) error {
	return c.ChangeGC(gc, GCValues{Mask: protocol.GCLineWidth, LineWidth: width})
}

// SetFunction sets a GC's raster operation (protocol.GXcopy, GXxor, ...).
func (c *Conn) SetFunction(gc GC, function uint8) error {
	return c.ChangeGC(gc, GCValues{Mask: protocol.GCFunction, Function: function})
}

// SetFont sets the font and size (pixels) DrawText uses with gc.
func (c *Conn) SetFont(gc GC, font fonts.ID, sizePx int) error {
	return c.ChangeGC(gc, GCValues{Mask: protocol.GCFont | protocol.GCFontSize, Font: font, FontSize: sizePx})
}

// FreeGC frees a graphics context.
func (c *Conn) FreeGC(gc GC) error {
	if err := c.sendID(protocol.OpFreeGC, uint32(gc)); err != nil {
		return err
	}
	c.ids.release(uint32(gc))
	return nil
}

// SetClipRectangles restricts drawing with gc to the union of rects,
// offset by the clip origin (x, y). An empty list means nothing is drawn.
func (c *Conn) SetClipRectangles(gc GC, x, y int, rects []Rect) error {
	var a args
	r := protocol.SetClipRectangles{GC: uint32(gc), X: a.i16("clip x", x), Y: a.i16("clip y", y), Rects: rects}
	if a.err == nil {
		_, a.err = c.send(&r)
	}
	if a.err != nil {
		return fmt.Errorf("set clip rectangles of GC %d: %w", gc, a.err)
	}
	return nil
}

// ClearClip removes gc's clip rectangles (X's clip mask None).
func (c *Conn) ClearClip(gc GC) error {
	return c.ChangeGC(gc, GCValues{Mask: protocol.GCClipNone})
}

// SetDashes sets gc's dash pattern: alternating on and off lengths in
// pixels (none zero, at most protocol.MaxDashes), starting offset pixels
// into the pattern. Lines use it when the line style is a dash style.
func (c *Conn) SetDashes(gc GC, offset int, dashes []uint8) error {
	var a args
	r := protocol.SetDashes{GC: uint32(gc), Offset: a.u16("dash offset", offset), Dashes: dashes}
	switch {
	case a.err != nil:
	case len(dashes) == 0 || len(dashes) > protocol.MaxDashes:
		a.err = fmt.Errorf("%d dashes, want 1..%d", len(dashes), protocol.MaxDashes)
	default:
		for _, d := range dashes {
			if d == 0 {
				a.err = fmt.Errorf("zero dash length")
			}
		}
	}
	if a.err == nil {
		_, a.err = c.send(&r)
	}
	if a.err != nil {
		return fmt.Errorf("set dashes of GC %d: %w", gc, a.err)
	}
	return nil
}

// CreatePixmap creates an off-screen image of the given size for d's
// screen, initially black. The ID is allocated locally.
func (c *Conn) CreatePixmap(d Drawable, width, height int) (Pixmap, error) {
	var a args
	r := protocol.CreatePixmap{Drawable: did(d), Width: a.size("width", width), Height: a.size("height", height)}
	if a.err != nil {
		return 0, fmt.Errorf("create pixmap: %w", a.err)
	}
	id, err := c.NewID()
	if err != nil {
		return 0, fmt.Errorf("create pixmap: %w", err)
	}
	r.Pixmap = id
	if _, err := c.send(&r); err != nil {
		c.ids.release(id)
		return 0, fmt.Errorf("create pixmap: %w", err)
	}
	return Pixmap(id), nil
}

// FreePixmap frees a pixmap.
func (c *Conn) FreePixmap(p Pixmap) error {
	if err := c.sendID(protocol.OpFreePixmap, uint32(p)); err != nil {
		return err
	}
	c.ids.release(uint32(p))
	return nil
}
