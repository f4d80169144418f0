package protocol_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/xfar/xfar/protocol"
)

// fixtureBody returns the encoded body of the named fixture.
func fixtureBody(t testing.TB, name string) (protocol.Opcode, []byte) {
	t.Helper()
	for _, fx := range requestFixtures() {
		if fx.name == name {
			return fx.req.Opcode(), fx.req.AppendBody(nil)
		}
	}
	t.Fatalf("no fixture %q", name)
	return 0, nil
}

// edit returns a copy of the named fixture's body changed by f.
func edit(t testing.TB, name string, f func(b []byte) []byte) (protocol.Opcode, []byte) {
	t.Helper()
	op, b := fixtureBody(t, name)
	return op, f(append([]byte(nil), b...))
}

func set8(off int, v uint8) func([]byte) []byte {
	return func(b []byte) []byte { b[off] = v; return b }
}
func set16(off int, v uint16) func([]byte) []byte {
	return func(b []byte) []byte { binary.LittleEndian.PutUint16(b[off:], v); return b }
}
func set32(off int, v uint32) func([]byte) []byte {
	return func(b []byte) []byte { binary.LittleEndian.PutUint32(b[off:], v); return b }
}
func both(fs ...func([]byte) []byte) func([]byte) []byte {
	return func(b []byte) []byte {
		for _, f := range fs {
			b = f(b)
		}
		return b
	}
}
func truncate(n int) func([]byte) []byte { return func(b []byte) []byte { return b[:len(b)-n] } }
func extend(p ...byte) func([]byte) []byte {
	return func(b []byte) []byte { return append(b, p...) }
}
func setTail(fixed int, tail []byte) func([]byte) []byte {
	return func(b []byte) []byte { return append(b[:fixed], tail...) }
}

// gcOff is where GCValues start in CreateGC's body; gcv(o) is field offset o
// of SPEC.md's GCValues table inside it.
const gcOff = 8

func gcv(o int) int { return gcOff + o }

type validationCase struct {
	name string
	op   protocol.Opcode
	body []byte
	want protocol.ErrorCode // 0: must decode
}

