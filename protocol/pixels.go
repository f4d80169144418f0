package protocol

import (
	"encoding/binary"
	"unsafe"
)

// Pixels travel as 32-bit little-endian words, which on a little-endian
// machine is their layout in memory: there, encoding and decoding an image
// is one copy, as X's ZPixmap is, instead of a conversion per pixel. The
// per-pixel loops remain for big-endian machines.

var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// pixelBytes views pix's memory as bytes. Only used where that memory
// order is the wire order.
func pixelBytes(pix []uint32) []byte {
	if len(pix) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&pix[0])), 4*len(pix))
}

// appendPixels appends 32-bit pixels little-endian.
func appendPixels(b []byte, pix []uint32) []byte {
	if littleEndian {
		return append(b, pixelBytes(pix)...)
	}
	n := len(b)
	b = append(b, make([]byte, 4*len(pix))...)
	out := b[n:]
	for _, p := range pix {
		binary.LittleEndian.PutUint32(out, p)
		out = out[4:]
	}
	return b
}

// pixels decodes n little-endian 32-bit pixels into a new slice.
func (d *decoder) pixels(n int) []uint32 {
	if !d.need(4 * n) {
		return nil
	}
	src := d.b[d.off : d.off+4*n]
	d.off += 4 * n
	pix := make([]uint32, n)
	if littleEndian {
		copy(pixelBytes(pix), src)
		return pix
	}
	for i := range pix {
		pix[i] = binary.LittleEndian.Uint32(src)
		src = src[4:]
	}
	return pix
}
