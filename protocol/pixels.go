package protocol

import (
	"encoding/binary"
	"math/bits"
	"sync"
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

// pixels decodes n little-endian 32-bit pixels into a new slice, taken
// from the pool when the caller will Release it (PutImage).
func (d *decoder) pixels(n int, pooled bool) []uint32 {
	if !d.need(4 * n) {
		return nil
	}
	src := d.b[d.off : d.off+4*n]
	d.off += 4 * n
	var pix []uint32
	if pooled {
		pix = getPixels(n)
	} else {
		pix = make([]uint32, n)
	}
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

// Decoded images are recycled: a fresh buffer per PutImage is a large
// allocation (about 15 us for 100x100, most of the decode), and a stream
// of images would churn the collector. Buffers come in power-of-two size
// classes from minPooled pixels up to the largest request.
const (
	minPooledBits = 10 // 1 Ki pixels: smaller images are cheap to allocate
	maxPooledBits = 21 // 2 Mi pixels = DefaultMaxRequest / 4
)

var pixelPools [maxPooledBits + 1]sync.Pool // of *[]uint32

// getPixels returns a buffer of n pixels whose contents are undefined.
func getPixels(n int) []uint32 {
	k := bits.Len(uint(n - 1))
	if n < 1<<minPooledBits || k > maxPooledBits {
		return make([]uint32, n)
	}
	if p, ok := pixelPools[k].Get().(*[]uint32); ok {
		return (*p)[:n]
	}
	return make([]uint32, n, 1<<k)
}

// putPixels recycles a buffer that getPixels returned.
func putPixels(pix []uint32) {
	c := cap(pix)
	k := bits.Len(uint(c - 1))
	if c < 1<<minPooledBits || k > maxPooledBits || c != 1<<k {
		return // not one of ours
	}
	pix = pix[:0]
	pixelPools[k].Put(&pix)
}

// Release hands the request's pixels back for reuse by later decodes, once
// the caller has drawn them. Neither r.Pix nor any slice of it may be used
// afterwards.
func (r *PutImage) Release() {
	putPixels(r.Pix)
	r.Pix = nil
}
