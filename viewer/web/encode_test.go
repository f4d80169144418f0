package web

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zstd"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/fonts"
)

// decodeStream is the page's decoder in Go: it reads the records (PNG
// images decoded by Go's image/png, as the browser decodes them) and
// applies them to img, returning the seqs of the frames it ended.
func decodeStream(t testing.TB, zr io.Reader, img **image.RGBA, frames int) []uint32 {
	t.Helper()
	var seqs []uint32
	var hdr [16]byte
	read := func(b []byte) {
		if _, err := io.ReadFull(zr, b); err != nil {
			t.Fatalf("read stream: %v", err)
		}
	}
	u16 := func(o int) int { return int(binary.LittleEndian.Uint16(hdr[o:])) }
	for len(seqs) < frames {
		read(hdr[:1])
		switch hdr[0] {
		case recBegin:
			read(hdr[1:9])
			if *img == nil || (*img).Rect.Dx() != u16(5) || (*img).Rect.Dy() != u16(7) {
				*img = image.NewRGBA(image.Rect(0, 0, u16(5), u16(7)))
			}
		case recImage:
			read(hdr[1:13])
			x, y, w, h := u16(1), u16(3), u16(5), u16(7)
			data := make([]byte, binary.LittleEndian.Uint32(hdr[9:]))
			read(data)
			pic, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("image record: %v", err)
			}
			if pic.Bounds() != image.Rect(0, 0, w, h) {
				t.Fatalf("image record %dx%d holds a %v PNG", w, h, pic.Bounds())
			}
			draw.Draw(*img, image.Rect(x, y, x+w, y+h), pic, image.Point{}, draw.Src)
		case recAtlas:
			read(hdr[1:3])
			n := u16(1)
			parts := make([]byte, 8*n+4)
			read(parts)
			data := make([]byte, binary.LittleEndian.Uint32(parts[8*n:]))
			read(data)
			pic, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("atlas record: %v", err)
			}
			sy := 0
			for k := range n {
				p := parts[8*k:]
				x, y := int(binary.LittleEndian.Uint16(p)), int(binary.LittleEndian.Uint16(p[2:]))
				w, h := int(binary.LittleEndian.Uint16(p[4:])), int(binary.LittleEndian.Uint16(p[6:]))
				draw.Draw(*img, image.Rect(x, y, x+w, y+h), pic, image.Pt(0, sy), draw.Src)
				sy += h
			}
			if sy != pic.Bounds().Dy() {
				t.Fatalf("atlas of %d rows holds %d", pic.Bounds().Dy(), sy)
			}
		case recSolid:
			read(hdr[1:13])
			x, y, w, h := u16(1), u16(3), u16(5), u16(7)
			draw.Draw(*img, image.Rect(x, y, x+w, y+h), image.NewUniform(color.RGBA{hdr[9], hdr[10], hdr[11], hdr[12]}), image.Point{}, draw.Src)
		case recEnd:
			read(hdr[1:5])
			seqs = append(seqs, binary.LittleEndian.Uint32(hdr[1:]))
		default:
			t.Fatalf("bad record type %#x", hdr[0])
		}
	}
	return seqs
}

// rectOf cuts r out of a screen image as a feed.Rect.
func rectOf(img *image.RGBA, r image.Rectangle) feed.Rect {
	pix := make([]uint32, 0, r.Dx()*r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.RGBAAt(x, y)
			pix = append(pix, uint32(c.R)<<16|uint32(c.G)<<8|uint32(c.B))
		}
	}
	return feed.Rect{Rectangle: r, Pix: pix}
}