func validationCases(t testing.TB) []validationCase {
	var cs []validationCase
	add := func(name string, want protocol.ErrorCode, fixture string, f func([]byte) []byte) {
		op, b := edit(t, fixture, f)
		cs = append(cs, validationCase{name, op, b, want})
	}
	raw := func(name string, want protocol.ErrorCode, op protocol.Opcode, b []byte) {
		cs = append(cs, validationCase{name, op, b, want})
	}

	// Unknown opcodes: the stream can no longer be trusted.
	for _, op := range []protocol.Opcode{0, 17, 18, 19, 33, 39, 44, 200, 255} {
		raw("unknown opcode "+op.String(), protocol.BadRequest, op, []byte{1, 2, 3, 4})
		raw("unknown opcode empty "+op.String(), protocol.BadRequest, op, nil)
	}

	// Every request: one byte short, one byte long (for fixed layouts),
	// empty, and ragged lists.
	for _, fx := range requestFixtures() {
		op := fx.req.Opcode()
		lay := specLayouts[op]
		b := fx.req.AppendBody(nil)
		if lay.fixed > 0 {
			raw(fx.name+" empty", protocol.BadLength, op, nil)
			raw(fx.name+" fixed part short", protocol.BadLength, op, b[:lay.fixed-1])
		}
		switch {
		case lay.item == 0:
			raw(fx.name+" one byte long", protocol.BadLength, op, append(append([]byte(nil), b...), 0))
			if len(b) > 0 {
				raw(fx.name+" one byte short", protocol.BadLength, op, b[:len(b)-1])
			}
		case lay.item > 1 && op != protocol.OpPutImage && !(op == protocol.OpSetCursor && len(b) > lay.fixed):
			raw(fx.name+" ragged list", protocol.BadLength, op, append(append([]byte(nil), b...), make([]byte, lay.item-1)...))
			raw(fx.name+" empty list", 0, op, b[:lay.fixed])
		}
	}
	raw("Sync with a body", protocol.BadLength, protocol.OpSync, []byte{0})

	// ImageGlyph8: the items fill the body exactly (up to 3 bytes of
	// padding); kinds, clears and colours are checked.
	add("ImageGlyph8 one item more than the body", protocol.BadLength, "ImageGlyph8", set16(22, 4))
	add("ImageGlyph8 one item less than the body", protocol.BadLength, "ImageGlyph8", set16(22, 2))
	add("ImageGlyph8 text longer than the body", protocol.BadLength, "ImageGlyph8", set8(25, 200))
	add("ImageGlyph8 unknown item kind", protocol.BadValue, "ImageGlyph8", set8(24, 2))
	add("ImageGlyph8 clear with codes", protocol.BadValue, "ImageGlyph8", set8(24+6+5+1, 1))
	add("ImageGlyph8 no items", protocol.BadLength, "ImageGlyph8", set16(22, 0))
	add("ImageGlyph8 foreground above 24 bits", protocol.BadValue, "ImageGlyph8", set32(12, 0x1000000))
	add("ImageGlyph8 background above 24 bits", protocol.BadValue, "ImageGlyph8", set32(16, 0xff000000))
	raw("ImageGlyph8 only a header, no items", protocol.BadValue, protocol.OpImageGlyph8, make([]byte, 24))

	// PutImage: the pixel bytes must be exactly width*height*4.
	add("PutImage missing a byte", protocol.BadLength, "PutImage", truncate(1))
	add("PutImage missing a pixel", protocol.BadLength, "PutImage", truncate(4))
	add("PutImage extra pixel", protocol.BadLength, "PutImage", extend(0, 0, 0, 0))
	add("PutImage claims 65535x65535 in 20 bytes", protocol.BadLength, "PutImage",
		both(set16(12, 65535), set16(14, 65535), setTail(20, nil)))
	add("PutImage 0x0 without pixels", 0, "PutImage", both(set16(12, 0), set16(14, 0), setTail(20, nil)))
	add("PutImage format 9", protocol.BadValue, "PutImage", set8(16, 9))
	add("PutImage short and bad format", protocol.BadLength, "PutImage", both(set8(16, 9), truncate(1)))
	add("PutImage palette without its header", protocol.BadLength, "PutImage", both(set8(16, protocol.FormatPalette), setTail(20, []byte{1})))
	add("PutImage palette of 0 colours", protocol.BadValue, "PutImage", both(set8(16, protocol.FormatPalette), setTail(20, []byte{0, 0, 1, 0})))
	add("PutImage palette of 300 colours", protocol.BadValue, "PutImage", both(set8(16, protocol.FormatPalette), setTail(20, []byte{44, 1, 8, 0})))
	add("PutImage palette with the wrong index width", protocol.BadValue, "PutImage", both(set8(16, protocol.FormatPalette), setTail(20, []byte{2, 0, 8, 0, 0, 0, 0, 0, 1, 1, 1, 0})))
	add("PutImage palette index beyond the colours", protocol.BadValue, "PutImage", both(set16(12, 1), set16(14, 1), set8(16, protocol.FormatPalette),
		setTail(20, []byte{3, 0, 2, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 3})))
	add("PutImage filtered image short", protocol.BadLength, "PutImage", both(set16(12, 1), set16(14, 1), set8(16, protocol.FormatFiltered), setTail(20, []byte{0, 1, 2})))
	add("PutImage filtered image with an unknown filter", protocol.BadValue, "PutImage", both(set16(12, 1), set16(14, 1), set8(16, protocol.FormatFiltered), setTail(20, []byte{7, 1, 2, 3})))
	add("PutImage filtered 1x1", 0, "PutImage", both(set16(12, 1), set16(14, 1), set8(16, protocol.FormatFiltered), setTail(20, []byte{1, 1, 2, 3})))
	add("PutImage encoded beyond the pixel bound", protocol.BadValue, "PutImage", both(set16(12, 16384), set16(14, 16384), set8(16, protocol.FormatPalette), setTail(20, []byte{1, 0, 1, 0})))

	// CreateWindow.
	add("CreateWindow width 0", protocol.BadValue, "CreateWindow", set16(12, 0))
	add("CreateWindow height 0", protocol.BadValue, "CreateWindow", set16(14, 0))
	add("CreateWindow width 16385", protocol.BadValue, "CreateWindow", set16(12, protocol.MaxDimension+1))
	add("CreateWindow 16384x16384", 0, "CreateWindow", both(set16(12, protocol.MaxDimension), set16(14, protocol.MaxDimension)))
	add("CreateWindow border 16385", protocol.BadValue, "CreateWindow", set16(16, protocol.MaxDimension+1))
	add("CreateWindow flags bit 2", protocol.BadValue, "CreateWindow", set16(18, 4))
	add("CreateWindow event mask bit 7", protocol.BadValue, "CreateWindow", set32(28, 1<<7))
	add("CreateWindow event mask bit 31", protocol.BadValue, "CreateWindow", set32(28, 1<<31))
	add("CreateWindow all events", 0, "CreateWindow", set32(28, protocol.AllEventsMask))
	add("CreateWindow width 0 and short", protocol.BadLength, "CreateWindow", both(set16(12, 0), truncate(1)))

	// ChangeWindowAttributes.
	add("ChangeWindowAttributes mask bit 0", protocol.BadValue, "ChangeWindowAttributes", set32(4, 1))
	add("ChangeWindowAttributes bad flags", protocol.BadValue, "ChangeWindowAttributes", set32(16, 4))
	add("ChangeWindowAttributes bad flags unselected", 0, "ChangeWindowAttributes",
		both(set32(4, protocol.CWBackPixel), set32(16, 0xFFFFFFFF), set32(20, 0xFFFFFFFF)))
	add("ChangeWindowAttributes bad event mask", protocol.BadValue, "ChangeWindowAttributes", set32(20, 1<<30))

	// ConfigureWindow.
	add("ConfigureWindow mask bit 7", protocol.BadValue, "ConfigureWindow", set16(4, 1<<7))
	add("ConfigureWindow stack mode 2", protocol.BadValue, "ConfigureWindow", set8(6, 2))
	add("ConfigureWindow stack mode 2 unselected", 0, "ConfigureWindow", both(set16(4, protocol.ConfigX), set8(6, 2)))
	add("ConfigureWindow sibling without stack mode", protocol.BadValue, "ConfigureWindow",
		set16(4, protocol.ConfigSibling))
	add("ConfigureWindow width 0", protocol.BadValue, "ConfigureWindow", set16(12, 0))
	add("ConfigureWindow width 0 unselected", 0, "ConfigureWindow", both(set16(4, protocol.ConfigX), set16(12, 0)))
	add("ConfigureWindow height 16385", protocol.BadValue, "ConfigureWindow", set16(14, protocol.MaxDimension+1))
	add("ConfigureWindow border 16385", protocol.BadValue, "ConfigureWindow", set16(16, protocol.MaxDimension+1))

	// SetTitle.
	add("SetTitle at limit", 0, "SetTitle", setTail(4, bytes.Repeat([]byte{'t'}, protocol.MaxTitle)))
	add("SetTitle over limit", protocol.BadValue, "SetTitle", setTail(4, bytes.Repeat([]byte{'t'}, protocol.MaxTitle+1)))
	add("SetTitle not UTF-8", protocol.BadValue, "SetTitle", setTail(4, []byte{'a', 0xFF, 'b'}))
	add("SetTitle truncated rune", protocol.BadValue, "SetTitle", setTail(4, []byte("é")[:1]))

	// SelectInput.
	add("SelectInput mask bit 20", protocol.BadValue, "SelectInput", set32(4, 1<<20))
	add("SelectInput empty mask", 0, "SelectInput", set32(4, 0))

	// GC values, through CreateGC and ChangeGC.
	gcBad := []struct {
		name string
		f    func([]byte) []byte
	}{
		{"mask bit 8", set32(gcv(0), 1<<8)},
		{"mask bit 31", set32(gcv(0), 1<<31)},
		{"function 16", set8(gcv(4), 16)},
		{"line style 3", set8(gcv(5), 3)},
		{"cap style 4", set8(gcv(6), 4)},
		{"join style 3", set8(gcv(7), 3)},
		{"fill rule 2", set8(gcv(8), 2)},
		{"arc mode 2", set8(gcv(9), 2)},
		{"font 4", set8(gcv(10), 4)},
		{"graphics exposures 2", set8(gcv(11), 2)},
		{"line width 16385", set16(gcv(20), protocol.MaxDimension+1)},
		{"dashes 0", set8(gcv(26), 0)},
	}
	for _, g := range gcBad {
		add("CreateGC "+g.name, protocol.BadValue, "CreateGC", g.f)
		// The same bytes at ChangeGC's offsets (4 bytes earlier).
		op, b := edit(t, "CreateGC", g.f)
		_ = op
		cb := append(append([]byte(nil), b[:4]...), b[gcOff:]...)
		raw("ChangeGC "+g.name, protocol.BadValue, protocol.OpChangeGC, cb)
	}
	add("CreateGC bad enums unselected", 0, "CreateGC", both(set32(gcv(0), protocol.GCForeground),
		set8(gcv(4), 99), set8(gcv(5), 99), set8(gcv(6), 99), set8(gcv(7), 99), set8(gcv(8), 99),
		set8(gcv(9), 99), set8(gcv(10), 99), set8(gcv(11), 99), set16(gcv(20), 65535), set8(gcv(26), 0)))
	add("CreateGC function 15", 0, "CreateGC", set8(gcv(4), 15))
	add("CreateGC font size 65535 (clamped by the server)", 0, "CreateGC", set16(gcv(22), 65535))

	// SetDashes.
	add("SetDashes none", protocol.BadValue, "SetDashes", setTail(8, nil))
	add("SetDashes zero length", protocol.BadValue, "SetDashes", setTail(8, []byte{4, 0, 4}))
	add("SetDashes at limit", 0, "SetDashes", setTail(8, bytes.Repeat([]byte{1}, protocol.MaxDashes)))
	add("SetDashes over limit", protocol.BadValue, "SetDashes", setTail(8, bytes.Repeat([]byte{1}, protocol.MaxDashes+1)))

	// CreatePixmap, GetImage.
	add("CreatePixmap width 0", protocol.BadValue, "CreatePixmap", set16(8, 0))
	add("CreatePixmap height 16385", protocol.BadValue, "CreatePixmap", set16(10, protocol.MaxDimension+1))
	add("GetImage width 0", protocol.BadValue, "GetImage", set16(8, 0))
	add("GetImage height 0", protocol.BadValue, "GetImage", set16(10, 0))
	add("GetImage width 16385", protocol.BadValue, "GetImage", set16(8, protocol.MaxDimension+1))

	// ClearArea.
	add("ClearArea exposures 2", protocol.BadValue, "ClearArea", set8(12, 2))
	add("ClearArea 0x0 (to the edges)", 0, "ClearArea", both(set16(8, 0), set16(10, 0)))

	// Coordinate modes and shapes.
	add("PolyPoint coord mode 2", protocol.BadValue, "PolyPoint", set8(8, 2))
	add("PolyLine coord mode 255", protocol.BadValue, "PolyLine", set8(8, 255))
	add("FillPoly shape 3", protocol.BadValue, "FillPoly", set8(8, 3))
	add("FillPoly coord mode 2", protocol.BadValue, "FillPoly", set8(9, 2))
	add("PolyLine ragged and bad mode", protocol.BadLength, "PolyLine", both(set8(8, 2), extend(1)))

	// DrawText.
	add("DrawText flags bit 1", protocol.BadValue, "DrawText", set8(12, 2))
	add("DrawText at limit", 0, "DrawText", setTail(16, bytes.Repeat([]byte{'x'}, protocol.MaxText)))
	add("DrawText over limit", protocol.BadValue, "DrawText", setTail(16, bytes.Repeat([]byte{'x'}, protocol.MaxText+1)))
	add("DrawText not UTF-8", protocol.BadValue, "DrawText", setTail(16, []byte{0xC3, 0x28}))
	add("DrawText empty", 0, "DrawText", setTail(16, nil))
	return cs
}

