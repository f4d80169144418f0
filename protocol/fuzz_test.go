package protocol_test

import (
	"bufio"
	"bytes"
	"errors"
	"reflect"
	"runtime"
	"testing"

	"github.com/xfar/xfar/protocol"
)

// Fuzz targets. Their seed corpora (the f.Add calls and testdata/fuzz/…)
// run as ordinary tests under `go test`; `go test -fuzz=FuzzX` explores.

// requestPads lists the pad bytes of each request body (SPEC.md §8): a
// sender writes zero there and a receiver ignores them, so they are the
// only bytes allowed to differ between a body and its re-encoding.
var requestPads = map[protocol.Opcode][]int{
	protocol.OpConfigureWindow:  {7, 18, 19},
	protocol.OpCreateGC:         {8 + 27},
	protocol.OpChangeGC:         {4 + 27},
	protocol.OpSetDashes:        {6, 7},
	protocol.OpClearArea:        {13, 14, 15},
	protocol.OpPolyPoint:        {9, 10, 11},
	protocol.OpPolyLine:         {9, 10, 11},
	protocol.OpFillPoly:         {10, 11},
	protocol.OpPutImage:         {17, 18, 19},
	protocol.OpDrawText:         {13, 14, 15},
	protocol.OpSetSelection:     {2, 3},
	protocol.OpConvertSelection: {1, 2, 3},
	protocol.OpPutSelectionData: {5, 6, 7},
	protocol.OpSetWMHints:       {29, 30, 31},
	protocol.OpSetWindowState:   {5},
	protocol.OpSetShape:         {5, 6, 7},
	protocol.OpSetCursor:        {5, 14, 15},
	protocol.OpBeginMoveResize:  {6, 7},
}

// padOffsets returns the pad bytes of req's body. The widget requests
// have pads inside their lists (each node's bytes 18–19, each canvas op's
// byte 3), so their offsets follow from the decoded lengths; SPEC.md §1
// says a receiver ignores pads, as X does, so the fuzz check must too.
func padOffsets(req protocol.Request) []int {
	switch r := req.(type) {
	case *protocol.CreateWidgetTree:
		pads, off := []int{6, 7}, 8
		for i := range r.Nodes {
			n := &r.Nodes[i]
			pads = append(pads, off+18, off+19)
			off += 20 + len(n.Text)
			for _, it := range n.Items {
				off += 2 + len(it)
			}
			pads, off = opPads(pads, off, n.Ops)
		}
		return pads
	case *protocol.UpdateWidget:
		pads, off := []int{7}, 16
		for _, s := range r.Strings {
			off += 2 + len(s)
		}
		pads, _ = opPads(pads, off, r.Ops)
		return pads
	case *protocol.QueryWidget:
		return []int{6, 7}
	case *protocol.AddGlyphs:
		pads, off := []int{6, 7}, 8
		for _, g := range r.Glyphs {
			n := (int(g.W) + 7) / 8 * int(g.H)
			off += 8 + n
			for ; n%4 != 0; n++ {
				pads = append(pads, off)
				off++
			}
		}
		return pads
	case *protocol.ImageGlyph8:
		// The body is padded to 4 at its end.
		off := 24
		for _, it := range r.Items {
			if it.Kind == protocol.GlyphItemText {
				off += 6 + len(it.Codes)
			} else {
				off += 10
			}
		}
		var pads []int
		for ; off%4 != 0; off++ {
			pads = append(pads, off)
		}
		return pads
	}
	return requestPads[req.Opcode()]
}

// opPads appends the pad byte of each canvas op laid out from off, and
// returns the offset after them.
func opPads(pads []int, off int, ops []protocol.CanvasOp) ([]int, int) {
	for _, o := range ops {
		pads = append(pads, off+3)
		off += 18 + len(o.Text)
	}
	return pads, off
}

// zeroPads returns a copy of b with the listed offsets zeroed.
func zeroPads(b []byte, pads []int) []byte {
	c := append([]byte(nil), b...)
	for _, o := range pads {
		if o < len(c) {
			c[o] = 0
		}
	}
	return c
}

