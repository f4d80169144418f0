package e2e

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"testing"

	"github.com/xfar/xfar/internal/syncbuf"
	"github.com/xfar/xfar/internal/testbin"
	"github.com/xfar/xfar/protocol"
)

// Helpers shared by the end-to-end tests of this package and of package
// e2e_test (the web viewer's), which reaches them as e2e.FreeDisplay and
// e2e.SyncBuffer.

// TestMain removes the binaries Binary built once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	bins.Remove()
	os.Exit(code)
}

var bins = testbin.New("xfar-e2e-bin-", "",
	"github.com/xfar/xfar/cmd/displayserver", "github.com/xfar/xfar/cmd/xdemo",
	"github.com/xfar/xfar/cmd/xview", "github.com/xfar/xfar/cmd/xview-window",
	"github.com/xfar/xfar/cmd/xbridge",
	"github.com/xfar/xfar/cmd/linkem")

// Binary returns the path of the named command of this module
// (displayserver, xdemo, xview, xview-window, xbridge, linkem), building all
// of them once per test run, as a user would run them.
func Binary(t testing.TB, name string) string {
	t.Helper()
	return bins.Path(t, name)
}

// FreeDisplay returns an xfar display number whose TCP port (6000+N), HTTP
// port (8000+N) and Unix socket are all free, starting from a random
// number so that parallel test binaries rarely collide.
func FreeDisplay(t testing.TB) int {
	t.Helper()
	const first = 100
	span := protocol.MaxDisplay - first
	start := rand.IntN(span)
	for i := range span {
		n := first + (start+i)%span
		if _, err := os.Stat(protocol.SocketPath(n)); err == nil {
			continue
		}
		if portFree(protocol.TCPBasePort+n) && portFree(protocol.HTTPBasePort+n) {
			return n
		}
	}
	t.Fatal("no free display number")
	return 0
}

func portFree(port int) bool {
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", port))
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// SyncBuffer is a bytes.Buffer a child process may write while the test
// reads it.
type SyncBuffer = syncbuf.Buffer
