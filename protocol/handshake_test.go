package protocol_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xfar/xfar/protocol"
)

// trailer follows each hello in the tests: a reader must stop exactly at
// the hello's end, because what follows is the compressed stream.
var trailer = []byte{0xDE, 0xAD, 0xBE, 0xEF}

func TestClientHelloRoundTrip(t *testing.T) {
	cases := []protocol.ClientHello{
		{Major: 1, Minor: 0},
		{Major: 1, Minor: 7, Auth: "0123456789abcdef0123456789abcdef", Codecs: []string{"zstd", "s2", "none"}},
		{Major: 2, Minor: 0, Codecs: []string{"none"}},
		{Major: 1, Auth: strings.Repeat("k", protocol.MaxAuth), Codecs: []string{"x-1", "s2"}},
	}
	for _, want := range cases {
		var buf bytes.Buffer
		n, err := want.WriteTo(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if int(n) != buf.Len() || n != int64(12+len(want.Auth)+len(strings.Join(want.Codecs, ","))) {
			t.Fatalf("WriteTo returned %d for %d bytes", n, buf.Len())
		}
		buf.Write(trailer)
		got, err := protocol.ReadClientHello(&buf)
		if err != nil {
			t.Fatalf("%+v: %v", want, err)
		}
		if !reflect.DeepEqual(*got, want) {
			t.Fatalf("got %+v, want %+v", *got, want)
		}
		if !bytes.Equal(buf.Bytes(), trailer) {
			t.Fatalf("reader consumed past the hello: %x left", buf.Bytes())
		}
	}
}

// TestClientHelloLayout pins SPEC.md §3.1 byte for byte.
func TestClientHelloLayout(t *testing.T) {
	var buf bytes.Buffer
	(&protocol.ClientHello{Major: 1, Minor: 2, Auth: "ab", Codecs: []string{"zstd", "none"}}).WriteTo(&buf)
	want := []byte{'X', 'F', 'A', 'R', 1, 0, 2, 0, 2, 0, 9, 0, 'a', 'b', 'z', 's', 't', 'd', ',', 'n', 'o', 'n', 'e'}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("got  % x\nwant % x", buf.Bytes(), want)
	}
}

func TestServerHelloLayout(t *testing.T) {
	var buf bytes.Buffer
	(&protocol.ServerHello{Accepted: true, Major: 1, Minor: 0, Root: 1, IDBase: 0x00200000, IDMask: 0x001FFFFF,
		MaxRequest: protocol.MaxBody, Width: 1280, Height: 800, Codec: "s2", Vendor: "xfar"}).WriteTo(&buf)
	want := []byte{'X', 'F', 'A', 'R', 1, 0, 1, 0, 0, 0, 0, 0,
		1, 0, 0, 0, 0, 0, 0x20, 0, 0xFF, 0xFF, 0x1F, 0, 0xFF, 0xFF, 0xFF, 0,
		0x00, 0x05, 0x20, 0x03, 2, 4, 0, 0, 's', '2', 'x', 'f', 'a', 'r'}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("got  % x\nwant % x", buf.Bytes(), want)
	}
	buf.Reset()
	(&protocol.ServerHello{Major: 1, Minor: 0, Reason: "no"}).WriteTo(&buf)
	want = []byte{'X', 'F', 'A', 'R', 0, 0, 1, 0, 0, 0, 2, 0, 'n', 'o'}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("refusal: got  % x\nwant % x", buf.Bytes(), want)
	}
}

func TestClientHelloWriteLimits(t *testing.T) {
	for _, h := range []protocol.ClientHello{
		{Major: 1, Auth: strings.Repeat("k", protocol.MaxAuth+1)},
		{Major: 1, Codecs: []string{strings.Repeat("a", 200), strings.Repeat("b", 56)}}, // 257 with the comma
	} {
		var buf bytes.Buffer
		if _, err := h.WriteTo(&buf); !errors.Is(err, protocol.ErrTooLong) {
			t.Errorf("err = %v, want ErrTooLong", err)
		}
		if buf.Len() != 0 {
			t.Errorf("wrote %d bytes of a refused hello", buf.Len())
		}
	}
}

