package x11native

import (
	"bytes"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/internal/syncbuf"
	"github.com/xfar/xfar/xclient"
)

// startServer runs a real display server and a native X server on it.
func startServer(t *testing.T) (*Server, *syncbuf.Buffer) {
	t.Helper()
	ds, err := displayserver.New(displayserver.Config{TCPAddr: "127.0.0.1:0", UnixPath: "none",
		HTTPAddr: "none", AuthFile: "none", NoAuth: true, Width: 640, Height: 480,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := ds.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ds.Close() })
	xc, err := xclient.DialAddr("tcp", ds.TCPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { xc.Close() })
	logs := &syncbuf.Buffer{}
	s, err := Start(Config{Display: xc, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); s.Wait() })
	return s, logs
}

// rawConn connects to s and completes a little-endian setup, returning
// the connection and the setup reply's resource-ID base.
func rawConn(t *testing.T, s *Server) (net.Conn, uint32) {
	t.Helper()
	nc, err := net.Dial("unix", s.SocketPath())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	nc.Write([]byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	var h [8]byte
	if _, err := io.ReadFull(nc, h[:]); err != nil {
		t.Fatalf("setup reply: %v", err)
	}
	if h[0] != 1 {
		t.Fatalf("setup refused: %v", h)
	}
	rest := make([]byte, int(binary.LittleEndian.Uint16(h[6:]))*4)
	if _, err := io.ReadFull(nc, rest); err != nil {
		t.Fatal(err)
	}
	return nc, binary.LittleEndian.Uint32(rest[4:])
}

// TestUnknownRequest: a request the server does not know gets BadRequest
// with its opcode and sequence number, a log line names it (by name for a
// core request), and the client goes on (the next request is answered).
func TestUnknownRequest(t *testing.T) {
	s, logs := startServer(t)
	nc, _ := rawConn(t, s)
	nc.Write([]byte{140, 0, 1, 0}) // an extension opcode never handed out
	nc.Write([]byte{43, 0, 1, 0})  // GetInputFocus
	var msg [32]byte
	if _, err := io.ReadFull(nc, msg[:]); err != nil {
		t.Fatal(err)
	}
	if msg[0] != 0 || msg[1] != errRequest || msg[10] != 140 || binary.LittleEndian.Uint16(msg[2:]) != 1 {
		t.Errorf("got % x, want BadRequest for opcode 140, sequence 1", msg[:12])
	}
	if _, err := io.ReadFull(nc, msg[:]); err != nil {
		t.Fatal(err)
	}
	if msg[0] != 1 || binary.LittleEndian.Uint16(msg[2:]) != 2 {
		t.Errorf("GetInputFocus after the error: got % x, want a reply to sequence 2", msg[:8])
	}
	if !strings.Contains(logs.String(), "opcode 140") {
		t.Errorf("log does not name the request:\n%s", logs.String())
	}
	// A core request the server does not implement is named in the log.
	nc.Write([]byte{90, 0, 1, 0}) // StoreNamedColor
	if _, err := io.ReadFull(nc, msg[:]); err != nil {
		t.Fatal(err)
	}
	if msg[0] != 0 || msg[1] != errRequest || msg[10] != 90 {
		t.Errorf("StoreNamedColor: got % x, want BadRequest", msg[:12])
	}
	if !strings.Contains(logs.String(), "StoreNamedColor (90)") {
		t.Errorf("log does not name StoreNamedColor:\n%s", logs.String())
	}
}

// TestBadClientsAlone: a big-endian client is refused with a reason, a
// request with a zero length (no BIG-REQUESTS) disconnects its client,
// and another client is served all along.
func TestBadClientsAlone(t *testing.T) {
	s, _ := startServer(t)
	good, _ := rawConn(t, s)

	be, err := net.Dial("unix", s.SocketPath())
	if err != nil {
		t.Fatal(err)
	}
	defer be.Close()
	be.SetDeadline(time.Now().Add(5 * time.Second))
	be.Write([]byte{'B', 0, 0, 11, 0, 0, 0, 0, 0, 0, 0, 0})
	refusal, _ := io.ReadAll(be)
	if len(refusal) < 8 || refusal[0] != 0 || !bytes.Contains(refusal, []byte("little-endian")) {
		t.Errorf("big-endian client: got %q, want a refusal naming the reason", refusal)
	}

	bad, _ := rawConn(t, s)
	bad.Write([]byte{43, 0, 0, 0})
	if n, err := bad.Read(make([]byte, 32)); err == nil {
		t.Errorf("zero-length request: read %d bytes, want the connection closed", n)
	}

	good.Write([]byte{43, 0, 1, 0})
	var msg [32]byte
	if _, err := io.ReadFull(good, msg[:]); err != nil || msg[0] != 1 {
		t.Errorf("the good client after the bad ones: % x, %v", msg[:8], err)
	}
}

// TestLocalAnswers: atoms, properties, extensions, geometry and the
// keyboard map through a real X client library (xgb).
func TestLocalAnswers(t *testing.T) {
	s, _ := startServer(t)
	nc, err := net.Dial("unix", s.SocketPath())
	if err != nil {
		t.Fatal(err)
	}
	x, err := xgb.NewConnNet(nc)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	setup := xproto.Setup(x)
	scr := setup.DefaultScreen(x)
	if scr.RootDepth != 24 || scr.WidthInPixels != 640 || setup.MinKeycode != 8 {
		t.Errorf("screen depth %d width %d min keycode %d", scr.RootDepth, scr.WidthInPixels, setup.MinKeycode)
	}
	a, err := xproto.InternAtom(x, false, 10, "XFAR_ATOM1").Reply()
	if err != nil {
		t.Fatal(err)
	}
	if n, err := xproto.GetAtomName(x, a.Atom).Reply(); err != nil || n.Name != "XFAR_ATOM1" {
		t.Errorf("GetAtomName(%d) = %v, %v", a.Atom, n, err)
	}
	if p, _ := xproto.InternAtom(x, false, 7, "WM_NAME").Reply(); p == nil || p.Atom != xproto.AtomWmName {
		t.Errorf("WM_NAME is not the predefined atom 39: %v", p)
	}
	wid, _ := xproto.NewWindowId(x)
	xproto.CreateWindow(x, 24, wid, scr.Root, 10, 20, 100, 50, 2, xproto.WindowClassInputOutput,
		scr.RootVisual, xproto.CwBackPixel, []uint32{0xffffff})
	xproto.ChangeProperty(x, xproto.PropModeReplace, wid, a.Atom, xproto.AtomString, 8, 10, []byte("0123456789"))
	xproto.ChangeProperty(x, xproto.PropModeAppend, wid, a.Atom, xproto.AtomString, 8, 2, []byte("ab"))
	p, err := xproto.GetProperty(x, false, wid, a.Atom, xproto.AtomString, 1, 2).Reply()
	if err != nil {
		t.Fatal(err)
	}
	if string(p.Value) != "456789ab" || p.BytesAfter != 0 || p.Format != 8 {
		t.Errorf("GetProperty(offset 1, length 2) = %q after %d, format %d", p.Value, p.BytesAfter, p.Format)
	}
	if p, _ := xproto.GetProperty(x, false, wid, a.Atom, xproto.AtomInteger, 0, 10).Reply(); p == nil || p.ValueLen != 0 || p.BytesAfter != 12 {
		t.Errorf("GetProperty with the wrong type: %+v, want no value and 12 bytes after", p)
	}
	g, err := xproto.GetGeometry(x, xproto.Drawable(wid)).Reply()
	if err != nil || g.X != 10 || g.Y != 20 || g.Width != 100 || g.BorderWidth != 2 {
		t.Errorf("GetGeometry = %+v, %v", g, err)
	}
	for name, present := range map[string]bool{"BIG-REQUESTS": true, "RENDER": false, "XInputExtension": false} {
		e, err := xproto.QueryExtension(x, uint16(len(name)), name).Reply()
		if err != nil || e.Present != present {
			t.Errorf("QueryExtension(%s) = %+v, %v; want present %v", name, e, err, present)
		}
	}
	km, err := xproto.GetKeyboardMapping(x, 38, 1).Reply()
	if err != nil || len(km.Keysyms) < 2 || km.Keysyms[0] != 'a' || km.Keysyms[1] != 'A' {
		t.Errorf("keycode 38 maps to %v, %v; want a A (US layout)", km, err)
	}
	c, err := xproto.AllocNamedColor(x, scr.DefaultColormap, 9, "goldenrod").Reply()
	if err != nil || c.Pixel != 0xdaa520 {
		t.Errorf("AllocNamedColor(goldenrod) = %+v, %v; want pixel 0xdaa520", c, err)
	}
	if err := xproto.OpenFontChecked(x, xproto.Font(wid+1), 5, "fixed").Check(); err != nil {
		t.Errorf("OpenFont(fixed): %v", err)
	}
	f, err := xproto.QueryFont(x, xproto.Fontable(wid+1)).Reply()
	if err != nil || f.FontAscent != 11 || f.FontDescent != 2 || f.MaxBounds.CharacterWidth != 6 {
		t.Errorf("QueryFont(fixed) = ascent %d descent %d width %d, %v; want 6x13's 11 2 6",
			f.FontAscent, f.FontDescent, f.MaxBounds.CharacterWidth, err)
	}
}
