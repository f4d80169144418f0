package bench

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/xfar/xfar/protocol"
)

// rawX is a minimal X11 client that buffers requests the way Xlib does
// (one output buffer, written when full or before a wait) and encodes
// them by hand. It exists because xgb writes every request with its own
// system call after a goroutine hand-off, which is not what X clients
// written against Xlib or XCB pay: comparing xfar only with xgb would
// flatter xfar on one-request-per-operation workloads.
type rawX struct {
	nc      net.Conn
	w       *bufio.Writer
	r       *bufio.Reader
	seq     uint16 // sequence number of the last request queued
	idBase  uint32
	idMask  uint32
	nextID  uint32
	root    uint32
	visual  uint32
	depth   uint8
	maxReq  int // in bytes
	scratch []byte
}

// xOutBuf is the raw client's output buffer: xclient's threshold, so
// neither side gains from flushing less often.
const xOutBuf = 64 << 10

// dialRawX runs the X11 connection setup (no authorisation: the bench's
// Xvfb runs without access control) on nc.
func dialRawX(nc net.Conn) (*rawX, error) {
	x := &rawX{nc: nc, w: bufio.NewWriterSize(nc, xOutBuf), r: bufio.NewReaderSize(nc, 64<<10)}
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
	defer nc.SetDeadline(time.Time{})
	// 'l': little-endian; protocol 11.0; no auth name or data.
	setup := []byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if _, err := nc.Write(setup); err != nil {
		return nil, fmt.Errorf("X setup: %w", err)
	}
	var hdr [8]byte
	if _, err := io.ReadFull(x.r, hdr[:]); err != nil {
		return nil, fmt.Errorf("X setup reply: %w", err)
	}
	body := make([]byte, 4*int(binary.LittleEndian.Uint16(hdr[6:])))
	if _, err := io.ReadFull(x.r, body); err != nil {
		return nil, fmt.Errorf("X setup reply: %w", err)
	}
	if hdr[0] != 1 {
		return nil, fmt.Errorf("X server refused the connection (status %d): %q", hdr[0], body)
	}
	// Offsets below are relative to the end of the 8-byte header.
	le := binary.LittleEndian
	x.idBase, x.idMask = le.Uint32(body[4:]), le.Uint32(body[8:])
	vendorLen := int(le.Uint16(body[16:]))
	x.maxReq = 4 * int(le.Uint16(body[18:]))
	nFormats := int(body[21])
	scr := 32 + (vendorLen+3)&^3 + 8*nFormats
	if len(body) < scr+40 {
		return nil, fmt.Errorf("X setup reply too short (%d bytes)", len(body))
	}
	x.root = le.Uint32(body[scr:])
	x.visual = le.Uint32(body[scr+32:])
	x.depth = body[scr+38]
	return x, nil
}

// newID allocates a resource ID, as XAllocID does.
func (x *rawX) newID() uint32 {
	x.nextID++
	return x.idBase | (x.nextID & x.idMask)
}

// req starts a request of n 4-byte units and returns its bytes to fill.
// The header is written; the body is zeroed.
func (x *rawX) req(op byte, data byte, units int) []byte {
	if cap(x.scratch) < 4*units {
		x.scratch = make([]byte, 4*units)
	}
	b := x.scratch[:4*units]
	clear(b)
	b[0], b[1] = op, data
	binary.LittleEndian.PutUint16(b[2:], uint16(units))
	x.seq++
	return b
}

// send queues a filled request.
func (x *rawX) send(b []byte) error {
	_, err := x.w.Write(b)
	return err
}

func put16(b []byte, v int) { binary.LittleEndian.PutUint16(b, uint16(v)) }
func put32(b []byte, v uint32) {
	binary.LittleEndian.PutUint32(b, v)
}

// roundTrip sends GetInputFocus and waits for its reply, skipping events
// and failing on an error: XSync's job.
func (x *rawX) roundTrip() error {
	b := x.req(43, 0, 1)
	if err := x.send(b); err != nil {
		return err
	}
	want := x.seq
	if err := x.w.Flush(); err != nil {
		return err
	}
	var p [32]byte
	for {
		if _, err := io.ReadFull(x.r, p[:]); err != nil {
			return fmt.Errorf("read X reply: %w", err)
		}
		switch p[0] {
		case 0:
			return fmt.Errorf("X error %d for request %d (sequence %d)", p[1], p[10], binary.LittleEndian.Uint16(p[2:]))
		case 1:
			extra := 4 * int(binary.LittleEndian.Uint32(p[4:]))
			if _, err := x.r.Discard(extra); err != nil {
				return fmt.Errorf("read X reply: %w", err)
			}
			if binary.LittleEndian.Uint16(p[2:]) == want {
				return nil
			}
		default:
			// An event: nothing in the bench selects any, but a
			// GraphicsExpose must not stop the loop.
		}
	}
}

// createWindow queues CreateWindow for an InputOutput child of parent with
// a background pixel.
func (x *rawX) createWindow(id, parent uint32, xx, y, w, h int, bg uint32) error {
	b := x.req(1, 0, 9) // depth CopyFromParent
	put32(b[4:], id)
	put32(b[8:], parent)
	put16(b[12:], xx)
	put16(b[14:], y)
	put16(b[16:], w)
	put16(b[18:], h)
	put16(b[22:], 1) // InputOutput
	put32(b[24:], 0) // visual CopyFromParent
	put32(b[28:], 1<<1)
	put32(b[32:], bg)
	return x.send(b)
}

