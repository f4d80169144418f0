package protocol

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Magic opens both halves of the handshake, so that a peer that is not
// speaking xfar (an X client on the wrong port, an HTTP request) is refused
// at the first four bytes.
var Magic = [4]byte{'X', 'F', 'A', 'R'}

// ClientHello is the first thing a client sends, uncompressed:
//
//	0 "XFAR"   4 u16 major   6 u16 minor   8 u16 auth length
//	10 u16 codec list length   12 auth cookie   ... codec list (ASCII names,
//	comma-separated, most preferred first)
type ClientHello struct {
	Major, Minor uint16
	Auth         string
	Codecs       []string
}

// WriteTo writes the hello to w.
func (h *ClientHello) WriteTo(w io.Writer) (int64, error) {
	codecs := strings.Join(h.Codecs, ",")
	if len(h.Auth) > MaxAuth || len(codecs) > MaxCodecList {
		return 0, fmt.Errorf("client hello: auth or codec list: %w", ErrTooLong)
	}
	b := append([]byte(nil), Magic[:]...)
	b = putU16(b, h.Major)
	b = putU16(b, h.Minor)
	b = putU16(b, uint16(len(h.Auth)))
	b = putU16(b, uint16(len(codecs)))
	b = append(b, h.Auth...)
	b = append(b, codecs...)
	n, err := w.Write(b)
	return int64(n), err
}

// ErrBadMagic reports a peer that did not open with Magic.
var ErrBadMagic = errors.New("not an xfar peer (bad magic)")

// ReadClientHello reads and checks a client hello. It reads at most
// 12+MaxAuth+MaxCodecList bytes whatever the peer sends.
func ReadClientHello(r io.Reader) (*ClientHello, error) {
	var fixed [12]byte
	if _, err := io.ReadFull(r, fixed[:]); err != nil {
		return nil, fmt.Errorf("client hello: %w", err)
	}
	if !bytes.Equal(fixed[:4], Magic[:]) {
		return nil, ErrBadMagic
	}
	d := &decoder{b: fixed[4:]}
	h := &ClientHello{Major: d.u16(), Minor: d.u16()}
	authLen, codecLen := int(d.u16()), int(d.u16())
	if authLen > MaxAuth || codecLen > MaxCodecList {
		return nil, fmt.Errorf("client hello: auth %d bytes, codecs %d bytes: %w", authLen, codecLen, ErrTooLong)
	}
	rest := make([]byte, authLen+codecLen)
	if _, err := io.ReadFull(r, rest); err != nil {
		return nil, fmt.Errorf("client hello: %w", err)
	}
	h.Auth = string(rest[:authLen])
	if codecLen > 0 {
		for _, c := range strings.Split(string(rest[authLen:]), ",") {
			if !validCodecName(c) {
				return nil, fmt.Errorf("client hello: bad codec name %q", c)
			}
			h.Codecs = append(h.Codecs, c)
		}
	}
	return h, nil
}

func validCodecName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// ServerHello answers a ClientHello, uncompressed. After a successful
// hello, each direction switches to the codec it names.
//
//	0 "XFAR"   4 u8 status (0 refused, 1 accepted)   5 pad   6 u16 major
//	8 u16 minor
//	refused:  10 u16 reason length   12 reason (UTF-8)
//	accepted: 10 pad 2   12 u32 root window   16 u32 resource-ID base
//	20 u32 resource-ID mask   24 u32 max request body   28 u16 screen width
//	30 u16 screen height   32 u8 codec length   33 u8 vendor length
//	34 pad 2   36 codec name   ... vendor
type ServerHello struct {
	Accepted     bool
	Major, Minor uint16
	// Reason says why a refused client was refused.
	Reason string
	// Root is the root window's ID.
	Root uint32
	// IDBase and IDMask define the client's resource IDs: any
	// IDBase | (n & IDMask), n != 0.
	IDBase, IDMask uint32
	// MaxRequest is the largest request body the server accepts.
	MaxRequest    uint32
	Width, Height uint16
	Codec         string
	Vendor        string
}

// WriteTo writes the hello to w.
func (h *ServerHello) WriteTo(w io.Writer) (int64, error) {
	b := append([]byte(nil), Magic[:]...)
	b = append(b, boolByte(h.Accepted), 0)
	b = putU16(b, h.Major)
	b = putU16(b, h.Minor)
	if !h.Accepted {
		reason := truncateUTF8(h.Reason, MaxReason)
		b = putU16(b, uint16(len(reason)))
		b = append(b, reason...)
	} else {
		if len(h.Codec) > 255 || len(h.Vendor) > 255 {
			return 0, fmt.Errorf("server hello: codec or vendor: %w", ErrTooLong)
		}
		b = pad(b, 2)
		b = putU32(b, h.Root)
		b = putU32(b, h.IDBase)
		b = putU32(b, h.IDMask)
		b = putU32(b, h.MaxRequest)
		b = putU16(b, h.Width)
		b = putU16(b, h.Height)
		b = append(b, byte(len(h.Codec)), byte(len(h.Vendor)), 0, 0)
		b = append(b, h.Codec...)
		b = append(b, h.Vendor...)
	}
	n, err := w.Write(b)
	return int64(n), err
}

// ReadServerHello reads a server hello. A refusal is returned as a hello
// with Accepted false and its Reason, not as an error.
func ReadServerHello(r io.Reader) (*ServerHello, error) {
	var fixed [12]byte
	if _, err := io.ReadFull(r, fixed[:]); err != nil {
		return nil, fmt.Errorf("server hello: %w", err)
	}
	if !bytes.Equal(fixed[:4], Magic[:]) {
		return nil, ErrBadMagic
	}
	d := &decoder{b: fixed[4:]}
	h := &ServerHello{Accepted: d.u8() == 1}
	d.skip(1)
	h.Major, h.Minor = d.u16(), d.u16()
	if !h.Accepted {
		n := int(d.u16())
		if n > MaxReason {
			return nil, fmt.Errorf("server hello: reason of %d bytes: %w", n, ErrTooLong)
		}
		reason := make([]byte, n)
		if _, err := io.ReadFull(r, reason); err != nil {
			return nil, fmt.Errorf("server hello: %w", err)
		}
		h.Reason = string(reason)
		return h, nil
	}
	var acc [24]byte
	if _, err := io.ReadFull(r, acc[:]); err != nil {
		return nil, fmt.Errorf("server hello: %w", err)
	}
	d = &decoder{b: acc[:]}
	h.Root, h.IDBase, h.IDMask, h.MaxRequest = d.u32(), d.u32(), d.u32(), d.u32()
	h.Width, h.Height = d.u16(), d.u16()
	codecLen, vendorLen := int(d.u8()), int(d.u8())
	names := make([]byte, codecLen+vendorLen)
	if _, err := io.ReadFull(r, names); err != nil {
		return nil, fmt.Errorf("server hello: %w", err)
	}
	h.Codec, h.Vendor = string(names[:codecLen]), string(names[codecLen:])
	if h.IDMask == 0 || h.IDBase&h.IDMask != 0 {
		return nil, fmt.Errorf("server hello: resource-ID base %#x and mask %#x overlap", h.IDBase, h.IDMask)
	}
	if h.MaxRequest > MaxBody {
		return nil, fmt.Errorf("server hello: max request %d: %w", h.MaxRequest, ErrTooLong)
	}
	return h, nil
}