// countingReader counts how much a hello reader takes from the peer.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func clientHelloBytes(authLen, codecLen uint16, rest string) []byte {
	b := []byte{'X', 'F', 'A', 'R', 1, 0, 0, 0, byte(authLen), byte(authLen >> 8), byte(codecLen), byte(codecLen >> 8)}
	return append(b, rest...)
}

func TestReadClientHelloRejects(t *testing.T) {
	good := clientHelloBytes(2, 7, "abzstd,s2")
	cases := []struct {
		name    string
		in      []byte
		tooLong bool
		magic   bool
	}{
		{"empty", nil, false, false},
		{"http", []byte("GET / HTTP/1.1\r\n\r\n"), false, true},
		{"x11 client", []byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}, false, true},
		{"lower-case magic", append([]byte("xfar"), good[4:]...), false, true},
		{"auth over limit", clientHelloBytes(protocol.MaxAuth+1, 0, ""), true, false},
		{"codecs over limit", clientHelloBytes(0, protocol.MaxCodecList+1, ""), true, false},
		{"both 65535", clientHelloBytes(0xFFFF, 0xFFFF, ""), true, false},
		{"upper-case codec", clientHelloBytes(0, 4, "ZSTD"), false, false},
		{"empty codec name", clientHelloBytes(0, 7, "zstd,,s"), false, false},
		{"trailing comma", clientHelloBytes(0, 5, "zstd,"), false, false},
		{"space in name", clientHelloBytes(0, 5, "zs td"), false, false},
		{"non-ASCII name", clientHelloBytes(0, 5, "zstdé"[:5]), false, false},
		{"33-byte name", clientHelloBytes(0, 33, strings.Repeat("a", 33)), false, false},
	}
	for i := 0; i < len(good); i++ {
		cases = append(cases, struct {
			name    string
			in      []byte
			tooLong bool
			magic   bool
		}{fmt.Sprintf("truncated at %d", i), good[:i], false, false})
	}
	for _, c := range cases {
		cr := &countingReader{r: bytes.NewReader(c.in)}
		h, err := protocol.ReadClientHello(cr)
		if err == nil {
			t.Errorf("%s: accepted %+v", c.name, h)
			continue
		}
		if c.tooLong {
			if !errors.Is(err, protocol.ErrTooLong) {
				t.Errorf("%s: %v, want ErrTooLong", c.name, err)
			}
			if cr.n != 12 {
				t.Errorf("%s: read %d bytes, want only the 12-byte fixed part", c.name, cr.n)
			}
		}
		if c.magic != errors.Is(err, protocol.ErrBadMagic) {
			t.Errorf("%s: %v (bad magic expected: %v)", c.name, err, c.magic)
		}
	}
	// 32-byte names with digits and dashes are fine.
	ok := strings.Repeat("a", 30) + "-9"
	if h, err := protocol.ReadClientHello(bytes.NewReader(clientHelloBytes(0, uint16(len(ok)), ok))); err != nil || h.Codecs[0] != ok {
		t.Errorf("32-byte name: %v", err)
	}
}