// allocated runs f and returns the bytes it allocated (roughly: the
// process's other goroutines may add a little).
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

func knownOpcode(op protocol.Opcode) bool {
	_, ok := specLayouts[op]
	return ok
}

func FuzzDecodeRequest(f *testing.F) {
	for _, fx := range requestFixtures() {
		f.Add(append([]byte{byte(fx.req.Opcode())}, fx.req.AppendBody(nil)...))
	}
	for _, c := range validationCases(f) {
		f.Add(append([]byte{byte(c.op)}, c.body...))
	}
	// Every pad byte set: decoders ignore them (SPEC.md §1), and the
	// check above must know where they are, inside lists too.
	for _, r := range []protocol.Request{fxWidgetTree(), fxUpdateWidget(),
		&protocol.UpdateWidget{Window: fxWin, Widget: 7, Prop: protocol.PropOps, Ops: fxWidgetTree().Nodes[6].Ops},
		&protocol.QueryWidget{Window: fxWin, Widget: 3}} {
		body := r.AppendBody(nil)
		for _, o := range padOffsets(r) {
			body[o] = 0xA5
		}
		f.Add(append([]byte{byte(r.Opcode())}, body...))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		op, body := protocol.Opcode(data[0]), data[1:]
		var req protocol.Request
		var err error
		// Decoding may allocate what the body holds (a few times over for
		// the Go representation), never what a field merely claims.
		if n := allocated(func() { req, err = protocol.DecodeRequest(op, body) }); n > uint64(16*len(body)+64<<10) {
			t.Fatalf("decoding a %d-byte %v body allocated %d bytes", len(body), op, n)
		}
		if err != nil {
			var de *protocol.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("%T is not a *DecodeError: %v", err, err)
			}
			switch de.Code {
			case protocol.BadRequest:
				if knownOpcode(op) {
					t.Fatalf("BadRequest for known opcode %v", op)
				}
			case protocol.BadLength, protocol.BadValue:
				if !knownOpcode(op) {
					t.Fatalf("%v for unknown opcode %d", de.Code, op)
				}
			default:
				t.Fatalf("unexpected error code %v", de.Code)
			}
			if req != nil {
				t.Fatal("request returned with an error")
			}
			return
		}
		if !knownOpcode(op) {
			t.Fatalf("unknown opcode %d decoded", op)
		}
		if req.Opcode() != op {
			t.Fatalf("decoded %v as %v", op, req.Opcode())
		}
		again := req.AppendBody(nil)
		pads := padOffsets(req)
		// Encoded images have many encodings of the same pixels (the
		// encoder picks its own palette order and row filters): for them
		// only the decoded pixels must survive.
		pi, encoded := req.(*protocol.PutImage)
		encoded = encoded && pi.Format != protocol.FormatBGRX
		if !encoded && !bytes.Equal(zeroPads(again, pads), zeroPads(body, pads)) {
			t.Fatalf("%v: re-encoding differs outside pad bytes:\n in % x\nout % x", op, body, again)
		}
		req2, err := protocol.DecodeRequest(op, again)
		lossy := encoded && pi.Format == protocol.FormatJPEG // re-encoding a JPEG changes its pixels
		if err != nil || (!lossy && !reflect.DeepEqual(req, req2)) {
			t.Fatalf("%v: re-encoded body decodes differently: %v", op, err)
		}
	})
}

