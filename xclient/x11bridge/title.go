package x11bridge

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"unicode/utf8"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/internal/xsel"
	"github.com/xfar/xfar/protocol"
)

// fallbackTitle names a window that has neither _NET_WM_NAME nor WM_NAME,
// as a window list would: its WM_CLASS class, else the program's command
// (WM_COMMAND, else the process behind _NET_WM_PID, which runs on this
// machine when the X server is the bridge's own).
func (m *mirror) fallbackTitle(w *xwin) string {
	if v := m.rawProperty(w.id, xproto.AtomWmClass, xproto.AtomString); len(v) > 0 {
		// "instance\0class\0": the class reads better ("XLogo").
		parts := bytes.Split(bytes.TrimRight(v, "\x00"), []byte{0})
		if s := parts[len(parts)-1]; len(s) > 0 {
			return clipTitle(string(xsel.FromLatin1(s)))
		}
	}
	if v := m.rawProperty(w.id, xproto.AtomWmCommand, xproto.AtomString); len(v) > 0 {
		if argv0, _, _ := bytes.Cut(v, []byte{0}); len(argv0) > 0 {
			return clipTitle(filepath.Base(string(xsel.FromLatin1(argv0))))
		}
	}
	if v := m.rawProperty(w.id, m.wm.netWMPid, xproto.AtomCardinal); len(v) >= 4 {
		pid := xgb.Get32(v)
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil {
			if argv0, _, _ := bytes.Cut(b, []byte{0}); len(argv0) > 0 {
				return clipTitle(filepath.Base(string(argv0)))
			}
		}
	}
	return ""
}

// rawProperty reads a window property of type typ (8-bit or 32-bit
// items), at most 4 KiB of it; nil when absent.
func (m *mirror) rawProperty(win xproto.Window, prop, typ xproto.Atom) []byte {
	r, err := xproto.GetProperty(m.x, false, win, prop, typ, 0, 1024).Reply()
	if err != nil || r.ValueLen == 0 || r.Type != typ {
		return nil
	}
	return r.Value
}

// clipTitle shortens s to protocol.MaxTitle bytes on a rune boundary and
// makes it valid UTF-8.
func clipTitle(s string) string {
	if !utf8.ValidString(s) {
		s = string([]rune(s))
	}
	for len(s) > protocol.MaxTitle {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
	}
	return s
}
