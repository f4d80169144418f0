package displayserver

import (
	"image"

	"github.com/xfar/xfar/protocol"
)

// handleWarp moves the pointer for WarpPointer (SPEC §21.6) as a viewer's
// motion would: hover, cursor, Enter/Leave and MotionNotify follow.
func (st *state) handleWarp(c *client, seq uint32, r *protocol.WarpPointer) *protocol.Error {
	w, e := st.lookupWindow(c, seq, protocol.OpWarpPointer, r.Window, readOnly)
	if e != nil {
		return e
	}
	p := w.origin().Add(image.Pt(int(r.X), int(r.Y)))
	p = image.Pt(clamp(p.X, 0, st.width-1), clamp(p.Y, 0, st.height-1))
	if p != st.pointer {
		st.motion(p)
	}
	return nil
}