func FuzzReadMessage(f *testing.F) {
	var stream []byte
	for _, fx := range requestFixtures() {
		stream, _ = protocol.AppendRequest(stream, fx.req)
	}
	f.Add(stream, uint32(protocol.MaxBody))
	f.Add(stream, uint32(16))
	f.Add(protocol.AppendEvent(nil, fullEvent(protocol.KeyPress, "q")), uint32(1000))
	f.Add([]byte{30, 0xFF, 0xFF, 0xFF, 0, 0}, uint32(protocol.MaxBody))
	f.Add([]byte{30, 0xFF, 0xFF, 0xFF}, uint32(100))
	f.Add([]byte{1, 2}, uint32(100))
	f.Fuzz(func(t *testing.T, data []byte, maxLen uint32) {
		// Limits up to 1 MiB: enough to cover every check, small enough
		// that a claimed length within the limit stays cheap to allocate.
		limit := int(maxLen % (1<<20 + 1))
		fuzzReadRequest(t, data, limit)
		r := bufio.NewReader(bytes.NewReader(data))
		var buf []byte
		consumed := 0
		for {
			h, body, err := protocol.ReadMessage(r, buf, limit)
			if err != nil {
				if errors.Is(err, protocol.ErrTooLong) && h.Length <= limit {
					t.Fatalf("ErrTooLong for length %d within limit %d", h.Length, limit)
				}
				if !errors.Is(err, protocol.ErrTooLong) && consumed+4+h.Length <= len(data) && len(data)-consumed >= 4 {
					t.Fatalf("error %v although the message was complete", err)
				}
				// The limit bounds the buffer whatever the header claims.
				// (A length within the limit is allocated up front, even
				// if the body never comes: see the report on ReadMessage.)
				if cap(body) > max(limit, len(data)) {
					t.Fatalf("buffer of %d bytes for %d bytes of input, limit %d", cap(body), len(data), limit)
				}
				return
			}
			buf = body
			if h.Length > limit || len(body) != h.Length {
				t.Fatalf("header %+v, body %d, limit %d", h, len(body), limit)
			}
			if !bytes.Equal(body, data[consumed+4:consumed+4+h.Length]) {
				t.Fatal("body differs from the input")
			}
			consumed += 4 + h.Length
			// Whatever arrived must decode or fail cleanly either way.
			protocol.DecodeRequest(protocol.Opcode(h.Type), body)
			protocol.DecodeServerMessage(h, body)
		}
	})
}

// fuzzReadRequest reads data as a request stream with the server's reader.
func fuzzReadRequest(t *testing.T, data []byte, limit int) {
	r := bufio.NewReader(bytes.NewReader(data))
	var buf []byte
	consumed := 0
	for {
		h, body, err := protocol.ReadRequest(r, buf, limit)
		op := protocol.Opcode(h.Type)
		max := protocol.MaxRequestBody(op, limit)
		var de *protocol.DecodeError
		switch {
		case errors.As(err, &de):
			if (de.Code == protocol.BadRequest) != (max < 0) {
				t.Fatalf("%v for opcode %d (limit %d)", de.Code, op, max)
			}
			if de.Code == protocol.BadLength && h.Length <= max {
				t.Fatalf("BadLength for %v length %d within %d", op, h.Length, max)
			}
			return
		case err != nil:
			return
		}
		if max < 0 || h.Length > max || len(body) != h.Length {
			t.Fatalf("accepted %v with length %d (limit %d)", op, h.Length, max)
		}
		if !bytes.Equal(body, data[consumed+4:consumed+4+h.Length]) {
			t.Fatal("body differs from the input")
		}
		consumed += 4 + h.Length
		buf = body
	}
}

func FuzzClientHello(f *testing.F) {
	for _, h := range []protocol.ClientHello{
		{Major: 1, Codecs: []string{"zstd", "s2", "none"}},
		{Major: 1, Minor: 2, Auth: "cookie", Codecs: []string{"none"}},
		{Major: 1},
	} {
		var buf bytes.Buffer
		h.WriteTo(&buf)
		f.Add(buf.Bytes())
	}
	f.Add(clientHelloBytes(0xFFFF, 0xFFFF, ""))
	f.Add(clientHelloBytes(0, 6, "zstd,,"))
	f.Add([]byte("GET / HTTP/1.1\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cr := &countingReader{r: bytes.NewReader(data)}
		h, err := protocol.ReadClientHello(cr)
		if cr.n > 12+protocol.MaxAuth+protocol.MaxCodecList {
			t.Fatalf("read %d bytes", cr.n)
		}
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if _, err := h.WriteTo(&buf); err != nil {
			t.Fatalf("decoded hello does not encode: %v", err)
		}
		if !bytes.Equal(buf.Bytes(), data[:cr.n]) {
			t.Fatalf("re-encoding differs:\n in % x\nout % x", data[:cr.n], buf.Bytes())
		}
	})
}

