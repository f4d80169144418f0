package protocol

import (
	"fmt"

	"github.com/xfar/xfar/internal/palette"
)

// Image encodings. The connection's stream codec (zstd) already removes
// repetition; these encodings hand it less to chew on and expose
// structure it cannot see by itself: a palette turns a 4-byte pixel of a
// few-colour area (text, widgets) into 1 to 8 bits, and a predictor turns
// smooth or vertically repeating areas into runs of small numbers. They
// are lossless: the display server decodes every one back to the same
// 0x00RRGGBB pixels before drawing.

// ChooseFormat returns the cheaper lossless encoding for pix (w x h):
// FormatPalette when it has at most 256 colours, else FormatFiltered.
// Tiny images stay FormatBGRX: their header would cost more than it saves.
func ChooseFormat(pix []uint32, w, h int) uint8 {
	if w*h < 16 {
		return FormatBGRX
	}
	if _, ok := paletteOf(pix); ok {
		return FormatPalette
	}
	return FormatFiltered
}

// paletteOf returns the distinct colours of pix, numbered, if there are at
// most 256.
func paletteOf(pix []uint32) (*palette.Set, bool) {
	s := new(palette.Set)
	if !s.Collect(pix) {
		return nil, false
	}
	return s, true
}

// paletteBits is the index width for n colours.
func paletteBits(n int) int {
	switch {
	case n <= 2:
		return 1
	case n <= 4:
		return 2
	case n <= 16:
		return 4
	}
	return 8
}

// appendPalette encodes pix as FormatPalette:
//
//	u16 n (1..256)   u16 bits (1, 2, 4 or 8)   n × u32 colours
//	h rows of ceil(w·bits/8) bytes; pixel x of a row is at bit x·bits,
//	least significant bits first
func appendPalette(b []byte, pix []uint32, w, h int) []byte {
	set, ok := paletteOf(pix)
	if !ok || len(pix) != w*h {
		panic("protocol: palette encoding of an image with more than 256 colours")
	}
	bits := paletteBits(len(set.Colours))
	b = putU16(b, uint16(len(set.Colours)))
	b = putU16(b, uint16(bits))
	for _, c := range set.Colours {
		b = putU32(b, c)
	}
	stride := (w*bits + 7) / 8
	for y := 0; y < h; y++ {
		n := len(b)
		b = append(b, make([]byte, stride)...)
		row := b[n:]
		last, li := ^uint32(0), byte(0)
		for x, p := range pix[y*w : (y+1)*w] {
			if p != last {
				last, li = p, set.Index(p)
			}
			bit := x * bits
			row[bit/8] |= li << (bit % 8)
		}
	}
	return b
}

// decodePalette decodes FormatPalette's data into n = w*h pixels.
func decodePalette(d *decoder, w, h int) ([]uint32, error) {
	n := int(d.u16())
	bits := int(d.u16())
	if d.err != nil {
		return nil, nil
	}
	if n < 1 || n > 256 {
		return nil, fmt.Errorf("palette of %d colours", n)
	}
	if bits != paletteBits(n) {
		return nil, fmt.Errorf("palette of %d colours with %d-bit indices", n, bits)
	}
	if !d.need(4 * n) {
		return nil, nil
	}
	var cols [256]uint32
	for i := 0; i < n; i++ {
		cols[i] = d.u32() & 0xffffff
	}
	stride := (w*bits + 7) / 8
	if int64(d.rest()) != int64(stride)*int64(h) {
		d.err = fmt.Errorf("%dx%d palette image needs %d bytes of indices, have %d", w, h, stride*h, d.rest())
		return nil, nil
	}
	pix := getPixels(w * h)
	mask := byte(1<<bits - 1)
	for y := 0; y < h; y++ {
		row := d.b[d.off+y*stride : d.off+(y+1)*stride]
		out := pix[y*w : (y+1)*w]
		for x := range out {
			bit := x * bits
			i := (row[bit/8] >> (bit % 8)) & mask
			if int(i) >= n {
				putPixels(pix)
				return nil, fmt.Errorf("palette index %d of %d colours", i, n)
			}
			out[x] = cols[i]
		}
	}
	d.off += stride * h
	return pix, nil
}

