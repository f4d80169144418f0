package x11native

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// client is one X connection: its reader goroutine (serve) decodes
// requests and applies them under the server's lock; replies, errors and
// events are written through w, also under that lock, so that every
// message carries the sequence number of the last request handled.
type client struct {
	s    *Server
	nc   net.Conn
	id   uint32
	base uint32
	r    *bufio.Reader
	w    *bufio.Writer
	// seq counts the requests read so far (the wire carries its low 16
	// bits).
	seq     uint32
	bigReqs bool
	// curData is the header's data byte of the request being handled.
	curData byte
	dead    bool
	// unknown remembers which unimplemented requests were already logged.
	unknown map[string]bool
}

// maxRequestBytes bounds one request (with BIG-REQUESTS): 16 MiB, Xvfb's.
const maxRequestBytes = 16 << 20

// writeTimeout bounds how long a client that stops reading holds the
// server's lock.
const writeTimeout = 10 * time.Second

var le = binary.LittleEndian

func newClient(s *Server, nc net.Conn, id uint32) *client {
	return &client{s: s, nc: nc, id: id, base: (id & maxCli) << idShift,
		r: bufio.NewReaderSize(nc, 64<<10), w: bufio.NewWriterSize(nc, 64<<10),
		unknown: map[string]bool{}}
}

// serve runs the connection: setup, then requests until EOF or an error.
func (c *client) serve() {
	defer func() {
		c.nc.Close()
		c.s.removeClient(c)
	}()
	if c.id > maxCli {
		c.s.log.Warn("x11native: too many clients")
		return
	}
	if err := c.setup(); err != nil {
		c.s.log.Warn("x11native: connection setup", "client", c.id, "err", err)
		return
	}
	c.s.log.Info("x11native: client connected", "client", c.id)
	buf := make([]byte, 0, 4096)
	for {
		op, data, body, err := c.readRequest(buf)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				c.s.log.Warn("x11native: client dropped", "client", c.id, "err", err)
			} else {
				c.s.log.Info("x11native: client disconnected", "client", c.id)
			}
			return
		}
		if cap(body) <= 1<<20 {
			buf = body[:0]
		} else {
			buf = make([]byte, 0, 4096)
		}
		s := c.s
		s.mu.Lock()
		// Replies may fill the buffer and write before flush does: a
		// client that stops reading must not hold the lock for longer.
		c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
		c.seq++
		c.handle(op, data, body)
		idle := c.r.Buffered() == 0
		var werr error
		if idle {
			werr = c.flush()
		}
		dead := c.dead
		s.mu.Unlock()
		if idle {
			if err := s.flushDisplay(); err != nil {
				s.log.Error("x11native: flush to display", "err", err)
				return
			}
		}
		if werr != nil || dead {
			return
		}
	}
}

// readRequest reads one request: its major opcode, the header's data
// byte and the body after the 4-byte header (or 8 with BIG-REQUESTS).
func (c *client) readRequest(buf []byte) (op, data byte, body []byte, err error) {
	var h [4]byte
	if _, err = io.ReadFull(c.r, h[:]); err != nil {
		return
	}
	op, data = h[0], h[1]
	n := int(le.Uint16(h[2:])) * 4
	hdr := 4
	if n == 0 {
		if !c.bigReqs {
			return 0, 0, nil, fmt.Errorf("request %d with length 0 and BIG-REQUESTS not enabled", op)
		}
		var l [4]byte
		if _, err = io.ReadFull(c.r, l[:]); err != nil {
			return
		}
		n = int(le.Uint32(l[:])) * 4
		hdr = 8
	}
	if n < hdr || n > maxRequestBytes {
		return 0, 0, nil, fmt.Errorf("request %d: length %d bytes out of range", op, n)
	}
	n -= hdr
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	body = buf[:n]
	_, err = io.ReadFull(c.r, body)
	return
}

