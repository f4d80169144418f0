package x11bridge

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// clipEnv holds a display server, one or more bridges (each with its own
// private Xvfb) and an xfar client watching the display's clipboard.
type clipEnv struct {
	srv *displayserver.Server
	c   *xclient.Conn
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newClipEnv(t *testing.T) *clipEnv {
	t.Helper()
	for _, tool := range []string{"Xvfb", "xclip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed (scripts/deps.sh installs it): %v", tool, err)
		}
	}
	srv, err := displayserver.New(displayserver.Config{TCPAddr: "127.0.0.1:0", UnixPath: "none", HTTPAddr: "none",
		AuthFile: "none", NoAuth: true, Logger: quiet(), Width: 640, Height: 480})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c, err := xclient.DialAddr("tcp", srv.TCPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &clipEnv{srv: srv, c: c}
}

// bridge starts a bridge with its own Xvfb, running nothing but a sleeper.
func (e *clipEnv) bridge(t *testing.T) *Bridge {
	t.Helper()
	b, err := Start(context.Background(), Config{Address: e.srv.TCPAddr().String(), Width: 320, Height: 240,
		Command: []string{"sleep", "600"}, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Stop(); b.Wait() })
	return b
}

func xenv(b *Bridge) []string {
	return append(os.Environ(), "DISPLAY="+b.XDisplay(), "XAUTHORITY="+b.XAuthority())
}

// xclipIn makes xclip the owner of sel in b's X server with data of type
// target; it serves requests until the test ends or it loses the selection.
func xclipIn(t *testing.T, b *Bridge, sel, target string, data []byte) {
	t.Helper()
	cmd := exec.Command("xclip", "-quiet", "-selection", sel, "-t", target, "-i")
	cmd.Env = xenv(b)
	cmd.Stdin = bytes.NewReader(data)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
}

// xclipOut reads sel from b's X server as target, with xclip.
func xclipOut(b *Bridge, sel, target string) ([]byte, error) {
	cmd := exec.Command("xclip", "-selection", sel, "-t", target, "-o")
	cmd.Env = xenv(b)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, &exec.ExitError{ProcessState: cmd.ProcessState, Stderr: stderr.Bytes()}
	}
	return out, nil
}

func bigUTF8(n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		b.WriteString("Grüße, 世界 ✓ 𝄞 ")
		b.WriteByte(byte('0' + i%10))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// waitOwner waits until the display's sel offers want (the bridge has
// caught up).
func waitOwner(t *testing.T, ch <-chan *protocol.SelectionOwnerEvent, sel protocol.Selection, want string) *protocol.SelectionOwnerEvent {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case e := <-ch:
			if e.Selection == sel && strings.Contains(strings.Join(e.Types, " "), want) {
				return e
			}
		case <-deadline:
			t.Fatalf("the display's %v never offered %s", sel, want)
		}
	}
}

// TestBridgeClipboardFromX: what an X program copies (short text, 1 MiB
// of non-ASCII text through INCR, a PNG) reaches xfar clients byte for
// byte; short text arrives with the owner change itself.
func TestBridgeClipboardFromX(t *testing.T) {
	e := newClipEnv(t)
	b := e.bridge(t)
	ch, err := e.c.WatchSelections(protocol.AllSelectionsMask)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	short := []byte("héllo from X ✓")
	xclipIn(t, b, "clipboard", "UTF8_STRING", short)
	ev := waitOwner(t, ch, protocol.Clipboard, protocol.MimeText)
	if ev.Flags&protocol.OwnerText == 0 || !bytes.Equal(ev.Text, short) {
		t.Fatalf("owner event carries %q (flags %#x), want %q inline", ev.Text, ev.Flags, short)
	}
	got, err := e.c.ReadSelection(ctx, protocol.Clipboard, protocol.MimeText)
	if err != nil || !bytes.Equal(got, short) {
		t.Fatalf("CLIPBOARD = %q, %v; want %q", got, err, short)
	}

	big := bigUTF8(1 << 20)
	xclipIn(t, b, "primary", "UTF8_STRING", big)
	waitOwner(t, ch, protocol.Primary, protocol.MimeText)
	got, err = e.c.ReadSelection(ctx, protocol.Primary, protocol.MimeText)
	if err != nil || !bytes.Equal(got, big) {
		t.Fatalf("PRIMARY: %d bytes, %v; want the %d bytes xclip holds", len(got), err, len(big))
	}

	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0, 1, 2, 0xff}, 70000)...)
	xclipIn(t, b, "clipboard", "image/png", png)
	waitOwner(t, ch, protocol.Clipboard, protocol.MimePNG)
	got, err = e.c.ReadSelection(ctx, protocol.Clipboard, protocol.MimePNG)
	if err != nil || !bytes.Equal(got, png) {
		t.Fatalf("PNG: %d bytes, %v; want %d", len(got), err, len(png))
	}
}

