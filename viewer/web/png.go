package web

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"

	"github.com/klauspost/compress/zlib"

	"github.com/xfar/xfar/internal/palette"
)

// pngEncoder writes PNG images of 0x00RRGGBB pixels for the page, which
// decodes them with the browser's own decoder (createImageBitmap) instead
// of touching pixels in JavaScript. It is lossless and made for speed: a
// palette (1 to 8 bits per pixel) when the image has at most 256 colours,
// as text and widgets do, otherwise 8-bit RGB with the cheapest of three
// row filters; zlib at its fastest level.
type pngEncoder struct {
	zbuf bytes.Buffer
	zw   *zlib.Writer
	raw  []byte
	prev []byte // rgbRows: the previous row, unfiltered
	cur  []byte // rgbRows: this row, unfiltered
	out  []byte // rgbRows: this row, filtered, after its filter byte
	// set numbers an image's colours; kept so that its list of colours
	// keeps its storage from one image to the next.
	set palette.Set
}

func newPNGEncoder() (*pngEncoder, error) {
	e := &pngEncoder{}
	zw, err := zlib.NewWriterLevel(&e.zbuf, zlib.BestSpeed)
	if err != nil {
		return nil, err
	}
	e.zw = zw
	return e, nil
}

var pngSignature = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}

// encode appends the PNG of pix (w x h) to b.
func (e *pngEncoder) encode(b []byte, pix []uint32, w, h int) ([]byte, error) {
	e.set = palette.Set{Colours: e.set.Colours[:0]}
	set := &e.set
	paletted := set.Collect(pix)
	cols := set.Colours
	depth, ctype := 8, byte(2) // RGB
	if paletted {
		ctype = 3
		switch n := len(cols); {
		case n <= 2:
			depth = 1
		case n <= 4:
			depth = 2
		case n <= 16:
			depth = 4
		}
	}
	b = append(b, pngSignature...)
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = byte(depth), ctype
	b = appendChunk(b, "IHDR", ihdr[:])
	if paletted {
		plte := make([]byte, 0, 3*256) // on the stack: its size is constant
		for _, c := range cols {
			plte = append(plte, byte(c>>16), byte(c>>8), byte(c))
		}
		b = appendChunk(b, "PLTE", plte)
	}
	e.zbuf.Reset()
	e.zw.Reset(&e.zbuf)
	var err error
	if paletted {
		err = e.palettedRows(pix, w, h, set, depth)
	} else {
		err = e.rgbRows(pix, w, h)
	}
	if err == nil {
		err = e.zw.Close()
	}
	if err != nil {
		return b, err
	}
	b = appendChunk(b, "IDAT", e.zbuf.Bytes())
	return appendChunk(b, "IEND", nil), nil
}

func (e *pngEncoder) palettedRows(pix []uint32, w, h int, set *palette.Set, depth int) error {
	stride := (w*depth + 7) / 8
	for y := 0; y < h; y++ {
		e.raw = append(e.raw[:0], make([]byte, 1+stride)...)
		row := e.raw[1:] // filter byte 0: none
		last, li := ^uint32(0), byte(0)
		for x, p := range pix[y*w : (y+1)*w] {
			if p != last {
				last, li = p, set.Index(p)
			}
			bit := x * depth
			// PNG packs the leftmost pixel in the most significant bits.
			row[bit/8] |= li << (8 - depth - bit%8)
		}
		if _, err := e.zw.Write(e.raw); err != nil {
			return err
		}
	}
	return nil
}

// PNG row filters used here.
const (
	pngNone = 0
	pngSub  = 1
	pngUp   = 2
)

func (e *pngEncoder) rgbRows(pix []uint32, w, h int) error {
	n := 3 * w
	e.prev = append(e.prev[:0], make([]byte, n)...)
	e.cur = append(e.cur[:0], make([]byte, n)...)
	e.out = append(e.out[:0], make([]byte, 1+n)...)
	out := e.out
	for y := 0; y < h; y++ {
		cur, prev := e.cur, e.prev
		for x, p := range pix[y*w : (y+1)*w] {
			cur[3*x], cur[3*x+1], cur[3*x+2] = byte(p>>16), byte(p>>8), byte(p)
		}
		f := pickFilter(cur, prev, y == 0)
		out[0] = byte(f)
		switch f {
		case pngNone:
			copy(out[1:], cur)
		case pngSub:
			copy(out[1:4], cur[:3])
			for i := 3; i < n; i++ {
				out[1+i] = cur[i] - cur[i-3]
			}
		case pngUp:
			for i := 0; i < n; i++ {
				out[1+i] = cur[i] - prev[i]
			}
		}
		if _, err := e.zw.Write(out); err != nil {
			return err
		}
		e.prev, e.cur = cur, prev
	}
	return nil
}

// pickFilter chooses the filter whose residuals, taken as signed bytes,
// sum lowest over a sample of the row (PNG's usual heuristic).
func pickFilter(cur, prev []byte, first bool) int {
	abs := func(b byte) int {
		if v := int(int8(b)); v >= 0 {
			return v
		} else {
			return -v
		}
	}
	var none, sub, up int
	for i := 3; i < len(cur); i += 7 {
		none += abs(cur[i])
		sub += abs(cur[i] - cur[i-3])
		up += abs(cur[i] - prev[i])
	}
	switch {
	case !first && up <= sub && up <= none:
		return pngUp
	case sub < none:
		return pngSub
	}
	return pngNone
}

func appendChunk(b []byte, typ string, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	start := len(b)
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}