func TestEncodeRoundTrip(t *testing.T) {
	a, b := textScreen(640, 400, 0), photoScreen(640, 400, 1)
	enc, err := newEncoder()
	if err != nil {
		t.Fatal(err)
	}
	var wire bytes.Buffer
	var maxMsg int
	send := func(u *feed.Update) {
		msgs, err := enc.encode(u)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			maxMsg = max(maxMsg, len(m))
			wire.Write(m)
		}
	}
	full := image.Rect(0, 0, 640, 400)
	send(&feed.Update{Seq: 1, Width: 640, Height: 400, Full: true, Rects: []feed.Rect{rectOf(a, full)}})
	// Damage: a photo patch, a solid fill and a one-pixel change.
	want := image.NewRGBA(full)
	draw.Draw(want, full, a, image.Point{}, draw.Src)
	patch := image.Rect(100, 50, 300, 250)
	draw.Draw(want, patch, b, patch.Min, draw.Src)
	fill := image.Rect(400, 300, 640, 400)
	draw.Draw(want, fill, image.NewUniform(color.RGBA{0x12, 0x34, 0x56, 0xff}), image.Point{}, draw.Src)
	want.SetRGBA(5, 5, color.RGBA{0xff, 0, 0, 0xff})
	// Small rectangles of different widths go together in an atlas.
	strips := []image.Rectangle{image.Rect(320, 10, 400, 30), image.Rect(500, 100, 520, 180), image.Rect(10, 300, 300, 316)}
	for _, r := range strips {
		draw.Draw(want, r, b, r.Min, draw.Src)
	}
	send(&feed.Update{Seq: 2, Width: 640, Height: 400, Rects: []feed.Rect{
		rectOf(want, patch), rectOf(want, fill), rectOf(want, image.Rect(5, 5, 6, 6)),
		rectOf(want, strips[0]), rectOf(want, strips[1]), rectOf(want, strips[2]),
	}})
	if !bytes.Contains(wire.Bytes(), []byte{recAtlas, 4, 0}) {
		t.Error("no atlas record of the 4 small rectangles on the wire")
	}
	if maxMsg > maxMessage {
		t.Errorf("a message of %d bytes, limit %d", maxMsg, maxMessage)
	}
	var got *image.RGBA
	seqs := decodeStream(t, &wire, &got, 2)
	if fmt.Sprint(seqs) != "[1 2]" {
		t.Errorf("frame seqs %v, want [1 2]", seqs)
	}
	if !bytes.Equal(got.Pix, want.Pix) {
		t.Error("decoded picture differs from the screen")
	}
}

