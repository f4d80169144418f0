package protocol

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// AuthFileFor is the cookie file a client may read for display d, keyed
// by host and display as xauth keys its entries: the local display
// server's file (AuthFile) only when d is on this machine (":N", a
// loopback name or address, or this machine's host name), and for any
// other host a file of that host's own, ~/.xfar/auth-HOST-N, which the
// user fills (for example by copying the remote server's cookie). So
// `xdemo --display otherhost:41` never sends this machine's display 41
// cookie to otherhost.
func AuthFileFor(d Display) string {
	if IsLocalHost(d.Host) {
		return AuthFile(d.Number)
	}
	host := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			return r
		}
		return '_' // IPv6 colons and anything that is not a plain name
	}, strings.ToLower(d.Host))
	return filepath.Join(filepath.Dir(AuthFile(d.Number)), "auth-"+host+"-"+strconv.Itoa(d.Number))
}

// IsLocalHost reports whether a display host names this machine: empty
// (the Unix socket), "localhost", a loopback address, or this machine's
// host name.
func IsLocalHost(host string) bool {
	if host == "" || strings.EqualFold(host, "localhost") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	h, err := os.Hostname()
	return err == nil && strings.EqualFold(h, host)
}
