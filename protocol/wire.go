package protocol

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Header is the 4-byte prefix of every message after the handshake: one
// type byte (a request's opcode; a server message's kind or event code) and
// a 24-bit little-endian body length in bytes.
type Header struct {
	Type   uint8
	Length int
}

// ErrTooLong reports a length field above the limit in force.
var ErrTooLong = errors.New("message too long")

// AppendHeader appends a header for a body of n bytes.
func AppendHeader(b []byte, typ uint8, n int) []byte {
	return append(b, typ, byte(n), byte(n>>8), byte(n>>16))
}

// ParseHeader decodes a header from its 4 bytes.
func ParseHeader(h [HeaderSize]byte) Header {
	return Header{Type: h[0], Length: int(h[1]) | int(h[2])<<8 | int(h[3])<<16}
}

// ReadMessage reads one message from r. The body is read into buf (grown as
// needed) and returned; it is valid until the next call that reuses buf. A
// length above max returns ErrTooLong without reading the body, so a peer
// cannot make the reader allocate more than max bytes.
func ReadMessage(r *bufio.Reader, buf []byte, max int) (Header, []byte, error) {
	var hb [HeaderSize]byte
	if _, err := io.ReadFull(r, hb[:]); err != nil {
		return Header{}, buf, err
	}
	h := ParseHeader(hb)
	if h.Length > max {
		return h, buf, fmt.Errorf("type %d: length %d above limit %d: %w", h.Type, h.Length, max, ErrTooLong)
	}
	if cap(buf) < h.Length {
		buf = make([]byte, h.Length)
	}
	buf = buf[:h.Length]
	if _, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return h, buf, fmt.Errorf("read %d-byte body of type %d: %w", h.Length, h.Type, err)
	}
	return h, buf, nil
}

// ReadRequest reads one request from r, checking its opcode and its
// length against MaxRequestBody before reading the body. An unknown opcode
// returns a *DecodeError with BadRequest, a length over the limit one with
// BadLength wrapping ErrTooLong: either way the stream can no longer be
// trusted. The body is read into buf as in ReadMessage.
func ReadRequest(r *bufio.Reader, buf []byte, max int) (Header, []byte, error) {
	var hb [HeaderSize]byte
	if _, err := io.ReadFull(r, hb[:]); err != nil {
		return Header{}, buf, err
	}
	h := ParseHeader(hb)
	op := Opcode(h.Type)
	limit := MaxRequestBody(op, max)
	if limit < 0 {
		return h, buf, &DecodeError{Op: op, Code: BadRequest, Err: ErrUnknownOpcode}
	}
	if h.Length > limit {
		return h, buf, &DecodeError{Op: op, Code: BadLength,
			Err: fmt.Errorf("length %d above limit %d: %w", h.Length, limit, ErrTooLong)}
	}
	if cap(buf) < h.Length {
		buf = make([]byte, h.Length)
	}
	buf = buf[:h.Length]
	if _, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return h, buf, fmt.Errorf("read %d-byte body of %v: %w", h.Length, op, err)
	}
	return h, buf, nil
}

// decoder reads little-endian fields from a body, remembering the first
// short read so that a decode function checks once, at its end.
type decoder struct {
	b   []byte
	off int
	err error
}

func (d *decoder) need(n int) bool {
	if d.err != nil {
		return false
	}
	if n < 0 || len(d.b)-d.off < n {
		d.err = errShort
		return false
	}
	return true
}

var errShort = errors.New("body too short")

func (d *decoder) u8() uint8 {
	if !d.need(1) {
		return 0
	}
	v := d.b[d.off]
	d.off++
	return v
}

func (d *decoder) u16() uint16 {
	if !d.need(2) {
		return 0
	}
	v := binary.LittleEndian.Uint16(d.b[d.off:])
	d.off += 2
	return v
}

func (d *decoder) i16() int16 { return int16(d.u16()) }

func (d *decoder) u32() uint32 {
	if !d.need(4) {
		return 0
	}
	v := binary.LittleEndian.Uint32(d.b[d.off:])
	d.off += 4
	return v
}

func (d *decoder) skip(n int) {
	if d.need(n) {
		d.off += n
	}
}

// bytes copies the next n bytes, so the result never aliases the body.
func (d *decoder) bytes(n int) []byte {
	if !d.need(n) {
		return nil
	}
	v := make([]byte, n)
	copy(v, d.b[d.off:])
	d.off += n
	return v
}

func (d *decoder) rest() int { return len(d.b) - d.off }

// done reports a short body, or trailing bytes the layout does not allow.
func (d *decoder) done() error {
	if d.err != nil {
		return d.err
	}
	if d.off != len(d.b) {
		return fmt.Errorf("%d trailing bytes", len(d.b)-d.off)
	}
	return nil
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func putU16(b []byte, v uint16) []byte { return append(b, byte(v), byte(v>>8)) }
func putI16(b []byte, v int16) []byte  { return putU16(b, uint16(v)) }
func putU32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

// items returns the rest of the body, which must be a whole number of
// size-byte items, and consumes it; on a ragged body it records the error
// and returns nothing. The result aliases the body: callers copy out.
func (d *decoder) items(size int) []byte {
	if !d.need(0) {
		return nil
	}
	if d.rest()%size != 0 {
		d.err = errRagged
		return nil
	}
	b := d.b[d.off:]
	d.off = len(d.b)
	return b
}

func pad(b []byte, n int) []byte {
	for i := 0; i < n; i++ {
		b = append(b, 0)
	}
	return b
}
