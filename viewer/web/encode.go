package web

import (
	"encoding/binary"
	"fmt"

	"github.com/xfar/xfar/displayserver/feed"
)

// The frame stream. The data channel carries one stream of records,
// little-endian:
//
//	begin: 'B' seq:u32 width:u16 height:u16
//	image: 'I' x:u16 y:u16 w:u16 h:u16 len:u32, then len bytes of PNG
//	atlas: 'A' n:u16, n times (x:u16 y:u16 w:u16 h:u16), len:u32, then a
//	       PNG holding the n rectangles stacked top to bottom at its left
//	       edge, in that order
//	solid: 'S' x:u16 y:u16 w:u16 h:u16 r:u8 g:u8 b:u8 a:u8
//	copy:  'C' x:u16 y:u16 w:u16 h:u16 dx:u16 dy:u16: move the picture's
//	       area x,y,w,h so that its corner lands on dx,dy (a scroll)
//	end:   'E' seq:u32
//
// A frame's records apply in order; its copies come first, right after
// 'B'.
//
// The stream is cut into data channel messages of at most maxMessage
// bytes; message boundaries mean nothing to the parser, which is why the
// channel must be reliable and ordered. Pixels travel as PNG (png.go) so
// the page hands them to the browser's own decoder (createImageBitmap)
// and draws the result with drawImage: no JavaScript loop ever touches a
// pixel. The page draws a frame only when its 'E' has arrived and all its
// images are decoded, so a viewer never shows half a frame.
const (
	recBegin = 'B'
	recImage = 'I'
	recAtlas = 'A'
	recSolid = 'S'
	recCopy  = 'C'
	recEnd   = 'E'
)

// maxMessage is the largest data channel message sent. 64 KiB is the
// largest size every SCTP stack (pion, Chromium, Firefox) accepts without
// negotiation; a little less leaves room for framing.
const maxMessage = 60 << 10

// encoder turns Updates into data channel messages. It is not safe for
// concurrent use: each viewer's sender owns one.
type encoder struct {
	out   []byte
	png   *pngEncoder
	small []*feed.Rect
	atlas []uint32
}

// Small rectangles (a line of text, a cursor) go together in one image, an
// atlas, rather than one image each: per image, the PNG's headers and the
// browser's decode call cost more than the pixels. Rectangles up to
// atlasArea pixels and atlasWidth wide are stacked, atlasHeight rows and
// atlasParts rectangles per atlas at most.
const (
	atlasArea   = 64 << 10
	atlasWidth  = 1024
	atlasHeight = 2048
	atlasParts  = 1024
)

// appendAtlases appends rects (small, not solid) as atlas records.
func (e *encoder) appendAtlases(b []byte, rects []*feed.Rect) ([]byte, error) {
	for len(rects) > 0 {
		n, w, h := 0, 0, 0
		for n < len(rects) && n < atlasParts && h+rects[n].Dy() <= atlasHeight {
			w, h = max(w, rects[n].Dx()), h+rects[n].Dy()
			n++
		}
		batch := rects[:n]
		rects = rects[n:]
		if n == 1 {
			// Known to be non-empty, whole and not solid (encode).
			r := batch[0]
			var err error
			if b, err = e.appendImage(b, r, r.Pix[:r.Dx()*r.Dy()]); err != nil {
				return b, err
			}
			continue
		}
		// Stack them; the space right of a narrower rectangle repeats its
		// row's first pixel, which adds no colour to the palette.
		e.atlas = e.atlas[:0]
		for _, r := range batch {
			rw := r.Dx()
			for y := 0; y < r.Dy(); y++ {
				row := r.Pix[y*rw : (y+1)*rw]
				e.atlas = append(e.atlas, row...)
				for x := rw; x < w; x++ {
					e.atlas = append(e.atlas, row[0])
				}
			}
		}
		b = append(b, recAtlas)
		b = binary.LittleEndian.AppendUint16(b, uint16(n))
		for _, r := range batch {
			b = appendRect(b, r)
		}
		at := len(b)
		b = append(b, 0, 0, 0, 0)
		var err error
		if b, err = e.png.encode(b, e.atlas, w, h); err != nil {
			return b, err
		}
		binary.LittleEndian.PutUint32(b[at:], uint32(len(b)-at-4))
	}
	return b, nil
}

