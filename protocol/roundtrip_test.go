package protocol_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xfar/xfar/protocol"
)

// bodyLayout is a request body's size rule from SPEC.md: fixed bytes, then
// any number of item-sized elements (item 0: exactly fixed bytes).
type bodyLayout struct{ fixed, item int }

// specLayouts is the body-size column of SPEC.md §8 ("12 + 4k": 12 fixed
// bytes, then any number of 4-byte items), read from SPEC.md itself so
// that the encoder is checked against the written spec, not a copy of it.
// specReplies lists the opcodes SPEC.md says are answered by a reply.
var specLayouts, specReplies = readSpecRequests()

func readSpecRequests() (map[protocol.Opcode]bodyLayout, map[protocol.Opcode]bool) {
	spec, err := os.ReadFile("SPEC.md")
	if err != nil {
		panic(err)
	}
	layouts := map[protocol.Opcode]bodyLayout{}
	replies := map[protocol.Opcode]bool{}
	for _, r := range protocol.SpecTable(string(spec), "op", "name", "reply", "body bytes") {
		n, err := strconv.Atoi(r[0])
		if err != nil {
			panic(fmt.Sprintf("SPEC.md request row %q: %v", r, err))
		}
		op := protocol.Opcode(n)
		fixed, rest, _ := strings.Cut(r[3], " + ")
		lay := bodyLayout{item: 1}
		if lay.fixed, err = strconv.Atoi(fixed); err != nil {
			panic(fmt.Sprintf("SPEC.md request row %q: %v", r, err))
		}
		switch {
		case rest == "":
			lay.item = 0
		case strings.HasSuffix(rest, "k"): // "8k": k items of 8 bytes
			lay.item, err = strconv.Atoi(strings.TrimSuffix(rest, "k"))
		case strings.HasSuffix(rest, "·w·h"): // "4·w·h": 4-byte pixels
			lay.item, err = strconv.Atoi(strings.TrimSuffix(rest, "·w·h"))
		}
		if err != nil {
			panic(fmt.Sprintf("SPEC.md request row %q: %v", r, err))
		}
		layouts[op] = lay
		replies[op] = r[2] == "yes"
	}
	return layouts, replies
}

func TestRequestRoundTrip(t *testing.T) {
	seen := map[protocol.Opcode]bool{}
	for _, fx := range requestFixtures() {
		t.Run(fx.name, func(t *testing.T) {
			op := fx.req.Opcode()
			seen[op] = true
			msg, err := protocol.AppendRequest([]byte{0xEE}, fx.req) // a prefix must survive
			if err != nil {
				t.Fatalf("AppendRequest: %v", err)
			}
			if msg[0] != 0xEE {
				t.Fatalf("AppendRequest overwrote the buffer's prefix")
			}
			msg = msg[1:]
			h := protocol.ParseHeader([4]byte(msg[:4]))
			if h.Type != uint8(op) {
				t.Fatalf("header type %d, want %d", h.Type, op)
			}
			body := msg[4:]
			if h.Length != len(body) {
				t.Fatalf("header length %d, body is %d bytes", h.Length, len(body))
			}
			lay, ok := specLayouts[op]
			if !ok {
				t.Fatalf("opcode %v missing from the spec layout table", op)
			}
			if n := len(body) - lay.fixed; n < 0 || (lay.item == 0 && n != 0) || (lay.item != 0 && n%lay.item != 0) {
				t.Fatalf("%d-byte body does not match the spec layout %d + k*%d", len(body), lay.fixed, lay.item)
			}
			got, err := protocol.DecodeRequest(op, body)
			if err != nil {
				t.Fatalf("DecodeRequest: %v", err)
			}
			if !reflect.DeepEqual(got, fx.req) {
				t.Fatalf("round trip changed the request:\n got %#v\nwant %#v", got, fx.req)
			}
			// The decoded request must not alias the body: scribbling
			// over the body afterwards leaves it unchanged.
			for i := range body {
				body[i] ^= 0xFF
			}
			if !reflect.DeepEqual(got, fx.req) {
				t.Fatalf("decoded request aliases the body it came from")
			}
			if op.HasReply() != specReplies[op] {
				t.Fatalf("HasReply() = %v, spec says %v", op.HasReply(), specReplies[op])
			}
			if strings.HasPrefix(op.String(), "Opcode(") {
				t.Fatalf("opcode %d has no name", op)
			}
		})
	}
	for _, op := range allOpcodes {
		if !seen[op] {
			t.Errorf("no round-trip fixture for %v", op)
		}
	}
	if len(allOpcodes) != len(specLayouts) {
		t.Errorf("%d opcodes but %d spec layouts", len(allOpcodes), len(specLayouts))
	}
}

