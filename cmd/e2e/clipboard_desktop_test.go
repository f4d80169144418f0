package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// deskClip runs an xclip or xsel command on the desktop, with stdin.
func (d *deskDesktop) clip(t *testing.T, stdin []byte, name string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), d.env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	return cmd
}

func deskBigText(n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "Grüße, 世界 ✓ 𝄞 desktop %d\n", i%10)
	}
	return b.Bytes()
}

// TestDesktopClipboard: with xview open on a desktop, what a desktop
// program copies (xclip, xsel) reaches xfar clients, and what an xfar
// client copies reaches the desktop's programs: short text and 1 MiB of
// non-ASCII text, byte for byte, CLIPBOARD and PRIMARY.
func TestDesktopClipboard(t *testing.T) {
	for _, tool := range []string{"xclip", "xsel"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (Debian package %s); the desktop clipboard test needs it", tool, tool)
		}
	}
	ds := startDeskSetup(t)
	c, err := xclient.DialAddr("tcp", fmt.Sprintf("127.0.0.1:%d", protocol.TCPBasePort+ds.s.n), xclient.WithAuth(ds.s.cookie))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	// Desktop → display.
	for i, text := range [][]byte{[]byte("copied on the desktop: naïve ✓"), deskBigText(1 << 20)} {
		in := ds.d.clip(t, text, "xclip", "-quiet", "-selection", "clipboard", "-i")
		if err := in.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { in.Process.Kill(); in.Wait() }()
		var got []byte
		for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
			if got, err = c.ReadSelection(ctx, protocol.Clipboard, protocol.MimeText); err == nil && bytes.Equal(got, text) {
				break
			}
		}
		if !bytes.Equal(got, text) {
			t.Fatalf("pass %d: the display's CLIPBOARD holds %d bytes (%v), want the desktop's %d bytes", i, len(got), err, len(text))
		}
	}

	// Display → desktop, read with xclip (CLIPBOARD) and xsel (PRIMARY).
	short := "copied in an xfar client ✓ 世界"
	if err := c.SetClipboardText(short); err != nil {
		t.Fatal(err)
	}
	big := deskBigText(1 << 20)
	if err := c.SetSelection(protocol.Primary, map[string][]byte{protocol.MimeText: big}); err != nil {
		t.Fatal(err)
	}
	for _, cs := range []struct {
		name string
		cmd  []string
		want []byte
	}{
		{"xclip CLIPBOARD", []string{"xclip", "-o", "-selection", "clipboard"}, []byte(short)},
		{"xsel PRIMARY", []string{"xsel", "--primary", "--output"}, big},
	} {
		var got []byte
		var err error
		for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(150 * time.Millisecond) {
			if got, err = ds.d.clip(t, nil, cs.cmd[0], cs.cmd[1:]...).Output(); err == nil && bytes.Equal(got, cs.want) {
				break
			}
		}
		if !bytes.Equal(got, cs.want) {
			t.Fatalf("%s on the desktop: %d bytes %.40q (%v), want %d bytes %.40q", cs.name, len(got), got, err, len(cs.want), cs.want)
		}
	}
	if strings.Contains(ds.s.err.String(), "clipboard sharing stopped") {
		t.Errorf("xview's clipboard stopped:\n%s", ds.s.err.String())
	}
}
