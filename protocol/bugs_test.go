package protocol_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xfar/xfar/protocol"
)

// Regression tests for defects found while writing SPEC.md. Each names the
// rule of the spec it enforces.

// TestGetImageReplyFitsLength: SPEC.md §8.17 — GetImage's reply is one
// message, so a request whose reply could not fit the 24-bit length
// (12 + 4*W*H > MaxBody) is BadValue. Without the check, AppendReplyHeader
// silently truncates the length and the client's stream desynchronises,
// and the server allocates up to 1 GiB for a 12-byte request.
func TestGetImageReplyFitsLength(t *testing.T) {
	cases := []struct {
		w, h uint16
		ok   bool
	}{
		{2048, 2047, true}, // 12 + 16 769 024 bytes: fits
		{2048, 2048, false},
		{4096, 4096, false},
		{protocol.MaxDimension, protocol.MaxDimension, false},
	}
	for _, c := range cases {
		body := (&protocol.GetImage{Drawable: fxWin, W: c.w, H: c.h}).AppendBody(nil)
		_, err := protocol.DecodeRequest(protocol.OpGetImage, body)
		var de *protocol.DecodeError
		switch {
		case c.ok && err != nil:
			t.Errorf("GetImage %dx%d: %v, want success", c.w, c.h, err)
		case !c.ok && (!errors.As(err, &de) || de.Code != protocol.BadValue):
			t.Errorf("GetImage %dx%d: err = %v, want BadValue (the reply would be %d bytes, above %d)",
				c.w, c.h, err, 12+4*int(c.w)*int(c.h), protocol.MaxBody)
		}
	}
}

// TestReplyHeaderNeverTruncates: SPEC.md §5 — every length field is exact.
// An encoder asked for a body above MaxBody must refuse, not wrap.
func TestReplyHeaderNeverTruncates(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("AppendReplyHeader accepted %d bytes of data, which its 24-bit length cannot carry", protocol.MaxBody)
		}
	}()
	b := protocol.AppendReplyHeader(nil, 1, protocol.OpGetImage, protocol.MaxBody)
	if h := protocol.ParseHeader([4]byte(b)); h.Length != protocol.MaxBody+8 {
		t.Errorf("reply header says %d bytes, the reply has %d", h.Length, protocol.MaxBody+8)
	}
}

// TestTruncatedTextStaysUTF8: SPEC.md §9–§10 and §3.2 — event text, error messages
// and refusal reasons are UTF-8; cutting them to their limits must not split
// a character.
func TestTruncatedTextStaysUTF8(t *testing.T) {
	ev := fullEvent(protocol.KeyPress, strings.Repeat("a", protocol.MaxEventText-1)+"é")
	got := readServer(t, protocol.AppendEvent(nil, ev)).(*protocol.Event)
	if !utf8.ValidString(got.Text) {
		t.Errorf("event text cut inside a character: %q", got.Text[len(got.Text)-3:])
	}
	e := &protocol.Error{Code: protocol.BadValue, Message: strings.Repeat("m", protocol.MaxErrorMessage-1) + "ü"}
	gotE := readServer(t, protocol.AppendError(nil, e)).(*protocol.Error)
	if !utf8.ValidString(gotE.Message) {
		t.Errorf("error message cut inside a character: %q", gotE.Message[len(gotE.Message)-3:])
	}
	var buf bytes.Buffer
	(&protocol.ServerHello{Major: 1, Reason: strings.Repeat("r", protocol.MaxReason-1) + "✓"}).WriteTo(&buf)
	h, err := protocol.ReadServerHello(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.ValidString(h.Reason) {
		t.Errorf("refusal reason cut inside a character: %q", h.Reason[len(h.Reason)-3:])
	}
}

// TestParseDisplayStrict: SPEC.md §2.1 — N and S are decimal digits, and an
// IPv6 host is bracketed.
func TestParseDisplayStrict(t *testing.T) {
	for _, in := range []string{":+3", ":-0", "host:+1", "[::1:3", "::1]:3", ":3.x", ":3.", ":3.-1"} {
		if d, err := protocol.ParseDisplay(in); err == nil {
			t.Errorf("ParseDisplay(%q) = %+v, want an error", in, d)
		}
	}
}

// TestRuneForKeysymValid: SPEC.md §12.3 — Unicode keysyms are 0x01000000 plus
// a code point; a keysym beyond U+10FFFF, or naming a surrogate, types
// nothing (-1) rather than an invalid rune.
func TestRuneForKeysymValid(t *testing.T) {
	for _, k := range []uint32{0x01110000, 0x01FFFFFF, 0x0100D800, 0x0100DFFF} {
		if r := protocol.RuneForKeysym(k); r != -1 {
			t.Errorf("RuneForKeysym(%#x) = %#x, want -1", k, r)
		}
	}
}