// TestRequestStream encodes every fixture into one buffer, as a client
// batches them, and reads them back with ReadMessage in order.
func TestRequestStream(t *testing.T) {
	fxs := requestFixtures()
	var buf []byte
	for _, fx := range fxs {
		var err error
		if buf, err = protocol.AppendRequest(buf, fx.req); err != nil {
			t.Fatal(err)
		}
	}
	r := bufio.NewReader(bytes.NewReader(buf))
	var scratch []byte
	for _, fx := range fxs {
		h, body, err := protocol.ReadMessage(r, scratch, protocol.DefaultMaxRequest)
		if err != nil {
			t.Fatalf("%s: ReadMessage: %v", fx.name, err)
		}
		scratch = body
		got, err := protocol.DecodeRequest(protocol.Opcode(h.Type), body)
		if err != nil {
			t.Fatalf("%s: %v", fx.name, err)
		}
		if !reflect.DeepEqual(got, fx.req) {
			t.Fatalf("%s: got %#v", fx.name, got)
		}
	}
	if _, _, err := protocol.ReadMessage(r, scratch, protocol.DefaultMaxRequest); err == nil {
		t.Fatal("ReadMessage after the last message: want EOF")
	}
}

// readServer reads one server message from its encoding and decodes it.
func readServer(t *testing.T, msg []byte) any {
	t.Helper()
	r := bufio.NewReader(bytes.NewReader(msg))
	h, body, err := protocol.ReadMessage(r, nil, protocol.MaxBody)
	if err != nil {
		t.Fatalf("ReadMessage: %v", err)
	}
	if r.Buffered() != 0 {
		t.Fatalf("%d bytes left after the message: header length is wrong", r.Buffered())
	}
	v, err := protocol.DecodeServerMessage(h, body)
	if err != nil {
		t.Fatalf("DecodeServerMessage: %v", err)
	}
	return v
}

func TestEventRoundTrip(t *testing.T) {
	for _, code := range allEventCodes {
		for _, text := range []string{"", "é", strings.Repeat("x", protocol.MaxEventText)} {
			want := fullEvent(code, text)
			msg := protocol.AppendEvent(nil, want)
			if msg[0] != uint8(code) {
				t.Fatalf("%v: type byte %d", code, msg[0])
			}
			if n := len(msg) - 4; n != 40+len(text) {
				t.Fatalf("%v: body %d bytes, spec says 40 + text", code, n)
			}
			got := readServer(t, msg)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%v %q: round trip:\n got %#v\nwant %#v", code, text, got, want)
			}
		}
		if strings.HasPrefix(code.String(), "EventCode(") {
			t.Errorf("event %d has no name", code)
		}
	}
}

// TestEventTextTruncated checks that an over-long event text is cut to
// MaxEventText on the wire, so the receiver's limit always holds.
func TestEventTextTruncated(t *testing.T) {
	e := fullEvent(protocol.KeyPress, strings.Repeat("a", protocol.MaxEventText+10))
	got := readServer(t, protocol.AppendEvent(nil, e)).(*protocol.Event)
	if len(got.Text) != protocol.MaxEventText {
		t.Fatalf("text of %d bytes, want %d", len(got.Text), protocol.MaxEventText)
	}
}

