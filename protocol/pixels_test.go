package protocol

import (
	"encoding/binary"
	"testing"
)

// TestPixelsWireOrder checks that pixels go on the wire little-endian
// (B, G, R, X for 0x00RRGGBB) and come back, through whichever path this
// machine takes.
func TestPixelsWireOrder(t *testing.T) {
	pix := []uint32{0x00112233, 0x00aabbcc, 0xff000001}
	b := appendPixels([]byte{9}, pix)
	want := []byte{9, 0x33, 0x22, 0x11, 0x00, 0xcc, 0xbb, 0xaa, 0x00, 0x01, 0x00, 0x00, 0xff}
	if string(b) != string(want) {
		t.Fatalf("appendPixels = % x, want % x", b, want)
	}
	d := &decoder{b: b[1:]}
	got := d.pixels(3, false)
	for i := range pix {
		if got[i] != pix[i] || binary.LittleEndian.Uint32(b[1+4*i:]) != pix[i] {
			t.Fatalf("pixel %d: decoded %#x, want %#x", i, got[i], pix[i])
		}
	}
	b[1] = 0x44 // the decoded pixels must not alias the body
	if got[0] != pix[0] {
		t.Fatal("decoded pixels alias the message body")
	}
}

// TestPixelPoolRecycles checks that a released image's buffer serves the
// next decode of a similar size, that the decode overwrites every pixel
// of it, and that small and odd buffers are left alone.
func TestPixelPoolRecycles(t *testing.T) {
	const n = 100 * 100
	first := getPixels(n)
	for i := range first {
		first[i] = 0xdeadbeef
	}
	(&PutImage{Pix: first}).Release()
	body := appendPixels(nil, make([]uint32, n-5)) // all zero
	d := &decoder{b: body}
	got := d.pixels(n-5, true)
	if &got[0] != &first[0] {
		t.Log("the pool gave a fresh buffer (allowed: sync.Pool may drop items)")
	}
	for i, p := range got {
		if p != 0 {
			t.Fatalf("pixel %d = %#x after decoding zeros into a recycled buffer", i, p)
		}
	}
	if len(got) != n-5 || cap(got) != 1<<14 {
		t.Fatalf("len %d cap %d, want %d and the size class %d", len(got), cap(got), n-5, 1<<14)
	}
	putPixels(make([]uint32, 10))   // too small: ignored
	putPixels(make([]uint32, 3000)) // not a size class: ignored
}