// setup reads the connection setup and answers it: one screen, a
// TrueColor visual of depth 24, keycodes 8..255.
func (c *client) setup() error {
	c.nc.SetDeadline(time.Now().Add(10 * time.Second))
	defer c.nc.SetDeadline(time.Time{})
	var h [12]byte
	if _, err := io.ReadFull(c.r, h[:]); err != nil {
		return fmt.Errorf("read setup: %w", err)
	}
	nameLen, dataLen := int(le.Uint16(h[6:])), int(le.Uint16(h[8:]))
	if _, err := io.CopyN(io.Discard, c.r, int64(pad4(nameLen)+pad4(dataLen))); err != nil {
		return fmt.Errorf("read setup auth: %w", err)
	}
	if h[0] != 'l' {
		reason := "xfar native X server: only little-endian clients are supported"
		b := []byte{0, byte(len(reason)), 11, 0, 0, 0}
		b = le.AppendUint16(b, uint16(pad4(len(reason))/4))
		b = append(b, reason...)
		b = append(b, make([]byte, pad4(len(reason))-len(reason))...)
		c.nc.Write(b)
		return errors.New("big-endian client refused")
	}
	if major := le.Uint16(h[2:]); major != 11 {
		return fmt.Errorf("protocol version %d, want 11", major)
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	c.w.Write(c.setupReply())
	return c.flush()
}

const vendor = "xfar native"

func (c *client) setupReply() []byte {
	var b []byte
	v := pad4(len(vendor))
	b = append(b, 1, 0)
	b = le.AppendUint16(b, 11)
	b = le.AppendUint16(b, 0)
	lenPos := len(b)
	b = le.AppendUint16(b, 0) // filled below
	b = le.AppendUint32(b, 12101007)
	b = le.AppendUint32(b, c.base)
	b = le.AppendUint32(b, idMask)
	b = le.AppendUint32(b, 256)
	b = le.AppendUint16(b, uint16(len(vendor)))
	b = le.AppendUint16(b, 0xffff)
	b = append(b, 1, 2)               // screens, formats
	b = append(b, 0, 0, 32, 32)       // LSBFirst image and bitmap order, unit 32, pad 32
	b = append(b, 8, 255, 0, 0, 0, 0) // keycodes, unused
	b = append(b, vendor...)
	b = append(b, make([]byte, v-len(vendor))...)
	b = append(b, 1, 1, 32, 0, 0, 0, 0, 0)   // depth 1: 1 bpp, pad 32
	b = append(b, 24, 32, 32, 0, 0, 0, 0, 0) // depth 24: 32 bpp, pad 32
	root := c.s.root
	b = le.AppendUint32(b, rootID)
	b = le.AppendUint32(b, colormapID)
	b = le.AppendUint32(b, 0xffffff) // white
	b = le.AppendUint32(b, 0)        // black
	b = le.AppendUint32(b, root.allMasks())
	b = le.AppendUint16(b, uint16(root.w))
	b = le.AppendUint16(b, uint16(root.h))
	b = le.AppendUint16(b, uint16(root.w*254/960)) // 96 dpi in mm
	b = le.AppendUint16(b, uint16(root.h*254/960))
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, 1)
	b = le.AppendUint32(b, visualID)
	b = append(b, 0, 0, 24, 2) // backing stores Never, no save-unders, depth 24, 2 depths
	b = append(b, 24, 0)
	b = le.AppendUint16(b, 1)
	b = append(b, 0, 0, 0, 0)
	b = le.AppendUint32(b, visualID)
	b = append(b, 4, 8) // TrueColor, 8 bits per RGB
	b = le.AppendUint16(b, 256)
	b = le.AppendUint32(b, 0xff0000)
	b = le.AppendUint32(b, 0x00ff00)
	b = le.AppendUint32(b, 0x0000ff)
	b = append(b, 0, 0, 0, 0)
	b = append(b, 1, 0, 0, 0, 0, 0, 0, 0) // depth 1, no visuals
	le.PutUint16(b[lenPos:], uint16((len(b)-8)/4))
	return b
}

func pad4(n int) int { return (n + 3) &^ 3 }

// flush writes what is buffered; a client that does not read within
// writeTimeout is disconnected.
func (c *client) flush() error {
	if c.dead || c.w.Buffered() == 0 {
		return nil
	}
	c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
	if err := c.w.Flush(); err != nil {
		c.dead = true
		c.nc.Close()
		return fmt.Errorf("write to X client %d: %w", c.id, err)
	}
	return nil
}

// reply writes a reply: data is the header's data byte, body the bytes
// after the 8-byte header (at least 24; padded to 4).
func (c *client) reply(data byte, body []byte) {
	if len(body) < 24 {
		body = append(body, make([]byte, 24-len(body))...)
	}
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	var h [8]byte
	h[0], h[1] = 1, data
	le.PutUint16(h[2:], uint16(c.seq))
	le.PutUint32(h[4:], uint32((len(body)-24)/4))
	c.w.Write(h[:])
	c.w.Write(body)
}

// X error codes the server sends.
const (
	errRequest        = 1
	errValue          = 2
	errWindow         = 3
	errPixmap         = 4
	errAtom           = 5
	errMatch          = 8
	errDrawable       = 9
	errAlloc          = 11
	errColormap       = 12
	errGC             = 13
	errIDChoice       = 14
	errName           = 15
	errLength         = 16
	errImplementation = 17
	errFont           = 7
)

// xError writes an error for the current request.
func (c *client) xError(code byte, bad uint32, major byte, minor uint16) {
	var b [32]byte
	b[0], b[1] = 0, code
	le.PutUint16(b[2:], uint16(c.seq))
	le.PutUint32(b[4:], bad)
	le.PutUint16(b[8:], minor)
	b[10] = major
	c.w.Write(b[:])
}

// event writes a 32-byte event with the current sequence number.
func (c *client) event(e []byte) {
	if c.dead {
		return
	}
	c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
	le.PutUint16(e[2:], uint16(c.seq))
	c.w.Write(e[:32])
}