func (x *rawX) windowOp(op byte, id uint32) error {
	b := x.req(op, 0, 2)
	put32(b[4:], id)
	return x.send(b)
}

// createGC queues CreateGC with foreground, background and
// graphics-exposures off (CopyArea must not answer with NoExpose events).
func (x *rawX) createGC(id, drawable uint32, fg uint32) error {
	b := x.req(55, 0, 7)
	put32(b[4:], id)
	put32(b[8:], drawable)
	put32(b[12:], 1<<2|1<<3|1<<16)
	put32(b[16:], fg)
	put32(b[20:], 0)
	put32(b[24:], 0)
	return x.send(b)
}

// openFont opens a core font and sets it in gc.
func (x *rawX) openFont(fid, gc uint32, name string) error {
	b := x.req(45, 0, 3+(len(name)+3)/4)
	put32(b[4:], fid)
	put16(b[8:], len(name))
	copy(b[12:], name)
	if err := x.send(b); err != nil {
		return err
	}
	b = x.req(56, 0, 4)
	put32(b[4:], gc)
	put32(b[8:], 1<<14)
	put32(b[12:], fid)
	return x.send(b)
}

// polyPoints queues PolyLine (op 65) or PolyPoint (64) in CoordModeOrigin,
// encoding the points straight into the output buffer as Xlib does.
func (x *rawX) polyPoints(op byte, d, gc uint32, pts []protocol.Point) error {
	b := x.req(op, 0, 3+len(pts))
	put32(b[4:], d)
	put32(b[8:], gc)
	for i, p := range pts {
		o := 12 + 4*i
		put16(b[o:], int(p.X))
		put16(b[o+2:], int(p.Y))
	}
	return x.send(b)
}

// polySegment queues PolySegment.
func (x *rawX) polySegment(d, gc uint32, segs []protocol.Segment) error {
	b := x.req(66, 0, 3+2*len(segs))
	put32(b[4:], d)
	put32(b[8:], gc)
	for i, s := range segs {
		o := 12 + 8*i
		put16(b[o:], int(s.X1))
		put16(b[o+2:], int(s.Y1))
		put16(b[o+4:], int(s.X2))
		put16(b[o+6:], int(s.Y2))
	}
	return x.send(b)
}

// polyRects queues PolyRectangle (op 67) or PolyFillRectangle (70).
func (x *rawX) polyRects(op byte, d, gc uint32, rs []protocol.Rect) error {
	b := x.req(op, 0, 3+2*len(rs))
	put32(b[4:], d)
	put32(b[8:], gc)
	for i, r := range rs {
		o := 12 + 8*i
		put16(b[o:], int(r.X))
		put16(b[o+2:], int(r.Y))
		put16(b[o+4:], int(r.W))
		put16(b[o+6:], int(r.H))
	}
	return x.send(b)
}

// polyFillArc queues PolyFillArc.
func (x *rawX) polyFillArc(d, gc uint32, as []protocol.Arc) error {
	b := x.req(71, 0, 3+3*len(as))
	put32(b[4:], d)
	put32(b[8:], gc)
	for i, a := range as {
		o := 12 + 12*i
		put16(b[o:], int(a.X))
		put16(b[o+2:], int(a.Y))
		put16(b[o+4:], int(a.W))
		put16(b[o+6:], int(a.H))
		put16(b[o+8:], int(a.Angle1))
		put16(b[o+10:], int(a.Angle2))
	}
	return x.send(b)
}

// polyText8 queues PolyText8 with one text item.
func (x *rawX) polyText8(d, gc uint32, xx, y int, s string) error {
	n := 2 + len(s)
	b := x.req(74, 0, 4+(n+3)/4)
	put32(b[4:], d)
	put32(b[8:], gc)
	put16(b[12:], xx)
	put16(b[14:], y)
	b[16] = byte(len(s))
	copy(b[18:], s)
	return x.send(b)
}

// putImage queues a ZPixmap PutImage of 32-bit pixels.
func (x *rawX) putImage(d, gc uint32, xx, y, w, h int, data []byte) error {
	b := x.req(72, 2, 6+len(data)/4)
	put32(b[4:], d)
	put32(b[8:], gc)
	put16(b[12:], w)
	put16(b[14:], h)
	put16(b[16:], xx)
	put16(b[18:], y)
	b[21] = x.depth
	copy(b[24:], data)
	return x.send(b)
}

// copyArea queues CopyArea.
func (x *rawX) copyArea(src, dst, gc uint32, sx, sy, dx, dy, w, h int) error {
	b := x.req(62, 0, 7)
	put32(b[4:], src)
	put32(b[8:], dst)
	put32(b[12:], gc)
	put16(b[16:], sx)
	put16(b[18:], sy)
	put16(b[20:], dx)
	put16(b[22:], dy)
	put16(b[24:], w)
	put16(b[26:], h)
	return x.send(b)
}

func (x *rawX) close() error { return x.nc.Close() }