// TestDecodeValidation checks every documented BadLength, BadValue and
// BadRequest case of SPEC.md §5 and §8 against DecodeRequest.
func TestDecodeValidation(t *testing.T) {
	for _, c := range validationCases(t) {
		req, err := protocol.DecodeRequest(c.op, c.body)
		if c.want == 0 {
			if err != nil {
				t.Errorf("%s: want success, got %v", c.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: decoded %#v, want %v", c.name, req, c.want)
			continue
		}
		if req != nil {
			t.Errorf("%s: a request came back with the error", c.name)
		}
		var de *protocol.DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%s: %T is not a *DecodeError", c.name, err)
			continue
		}
		if de.Code != c.want || de.Op != c.op {
			t.Errorf("%s: got %v for %v (%v), want %v", c.name, de.Code, de.Op, err, c.want)
		}
		if c.want == protocol.BadRequest && !errors.Is(err, protocol.ErrUnknownOpcode) {
			t.Errorf("%s: BadRequest does not wrap ErrUnknownOpcode", c.name)
		}
	}
}

// TestAppendRequestTooLong checks that an encoder refuses a body the 24-bit
// length cannot carry and leaves the buffer as it was.
func TestAppendRequestTooLong(t *testing.T) {
	prefix := []byte{1, 2, 3}
	big := &protocol.PutImage{W: 2048, H: 2048, Pix: make([]uint32, 2048*2048)} // 16 MiB + 20
	out, err := protocol.AppendRequest(prefix, big)
	if !errors.Is(err, protocol.ErrTooLong) {
		t.Fatalf("err = %v, want ErrTooLong", err)
	}
	if !bytes.Equal(out, prefix) {
		t.Fatalf("buffer not restored: %d bytes", len(out))
	}
	// The largest body that fits is accepted.
	txt := &protocol.SetDashes{Dashes: make([]byte, protocol.MaxBody-8)}
	out, err = protocol.AppendRequest(nil, txt)
	if err != nil {
		t.Fatal(err)
	}
	if h := protocol.ParseHeader([4]byte(out)); h.Length != protocol.MaxBody {
		t.Fatalf("length %d, want %d", h.Length, protocol.MaxBody)
	}
}

// endless is a reader that would supply any number of bytes: a header
// claiming the largest body, then zeros forever. It counts what it gave.
type endless struct {
	header [4]byte
	n      int64
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		if e.n < 4 {
			p[i] = e.header[e.n]
		} else {
			p[i] = 0
		}
		e.n++
	}
	return len(p), nil
}

