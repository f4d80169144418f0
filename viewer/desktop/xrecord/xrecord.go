// Package xrecord reports every pointer button and key event an X server
// processes, in order, through the RECORD extension, as they happen.
//
// The desktop viewer needs it because Ebitengine polls the keyboard and
// mouse once per frame: a click whose press and release fall in the same
// frame (xdotool's, a fast touchpad tap) never shows in the polled state.
// X itself lets only one client select ButtonPress on a window (GLFW has
// it), and XInput 2 is not in xgb; RECORD sees device events before they
// are delivered, without taking them from anyone. xgb cannot read
// RECORD's stream of replies to one request, so this package speaks the
// few requests it needs itself, on a connection of its own.
//
// It is pure Go and needs no cgo and no window, so it is tested against
// Xvfb without Ebitengine.
package xrecord

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Core event types RECORD reports.
const (
	KeyPress      = 2
	KeyRelease    = 3
	ButtonPress   = 4
	ButtonRelease = 5
	MotionNotify  = 6
)

// Event is one device event as the X server processed it.
type Event struct {
	// Type is KeyPress ... MotionNotify.
	Type uint8
	// Detail is the keycode or the button.
	Detail uint8
	// Time is the server's timestamp in milliseconds.
	Time uint32
	// RootX and RootY are the pointer's position on the root window.
	RootX, RootY int16
}

// queueLen bounds the events waiting for the reader; a viewer that stops
// reading loses the newest, counted in Dropped.
const queueLen = 4096

// Recorder records one X server's device events.
type Recorder struct {
	ctrl, data net.Conn
	events     chan Event
	done       chan struct{}
	mu         sync.Mutex
	dropped    int
	err        error
}

// Start connects to the X display (":N", "unix:N" or "host:N"; "" means
// $DISPLAY) and starts recording its device events.
func Start(display string) (*Recorder, error) {
	if display == "" {
		display = os.Getenv("DISPLAY")
	}
	ctrl, ctrlSetup, err := dial(display)
	if err != nil {
		return nil, err
	}
	data, _, err := dial(display)
	if err != nil {
		ctrl.Close()
		return nil, err
	}
	r := &Recorder{ctrl: ctrl, data: data, events: make(chan Event, queueLen), done: make(chan struct{})}
	if err := r.setup(ctrlSetup); err != nil {
		ctrl.Close()
		data.Close()
		return nil, err
	}
	go r.read()
	return r, nil
}

// Events returns the recorded events, in the order the server processed
// them. The channel closes when the recorder stops.
func (r *Recorder) Events() <-chan Event { return r.events }

// Dropped returns how many events were lost because the queue was full.
func (r *Recorder) Dropped() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dropped
}

