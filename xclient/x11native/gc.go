package x11native

import (
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// X GC value-mask bits, in value-list order.
const (
	gcFunction = iota
	gcPlaneMask
	gcForeground
	gcBackground
	gcLineWidth
	gcLineStyle
	gcCapStyle
	gcJoinStyle
	gcFillStyle
	gcFillRule
	gcTile
	gcStipple
	gcTileX
	gcTileY
	gcFont
	gcSubwindowMode
	gcGraphicsExposures
	gcClipX
	gcClipY
	gcClipMask
	gcDashOffset
	gcDashes
	gcArcMode
	gcCount
)

// gcState is an X graphics context: its X values (kept for text, which
// the server draws itself, and for GetGCValues-like needs) and the xfar
// GC that carries the rest.
type gcState struct {
	id, xfar uint32
	owner    *client
	vals     [gcCount]uint32
	// rectClip is set while SetClipRectangles' clip is in force (a
	// ChangeGC of the clip mask ends it).
	rectClip bool
}

// defaultGCValues are X's defaults (the font is set on creation).
func defaultGCValues() [gcCount]uint32 {
	var v [gcCount]uint32
	v[gcFunction] = 3 // GXcopy
	v[gcPlaneMask] = 0xffffffff
	v[gcBackground] = 1
	v[gcCapStyle] = protocol.CapButt
	v[gcDashes] = 4
	v[gcGraphicsExposures] = 1
	v[gcArcMode] = 1 // ArcPieSlice
	return v
}

// applyGCValues reads an X value list (mask and 4-byte values) into g and
// returns the xfar values to send. Values xfar lacks are kept: fill
// styles, tiles and stipples are drawn by fill.go, a clip pixmap becomes
// clip rectangles there; the subwindow mode is not drawn.
func applyGCValues(g *gcState, mask uint32, list []byte) (xclient.GCValues, []string, bool) {
	var v xclient.GCValues
	var unsupported []string
	for bit := 0; bit < gcCount; bit++ {
		if mask&(1<<bit) == 0 {
			continue
		}
		if len(list) < 4 {
			return v, nil, false
		}
		val := le.Uint32(list)
		list = list[4:]
		g.vals[bit] = val
		switch bit {
		case gcFunction:
			v.Mask |= protocol.GCFunction
			v.Function = uint8(val & 15)
		case gcPlaneMask:
			v.Mask |= protocol.GCPlaneMask
			v.PlaneMask = val
		case gcForeground:
			v.Mask |= protocol.GCForeground
			v.Foreground = val & 0xffffff
		case gcBackground:
			v.Mask |= protocol.GCBackground
			v.Background = val & 0xffffff
		case gcLineWidth:
			v.Mask |= protocol.GCLineWidth
			v.LineWidth = int(val & 0xffff)
		case gcLineStyle:
			v.Mask |= protocol.GCLineStyle
			v.LineStyle = uint8(val)
		case gcCapStyle:
			v.Mask |= protocol.GCCapStyle
			v.CapStyle = uint8(val)
		case gcJoinStyle:
			v.Mask |= protocol.GCJoinStyle
			v.JoinStyle = uint8(val)
		case gcFillRule:
			v.Mask |= protocol.GCFillRule
			v.FillRule = uint8(val)
		case gcGraphicsExposures:
			v.Mask |= protocol.GCGraphicsExposures
			v.GraphicsExposures = val != 0
		case gcClipX, gcClipY:
			v.Mask |= protocol.GCClipOrigin
		case gcClipMask:
			g.rectClip = false
			// None removes the clip; a pixmap becomes clip rectangles
			// (applyClipMask), which replace the None sent here.
			v.Mask |= protocol.GCClipNone
		case gcDashOffset:
			v.Mask |= protocol.GCDashOffset
			v.DashOffset = int(val & 0xffff)
		case gcDashes:
			v.Mask |= protocol.GCDashes
			v.Dashes = uint8(val)
			if v.Dashes == 0 {
				return v, nil, false
			}
		case gcArcMode:
			v.Mask |= protocol.GCArcMode
			v.ArcMode = uint8(val)
		case gcFillStyle:
			if val > fillOpaqueStippled {
				return v, nil, false
			}
		}
	}
	if v.Mask&protocol.GCClipOrigin != 0 {
		v.ClipX, v.ClipY = int(int16(g.vals[gcClipX])), int(int16(g.vals[gcClipY]))
	}
	return v, unsupported, true
}