func TestErrorRoundTrip(t *testing.T) {
	for _, want := range errorFixtures() {
		msg := protocol.AppendError(nil, want)
		if msg[0] != protocol.KindError {
			t.Fatalf("type byte %d", msg[0])
		}
		got := readServer(t, msg)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip:\n got %#v\nwant %#v", got, want)
		}
		if s := want.Error(); !strings.Contains(s, want.Code.String()) || !strings.Contains(s, want.Op.String()) {
			t.Fatalf("Error() = %q lacks code or opcode name", s)
		}
		if strings.HasPrefix(want.Code.String(), "ErrorCode(") {
			t.Fatalf("error code %d has no name", want.Code)
		}
	}
	long := &protocol.Error{Seq: 1, Code: protocol.BadValue, Op: protocol.OpSetTitle, Message: strings.Repeat("m", 1000)}
	got := readServer(t, protocol.AppendError(nil, long)).(*protocol.Error)
	if len(got.Message) != protocol.MaxErrorMessage {
		t.Fatalf("message of %d bytes, want it cut to %d", len(got.Message), protocol.MaxErrorMessage)
	}
}

// readReply reads a reply message and checks its sequence number and
// opcode.
func readReply(t *testing.T, msg []byte, seq uint32, op protocol.Opcode) []byte {
	t.Helper()
	if msg[0] != protocol.KindReply {
		t.Fatalf("type byte %d, want reply", msg[0])
	}
	r, ok := readServer(t, msg).(*protocol.Reply)
	if !ok {
		t.Fatalf("not a *Reply")
	}
	if r.Seq != seq || r.Op != op {
		t.Fatalf("reply seq %d op %v, want %d %v", r.Seq, r.Op, seq, op)
	}
	return r.Data
}

func TestReplyRoundTrip(t *testing.T) {
	t.Run("Geometry", func(t *testing.T) {
		want := &protocol.GeometryReply{Root: 1, Parent: fxWin, X: -3, Y: 4, Width: 640, Height: 480,
			BorderWidth: 2, Depth: 24, Mapped: true}
		data := readReply(t, protocol.AppendGeometryReply(nil, 77, want), 77, protocol.OpGetGeometry)
		if len(data) != 20 {
			t.Fatalf("data %d bytes, spec says 20", len(data))
		}
		got, err := protocol.DecodeGeometryReply(data)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("got %#v, %v", got, err)
		}
	})
	t.Run("Tree", func(t *testing.T) {
		for _, kids := range [][]uint32{{}, {fxWin, fxChild, 0x00400001}} {
			want := &protocol.TreeReply{Root: 1, Parent: 0, Children: kids}
			data := readReply(t, protocol.AppendTreeReply(nil, 5, want), 5, protocol.OpQueryTree)
			if len(data) != 8+4*len(kids) {
				t.Fatalf("data %d bytes", len(data))
			}
			got, err := protocol.DecodeTreeReply(data)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("got %#v, %v", got, err)
			}
		}
	})
	t.Run("Pointer", func(t *testing.T) {
		want := &protocol.PointerReply{Root: 1, Child: fxChild, RootX: 100, RootY: 200, X: -5, Y: 6,
			State: protocol.ControlMask | protocol.Button3Mask, SameScreen: true}
		data := readReply(t, protocol.AppendPointerReply(nil, 0xFFFFFFFF, want), 0xFFFFFFFF, protocol.OpQueryPointer)
		if len(data) != 20 {
			t.Fatalf("data %d bytes, spec says 20", len(data))
		}
		got, err := protocol.DecodePointerReply(data)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("got %#v, %v", got, err)
		}
	})
	t.Run("Image", func(t *testing.T) {
		for _, sz := range [][2]uint16{{0, 0}, {1, 1}, {3, 2}} {
			pix := make([]uint32, int(sz[0])*int(sz[1]))
			for i := range pix {
				pix[i] = 0x00ABCDEF - uint32(i)
			}
			want := &protocol.ImageReply{W: sz[0], H: sz[1], Pix: pix}
			data := readReply(t, protocol.AppendImageReply(nil, 9, sz[0], sz[1], pix), 9, protocol.OpGetImage)
			if len(data) != 4+4*len(pix) {
				t.Fatalf("data %d bytes", len(data))
			}
			got, err := protocol.DecodeImageReply(data)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("got %#v, %v", got, err)
			}
		}
	})
	t.Run("Sync", func(t *testing.T) {
		if data := readReply(t, protocol.AppendSyncReply(nil, 3), 3, protocol.OpSync); len(data) != 0 {
			t.Fatalf("sync reply carries %d bytes of data", len(data))
		}
	})
}

