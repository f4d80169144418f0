package web

import (
	"encoding/binary"

	"github.com/pion/webrtc/v3"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
)

// The "resize" data channel: a page opened with ?resize=1 asks the display
// to take its window's size, 4 bytes each time it changes (width:u16
// height:u16, little-endian, CSS pixels). Only a full-control viewer's
// request is applied, and only where the source can resize (feed.Resizer);
// sizes are clamped to what the display accepts.

// Resize limits: a display smaller than minResize is of no use, and
// larger than protocol.MaxDimension cannot be described.
const minResize = 64

func (s *session) onResizeChannel(dc *webrtc.DataChannel) {
	dc.OnMessage(func(m webrtc.DataChannelMessage) {
		if s.access != feed.FullControl || len(m.Data) != 4 {
			return
		}
		rs, ok := s.h.src.(feed.Resizer)
		if !ok {
			return
		}
		w := min(max(int(binary.LittleEndian.Uint16(m.Data)), minResize), protocol.MaxDimension)
		h := min(max(int(binary.LittleEndian.Uint16(m.Data[2:])), minResize), protocol.MaxDimension)
		if err := rs.Resize(w, h); err != nil {
			s.h.log.Info("viewer resize", "remote", s.remote, "err", err)
		}
	})
}
