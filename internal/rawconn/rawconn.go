// Package rawconn opens a protocol connection by hand, with the protocol
// and compress packages only, for tests that then speak the protocol byte
// by byte (and send what no well-behaved client library would). The
// display server's own tests and the attack tests of cmd/e2e share it.
package rawconn

import (
	"bufio"
	"fmt"
	"net"
	"time"

	"github.com/xfar/xfar/compress"
	"github.com/xfar/xfar/protocol"
)

// handshakeTimeout bounds the whole hello exchange, so a server that never
// answers fails the test instead of hanging it.
const handshakeTimeout = 10 * time.Second

// Handshake sends a ClientHello offering codec with the given auth cookie
// on conn, reads the ServerHello and returns it with the compressed writer
// and reader for the rest of the connection. On any error, refusal
// included, it closes conn.
func Handshake(conn net.Conn, cookie, codec string) (*protocol.ServerHello, compress.Writer, *bufio.Reader, error) {
	conn.SetDeadline(time.Now().Add(handshakeTimeout))
	defer conn.SetDeadline(time.Time{})
	if _, err := (&protocol.ClientHello{Major: protocol.MajorVersion, Auth: cookie, Codecs: []string{codec}}).WriteTo(conn); err != nil {
		conn.Close()
		return nil, nil, nil, err
	}
	br := bufio.NewReader(conn)
	h, err := protocol.ReadServerHello(br)
	if err != nil {
		conn.Close()
		return nil, nil, nil, err
	}
	if !h.Accepted {
		conn.Close()
		return nil, nil, nil, fmt.Errorf("refused: %s", h.Reason)
	}
	cd, err := compress.Lookup(h.Codec)
	if err != nil {
		conn.Close()
		return nil, nil, nil, err
	}
	w, _ := cd.NewWriter(conn)
	zr, _ := cd.NewReader(br)
	return h, w, bufio.NewReader(zr), nil
}