func FuzzServerHello(f *testing.F) {
	for _, h := range []protocol.ServerHello{
		{Accepted: true, Major: 1, Root: 1, IDBase: 0x00200000, IDMask: 0x001FFFFF, MaxRequest: protocol.MaxBody,
			Width: 1280, Height: 800, Codec: "zstd", Vendor: "xfar"},
		{Major: 1, Reason: "bad or missing auth cookie"},
	} {
		var buf bytes.Buffer
		h.WriteTo(&buf)
		f.Add(buf.Bytes())
	}
	f.Add([]byte{'X', 'F', 'A', 'R', 0, 0, 1, 0, 0, 0, 0xFF, 0xFF})
	f.Add([]byte{'X', 'F', 'A', 'R', 7, 0, 1, 0, 0, 0, 1, 0, 'x'})
	f.Fuzz(func(t *testing.T, data []byte) {
		cr := &countingReader{r: bytes.NewReader(data)}
		h, err := protocol.ReadServerHello(cr)
		if cr.n > 36+255+255 && cr.n > 12+protocol.MaxReason {
			t.Fatalf("read %d bytes", cr.n)
		}
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if _, err := h.WriteTo(&buf); err != nil {
			t.Fatalf("decoded hello does not encode: %v", err)
		}
		if buf.Len() != cr.n {
			t.Fatalf("re-encoding is %d bytes, input hello %d", buf.Len(), cr.n)
		}
		h2, err := protocol.ReadServerHello(&buf)
		if err != nil || !reflect.DeepEqual(h, h2) {
			t.Fatalf("re-encoded hello reads back as %+v, %v", h2, err)
		}
	})
}

