package protocol_test

import (
	"errors"
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

// TestJPEGFormat: a JPEG PutImage decodes to pixels close to the original
// (lossy, so within a tolerance), and one whose JPEG has another size than
// the request says, or is not a JPEG, is a value error.
func TestJPEGFormat(t *testing.T) {
	const w, h = 64, 48
	pix := make([]uint32, w*h)
	for i := range pix {
		x, y := i%w, i/w
		pix[i] = uint32(x*4)<<16 | uint32(y*5)<<8 | uint32((x+y)*2)
	}
	r := &protocol.PutImage{Drawable: 1, GC: 2, W: w, H: h, Format: protocol.FormatJPEG, Quality: 90, Pix: pix}
	body := r.AppendBody(nil)
	if len(body) >= 20+4*w*h/4 {
		t.Errorf("JPEG body %d bytes for %d raw", len(body), 4*w*h)
	}
	got, err := protocol.DecodeRequest(protocol.OpPutImage, body)
	if err != nil {
		t.Fatal(err)
	}
	dec := got.(*protocol.PutImage)
	if dec.W != w || dec.H != h || len(dec.Pix) != w*h {
		t.Fatalf("JPEG decoded to %dx%d with %d pixels, want %dx%d", dec.W, dec.H, len(dec.Pix), w, h)
	}
	var sum int
	for i, p := range dec.Pix {
		for sh := 0; sh < 24; sh += 8 {
			d := int(p>>sh&0xff) - int(pix[i]>>sh&0xff)
			sum += max(d, -d)
		}
	}
	if mean := float64(sum) / float64(3*w*h); mean > 4 {
		t.Errorf("mean error %.1f per channel at quality 90", mean)
	}
	wrong := slices.Clone(body)
	wrong[12] = 65 // the request says 65 wide; the JPEG is 64
	if _, err := protocol.DecodeRequest(protocol.OpPutImage, wrong); !isCode(err, protocol.BadValue) {
		t.Errorf("JPEG of another size: %v, want BadValue", err)
	}
	junk := append(slices.Clone(body[:20]), "not a jpeg"...)
	if _, err := protocol.DecodeRequest(protocol.OpPutImage, junk); !isCode(err, protocol.BadValue) {
		t.Errorf("not a JPEG: %v, want BadValue", err)
	}
}

func isCode(err error, code protocol.ErrorCode) bool {
	var de *protocol.DecodeError
	return errors.As(err, &de) && de.Code == code
}
