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
	got := d.pixels(3)
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
