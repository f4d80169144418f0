package ui

import (
	"fmt"
	"image"

	"github.com/xfar/xfar/fonts"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// drawPainter paints the model with drawing requests (the draw split):
// fills with FillRectangle, text with DrawText through a GC clipped to
// the text's box. It remembers each GC's state so that a repaint sends
// only what changed. The first error sticks in err.
type drawPainter struct {
	c        *xclient.Conn
	win      xclient.Window
	fillGC   xclient.GC
	textGC   xclient.GC
	fillFG   uint32
	textFG   uint32
	font     fonts.ID
	size     int
	clip     image.Rectangle
	haveClip bool
	err      error
}

func newDrawPainter(c *xclient.Conn, win xclient.Window) (*drawPainter, error) {
	p := &drawPainter{c: c, win: win}
	var err error
	if p.fillGC, err = c.CreateGC(win, &xclient.GCValues{Mask: protocol.GCForeground}); err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	if p.textGC, err = c.CreateGC(win, &xclient.GCValues{Mask: protocol.GCForeground | protocol.GCFont | protocol.GCFontSize,
		Font: fonts.Regular, FontSize: fonts.DefaultSize}); err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	p.font, p.size = fonts.Regular, fonts.DefaultSize
	return p, nil
}

func (p *drawPainter) keep(err error) {
	if err != nil && p.err == nil {
		p.err = fmt.Errorf("ui: draw: %w", err)
	}
}

// Fill implements model.Painter.
func (p *drawPainter) Fill(r image.Rectangle, c uint32) {
	if p.fillFG != c {
		p.keep(p.c.SetForeground(p.fillGC, c))
		p.fillFG = c
	}
	p.keep(p.c.FillRectangle(p.win, p.fillGC, r.Min.X, r.Min.Y, r.Dx(), r.Dy()))
}

// Text implements model.Painter.
func (p *drawPainter) Text(clip image.Rectangle, x, y int, font fonts.ID, size int, c uint32, s string) {
	if p.textFG != c {
		p.keep(p.c.SetForeground(p.textGC, c))
		p.textFG = c
	}
	if p.font != font || p.size != size {
		p.keep(p.c.SetFont(p.textGC, font, size))
		p.font, p.size = font, size
	}
	if !p.haveClip || p.clip != clip {
		p.keep(p.c.SetClipRectangles(p.textGC, 0, 0, []xclient.Rect{{X: int16(clip.Min.X), Y: int16(clip.Min.Y),
			W: uint16(clip.Dx()), H: uint16(clip.Dy())}}))
		p.clip, p.haveClip = clip, true
	}
	p.keep(p.c.DrawText(p.win, p.textGC, x, y, s))
}