func TestEncodeIdleCostsNothingBetweenFrames(t *testing.T) {
	// Each frame is flushed whole: the decoder can finish frame n with
	// only frame n's messages, nothing is held back for the next.
	enc, err := newEncoder()
	if err != nil {
		t.Fatal(err)
	}
	img := textScreen(320, 200, 0)
	pr, pw := io.Pipe()
	zr := pr
	done := make(chan []uint32)
	go func() {
		var got *image.RGBA
		done <- decodeStream(t, zr, &got, 1)
	}()
	msgs, err := enc.encode(&feed.Update{Seq: 7, Width: 320, Height: 200, Full: true, Rects: []feed.Rect{rectOf(img, img.Rect)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		pw.Write(m)
	}
	if seqs := <-done; len(seqs) != 1 || seqs[0] != 7 {
		t.Errorf("decoded frames %v, want [7]", seqs)
	}
	pw.Close()
}

// textScreen is a desktop of text windows, the common case: flat colors,
// antialiased Go font glyphs. shift varies the text so that two screens
// share glyphs but not layout.
func textScreen(w, h, shift int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Rect, image.NewUniform(color.RGBA{0x2e, 0x34, 0x40, 0xff}), image.Point{}, draw.Src)
	words := []string{"func", "(h *Handler)", "ServeHTTP(w", "http.ResponseWriter,", "r *http.Request)", "{", "return", "nil", "err", "if", "for", "range", "x := 42", "// comment", "fmt.Errorf(\"%w\")", "}"}
	face := fonts.Face(fonts.Mono, 13)
	for wi, win := range []image.Rectangle{image.Rect(20, 40, w*2/3, h-30), image.Rect(w/2, 20, w-10, h/2)} {
		win = win.Intersect(img.Rect)
		draw.Draw(img, image.Rect(win.Min.X, win.Min.Y-24, win.Max.X, win.Min.Y), image.NewUniform(color.RGBA{0x5e, 0x81, 0xac, 0xff}), image.Point{}, draw.Src)
		bg := color.RGBA{0xff, 0xff, 0xff, 0xff}
		fg := color.RGBA{0x20, 0x20, 0x20, 0xff}
		if wi == 1 {
			bg, fg = color.RGBA{0, 0, 0, 0xff}, color.RGBA{0xd0, 0xd0, 0xd0, 0xff}
		}
		draw.Draw(img, win, image.NewUniform(bg), image.Point{}, draw.Src)
		d := font.Drawer{Dst: img.SubImage(win).(*image.RGBA), Src: image.NewUniform(fg), Face: face}
		n := shift
		for y := win.Min.Y + 16; y < win.Max.Y; y += 16 {
			d.Dot = fixed.P(win.Min.X+4+(n%5)*16, y)
			for d.Dot.X.Round() < win.Max.X {
				d.DrawString(words[n%len(words)] + " ")
				n += 7
			}
			n++
		}
	}
	return img
}

// photoScreen is the worst case: a gradient with noise, as a photo or a
// video would be.
func photoScreen(w, h int, seed uint64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(seed, 1))
	for y := range h {
		for x := range w {
			n := uint8(r.IntN(24))
			img.SetRGBA(x, y, color.RGBA{uint8(x*255/w) + n, uint8(y*255/h) + n, uint8((x+y)*128/(w+h)) + n, 0xff})
		}
	}
	return img
}

// benchVariants is how many variants of each update a benchmark cycles
// through, so that no codec's history (zstd's reaches back megabytes)
// turns a frame into one back reference to an identical earlier one.
const benchVariants = 8

// benchCase is one kind of update, in variants with different content.
type benchCase struct {
	name string
	upd  [benchVariants]*feed.Update
}

func benchCases() []benchCase {
	const W, H = 1280, 800
	var ts, ps [benchVariants]*image.RGBA
	for i := range benchVariants {
		ts[i], ps[i] = textScreen(W, H, 3*i), photoScreen(W, H, uint64(i))
	}
	full := image.Rect(0, 0, W, H)
	mk := func(img *image.RGBA, r image.Rectangle) *feed.Update {
		return &feed.Update{Width: W, Height: H, Full: r == full, Rects: []feed.Rect{rectOf(img, r)}}
	}
	glyph := image.Rect(28, 52, 36, 68) // one character cell of the text window
	line := image.Rect(20, 52, 620, 68) // one line of text
	cases := []benchCase{{name: "char-8x16"}, {name: "line-600x16"}, {name: "full-text-1280x800"}, {name: "full-photo-1280x800"}}
	for i := range benchVariants {
		cases[0].upd[i] = mk(ts[i], glyph)
		cases[1].upd[i] = mk(ts[i], line)
		cases[2].upd[i] = mk(ts[i], full)
		cases[3].upd[i] = mk(ps[i], full)
	}
	return cases
}