// TestReadMessageRefusesOverLimit checks that ReadMessage rejects a length
// above its max from the header alone: no body allocation, no body read.
func TestReadMessageRefusesOverLimit(t *testing.T) {
	for _, max := range []int{0, 12, 1 << 10, protocol.MaxBody - 1} {
		src := &endless{header: [4]byte{byte(protocol.OpPutImage), 0xFF, 0xFF, 0xFF}}
		r := bufio.NewReaderSize(src, 16)
		var ms0, ms1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms0)
		h, body, err := protocol.ReadMessage(r, nil, max)
		runtime.ReadMemStats(&ms1)
		if !errors.Is(err, protocol.ErrTooLong) {
			t.Fatalf("max %d: err = %v, want ErrTooLong", max, err)
		}
		if h.Length != protocol.MaxBody || h.Type != uint8(protocol.OpPutImage) {
			t.Fatalf("max %d: header %+v", max, h)
		}
		if len(body) != 0 {
			t.Fatalf("max %d: returned a %d-byte body", max, len(body))
		}
		if a := ms1.TotalAlloc - ms0.TotalAlloc; a > 16<<10 {
			t.Fatalf("max %d: allocated %d bytes refusing the message", max, a)
		}
		// Only the header and what bufio buffers at once were read.
		if src.n > 16 {
			t.Fatalf("max %d: read %d bytes from the peer", max, src.n)
		}
	}
}

