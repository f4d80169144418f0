package xclient

import (
	"image"
	"testing"

	"github.com/xfar/xfar/compress"
)

// BenchmarkDrawLine measures the client's cost per DrawLine: argument
// checks, encoding into the output buffer, and its share of the batched
// compress-and-write every 64 KiB, per codec. The peer only drains the
// pipe.
func BenchmarkDrawLine(b *testing.B) {
	for _, name := range compress.Names() {
		b.Run(name, func(b *testing.B) {
			c, _ := newSinkPeer(b, WithCodecs(name))
			w := c.Root()
			b.ReportAllocs()
			b.SetBytes(24) // wire bytes per request, before compression
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := c.DrawLine(w, 1, i&1023, 60, 180, i&511); err != nil {
					b.Fatal(err)
				}
			}
			if err := c.Flush(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkPutImage100 measures sending a 100x100 RGBA image (conversion,
// encoding, compression, write) with a flush per image, per codec.
func BenchmarkPutImage100(b *testing.B) {
	img := image.NewRGBA(image.Rect(0, 0, 100, 100))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7 / 3) // a gradient with some structure, not noise
	}
	for _, name := range compress.Names() {
		b.Run(name, func(b *testing.B) {
			c, _ := newSinkPeer(b, WithCodecs(name))
			w := c.Root()
			b.ReportAllocs()
			b.SetBytes(100 * 100 * 4)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := c.PutImage(w, 1, 0, 0, img); err != nil {
					b.Fatal(err)
				}
				if err := c.Flush(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
