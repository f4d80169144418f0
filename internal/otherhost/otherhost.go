// Package otherhost lets a test reach a server on this machine as another
// machine would: through a non-loopback address, where the code under
// test applies its rules for remote peers (TLS, no cookie sent, refusal
// of plain connections).
package otherhost

import (
	"net"
	"testing"
)

// IPv4 returns one of this machine's non-loopback IPv4 addresses. It fails
// t when there is none, since the test cannot then play another host.
func IPv4(t testing.TB) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatalf("list this machine's addresses: %v", err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			return n.IP.String()
		}
	}
	t.Fatal("this machine has no non-loopback IPv4 address to play another host")
	return ""
}
