package x11bridge

import (
	"image"

	"github.com/jezek/xgb/shape"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// Shaped windows (xeyes, xclock -shape, oclock): the bridge reads each
// mirrored window's bounding shape with the SHAPE extension and gives the
// display window the same shape, so that the desktop shows around the
// eyes instead of a black rectangle. X's bounding shape is relative to
// the window's inside corner and may cover the border (negative
// coordinates); the display's is relative to the inside as well.

// shapeSelect asks for ShapeNotify on a newly tracked window.
func (m *mirror) shapeSelect(id xproto.Window) {
	shape.SelectInput(m.x, id, true)
}

// updateShape sends w's bounding shape to the display.
func (m *mirror) updateShape(w *xwin) {
	if w.did == 0 {
		return
	}
	ext, err := shape.QueryExtents(m.x, w.id).Reply()
	if err != nil {
		return // gone meanwhile
	}
	var rects []image.Rectangle
	shaped := ext.BoundingShaped
	if shaped {
		r, err := shape.GetRectangles(m.x, w.id, shape.SkBounding).Reply()
		if err != nil {
			return
		}
		if len(r.Rectangles) > protocol.MaxShapeRects {
			m.log.Warn("window shape too detailed; shown rectangular", "x11window", w.id, "rects", len(r.Rectangles))
			shaped = false
		} else {
			rects = make([]image.Rectangle, 0, len(r.Rectangles))
			for _, rc := range r.Rectangles {
				rects = append(rects, image.Rect(int(rc.X), int(rc.Y), int(rc.X)+int(rc.Width), int(rc.Y)+int(rc.Height)))
			}
		}
	}
	if !shaped && !w.shapeSent {
		return // rectangular, as the display already thinks
	}
	w.shapeSent = shaped
	if !shaped {
		rects = nil
	}
	m.disp.c.SetShape(xclient.Window(w.did), rects)
}
