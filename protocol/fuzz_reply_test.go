package protocol_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xfar/xfar/protocol"
)

// FuzzReplyBuilders builds every server→client message a server sends
// (each reply type, events, errors) from fuzzed values, and checks that
// a client reading with the protocol's limit gets back exactly what was
// built, text cut to its limit on a character boundary.
func FuzzReplyBuilders(f *testing.F) {
	for kind := range uint8(8) {
		f.Add(kind, uint32(7), []byte("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14 héllo"))
	}
	f.Add(uint8(3), uint32(1), bytes.Repeat([]byte{0xff}, 300))
	f.Add(uint8(6), uint32(1), append(make([]byte, 24), strings.Repeat("é", 200)...))
	f.Fuzz(func(t *testing.T, kind uint8, seq uint32, data []byte) {
		u32 := func(i int) uint32 {
			var b [4]byte
			copy(b[:], data[min(i, len(data)):])
			return binary.LittleEndian.Uint32(b[:])
		}
		tail := string(data[min(24, len(data)):])
		var msg []byte
		var check func(m any)
		switch kind % 8 {
		case 0:
			r := &protocol.GeometryReply{Root: u32(0), Parent: u32(4), X: int16(u32(8)), Y: int16(u32(8) >> 16),
				Width: uint16(u32(12)), Height: uint16(u32(12) >> 16), BorderWidth: uint16(u32(16)), Depth: uint8(u32(20)), Mapped: u32(20)&0x100 != 0}
			msg = protocol.AppendGeometryReply(nil, seq, r)
			check = func(m any) { eq(t, decodeWith(t, m, seq, protocol.OpGetGeometry, protocol.DecodeGeometryReply), r) }
		case 1:
			r := &protocol.TreeReply{Root: u32(0), Parent: u32(4), Children: []uint32{}}
			for i := 8; i+4 <= len(data); i += 4 {
				r.Children = append(r.Children, u32(i))
			}
			msg = protocol.AppendTreeReply(nil, seq, r)
			check = func(m any) { eq(t, decodeWith(t, m, seq, protocol.OpQueryTree, protocol.DecodeTreeReply), r) }
		case 2:
			r := &protocol.PointerReply{Root: u32(0), Child: u32(4), RootX: int16(u32(8)), RootY: int16(u32(8) >> 16),
				X: int16(u32(12)), Y: int16(u32(12) >> 16), State: uint16(u32(16)), SameScreen: u32(16)&0x10000 != 0}
			msg = protocol.AppendPointerReply(nil, seq, r)
			check = func(m any) { eq(t, decodeWith(t, m, seq, protocol.OpQueryPointer, protocol.DecodePointerReply), r) }
		case 3:
			w, h := uint16(u32(0)%64+1), uint16(u32(4)%64+1)
			pix := make([]uint32, int(w)*int(h))
			for i := range pix {
				pix[i] = u32(8+i%16) & 0x00ffffff
			}
			r := &protocol.ImageReply{W: w, H: h, Pix: pix}
			msg = protocol.AppendImageReply(nil, seq, w, h, pix)
			check = func(m any) { eq(t, decodeWith(t, m, seq, protocol.OpGetImage, protocol.DecodeImageReply), r) }
		case 4:
			msg = protocol.AppendSyncReply(nil, seq)
			check = func(m any) {
				if r, ok := m.(*protocol.Reply); !ok || r.Seq != seq || r.Op != protocol.OpSync || len(r.Data) != 0 {
					t.Fatalf("sync reply decoded as %#v", m)
				}
			}
		case 5:
			r := &protocol.WidgetReply{Widget: uint16(u32(0)), Kind: uint8(u32(0) >> 16), Selected: u32(4), Scroll: u32(8),
				Caret: u32(12), Items: u32(16), Text: tail}
			msg = protocol.AppendWidgetReply(nil, seq, r)
			check = func(m any) {
				got := decodeWith(t, m, seq, protocol.OpQueryWidget, protocol.DecodeWidgetReply)
				want := *r
				want.Text = cut(t, got.Text, r.Text, protocol.MaxWidgetText)
				eq(t, got, &want)
			}
		case 6:
			ev := &protocol.Event{Code: protocol.KeyPress, Detail: uint8(u32(0)), State: uint16(u32(0) >> 8), Seq: seq,
				Time: u32(4), Window: u32(8), Child: u32(12), X: int16(u32(16)), Y: int16(u32(16) >> 16), Keysym: u32(20), Text: tail}
			msg = protocol.AppendEvent(nil, ev)
			check = func(m any) {
				got, ok := m.(*protocol.Event)
				if !ok {
					t.Fatalf("event decoded as %T", m)
				}
				want := *ev
				want.Text = cut(t, got.Text, ev.Text, protocol.MaxEventText)
				eq(t, got, &want)
			}
		case 7:
			e := &protocol.Error{Seq: seq, Code: protocol.BadAlloc, Op: protocol.Opcode(u32(0) % 60), BadValue: u32(4), Message: tail}
			msg = protocol.AppendError(nil, e)
			check = func(m any) {
				got, ok := m.(*protocol.Error)
				if !ok {
					t.Fatalf("error decoded as %T", m)
				}
				want := *e
				want.Message = cut(t, got.Message, e.Message, protocol.MaxErrorMessage)
				eq(t, got, &want)
			}
		}
		h, body, err := protocol.ReadMessage(bufio.NewReader(bytes.NewReader(msg)), nil, protocol.MaxBody)
		if err != nil {
			t.Fatalf("a client cannot read the message built: %v", err)
		}
		if protocol.HeaderSize+len(body) != len(msg) {
			t.Fatalf("message of %d bytes, header says %d", len(msg), protocol.HeaderSize+len(body))
		}
		m, err := protocol.DecodeServerMessage(h, body)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		check(m)
	})
}

func decodeWith[T any](t *testing.T, m any, seq uint32, op protocol.Opcode, dec func([]byte) (T, error)) T {
	t.Helper()
	r, ok := m.(*protocol.Reply)
	if !ok || r.Seq != seq || r.Op != op {
		t.Fatalf("reply decoded as %#v, want %v with sequence %d", m, op, seq)
	}
	v, err := dec(r.Data)
	if err != nil {
		t.Fatalf("decode %v reply: %v", op, err)
	}
	return v
}

// cut checks that got is in's longest valid prefix of at most max bytes
// and returns it (invalid UTF-8 in the input may be replaced).
func cut(t *testing.T, got, in string, max int) string {
	t.Helper()
	if len(got) > max || !utf8.ValidString(got) && utf8.ValidString(in) {
		t.Fatalf("text of %d bytes (limit %d), valid UTF-8 %v", len(got), max, utf8.ValidString(got))
	}
	if utf8.ValidString(in) && !strings.HasPrefix(in, got) {
		t.Fatalf("text %q is not a prefix of %q", got, in)
	}
	return got
}

func eq(t *testing.T, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %#v\nwant %#v", got, want)
	}
}
