package protocol_test

import (
	"testing"

	"github.com/xfar/xfar/protocol"
)

func polyLine100() *protocol.PolyPoint {
	pts := make([]protocol.Point, 100)
	for i := range pts {
		pts[i] = protocol.Point{X: int16(i * 7 % 640), Y: int16(i * 13 % 480)}
	}
	return &protocol.PolyPoint{Op: protocol.OpPolyLine, Drawable: fxWin, GC: fxGC, Points: pts}
}

func putImage100x100() *protocol.PutImage {
	pix := make([]uint32, 100*100)
	for i := range pix {
		pix[i] = uint32(i) * 0x010101 & 0xFFFFFF
	}
	return &protocol.PutImage{Drawable: fxWin, GC: fxGC, W: 100, H: 100, Pix: pix}
}

func benchEncode(b *testing.B, r protocol.Request) {
	buf, err := protocol.AppendRequest(nil, r)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = protocol.AppendRequest(buf[:0], r)
	}
}

func benchDecode(b *testing.B, r protocol.Request) {
	body := r.AppendBody(nil)
	op := r.Opcode()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := protocol.DecodeRequest(op, body)
		if err != nil {
			b.Fatal(err)
		}
		// As the display server does once it has drawn an image.
		if pi, ok := r.(*protocol.PutImage); ok {
			pi.Release()
		}
	}
}

func BenchmarkEncodePolyLine100(b *testing.B)     { benchEncode(b, polyLine100()) }
func BenchmarkDecodePolyLine100(b *testing.B)     { benchDecode(b, polyLine100()) }
func BenchmarkEncodePutImage100x100(b *testing.B) { benchEncode(b, putImage100x100()) }
func BenchmarkDecodePutImage100x100(b *testing.B) { benchDecode(b, putImage100x100()) }

func BenchmarkEncodeEvent(b *testing.B) {
	ev := fullEvent(protocol.KeyPress, "a")
	buf := protocol.AppendEvent(nil, ev)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = protocol.AppendEvent(buf[:0], ev)
	}
}

func BenchmarkDecodeServerEvent(b *testing.B) {
	msg := protocol.AppendEvent(nil, fullEvent(protocol.KeyPress, "a"))
	h := protocol.ParseHeader([4]byte(msg))
	body := msg[4:]
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := protocol.DecodeServerMessage(h, body); err != nil {
			b.Fatal(err)
		}
	}
}
