package protocol_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/xfar/xfar/protocol"
)

// TestImageEncodingsRoundTrip encodes images of 1 to 300 colours and
// several shapes in every format that can carry them and checks that the
// display server's decoder gets the same pixels back, and that
// ChooseFormat picks the palette exactly when it can.
func TestImageEncodingsRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, colours := range []int{1, 2, 3, 4, 5, 16, 17, 256, 257, 300} {
		for _, size := range [][2]int{{1, 1}, {3, 2}, {7, 5}, {64, 13}, {333, 41}} {
			w, h := size[0], size[1]
			cols := make([]uint32, colours)
			for i := range cols {
				cols[i] = rng.Uint32() & 0xffffff
			}
			pix := make([]uint32, w*h)
			for i := range pix {
				if i > 0 && rng.IntN(3) == 0 {
					pix[i] = pix[i-1] // runs, as in text
				} else {
					pix[i] = cols[rng.IntN(colours)]
				}
			}
			distinct := len(slices.Compact(slices.Sorted(slices.Values(pix))))
			formats := []uint8{protocol.FormatBGRX, protocol.FormatFiltered}
			if distinct <= 256 {
				formats = append(formats, protocol.FormatPalette)
			}
			for _, f := range formats {
				r := &protocol.PutImage{Drawable: 1, GC: 2, W: uint16(w), H: uint16(h), Format: f, Pix: pix}
				got, err := protocol.DecodeRequest(protocol.OpPutImage, r.AppendBody(nil))
				if err != nil {
					t.Fatalf("%d colours %dx%d format %d: %v", colours, w, h, f, err)
				}
				if !slices.Equal(got.(*protocol.PutImage).Pix, pix) {
					t.Fatalf("%d colours %dx%d format %d: pixels differ after decoding", colours, w, h, f)
				}
			}
			if w*h >= 16 {
				want := uint8(protocol.FormatFiltered)
				if distinct <= 256 {
					want = protocol.FormatPalette
				}
				if got := protocol.ChooseFormat(pix, w, h); got != want {
					t.Errorf("%d distinct colours %dx%d: ChooseFormat %d, want %d", distinct, w, h, got, want)
				}
			}
		}
	}
}