func TestServerHelloRoundTrip(t *testing.T) {
	cases := []protocol.ServerHello{
		{Accepted: true, Major: 1, Minor: 0, Root: 1, IDBase: 0x00200000, IDMask: 0x001FFFFF,
			MaxRequest: protocol.DefaultMaxRequest, Width: 1280, Height: 800, Codec: "zstd", Vendor: "xfar"},
		{Accepted: true, Major: 1, Minor: 3, Root: 7, IDBase: 0xFFE00000, IDMask: 0x001FFFFF,
			MaxRequest: 1 << 20, Width: 65535, Height: 1, Codec: "none", Vendor: ""},
		{Accepted: false, Major: 1, Minor: 0, Reason: "bad or missing auth cookie"},
		{Accepted: false, Major: 1, Minor: 0, Reason: ""},
		{Accepted: false, Major: 1, Minor: 0, Reason: strings.Repeat("r", protocol.MaxReason)},
	}
	for _, want := range cases {
		var buf bytes.Buffer
		n, err := want.WriteTo(&buf)
		if err != nil || int(n) != buf.Len() {
			t.Fatalf("WriteTo: %d, %v", n, err)
		}
		buf.Write(trailer)
		got, err := protocol.ReadServerHello(&buf)
		if err != nil {
			t.Fatalf("%+v: %v", want, err)
		}
		if !reflect.DeepEqual(*got, want) {
			t.Fatalf("got %+v, want %+v", *got, want)
		}
		if !bytes.Equal(buf.Bytes(), trailer) {
			t.Fatalf("reader consumed past the hello: %x left", buf.Bytes())
		}
	}
}

func TestServerHelloLimits(t *testing.T) {
	// A long refusal reason is cut to MaxReason by the writer.
	var buf bytes.Buffer
	(&protocol.ServerHello{Major: 1, Reason: strings.Repeat("r", protocol.MaxReason+100)}).WriteTo(&buf)
	h, err := protocol.ReadServerHello(&buf)
	if err != nil || len(h.Reason) != protocol.MaxReason {
		t.Fatalf("reason %d bytes, %v", len(h.Reason), err)
	}
	// Codec and vendor names are length-prefixed by one byte.
	for _, sh := range []protocol.ServerHello{
		{Accepted: true, IDMask: 1, Codec: strings.Repeat("c", 256)},
		{Accepted: true, IDMask: 1, Vendor: strings.Repeat("v", 256)},
	} {
		buf.Reset()
		if _, err := sh.WriteTo(&buf); !errors.Is(err, protocol.ErrTooLong) {
			t.Errorf("err = %v, want ErrTooLong", err)
		}
	}
}

func serverHelloBytes(t *testing.T, h protocol.ServerHello) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := h.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadServerHelloRejects(t *testing.T) {
	good := protocol.ServerHello{Accepted: true, Major: 1, Root: 1, IDBase: 0x00200000, IDMask: 0x001FFFFF,
		MaxRequest: 1000, Width: 10, Height: 10, Codec: "s2", Vendor: "xfar"}
	mod := func(f func(*protocol.ServerHello)) []byte {
		h := good
		f(&h)
		return serverHelloBytes(t, h)
	}
	gb := serverHelloBytes(t, good)
	refusal := []byte{'X', 'F', 'A', 'R', 0, 0, 1, 0, 0, 0}
	cases := []struct {
		name    string
		in      []byte
		tooLong bool
	}{
		{"bad magic", append([]byte("XFAX"), gb[4:]...), false},
		{"overlapping ID base and mask", mod(func(h *protocol.ServerHello) { h.IDBase = 0x00300000 }), false},
		{"zero ID mask", mod(func(h *protocol.ServerHello) { h.IDMask = 0 }), false},
		{"max request above 24 bits", mod(func(h *protocol.ServerHello) { h.MaxRequest = protocol.MaxBody + 1 }), true},
		{"reason over limit", append(refusal, byte((protocol.MaxReason+1)&0xFF), byte((protocol.MaxReason+1)>>8)), true},
		{"reason cut short", append(refusal, 5, 0, 'a', 'b'), false},
	}
	for i := 0; i < len(gb); i++ {
		cases = append(cases, struct {
			name    string
			in      []byte
			tooLong bool
		}{"accepted truncated", gb[:i], false})
	}
	for _, c := range cases {
		cr := &countingReader{r: bytes.NewReader(c.in)}
		h, err := protocol.ReadServerHello(cr)
		if err == nil {
			t.Errorf("%s: accepted %+v", c.name, h)
			continue
		}
		if c.tooLong && !errors.Is(err, protocol.ErrTooLong) {
			t.Errorf("%s: %v, want ErrTooLong", c.name, err)
		}
		if strings.HasPrefix(c.name, "bad magic") && !errors.Is(err, protocol.ErrBadMagic) {
			t.Errorf("%s: %v, want ErrBadMagic", c.name, err)
		}
	}
}