// TestReadMessageAtLimit: a length equal to max is read in full.
func TestReadMessageAtLimit(t *testing.T) {
	msg, err := protocol.AppendRequest(nil, &protocol.SetTitle{Window: 1, Title: "abcd"})
	if err != nil {
		t.Fatal(err)
	}
	h, body, err := protocol.ReadMessage(bufio.NewReader(bytes.NewReader(msg)), make([]byte, 0, 2), 8)
	if err != nil || h.Length != 8 || len(body) != 8 {
		t.Fatalf("h %+v body %d err %v", h, len(body), err)
	}
	// A body cut short by EOF is ErrUnexpectedEOF, never a clean EOF.
	_, _, err = protocol.ReadMessage(bufio.NewReader(bytes.NewReader(msg[:10])), nil, 8)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("short body: %v", err)
	}
	_, _, err = protocol.ReadMessage(bufio.NewReader(bytes.NewReader(nil)), nil, 8)
	if err != io.EOF {
		t.Fatalf("no message: %v, want io.EOF", err)
	}
	_, _, err = protocol.ReadMessage(bufio.NewReader(bytes.NewReader(msg[:2])), nil, 8)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("short header: %v", err)
	}
}

// TestReadMessageReusesBuffer checks the buffer contract: a buffer big
// enough is reused, not replaced.
func TestReadMessageReusesBuffer(t *testing.T) {
	msg, _ := protocol.AppendRequest(nil, &protocol.SetTitle{Window: 1, Title: "abcd"})
	buf := make([]byte, 0, 64)
	_, body, err := protocol.ReadMessage(bufio.NewReader(bytes.NewReader(msg)), buf, 64)
	if err != nil {
		t.Fatal(err)
	}
	if &body[0] != &buf[:1][0] {
		t.Fatal("ReadMessage allocated although the buffer was big enough")
	}
}

