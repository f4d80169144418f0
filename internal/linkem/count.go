package linkem

import (
	"encoding/binary"
	"sync"
)

// Stats is what crossed a proxy.
type Stats struct {
	// Up is client to server, Down server to client.
	Up, Down DirStats
}

// DirStats counts one direction.
type DirStats struct {
	// Bytes entered the link; Delivered left it at the far end. Their
	// difference is what the link holds: queued, or on its way.
	Bytes, Delivered int64
	// Messages and ByType count xfar messages (after the handshake) on
	// connections that negotiated the codec "none"; on compressed ones
	// only bytes can be counted.
	Messages int64
	// ByType counts messages by their type byte: a request's opcode
	// upstream; downstream 0 errors, 1 replies, 2–63 events by code.
	ByType [256]int64
}

// Sub returns s minus o, for counting what one part of a session sent.
func (s Stats) Sub(o Stats) Stats {
	return Stats{Up: s.Up.sub(o.Up), Down: s.Down.sub(o.Down)}
}

func (d DirStats) sub(o DirStats) DirStats {
	r := DirStats{Bytes: d.Bytes - o.Bytes, Delivered: d.Delivered - o.Delivered, Messages: d.Messages - o.Messages}
	for i := range r.ByType {
		r.ByType[i] = d.ByType[i] - o.ByType[i]
	}
	return r
}

// connState is what the two directions of a connection share: the codec
// the server chose. The server's hello is parsed before the client can
// send any request (it waits for that hello), so the upstream parser
// always knows the codec when it needs it.
type connState struct {
	mu    sync.Mutex
	codec string
	known bool
}

func (c *connState) set(codec string) {
	c.mu.Lock()
	c.codec, c.known = codec, true
	c.mu.Unlock()
}

func (c *connState) framed() (framed, known bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.codec == "none", c.known
}

// parser consumes a stream's bytes as they pass and counts its messages.
type parser interface {
	feed(b []byte, d *DirStats)
}

// frames counts 4-byte-header messages in a stream, across chunk
// boundaries.
type frames struct {
	hdr  [4]byte
	have int // header bytes collected
	skip int // body bytes still to skip
}

func (f *frames) feed(b []byte, d *DirStats) {
	for len(b) > 0 {
		if f.skip > 0 {
			n := min(f.skip, len(b))
			f.skip -= n
			b = b[n:]
			continue
		}
		n := copy(f.hdr[f.have:], b)
		f.have += n
		b = b[n:]
		if f.have == 4 {
			f.have = 0
			f.skip = int(f.hdr[1]) | int(f.hdr[2])<<8 | int(f.hdr[3])<<16
			d.Messages++
			d.ByType[f.hdr[0]]++
		}
	}
}

// hello collects a handshake message whose total size becomes known
// after its first bytes.
type hello struct {
	buf  []byte
	need func(b []byte) int // total size once enough is known, or -1
	done bool
}

// take consumes handshake bytes from b and returns the rest.
func (h *hello) take(b []byte) []byte {
	for !h.done && len(b) > 0 {
		want := h.need(h.buf)
		if want < 0 {
			want = 12
		}
		n := min(want-len(h.buf), len(b))
		h.buf = append(h.buf, b[:n]...)
		b = b[n:]
		if t := h.need(h.buf); t >= 0 && len(h.buf) >= t {
			h.done = true
		}
	}
	return b
}

// upParser parses a client's stream: ClientHello, then requests.
type upParser struct {
	cs     *connState
	h      hello
	f      frames
	opaque bool
}

func (p *upParser) feed(b []byte, d *DirStats) {
	if p.h.need == nil {
		p.h.need = func(b []byte) int {
			if len(b) < 12 {
				return -1
			}
			return 12 + int(binary.LittleEndian.Uint16(b[8:])) + int(binary.LittleEndian.Uint16(b[10:]))
		}
	}
	if !p.h.done {
		if b = p.h.take(b); !p.h.done {
			return
		}
	}
	if p.opaque || len(b) == 0 {
		return
	}
	if framed, known := p.cs.framed(); !known || !framed {
		p.opaque = true
		return
	}
	p.f.feed(b, d)
}

// downParser parses a server's stream: ServerHello, then replies, errors
// and events.
type downParser struct {
	cs     *connState
	h      hello
	f      frames
	opaque bool
}

func (p *downParser) feed(b []byte, d *DirStats) {
	if p.h.need == nil {
		p.h.need = func(b []byte) int {
			if len(b) < 12 {
				return -1
			}
			if b[4] != 1 { // refused: 12 + reason
				return 12 + int(binary.LittleEndian.Uint16(b[10:]))
			}
			if len(b) < 36 {
				return 36
			}
			return 36 + int(b[32]) + int(b[33])
		}
	}
	if !p.h.done {
		b = p.h.take(b)
		if !p.h.done {
			return
		}
		if p.h.buf[4] == 1 {
			p.cs.set(string(p.h.buf[36 : 36+int(p.h.buf[32])]))
		} else {
			p.cs.set("")
		}
	}
	if p.opaque || len(b) == 0 {
		return
	}
	if framed, _ := p.cs.framed(); !framed {
		p.opaque = true
		return
	}
	p.f.feed(b, d)
}
