package x11native

import (
	"image"

	"github.com/xfar/xfar/protocol"
)

// windowExtras is what a window keeps for SHAPE, cursors, background
// pixmaps and window-manager hints (kept apart from window's core
// fields).
type windowExtras struct {
	// shapes are the SHAPE regions by kind (bounding, clip, input);
	// shapeSent tells whether the display window is shaped now, and
	// shapeSel who selected ShapeNotify (shape.go).
	shapes    [3]shapeRegion
	shapeSent bool
	shapeSel  map[*client]bool
	borderIn  []image.Rectangle // the inside the clip region leaves to the border
	// cursor is the window's cursor attribute (nil: its parent's), and
	// cursorSent what its display window shows (cursor.go).
	cursor, cursorSent *cursorDef
	// bgTile is the window's background pixmap, copied; bgParentRel is
	// set for a ParentRelative background (bgpixmap.go).
	bgTile      *repeatedTile
	bgParentRel bool
	// hintsSent are the window-manager hints last sent (wmhints.go).
	hintsSent  protocol.SetWMHints
	hintsKnown bool
}