// TestBridgeClipboardToX: what an xfar client copies is on the X server
// for X programs as UTF8_STRING, STRING, TEXT and through INCR.
func TestBridgeClipboardToX(t *testing.T) {
	e := newClipEnv(t)
	b := e.bridge(t)
	text := "naïve café ✓ 世界"
	if err := e.c.SetClipboardText(text); err != nil {
		t.Fatal(err)
	}
	var got []byte
	var err error
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got, err = xclipOut(b, "clipboard", "UTF8_STRING"); err == nil && string(got) == text {
			break
		}
	}
	if string(got) != text {
		t.Fatalf("xclip -o read %q (%v), want %q", got, err, text)
	}
	targets, err := xclipOut(b, "clipboard", "TARGETS")
	for _, want := range []string{"TARGETS", "UTF8_STRING", "STRING", "TEXT"} {
		if !strings.Contains(string(targets), want) {
			t.Errorf("TARGETS %q (%v) lacks %s", targets, err, want)
		}
	}
	if got, err := xclipOut(b, "clipboard", "STRING"); err != nil || string(got) != "na\xefve caf\xe9 ? ??" {
		t.Errorf("STRING = %q, %v; want Latin-1 with ? for what it cannot hold", got, err)
	}
	if got, err := xclipOut(b, "clipboard", "TEXT"); err != nil || string(got) != text {
		t.Errorf("TEXT = %q, %v", got, err)
	}

	big := bigUTF8(1 << 20)
	if err := e.c.SetSelection(protocol.Primary, map[string][]byte{protocol.MimeText: big}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got, err = xclipOut(b, "primary", "UTF8_STRING"); err == nil && len(got) == len(big) {
			break
		}
	}
	if !bytes.Equal(got, big) {
		t.Fatalf("1 MiB through INCR: xclip read %d bytes (%v), want %d identical", len(got), err, len(big))
	}
}

// TestBridgeClipboardTwoBridges: copy in one bridged X server, paste in
// another, both ways, through the display.
func TestBridgeClipboardTwoBridges(t *testing.T) {
	e := newClipEnv(t)
	b1, b2 := e.bridge(t), e.bridge(t)
	for i, pair := range [][2]*Bridge{{b1, b2}, {b2, b1}} {
		text := []byte("across bridges ✓ " + strings.Repeat("é", i+1))
		xclipIn(t, pair[0], "clipboard", "UTF8_STRING", text)
		var got []byte
		var err error
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if got, err = xclipOut(pair[1], "clipboard", "UTF8_STRING"); err == nil && bytes.Equal(got, text) {
				break
			}
		}
		if !bytes.Equal(got, text) {
			t.Fatalf("pass %d: the other X server's CLIPBOARD is %q (%v), want %q", i, got, err, text)
		}
	}
}

// TestBridgeClipboardAttach: attached to an X server whose CLIPBOARD was
// set before it came, a bridge publishes it when the display has none.
func TestBridgeClipboardAttach(t *testing.T) {
	e := newClipEnv(t)
	x := startXvfb(t)
	t.Setenv("XAUTHORITY", x.AuthFile)
	cmd := exec.Command("xclip", "-quiet", "-selection", "clipboard", "-i")
	cmd.Env = append(os.Environ(), "DISPLAY="+x.Display)
	cmd.Stdin = strings.NewReader("set before the bridge ✓")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	time.Sleep(300 * time.Millisecond) // xclip owns the selection
	b, err := Start(context.Background(), Config{Address: e.srv.TCPAddr().String(), X11: x.Display, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { b.Stop(); b.Wait() }()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var got string
	for ctx.Err() == nil {
		if got, err = e.c.ClipboardText(ctx); err == nil && got == "set before the bridge ✓" {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the display's CLIPBOARD is %q (%v), want the X server's", got, err)
}
