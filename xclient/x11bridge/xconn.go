package x11bridge

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jezek/xgb"
)

// DialX connects to X display name (":N"). With authFile set, the cookie for
// the display is read from that Xauthority file and handed to the server
// directly: xgb itself only reads the process-wide XAUTHORITY, and a bridge
// (or a test running several bridges) must not change its process
// environment to reach a private server.
func DialX(name, authFile string) (*xgb.Conn, error) {
	if authFile == "" {
		c, err := xgb.NewConnDisplay(name)
		if err != nil {
			return nil, fmt.Errorf("connect to X display %s: %w", name, err)
		}
		return c, nil
	}
	num, err := displayNumber(name)
	if err != nil {
		return nil, err
	}
	cookie, err := readCookie(authFile, num)
	if err != nil {
		return nil, fmt.Errorf("connect to X display %s: %w", name, err)
	}
	nc, err := dialUnix("/tmp/.X11-unix/X" + strconv.Itoa(num))
	if err != nil {
		return nil, fmt.Errorf("connect to X display %s: %w", name, err)
	}
	c, err := xgb.NewConnNet(&authConn{Conn: nc, cookie: cookie})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("connect to X display %s: %w", name, err)
	}
	return c, nil
}

// dialUnix connects to an X server's socket. A server that has just
// started may have created its socket file without listening on it yet
// (bind comes before listen), so a refused connection is retried briefly.
func dialUnix(path string) (net.Conn, error) {
	deadline := time.Now().Add(3 * time.Second)
	for {
		nc, err := net.Dial("unix", path)
		if err == nil || !errors.Is(err, syscall.ECONNREFUSED) || time.Now().After(deadline) {
			return nc, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// displayNumber parses ":N" or ":N.S".
func displayNumber(name string) (int, error) {
	i := strings.LastIndexByte(name, ':')
	if i < 0 || i > 0 && name[:i] != "unix" {
		return 0, fmt.Errorf("X display %q: want :N (local displays only)", name)
	}
	num := name[i+1:]
	if j := strings.IndexByte(num, '.'); j >= 0 {
		num = num[:j]
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("X display %q: bad number", name)
	}
	return n, nil
}

// readCookie returns the MIT-MAGIC-COOKIE-1 for display num from an
// Xauthority file (a sequence of big-endian length-prefixed records).
func readCookie(path string, num int) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read Xauthority: %w", err)
	}
	r := bytes.NewReader(b)
	field := func() ([]byte, error) {
		var n uint16
		if err := binary.Read(r, binary.BigEndian, &n); err != nil {
			return nil, err
		}
		f := make([]byte, n)
		_, err := io.ReadFull(r, f)
		return f, err
	}
	want := strconv.Itoa(num)
	for r.Len() > 0 {
		var family uint16
		if err := binary.Read(r, binary.BigEndian, &family); err != nil {
			return nil, fmt.Errorf("parse Xauthority %s: %w", path, err)
		}
		var fs [4][]byte
		for i := range fs {
			if fs[i], err = field(); err != nil {
				return nil, fmt.Errorf("parse Xauthority %s: %w", path, err)
			}
		}
		disp, name, data := string(fs[1]), string(fs[2]), fs[3]
		if (disp == want || disp == "") && name == "MIT-MAGIC-COOKIE-1" && len(data) == 16 {
			return data, nil
		}
	}
	return nil, fmt.Errorf("no MIT-MAGIC-COOKIE-1 for display :%d in %s", num, path)
}

// authConn puts the cookie into the connection setup request, the first
// thing xgb writes, whatever authorization xgb found (or did not find) on
// its own.
type authConn struct {
	net.Conn
	cookie []byte
	once   sync.Once
}

func (c *authConn) Write(p []byte) (int, error) {
	first := false
	c.once.Do(func() { first = true })
	if !first {
		return c.Conn.Write(p)
	}
	if len(p) < 12 || p[0] != 'l' {
		return 0, errors.New("x11bridge: unexpected X setup request")
	}
	const name = "MIT-MAGIC-COOKIE-1"
	setup := make([]byte, 12, 12+20+16)
	copy(setup, p[:6]) // byte order, pad, protocol major and minor
	binary.LittleEndian.PutUint16(setup[6:], uint16(len(name)))
	binary.LittleEndian.PutUint16(setup[8:], uint16(len(c.cookie)))
	setup = append(setup, name...)
	setup = append(setup, 0, 0) // pad name to 20
	setup = append(setup, c.cookie...)
	if _, err := c.Conn.Write(setup); err != nil {
		return 0, err
	}
	return len(p), nil
}
