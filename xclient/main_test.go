package xclient_test

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"testing"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/protocol"
)

// TestMain starts one real, in-process display server for the examples
// and end-to-end tests, and points XFAR_DISPLAY at it. A display name can
// only reach the socket protocol.SocketPath(N), so the server listens
// there, on a display number no live server uses (the server refuses to
// take over a live socket, so the search is safe against other tests).
func TestMain(m *testing.M) {
	srv, n, err := startLocal()
	if err != nil {
		fmt.Fprintln(os.Stderr, "xclient tests: cannot start a display server:", err)
		os.Exit(1)
	}
	os.Setenv(protocol.EnvDisplay, ":"+strconv.Itoa(n))
	os.Unsetenv(protocol.EnvAuth)
	code := m.Run()
	srv.Close()
	os.Exit(code)
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// startLocal starts a server without auth on the first free display
// number from a per-process starting point.
func startLocal() (*displayserver.Server, int, error) {
	start := 500 + os.Getpid()%400
	var last error
	for i := 0; i < 50; i++ {
		n := 500 + (start-500+i)%400
		srv, err := displayserver.New(displayserver.Config{Display: n, TCPAddr: "none", HTTPAddr: "none",
			AuthFile: "none", NoAuth: true, Logger: quietLogger()})
		if err != nil {
			return nil, 0, err
		}
		if last = srv.Start(); last == nil {
			return srv, n, nil
		}
	}
	return nil, 0, fmt.Errorf("no free display number: %w", last)
}