func TestHeader(t *testing.T) {
	for _, n := range []int{0, 1, 0xFF, 0x100, 0x12345, protocol.MaxBody} {
		b := protocol.AppendHeader(nil, 42, n)
		if len(b) != protocol.HeaderSize {
			t.Fatalf("header %d bytes", len(b))
		}
		if got := protocol.ParseHeader([4]byte(b)); got.Type != 42 || got.Length != n {
			t.Fatalf("n %d: parsed %+v", n, got)
		}
	}
	// Little-endian 24-bit length after the type byte.
	if b := protocol.AppendHeader(nil, 7, 0x030201); !bytes.Equal(b, []byte{7, 1, 2, 3}) {
		t.Fatalf("layout % x", b)
	}
}

func TestKeysyms(t *testing.T) {
	cases := []struct {
		r rune
		k uint32
	}{
		{'a', 'a'}, {'~', '~'}, {' ', 0x20}, {'é', 0xe9}, {'ÿ', 0xff},
		{'€', 0x010020ac}, {'世', 0x01004e16}, {'😀', 0x0101f600},
		{'\r', protocol.KeyReturn}, {'\t', protocol.KeyTab}, {0x08, protocol.KeyBackSpace}, {0x1b, protocol.KeyEscape},
	}
	for _, c := range cases {
		if got := protocol.KeysymForRune(c.r); got != c.k {
			t.Errorf("KeysymForRune(%q) = %#x, want %#x", c.r, got, c.k)
		}
		if got := protocol.RuneForKeysym(c.k); got != c.r {
			t.Errorf("RuneForKeysym(%#x) = %q, want %q", c.k, got, c.r)
		}
	}
	if got := protocol.KeysymForRune('\n'); got != protocol.KeyReturn {
		t.Errorf("newline keysym %#x", got)
	}
	if got := protocol.RuneForKeysym(protocol.KeyKPEnter); got != '\r' {
		t.Errorf("KP_Enter types %q", got)
	}
	for _, k := range []uint32{protocol.KeyLeft, protocol.KeyShiftL, protocol.KeyF1, protocol.KeyF1 + 11, protocol.KeyDelete, 0, 0x7f, 0x9f} {
		if got := protocol.RuneForKeysym(k); got != -1 {
			t.Errorf("RuneForKeysym(%#x) = %q, want -1", k, got)
		}
	}
}

