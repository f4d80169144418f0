package protocol

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// TCPBasePort is the port of display 0; display N listens on TCPBasePort+N,
// X's convention.
const TCPBasePort = 6000

// HTTPBasePort is the display server's default HTTP port for display 0.
const HTTPBasePort = 8000

// MaxDisplay bounds display numbers so that every port stays valid.
const MaxDisplay = 999

// Display is a parsed display name: "host:N" for TCP, ":N" for the local
// Unix socket. An optional ".S" screen suffix is accepted and ignored, so
// that X users' habits work.
type Display struct {
	Host   string // empty for the local Unix socket
	Number int
}

// ParseDisplay parses a display name.
func ParseDisplay(name string) (Display, error) {
	i := strings.LastIndexByte(name, ':')
	if i < 0 {
		return Display{}, fmt.Errorf("display %q: want host:N or :N", name)
	}
	host, num := name[:i], name[i+1:]
	num, screen, hasScreen := strings.Cut(num, ".")
	n, err := strconv.Atoi(num)
	if !decimal(num) || err != nil || n > MaxDisplay || hasScreen && !decimal(screen) {
		return Display{}, fmt.Errorf("display %q: want host:N or :N with N in 0..%d", name, MaxDisplay)
	}
	if open, closed := strings.HasPrefix(host, "["), strings.HasSuffix(host, "]"); open != closed {
		return Display{}, fmt.Errorf("display %q: unbalanced brackets", name)
	} else if open {
		host = host[1 : len(host)-1]
	}
	return Display{Host: host, Number: n}, nil
}

// decimal reports whether s is a non-empty run of ASCII digits (Atoi alone
// would also take a sign).
func decimal(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// String formats the display name.
func (d Display) String() string {
	if strings.Contains(d.Host, ":") {
		return fmt.Sprintf("[%s]:%d", d.Host, d.Number)
	}
	return fmt.Sprintf("%s:%d", d.Host, d.Number)
}

// Network returns the network and address to dial: the Unix socket for a
// display without a host, TCP otherwise.
func (d Display) Network() (network, address string) {
	if d.Host == "" {
		return "unix", SocketPath(d.Number)
	}
	return "tcp", net.JoinHostPort(d.Host, strconv.Itoa(TCPBasePort+d.Number))
}

// SocketDir holds the Unix sockets of local displays: xfar's own directory,
// never X's /tmp/.X11-unix.
const SocketDir = "/tmp/.xfar-unix"

// SocketPath is the Unix socket of local display n.
func SocketPath(n int) string { return filepath.Join(SocketDir, "X"+strconv.Itoa(n)) }

// AuthFile is where a display server writes display n's cookie for its
// user, and where clients look for it last (after --auth and XFAR_AUTH).
func AuthFile(n int) string {
	dir, err := os.UserHomeDir()
	if err != nil || dir == "" {
		dir = os.TempDir()
	}
	return filepath.Join(dir, ".xfar", "auth-"+strconv.Itoa(n))
}

// Environment variables read by clients. DISPLAY stays X's.
const (
	EnvDisplay = "XFAR_DISPLAY"
	EnvAuth    = "XFAR_AUTH"
)