// Row filters of FormatFiltered, as PNG's: each byte is sent minus the
// same byte of a neighbour, modulo 256.
const (
	filterNone = 0
	filterLeft = 1 // the pixel to the left (0 at the row's start)
	filterUp   = 2 // the pixel above (0 on the first row)
)

// appendFiltered encodes pix as FormatFiltered: h rows of one filter byte
// and 3·w bytes B, G, R, each minus the filter's neighbour. Each row takes
// the filter whose residuals are smallest, as PNG encoders choose.
func appendFiltered(b []byte, pix []uint32, w, h int) []byte {
	for y := 0; y < h; y++ {
		row := pix[y*w : (y+1)*w]
		var up []uint32
		if y > 0 {
			up = pix[(y-1)*w : y*w]
		}
		f := bestFilter(row, up)
		b = append(b, byte(f))
		for x, p := range row {
			var q uint32
			switch {
			case f == filterLeft && x > 0:
				q = row[x-1]
			case f == filterUp && up != nil:
				q = up[x]
			}
			b = append(b, byte(p)-byte(q), byte(p>>8)-byte(q>>8), byte(p>>16)-byte(q>>16))
		}
	}
	return b
}

// bestFilter picks the filter with the least sum of residuals taken as
// signed bytes, over every fourth pixel (the choice needs an estimate,
// not the sum, and the full sum would cost more than the encoding).
func bestFilter(row, up []uint32) int {
	cost := func(p, q uint32) int {
		s := 0
		for sh := 0; sh < 24; sh += 8 {
			s += absByte(byte(p>>sh) - byte(q>>sh))
		}
		return s
	}
	var none, left, upc int
	for x := 0; x < len(row); x += 4 {
		p := row[x]
		none += cost(p, 0)
		if x > 0 {
			left += cost(p, row[x-1])
		} else {
			left += cost(p, 0)
		}
		if up != nil {
			upc += cost(p, up[x])
		} else {
			upc += cost(p, 0)
		}
	}
	switch {
	case upc < left && upc < none:
		return filterUp
	case left < none:
		return filterLeft
	}
	return filterNone
}

func absByte(b byte) int {
	if v := int(int8(b)); v >= 0 {
		return v
	} else {
		return -v
	}
}

// decodeFiltered decodes FormatFiltered's data into w*h pixels.
func decodeFiltered(d *decoder, w, h int) ([]uint32, error) {
	stride := 1 + 3*w
	if int64(d.rest()) != int64(stride)*int64(h) {
		d.err = fmt.Errorf("%dx%d filtered image needs %d bytes, have %d", w, h, stride*h, d.rest())
		return nil, nil
	}
	pix := getPixels(w * h)
	for y := 0; y < h; y++ {
		src := d.b[d.off+y*stride : d.off+(y+1)*stride]
		f := src[0]
		src = src[1:]
		out := pix[y*w : (y+1)*w]
		var up []uint32
		if y > 0 {
			up = pix[(y-1)*w : y*w]
		}
		for x := range out {
			var q uint32
			switch f {
			case filterNone:
			case filterLeft:
				if x > 0 {
					q = out[x-1]
				}
			case filterUp:
				if up != nil {
					q = up[x]
				}
			default:
				putPixels(pix)
				return nil, fmt.Errorf("row filter %d", f)
			}
			s := src[3*x : 3*x+3 : 3*x+3]
			out[x] = uint32(s[0]+byte(q)) | uint32(s[1]+byte(q>>8))<<8 | uint32(s[2]+byte(q>>16))<<16
		}
	}
	d.off += stride * h
	return pix, nil
}