func TestNames(t *testing.T) {
	if s := protocol.Opcode(200).String(); s != "Opcode(200)" {
		t.Errorf("unknown opcode: %q", s)
	}
	if s := protocol.EventCode(39).String(); s != "EventCode(39)" {
		t.Errorf("unknown event: %q", s)
	}
	if s := protocol.ErrorCode(99).String(); s != "ErrorCode(99)" {
		t.Errorf("unknown error: %q", s)
	}
	de := &protocol.DecodeError{Op: protocol.OpSetTitle, Code: protocol.BadValue, Err: errors.New("boom")}
	if s := de.Error(); !strings.Contains(s, "SetTitle") || !strings.Contains(s, "BadValue") || !strings.Contains(s, "boom") {
		t.Errorf("DecodeError.Error() = %q", s)
	}
}

// specMaxBody is SPEC.md §5's per-request length limit, given the
// server's max request: fixed layouts allow exactly their size, text and
// dash requests their field limit, lists and images the max request.
func specMaxBody(op protocol.Opcode, max int) int {
	lay, ok := specLayouts[op]
	switch {
	case !ok:
		return -1
	case lay.item == 0:
		return lay.fixed
	case op == protocol.OpSetTitle:
		return lay.fixed + protocol.MaxTitle
	case op == protocol.OpDrawText:
		return lay.fixed + protocol.MaxText
	case op == protocol.OpSetDashes:
		return lay.fixed + protocol.MaxDashes
	case op == protocol.OpSetSelection:
		return lay.fixed + protocol.MaxSelectionTypes*(1+protocol.MaxMimeType+1+4) + protocol.MaxInlineOffer
	case op == protocol.OpConvertSelection:
		return lay.fixed + protocol.MaxMimeType
	case op == protocol.OpPutSelectionData:
		return lay.fixed + protocol.MaxSelectionChunk
	case op == protocol.OpImageGlyph8:
		return lay.fixed + protocol.MaxImageGlyph8Body
	}
	return max
}

func TestMaxRequestBody(t *testing.T) {
	for op := 0; op < 256; op++ {
		for _, max := range []int{1 << 10, protocol.DefaultMaxRequest} {
			if got, want := protocol.MaxRequestBody(protocol.Opcode(op), max), specMaxBody(protocol.Opcode(op), max); got != want {
				t.Errorf("MaxRequestBody(%v, %d) = %d, spec says %d", protocol.Opcode(op), max, got, want)
			}
		}
	}
	if protocol.DefaultMaxRequest < 20+4*1920*1080 {
		t.Errorf("DefaultMaxRequest %d does not fit a 1920x1080 PutImage", protocol.DefaultMaxRequest)
	}
}

