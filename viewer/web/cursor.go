package web

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/pion/webrtc/v3"

	"github.com/xfar/xfar/displayserver/feed"
)

// sendCursor streams the display's pointer look to the page as CSS cursor
// values, one text message per change, until the session ends. A source
// that does not report cursors leaves the page's default.
func (s *session) sendCursor(dc *webrtc.DataChannel) {
	cs, ok := s.h.src.(feed.CursorSource)
	if !ok {
		return
	}
	err := cs.WatchCursor(s.ctx, func(c feed.Cursor) {
		if err := dc.SendText(cursorCSS(c)); err != nil {
			s.h.log.Debug("send cursor", "remote", s.remote, "err", err)
		}
	})
	if err != nil && s.ctx.Err() == nil {
		s.h.log.Debug("cursor watch ended", "remote", s.remote, "err", err)
	}
}

// cursorCSS is c as a CSS cursor value: a named cursor is its keyword; an
// image is a PNG data URL with its hot spot, falling back to the arrow.
func cursorCSS(c feed.Cursor) string {
	if c.Name != "" {
		return c.Name
	}
	if c.Size.X <= 0 || c.Size.Y <= 0 || len(c.Pix) < c.Size.X*c.Size.Y {
		return "default"
	}
	img := image.NewNRGBA(image.Rect(0, 0, c.Size.X, c.Size.Y))
	for i, p := range c.Pix[:c.Size.X*c.Size.Y] {
		a := uint8(p >> 24)
		r, g, b := uint8(p>>16), uint8(p>>8), uint8(p)
		if a != 0 && a != 0xff { // X cursor images are premultiplied
			r, g, b = uint8(uint32(r)*255/uint32(a)), uint8(uint32(g)*255/uint32(a)), uint8(uint32(b)*255/uint32(a))
		}
		img.SetNRGBA(i%c.Size.X, i/c.Size.X, color.NRGBA{r, g, b, a})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "default"
	}
	return fmt.Sprintf("url(data:image/png;base64,%s) %d %d, default", base64.StdEncoding.EncodeToString(buf.Bytes()), c.Hot.X, c.Hot.Y)
}
