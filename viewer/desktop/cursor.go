package desktop

import (
	"context"
	"sync/atomic"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/xfar/xfar/displayserver/feed"
)

// The pointer's look: the display reports it (feed.CursorSource) and the
// window shows the nearest of Ebitengine's standard cursor shapes. Image
// cursors have no counterpart there and show the arrow.

// cursorShapes maps CSS cursor names to Ebitengine's shapes.
var cursorShapes = map[string]ebiten.CursorShapeType{
	"default": ebiten.CursorShapeDefault, "text": ebiten.CursorShapeText, "vertical-text": ebiten.CursorShapeText,
	"crosshair": ebiten.CursorShapeCrosshair, "cell": ebiten.CursorShapeCrosshair,
	"pointer": ebiten.CursorShapePointer, "grab": ebiten.CursorShapePointer, "grabbing": ebiten.CursorShapeMove,
	"ew-resize": ebiten.CursorShapeEWResize, "col-resize": ebiten.CursorShapeEWResize,
	"e-resize": ebiten.CursorShapeEWResize, "w-resize": ebiten.CursorShapeEWResize,
	"ns-resize": ebiten.CursorShapeNSResize, "row-resize": ebiten.CursorShapeNSResize,
	"n-resize": ebiten.CursorShapeNSResize, "s-resize": ebiten.CursorShapeNSResize,
	"nesw-resize": ebiten.CursorShapeNESWResize, "ne-resize": ebiten.CursorShapeNESWResize, "sw-resize": ebiten.CursorShapeNESWResize,
	"nwse-resize": ebiten.CursorShapeNWSEResize, "nw-resize": ebiten.CursorShapeNWSEResize, "se-resize": ebiten.CursorShapeNWSEResize,
	"move": ebiten.CursorShapeMove, "all-scroll": ebiten.CursorShapeMove,
	"not-allowed": ebiten.CursorShapeNotAllowed, "no-drop": ebiten.CursorShapeNotAllowed,
}

// cursorState hands the display's cursor to the Ebitengine loop.
type cursorState struct {
	want atomic.Int32 // ebiten.CursorShapeType + 1; 0 before the first report
	have ebiten.CursorShapeType
	set  bool
}

// watch follows src's cursor until ctx ends (nothing for a source that
// does not report one).
func (c *cursorState) watch(ctx context.Context, src feed.Source) {
	cs, ok := src.(feed.CursorSource)
	if !ok {
		return
	}
	cs.WatchCursor(ctx, func(cu feed.Cursor) {
		shape, ok := cursorShapes[cu.Name]
		if !ok {
			shape = ebiten.CursorShapeDefault
		}
		c.want.Store(int32(shape) + 1)
	})
}

// apply sets the window's cursor, from Update.
func (c *cursorState) apply() {
	w := c.want.Load()
	if w == 0 {
		return
	}
	if shape := ebiten.CursorShapeType(w - 1); !c.set || shape != c.have {
		ebiten.SetCursorShape(shape)
		c.have, c.set = shape, true
	}
}