// Err returns why the recorder stopped, nil while it runs or after Close.
func (r *Recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Close stops recording and waits for the reader to end.
func (r *Recorder) Close() error {
	r.ctrl.Close()
	r.data.Close()
	<-r.done
	return nil
}

// setupInfo is what the connection setup says that this package uses.
type setupInfo struct {
	idBase uint32
}

// setup finds RECORD, creates a context recording every client's device
// events and enables it on the data connection.
func (r *Recorder) setup(si setupInfo) error {
	op, err := queryExtension(r.ctrl, "RECORD")
	if err != nil {
		return err
	}
	// QueryVersion 1.13.
	if _, err := request(r.ctrl, op, 0, []byte{1, 0, 13, 0}, true); err != nil {
		return fmt.Errorf("RECORD QueryVersion: %w", err)
	}
	ctx := si.idBase | 1
	// CreateContext: context, element header 0, 3 pad, 1 client, 1 range.
	b := binary.LittleEndian.AppendUint32(nil, ctx)
	b = append(b, 0, 0, 0, 0)
	b = binary.LittleEndian.AppendUint32(b, 1)
	b = binary.LittleEndian.AppendUint32(b, 1)
	b = binary.LittleEndian.AppendUint32(b, 3) // AllClients
	rng := make([]byte, 24)
	rng[18], rng[19] = KeyPress, MotionNotify // device events first, last
	b = append(b, rng...)
	if _, err := request(r.ctrl, op, 1, b, false); err != nil {
		return fmt.Errorf("RECORD CreateContext: %w", err)
	}
	// A round trip, so that an error in CreateContext shows here.
	if _, err := request(r.ctrl, op, 0, []byte{1, 0, 13, 0}, true); err != nil {
		return fmt.Errorf("RECORD CreateContext: %w", err)
	}
	// EnableContext on the data connection: its replies are the stream.
	if err := send(r.data, op, 5, binary.LittleEndian.AppendUint32(nil, ctx)); err != nil {
		return fmt.Errorf("RECORD EnableContext: %w", err)
	}
	return nil
}

// read turns EnableContext's replies into events until the connection
// ends.
func (r *Recorder) read() {
	defer close(r.done)
	defer close(r.events)
	br := bufio.NewReaderSize(r.data, 64<<10)
	hdr := make([]byte, 32)
	var body []byte
	for {
		if _, err := io.ReadFull(br, hdr); err != nil {
			r.stop(err)
			return
		}
		switch hdr[0] {
		case 0:
			r.stop(fmt.Errorf("xrecord: X error %d on the recording connection", hdr[1]))
			return
		case 1:
		default:
			continue // an event on the data connection: none are selected
		}
		n := int(binary.LittleEndian.Uint32(hdr[4:])) * 4
		if n > 1<<24 {
			r.stop(fmt.Errorf("xrecord: reply of %d bytes", n))
			return
		}
		if cap(body) < n {
			body = make([]byte, n)
		}
		body = body[:n]
		if _, err := io.ReadFull(br, body); err != nil {
			r.stop(err)
			return
		}
		if hdr[1] != 0 { // category: 0 FromServer; others carry no events
			if hdr[1] == 5 { // EndOfData: the context was disabled
				r.stop(errors.New("xrecord: recording ended"))
				return
			}
			continue
		}
		for i := 0; i+32 <= len(body); i += 32 {
			e := body[i : i+32]
			t := e[0] & 0x7f
			if t < KeyPress || t > MotionNotify {
				continue
			}
			ev := Event{Type: t, Detail: e[1], Time: binary.LittleEndian.Uint32(e[4:]),
				RootX: int16(binary.LittleEndian.Uint16(e[20:])), RootY: int16(binary.LittleEndian.Uint16(e[22:]))}
			select {
			case r.events <- ev:
			default:
				r.mu.Lock()
				r.dropped++
				r.mu.Unlock()
			}
		}
	}
}

func (r *Recorder) stop(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil && !errors.Is(err, net.ErrClosed) {
		r.err = err
	}
}

// dial opens an X connection and completes its setup.
func dial(display string) (net.Conn, setupInfo, error) {
	host, num, err := parseDisplay(display)
	if err != nil {
		return nil, setupInfo{}, err
	}
	var c net.Conn
	if host == "" || host == "unix" {
		c, err = net.DialTimeout("unix", "/tmp/.X11-unix/X"+num, 5*time.Second)
	} else {
		n, _ := strconv.Atoi(num)
		c, err = net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(6000+n)), 5*time.Second)
	}
	if err != nil {
		return nil, setupInfo{}, fmt.Errorf("xrecord: connect to X display %q: %w", display, err)
	}
	name, data := authCookie(host, num)
	b := []byte{'l', 0, 11, 0, 0, 0}
	b = binary.LittleEndian.AppendUint16(b, uint16(len(name)))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(data)))
	b = append(b, 0, 0)
	b = append(b, pad([]byte(name))...)
	b = append(b, pad(data)...)
	c.SetDeadline(time.Now().Add(10 * time.Second))
	defer c.SetDeadline(time.Time{})
	if _, err := c.Write(b); err != nil {
		c.Close()
		return nil, setupInfo{}, fmt.Errorf("xrecord: X setup: %w", err)
	}
	h := make([]byte, 8)
	if _, err := io.ReadFull(c, h); err != nil {
		c.Close()
		return nil, setupInfo{}, fmt.Errorf("xrecord: X setup: %w", err)
	}
	rest := make([]byte, int(binary.LittleEndian.Uint16(h[6:]))*4)
	if _, err := io.ReadFull(c, rest); err != nil {
		c.Close()
		return nil, setupInfo{}, fmt.Errorf("xrecord: X setup: %w", err)
	}
	if h[0] != 1 {
		c.Close()
		reason := ""
		if h[0] == 0 && int(h[1]) <= len(rest) {
			reason = ": " + string(rest[:h[1]])
		}
		return nil, setupInfo{}, fmt.Errorf("xrecord: X display %q refused the connection%s", display, reason)
	}
	if len(rest) < 8 {
		c.Close()
		return nil, setupInfo{}, errors.New("xrecord: short X setup reply")
	}
	return c, setupInfo{idBase: binary.LittleEndian.Uint32(rest[4:])}, nil
}