// TestMalformedReplies checks that every reply decoder rejects data of the
// wrong size with ErrBadReply instead of returning garbage.
func TestMalformedReplies(t *testing.T) {
	geo := protocol.AppendGeometryReply(nil, 1, &protocol.GeometryReply{})[12:]
	ptr := protocol.AppendPointerReply(nil, 1, &protocol.PointerReply{})[12:]
	tree := protocol.AppendTreeReply(nil, 1, &protocol.TreeReply{Children: []uint32{2}})[12:]
	img := protocol.AppendImageReply(nil, 1, 2, 1, []uint32{1, 2})[12:]
	cases := []struct {
		name string
		dec  func([]byte) error
		data []byte
	}{
		{"geometry short", func(b []byte) error { _, err := protocol.DecodeGeometryReply(b); return err }, geo[:19]},
		{"geometry long", func(b []byte) error { _, err := protocol.DecodeGeometryReply(b); return err }, append(geo, 0)},
		{"pointer short", func(b []byte) error { _, err := protocol.DecodePointerReply(b); return err }, ptr[:19]},
		{"pointer long", func(b []byte) error { _, err := protocol.DecodePointerReply(b); return err }, append(ptr, 0)},
		{"tree short", func(b []byte) error { _, err := protocol.DecodeTreeReply(b); return err }, tree[:7]},
		{"tree ragged", func(b []byte) error { _, err := protocol.DecodeTreeReply(b); return err }, tree[:11]},
		{"image short", func(b []byte) error { _, err := protocol.DecodeImageReply(b); return err }, img[:3]},
		{"image missing pixel", func(b []byte) error { _, err := protocol.DecodeImageReply(b); return err }, img[:8]},
		{"image extra pixel", func(b []byte) error { _, err := protocol.DecodeImageReply(b); return err }, append(img, 0, 0, 0, 0)},
		{"image huge claim", func(b []byte) error { _, err := protocol.DecodeImageReply(b); return err }, []byte{0xFF, 0xFF, 0xFF, 0xFF}},
	}
	for _, c := range cases {
		err := c.dec(c.data)
		if err == nil {
			t.Errorf("%s: decoded", c.name)
			continue
		}
		if !errors.Is(err, protocol.ErrBadReply) {
			t.Errorf("%s: %v does not wrap ErrBadReply", c.name, err)
		}
	}
}

// TestMalformedServerMessages checks DecodeServerMessage on bodies that do
// not fit their kind.
func TestMalformedServerMessages(t *testing.T) {
	ev := protocol.AppendEvent(nil, fullEvent(protocol.Expose, ""))[4:]
	errMsg := protocol.AppendError(nil, &protocol.Error{Code: protocol.BadWindow})[4:]
	cases := []struct {
		name string
		typ  uint8
		body []byte
	}{
		{"event short", uint8(protocol.Expose), ev[:39]},
		{"event text too long", uint8(protocol.KeyPress), append(append([]byte{}, ev...), bytes.Repeat([]byte{'a'}, protocol.MaxEventText+1)...)},
		{"error short", protocol.KindError, errMsg[:11]},
		{"error message too long", protocol.KindError, append(append([]byte{}, errMsg...), bytes.Repeat([]byte{'m'}, protocol.MaxErrorMessage+1)...)},
		{"reply short", protocol.KindReply, []byte{1, 0, 0, 0, byte(protocol.OpSync), 0, 0}},
		{"unknown type", 64, ev},
		{"unknown type 255", 255, ev},
	}
	for _, c := range cases {
		if v, err := protocol.DecodeServerMessage(protocol.Header{Type: c.typ, Length: len(c.body)}, c.body); err == nil {
			t.Errorf("%s: decoded as %#v", c.name, v)
		}
	}
}