// BenchmarkEncode compares frame encodings on the same updates: bytes per
// update (B/update) and encode time (ns/op). Results and the choice they
// led to are in BENCHMARKS.md (Web viewer).
func BenchmarkEncode(b *testing.B) {
	for _, bc := range benchCases() {
		b.Run("png-stream/"+bc.name, func(b *testing.B) {
			// What the viewer sends (encode.go, png.go).
			enc, err := newEncoder()
			if err != nil {
				b.Fatal(err)
			}
			benchBytes(b, bc, func(u *feed.Update) int {
				msgs, err := enc.encode(u)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for _, m := range msgs {
					n += len(m)
				}
				return n
			})
		})
		b.Run("deflate1-stream-rgb/"+bc.name, func(b *testing.B) {
			// The encoding before PNG: one deflate stream of R,G,B bytes
			// that the page copied into ImageData pixel by pixel.
			var out bytes.Buffer
			zw, err := flate.NewWriter(&out, flate.BestSpeed)
			if err != nil {
				b.Fatal(err)
			}
			var scratch []byte
			benchBytes(b, bc, func(u *feed.Update) int {
				out.Reset()
				for _, r := range u.Rects {
					scratch = scratch[:0]
					for _, p := range r.Pix {
						scratch = append(scratch, byte(p>>16), byte(p>>8), byte(p))
					}
					zw.Write(scratch)
				}
				zw.Flush()
				return out.Len()
			})
		})
		b.Run("zstd1-stream/"+bc.name, func(b *testing.B) {
			// Not decodable by browsers' DecompressionStream everywhere;
			// measured for reference.
			var out bytes.Buffer
			zw, err := zstd.NewWriter(&out, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
			if err != nil {
				b.Fatal(err)
			}
			var scratch []byte
			benchBytes(b, bc, func(u *feed.Update) int {
				out.Reset()
				for _, r := range u.Rects {
					scratch = appendRGBA(scratch[:0], r.Pix)
					zw.Write(scratch)
				}
				zw.Flush()
				return out.Len()
			})
		})
		b.Run("deflate1-stream-rgba/"+bc.name, func(b *testing.B) {
			// The same stream with 4 bytes a pixel, ImageData's layout,
			// which would spare the page its copy loop.
			var out bytes.Buffer
			zw, err := flate.NewWriter(&out, flate.BestSpeed)
			if err != nil {
				b.Fatal(err)
			}
			var scratch []byte
			benchBytes(b, bc, func(u *feed.Update) int {
				out.Reset()
				zw.Write([]byte{recBegin, 0, 0, 0, 0, 0, 0, 0, 0})
				for _, r := range u.Rects {
					zw.Write(appendRect([]byte{recImage}, &r))
					scratch = appendRGBA(scratch[:0], r.Pix)
					zw.Write(scratch)
				}
				zw.Write([]byte{recEnd, 0, 0, 0, 0})
				zw.Flush()
				return out.Len()
			})
		})
		b.Run("png-per-rect/"+bc.name, func(b *testing.B) {
			enc := png.Encoder{CompressionLevel: png.BestSpeed}
			var out bytes.Buffer
			benchBytes(b, bc, func(u *feed.Update) int {
				out.Reset()
				for _, r := range u.Rects {
					img := &image.RGBA{Pix: appendRGBA(nil, r.Pix), Stride: 4 * r.Dx(), Rect: image.Rect(0, 0, r.Dx(), r.Dy())}
					if err := enc.Encode(&out, img); err != nil {
						b.Fatal(err)
					}
				}
				return out.Len()
			})
		})
		b.Run("raw/"+bc.name, func(b *testing.B) {
			var scratch []byte
			benchBytes(b, bc, func(u *feed.Update) int {
				n := 0
				for _, r := range u.Rects {
					scratch = appendRGBA(scratch[:0], r.Pix)
					n += len(scratch)
				}
				return n
			})
		})
	}
}

// appendRGBA appends 0x00RRGGBB pixels as opaque R,G,B,A bytes.
func appendRGBA(b []byte, pix []uint32) []byte {
	for _, p := range pix {
		b = append(b, byte(p>>16), byte(p>>8), byte(p), 0xff)
	}
	return b
}

func benchBytes(b *testing.B, bc benchCase, encode func(*feed.Update) int) {
	b.ReportAllocs()
	total := 0
	i := 0
	for b.Loop() {
		u := bc.upd[i%benchVariants]
		u.Seq = uint64(i + 1)
		total += encode(u)
		i++
	}
	b.ReportMetric(float64(total)/float64(i), "B/update")
}
