package web

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/klauspost/compress/flate"

	"github.com/xfar/xfar/displayserver/feed"
)

// The frame stream. One raw-deflate stream per connection carries records,
// little-endian:
//
//	begin: 'B' seq:u32 width:u16 height:u16
//	rect:  'R' x:u16 y:u16 w:u16 h:u16 then w*h pixels as R,G,B bytes
//	solid: 'S' x:u16 y:u16 w:u16 h:u16 r:u8 g:u8 b:u8 a:u8
//	end:   'E' seq:u32
//
// The stream keeps its history across frames and is sync-flushed at the end
// of every frame, so a frame is decodable as soon as its last byte arrives
// and repeated content (a redrawn glyph, a moved window) costs a back
// reference. The compressed bytes are cut into data channel messages of at
// most maxMessage bytes; message boundaries mean nothing to the decoder,
// which is why the channel must be reliable and ordered. The page decodes
// with the browser's DecompressionStream("deflate-raw") and draws a frame
// only when its 'E' arrives, so a viewer never shows half a frame.
//
// Pixels go as RGB, not as ImageData's RGBA: measured, the constant alpha
// byte halves deflate's reach (its window is 32 KiB) and costs twice the
// bytes for a line of text and 3-5x the encode time (BENCHMARKS.md (Web viewer));
// the page adds the alpha as it copies.
const (
	recBegin = 'B'
	recRect  = 'R'
	recSolid = 'S'
	recEnd   = 'E'
)

// maxMessage is the largest data channel message sent. 64 KiB is the
// largest size every SCTP stack (pion, Chromium, Firefox) accepts without
// negotiation; a little less leaves room for framing.
const maxMessage = 60 << 10

// encoder turns Updates into compressed data channel messages. It is not
// safe for concurrent use: each viewer's sender owns one.
type encoder struct {
	out     bytes.Buffer
	zw      *flate.Writer
	scratch []byte
	hdr     [16]byte
}

// newEncoder returns an encoder compressing at level (flate.BestSpeed is
// what the measurements in BENCHMARKS.md (Web viewer) chose).
func newEncoder(level int) (*encoder, error) {
	e := &encoder{}
	zw, err := flate.NewWriter(&e.out, level)
	if err != nil {
		return nil, fmt.Errorf("deflate writer at level %d: %w", level, err)
	}
	e.zw = zw
	return e, nil
}

// encode compresses u and returns it cut into messages. The messages alias
// the encoder's buffer and are valid until the next call.
func (e *encoder) encode(u *feed.Update) ([][]byte, error) {
	e.out.Reset()
	h := e.hdr[:0]
	h = append(h, recBegin)
	h = binary.LittleEndian.AppendUint32(h, uint32(u.Seq))
	h = binary.LittleEndian.AppendUint16(h, uint16(u.Width))
	h = binary.LittleEndian.AppendUint16(h, uint16(u.Height))
	if _, err := e.zw.Write(h); err != nil {
		return nil, fmt.Errorf("compress frame %d: %w", u.Seq, err)
	}
	for i := range u.Rects {
		if err := e.writeRect(&u.Rects[i]); err != nil {
			return nil, fmt.Errorf("compress frame %d rect %v: %w", u.Seq, u.Rects[i].Rectangle, err)
		}
	}
	h = e.hdr[:0]
	h = append(h, recEnd)
	h = binary.LittleEndian.AppendUint32(h, uint32(u.Seq))
	if _, err := e.zw.Write(h); err != nil {
		return nil, fmt.Errorf("compress frame %d: %w", u.Seq, err)
	}
	if err := e.zw.Flush(); err != nil {
		return nil, fmt.Errorf("flush frame %d: %w", u.Seq, err)
	}
	b := e.out.Bytes()
	msgs := make([][]byte, 0, len(b)/maxMessage+1)
	for len(b) > maxMessage {
		msgs = append(msgs, b[:maxMessage])
		b = b[maxMessage:]
	}
	return append(msgs, b), nil
}

func (e *encoder) writeRect(r *feed.Rect) error {
	w, h := r.Dx(), r.Dy()
	if w <= 0 || h <= 0 {
		return nil
	}
	if len(r.Pix) < w*h {
		return fmt.Errorf("%d pixels for %dx%d", len(r.Pix), w, h)
	}
	pix := r.Pix[:w*h]
	hd := e.hdr[:0]
	if c, ok := solid(pix); ok {
		// A cleared or filled area: 13 bytes instead of w*h*4 through the
		// compressor, and a fillRect instead of a copy in the page.
		hd = append(hd, recSolid)
		hd = appendRect(hd, r)
		hd = append(hd, byte(c>>16), byte(c>>8), byte(c), 0xff)
		_, err := e.zw.Write(hd)
		return err
	}
	hd = append(hd, recRect)
	hd = appendRect(hd, r)
	if _, err := e.zw.Write(hd); err != nil {
		return err
	}
	// Convert a band of pixels at a time so the scratch buffer stays small
	// (48 KiB) whatever the rect's size.
	const band = 16 << 10 // pixels
	for len(pix) > 0 {
		n := min(len(pix), band)
		e.scratch = appendRGB(e.scratch[:0], pix[:n])
		if _, err := e.zw.Write(e.scratch); err != nil {
			return err
		}
		pix = pix[n:]
	}
	return nil
}

func appendRect(b []byte, r *feed.Rect) []byte {
	b = binary.LittleEndian.AppendUint16(b, uint16(r.Min.X))
	b = binary.LittleEndian.AppendUint16(b, uint16(r.Min.Y))
	b = binary.LittleEndian.AppendUint16(b, uint16(r.Dx()))
	return binary.LittleEndian.AppendUint16(b, uint16(r.Dy()))
}

// appendRGB appends 0x00RRGGBB pixels as R,G,B bytes.
func appendRGB(b []byte, pix []uint32) []byte {
	n := len(b)
	b = append(b, make([]byte, 3*len(pix))...)
	d := b[n:]
	for i, p := range pix {
		d[3*i], d[3*i+1], d[3*i+2] = byte(p>>16), byte(p>>8), byte(p)
	}
	return b
}

// solid reports whether every pixel of pix has one color, and which.
func solid(pix []uint32) (uint32, bool) {
	c := pix[0]
	for _, p := range pix[1:] {
		if p != c {
			return 0, false
		}
	}
	return c, true
}