func FuzzDecodeServerMessage(f *testing.F) {
	for _, code := range allEventCodes {
		b := protocol.AppendEvent(nil, fullEvent(code, "é"))
		f.Add(b[0], b[4:])
	}
	for _, e := range errorFixtures() {
		b := protocol.AppendError(nil, e)
		f.Add(b[0], b[4:])
	}
	for _, b := range [][]byte{
		protocol.AppendGeometryReply(nil, 1, &protocol.GeometryReply{Root: 1, Width: 3, Height: 4, Depth: 24, Mapped: true}),
		protocol.AppendTreeReply(nil, 2, &protocol.TreeReply{Root: 1, Children: []uint32{5, 6}}),
		protocol.AppendPointerReply(nil, 3, &protocol.PointerReply{Root: 1, RootX: 4, SameScreen: true}),
		protocol.AppendImageReply(nil, 4, 2, 1, []uint32{1, 2}),
		protocol.AppendSyncReply(nil, 5),
		protocol.AppendWidgetReply(nil, 6, &protocol.WidgetReply{Widget: 3, Kind: protocol.WidgetTextField,
			Selected: protocol.NoIndex, Caret: 2, Text: "héllo"}),
	} {
		f.Add(b[0], b[4:])
	}
	f.Add(uint8(1), []byte{1, 0, 0, 0, byte(protocol.OpGetImage), 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF})
	f.Add(uint8(200), []byte{})
	for _, b := range [][]byte{
		protocol.AppendSelectionOwnerEvent(nil, &protocol.SelectionOwnerEvent{Flags: protocol.OwnerText, Serial: 1,
			Types: []string{protocol.MimeText}, Text: []byte("é")}),
		protocol.AppendSelectionRequestEvent(nil, &protocol.SelectionRequestEvent{Transfer: 2, Serial: 3, Type: protocol.MimePNG}),
		protocol.AppendSelectionDataEvent(nil, &protocol.SelectionDataEvent{Status: protocol.DataError, Transfer: 4, Data: []byte("gone")}),
	} {
		f.Add(b[0], b[4:])
	}
	f.Fuzz(func(t *testing.T, typ uint8, body []byte) {
		h := protocol.Header{Type: typ, Length: len(body)}
		var v any
		var err error
		if n := allocated(func() { v, err = protocol.DecodeServerMessage(h, body) }); n > uint64(4*len(body)+64<<10) {
			t.Fatalf("decoding %d bytes allocated %d", len(body), n)
		}
		if err != nil {
			return
		}
		var again []byte
		var pads []int
		switch m := v.(type) {
		case *protocol.Event:
			if typ < 2 || typ > 63 {
				t.Fatalf("type %d decoded as an event", typ)
			}
			again, pads = protocol.AppendEvent(nil, m), []int{1}
		case *protocol.Error:
			again, pads = protocol.AppendError(nil, m), []int{6, 7}
		case *protocol.Reply:
			again = append(protocol.AppendReplyHeader(nil, m.Seq, m.Op, len(m.Data)), m.Data...)
			pads = []int{5, 6, 7}
			decodeReplyData(t, m)
		case *protocol.SelectionOwnerEvent:
			again, pads = protocol.AppendSelectionOwnerEvent(nil, m), []int{3}
		case *protocol.SelectionRequestEvent:
			again, pads = protocol.AppendSelectionRequestEvent(nil, m), []int{2, 3}
		case *protocol.SelectionDataEvent:
			again, pads = protocol.AppendSelectionDataEvent(nil, m), []int{1, 2, 3}
		default:
			t.Fatalf("decoded as %T", v)
		}
		if again[0] != typ || !bytes.Equal(zeroPads(again[4:], pads), zeroPads(body, pads)) {
			t.Fatalf("re-encoding differs:\n in %02x % x\nout % x", typ, body, again)
		}
	})
}

// decodeReplyData runs the reply decoder the opcode selects and checks a
// successful decode re-encodes to the same data.
func decodeReplyData(t *testing.T, m *protocol.Reply) {
	var again []byte
	switch m.Op {
	case protocol.OpGetGeometry:
		r, err := protocol.DecodeGeometryReply(m.Data)
		if err != nil {
			return
		}
		again = protocol.AppendGeometryReply(nil, m.Seq, r)
		if len(again) != 12+len(m.Data) {
			t.Fatalf("geometry re-encodes to %d bytes", len(again))
		}
		return // Mapped is a bool: 2..255 re-encode as 1
	case protocol.OpQueryTree:
		r, err := protocol.DecodeTreeReply(m.Data)
		if err != nil {
			return
		}
		again = protocol.AppendTreeReply(nil, m.Seq, r)
	case protocol.OpQueryPointer:
		r, err := protocol.DecodePointerReply(m.Data)
		if err != nil {
			return
		}
		again = protocol.AppendPointerReply(nil, m.Seq, r)
		if len(again) != 12+len(m.Data) {
			t.Fatalf("pointer re-encodes to %d bytes", len(again))
		}
		return // SameScreen is a bool, and byte 19 is padding
	case protocol.OpGetImage:
		r, err := protocol.DecodeImageReply(m.Data)
		if err != nil {
			return
		}
		again = protocol.AppendImageReply(nil, m.Seq, r.W, r.H, r.Pix)
	case protocol.OpQueryWidget:
		r, err := protocol.DecodeWidgetReply(m.Data)
		if err != nil {
			return
		}
		again = protocol.AppendWidgetReply(nil, m.Seq, r)
		// Byte 3 is padding, which a receiver ignores (SPEC.md §1).
		if len(m.Data) > 3 {
			again[12+3] = m.Data[3]
		}
	default:
		return
	}
	if !bytes.Equal(again[12:], m.Data) {
		t.Fatalf("%v reply data re-encodes differently:\n in % x\nout % x", m.Op, m.Data, again[12:])
	}
}