func TestParseDisplay(t *testing.T) {
	good := []struct {
		in       string
		want     protocol.Display
		network  string
		address  string
		asString string
	}{
		{":0", protocol.Display{Host: "", Number: 0}, "unix", "/tmp/.xfar-unix/X0", ":0"},
		{":3", protocol.Display{Number: 3}, "unix", "/tmp/.xfar-unix/X3", ":3"},
		{":3.0", protocol.Display{Number: 3}, "unix", "/tmp/.xfar-unix/X3", ":3"},
		{":12.1", protocol.Display{Number: 12}, "unix", "/tmp/.xfar-unix/X12", ":12"},
		{":999", protocol.Display{Number: 999}, "unix", "/tmp/.xfar-unix/X999", ":999"},
		{"host:0", protocol.Display{Host: "host", Number: 0}, "tcp", "host:6000", "host:0"},
		{"example.org:7", protocol.Display{Host: "example.org", Number: 7}, "tcp", "example.org:6007", "example.org:7"},
		{"10.1.2.3:1.0", protocol.Display{Host: "10.1.2.3", Number: 1}, "tcp", "10.1.2.3:6001", "10.1.2.3:1"},
		{"[::1]:3", protocol.Display{Host: "::1", Number: 3}, "tcp", "[::1]:6003", "[::1]:3"},
		{"[fe80::1%eth0]:0", protocol.Display{Host: "fe80::1%eth0", Number: 0}, "tcp", "[fe80::1%eth0]:6000", "[fe80::1%eth0]:0"},
		// X's "unix:N" has no special meaning here: it is a host name.
		{"unix:2", protocol.Display{Host: "unix", Number: 2}, "tcp", "unix:6002", "unix:2"},
	}
	for _, c := range good {
		d, err := protocol.ParseDisplay(c.in)
		if err != nil {
			t.Errorf("ParseDisplay(%q): %v", c.in, err)
			continue
		}
		if d != c.want {
			t.Errorf("ParseDisplay(%q) = %+v, want %+v", c.in, d, c.want)
		}
		if n, a := d.Network(); n != c.network || a != c.address {
			t.Errorf("%q: Network() = %s %s, want %s %s", c.in, n, a, c.network, c.address)
		}
		if s := d.String(); s != c.asString {
			t.Errorf("%q: String() = %q, want %q", c.in, s, c.asString)
		}
		if again, err := protocol.ParseDisplay(d.String()); err != nil || again != d {
			t.Errorf("%q: String() does not parse back: %+v %v", c.in, again, err)
		}
	}
	for _, in := range []string{"", "host", "0", ":", "host:", ":x", ":1000", ":-1", "host:3a", ":3 ", " :3x", ":0x3", ":1e2", ":99999999999999999999"} {
		if d, err := protocol.ParseDisplay(in); err == nil {
			t.Errorf("ParseDisplay(%q) = %+v, want an error", in, d)
		}
	}
}

func TestDisplayPathsAndPorts(t *testing.T) {
	if protocol.SocketPath(5) != "/tmp/.xfar-unix/X5" {
		t.Errorf("SocketPath(5) = %s", protocol.SocketPath(5))
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	if got, want := protocol.AuthFile(4), filepath.Join(home, ".xfar", "auth-4"); got != want {
		t.Errorf("AuthFile(4) = %s, want %s", got, want)
	}
	if protocol.TCPBasePort != 6000 || protocol.HTTPBasePort != 8000 {
		t.Errorf("base ports %d %d", protocol.TCPBasePort, protocol.HTTPBasePort)
	}
	if protocol.EnvDisplay != "XFAR_DISPLAY" || protocol.EnvAuth != "XFAR_AUTH" {
		t.Errorf("env names %s %s", protocol.EnvDisplay, protocol.EnvAuth)
	}
}