func parseDisplay(d string) (host, num string, err error) {
	i := strings.LastIndexByte(d, ':')
	if i < 0 {
		return "", "", fmt.Errorf("xrecord: bad X display name %q", d)
	}
	host, num = d[:i], d[i+1:]
	if j := strings.IndexByte(num, '.'); j >= 0 {
		num = num[:j]
	}
	if _, err := strconv.Atoi(num); err != nil {
		return "", "", fmt.Errorf("xrecord: bad X display name %q", d)
	}
	return host, num, nil
}

func pad(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func send(c net.Conn, major, minor byte, body []byte) error {
	body = pad(body)
	b := []byte{major, minor}
	b = binary.LittleEndian.AppendUint16(b, uint16(1+len(body)/4))
	b = append(b, body...)
	_, err := c.Write(b)
	return err
}

// request sends a request and, if it has a reply, reads it (skipping
// events), returning its bytes after the 32-byte header's first 8.
func request(c net.Conn, major, minor byte, body []byte, reply bool) ([]byte, error) {
	if err := send(c, major, minor, body); err != nil {
		return nil, err
	}
	if !reply {
		return nil, nil
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	defer c.SetReadDeadline(time.Time{})
	h := make([]byte, 32)
	for {
		if _, err := io.ReadFull(c, h); err != nil {
			return nil, err
		}
		switch h[0] {
		case 0:
			return nil, fmt.Errorf("X error %d (major %d minor %d)", h[1], h[10], binary.LittleEndian.Uint16(h[8:]))
		case 1:
			extra := make([]byte, int(binary.LittleEndian.Uint32(h[4:]))*4)
			if _, err := io.ReadFull(c, extra); err != nil {
				return nil, err
			}
			return append(h[8:], extra...), nil
		}
	}
}

// queryExtension returns an extension's major opcode.
func queryExtension(c net.Conn, name string) (byte, error) {
	b := binary.LittleEndian.AppendUint16(nil, uint16(len(name)))
	b = append(b, 0, 0)
	b = append(b, name...)
	rep, err := request(c, 98, 0, b, true)
	if err != nil {
		return 0, fmt.Errorf("xrecord: QueryExtension %s: %w", name, err)
	}
	if rep[0] == 0 {
		return 0, fmt.Errorf("xrecord: the X server has no %s extension", name)
	}
	return rep[1], nil
}

// authCookie finds the MIT-MAGIC-COOKIE-1 for the display in
// $XAUTHORITY (or ~/.Xauthority); none means connecting without.
func authCookie(host, num string) (string, []byte) {
	fname := os.Getenv("XAUTHORITY")
	if fname == "" {
		fname = os.Getenv("HOME") + "/.Xauthority"
	}
	f, err := os.ReadFile(fname)
	if err != nil {
		return "", nil
	}
	hostname, _ := os.Hostname()
	local := host == "" || host == "unix" || host == "localhost" || host == hostname
	const familyLocal, familyWild = 256, 65535
	str := func(b []byte) ([]byte, []byte, bool) {
		if len(b) < 2 {
			return nil, nil, false
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, nil, false
		}
		return b[2 : 2+n], b[2+n:], true
	}
	for b := f; len(b) >= 2; {
		family := binary.BigEndian.Uint16(b)
		var addr, disp, name, data []byte
		var ok bool
		if addr, b, ok = str(b[2:]); !ok {
			break
		}
		if disp, b, ok = str(b); !ok {
			break
		}
		if name, b, ok = str(b); !ok {
			break
		}
		if data, b, ok = str(b); !ok {
			break
		}
		hostOK := family == familyWild || (family == familyLocal && local && string(addr) == hostname) ||
			(!local && string(addr) == host)
		if hostOK && (len(disp) == 0 || string(disp) == num) && string(name) == "MIT-MAGIC-COOKIE-1" {
			return string(name), data
		}
	}
	return "", nil
}