// TestReadRequest reads every fixture back, plus the largest legal text
// requests, through the server's reader.
func TestReadRequest(t *testing.T) {
	reqs := []protocol.Request{
		&protocol.SetTitle{Window: 1, Title: strings.Repeat("t", protocol.MaxTitle)},
		&protocol.DrawText{Drawable: 1, GC: 2, Text: strings.Repeat("x", protocol.MaxText)},
		&protocol.SetDashes{GC: 2, Dashes: bytes.Repeat([]byte{3}, protocol.MaxDashes)},
	}
	for _, fx := range requestFixtures() {
		reqs = append(reqs, fx.req)
	}
	var stream []byte
	for _, r := range reqs {
		stream, _ = protocol.AppendRequest(stream, r)
	}
	r := bufio.NewReader(bytes.NewReader(stream))
	var buf []byte
	for _, want := range reqs {
		h, body, err := protocol.ReadRequest(r, buf, protocol.DefaultMaxRequest)
		if err != nil {
			t.Fatalf("%v: %v", want.Opcode(), err)
		}
		buf = body
		got, err := protocol.DecodeRequest(protocol.Opcode(h.Type), body)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%v: decoded %#v, %v", want.Opcode(), got, err)
		}
	}
	if _, _, err := protocol.ReadRequest(r, buf, protocol.DefaultMaxRequest); err != io.EOF {
		t.Fatalf("after the last request: %v, want io.EOF", err)
	}
}

// TestReadRequestRefuses checks the two stream-fatal cases of SPEC.md §5:
// an unknown opcode and a length above the request's limit are refused
// from the header alone, without allocating or reading the body.
func TestReadRequestRefuses(t *testing.T) {
	cases := []struct {
		name   string
		header [4]byte
		code   protocol.ErrorCode
	}{
		{"unknown opcode 0", [4]byte{0, 4, 0, 0}, protocol.BadRequest},
		{"unknown opcode 255 claiming 16 MiB", [4]byte{255, 0xFF, 0xFF, 0xFF}, protocol.BadRequest},
		{"CreateWindow one byte long", [4]byte{byte(protocol.OpCreateWindow), 33, 0, 0}, protocol.BadLength},
		{"Sync with a body", [4]byte{byte(protocol.OpSync), 1, 0, 0}, protocol.BadLength},
		{"SetTitle over MaxTitle", [4]byte(protocol.AppendHeader(nil, uint8(protocol.OpSetTitle), 4+protocol.MaxTitle+1)), protocol.BadLength},
		{"PutImage claiming 16 MiB", [4]byte{byte(protocol.OpPutImage), 0xFF, 0xFF, 0xFF}, protocol.BadLength},
	}
	for _, c := range cases {
		src := &endless{header: c.header}
		r := bufio.NewReaderSize(src, 16)
		var n uint64
		var err error
		var h protocol.Header
		n = allocated(func() { h, _, err = protocol.ReadRequest(r, nil, protocol.DefaultMaxRequest) })
		var de *protocol.DecodeError
		if !errors.As(err, &de) || de.Code != c.code || de.Op != protocol.Opcode(c.header[0]) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.code)
			continue
		}
		if c.code == protocol.BadLength && !errors.Is(err, protocol.ErrTooLong) {
			t.Errorf("%s: BadLength does not wrap ErrTooLong", c.name)
		}
		if c.code == protocol.BadRequest && !errors.Is(err, protocol.ErrUnknownOpcode) {
			t.Errorf("%s: BadRequest does not wrap ErrUnknownOpcode", c.name)
		}
		if h.Type != c.header[0] {
			t.Errorf("%s: header %+v", c.name, h)
		}
		if n > 16<<10 {
			t.Errorf("%s: allocated %d bytes refusing the request", c.name, n)
		}
		if src.n > 16 {
			t.Errorf("%s: read %d bytes from the peer", c.name, src.n)
		}
	}
}