func newEncoder() (*encoder, error) {
	p, err := newPNGEncoder()
	if err != nil {
		return nil, fmt.Errorf("png encoder: %w", err)
	}
	return &encoder{png: p}, nil
}

// encode encodes u and returns it cut into messages. The messages alias
// the encoder's buffer and are valid until the next call.
func (e *encoder) encode(u *feed.Update) ([][]byte, error) {
	b := append(e.out[:0], recBegin)
	b = binary.LittleEndian.AppendUint32(b, uint32(u.Seq))
	b = binary.LittleEndian.AppendUint16(b, uint16(u.Width))
	b = binary.LittleEndian.AppendUint16(b, uint16(u.Height))
	for _, c := range u.Copies {
		b = append(b, recCopy)
		for _, v := range [...]int{c.Src.Min.X, c.Src.Min.Y, c.Src.Dx(), c.Src.Dy(), c.Dst.X, c.Dst.Y} {
			b = binary.LittleEndian.AppendUint16(b, uint16(v))
		}
	}
	var err error
	e.small = e.small[:0]
	for i := range u.Rects {
		r := &u.Rects[i]
		if w, h := r.Dx(), r.Dy(); w > 0 && h > 0 && w <= atlasWidth && w*h <= atlasArea && len(r.Pix) >= w*h {
			if c, isSolid := solid(r.Pix[:w*h]); isSolid {
				b = appendSolid(b, r, c)
			} else {
				e.small = append(e.small, r)
			}
			continue
		}
		if b, err = e.appendRect(b, r); err != nil {
			e.out = b
			return nil, fmt.Errorf("encode frame %d rect %v: %w", u.Seq, r.Rectangle, err)
		}
	}
	if b, err = e.appendAtlases(b, e.small); err != nil {
		e.out = b
		return nil, fmt.Errorf("encode frame %d: %w", u.Seq, err)
	}
	b = append(b, recEnd)
	b = binary.LittleEndian.AppendUint32(b, uint32(u.Seq))
	e.out = b
	msgs := make([][]byte, 0, len(b)/maxMessage+1)
	for len(b) > maxMessage {
		msgs = append(msgs, b[:maxMessage])
		b = b[maxMessage:]
	}
	return append(msgs, b), nil
}

func (e *encoder) appendRect(b []byte, r *feed.Rect) ([]byte, error) {
	w, h := r.Dx(), r.Dy()
	if w <= 0 || h <= 0 {
		return b, nil
	}
	if len(r.Pix) < w*h {
		return b, fmt.Errorf("%d pixels for %dx%d", len(r.Pix), w, h)
	}
	pix := r.Pix[:w*h]
	if c, ok := solid(pix); ok {
		return appendSolid(b, r, c), nil
	}
	return e.appendImage(b, r, pix)
}

// appendSolid appends r filled with colour c: a cleared or filled area
// takes 13 bytes, and a fillRect in the page.
func appendSolid(b []byte, r *feed.Rect, c uint32) []byte {
	b = append(b, recSolid)
	b = appendRect(b, r)
	return append(b, byte(c>>16), byte(c>>8), byte(c), 0xff)
}

// appendImage appends r's pixels pix (r.Dx()*r.Dy(), not solid) as a PNG.
func (e *encoder) appendImage(b []byte, r *feed.Rect, pix []uint32) ([]byte, error) {
	w, h := r.Dx(), r.Dy()
	b = append(b, recImage)
	b = appendRect(b, r)
	at := len(b)
	b = append(b, 0, 0, 0, 0) // length, filled in below
	b, err := e.png.encode(b, pix, w, h)
	if err != nil {
		return b, err
	}
	binary.LittleEndian.PutUint32(b[at:], uint32(len(b)-at-4))
	return b, nil
}

func appendRect(b []byte, r *feed.Rect) []byte {
	b = binary.LittleEndian.AppendUint16(b, uint16(r.Min.X))
	b = binary.LittleEndian.AppendUint16(b, uint16(r.Min.Y))
	b = binary.LittleEndian.AppendUint16(b, uint16(r.Dx()))
	return binary.LittleEndian.AppendUint16(b, uint16(r.Dy()))
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
