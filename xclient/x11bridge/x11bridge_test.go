package x11bridge

import (
	"context"
	"io"
	"log"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/internal/xvfb"
)

// quietXGB silences xgb's package-global logger once: a reader goroutine
// of an earlier test's connection may still read it, unsynchronised, when
// the next test starts, so writing it per test is a data race.
var quietXGB sync.Once

func startXvfb(t *testing.T) *xvfb.Server {
	t.Helper()
	quietXGB.Do(func() { xgb.Logger = log.New(io.Discard, "", 0) })
	s, err := xvfb.Start(context.Background(), xvfb.Options{Auth: true, Width: 320, Height: 240})
	if err != nil {
		t.Fatalf("Xvfb (Debian package xvfb): %v", err)
	}
	t.Cleanup(func() { s.Stop() })
	return s
}

// TestDialXCookie: the cookie from the private server's Xauthority file
// gets in; a wrong one does not.
func TestDialXCookie(t *testing.T) {
	s := startXvfb(t)
	x, err := DialX(s.Display, s.AuthFile)
	if err != nil {
		t.Fatalf("DialX with the right cookie: %v", err)
	}
	x.Close()
	wrong := filepath.Join(t.TempDir(), "Xauthority")
	b, _ := os.ReadFile(s.AuthFile)
	for i := 0; i < len(b); i++ {
		// Spoil every entry's cookie: the 16 bytes after the name
		// "MIT-MAGIC-COOKIE-1" and a 2-byte length.
		if string(b[i:min(i+18, len(b))]) == "MIT-MAGIC-COOKIE-1" {
			b[i+20] ^= 0xff
		}
	}
	os.WriteFile(wrong, b, 0o600)
	if x, err := DialX(s.Display, wrong); err == nil {
		x.Close()
		t.Fatal("DialX with a wrong cookie succeeded")
	}
}

// TestKeymap: keysyms map to the X server's keycodes and Shift levels, and
// a keysym the map lacks is bound to a spare keycode on the server.
func TestKeymap(t *testing.T) {
	s := startXvfb(t)
	x, err := DialX(s.Display, s.AuthFile)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	k, err := loadKeymap(x)
	if err != nil {
		t.Fatal(err)
	}
	ca, sa, ok1 := k.lookup('a')
	cA, sA, ok2 := k.lookup('A')
	_, sRet, ok3 := k.lookup(0xff0d)
	if !ok1 || !ok2 || !ok3 || ca != cA || sa != shiftOff || sA != shiftOn || sRet != shiftAny {
		t.Errorf("a: %d/%d, A: %d/%d, Return: %d (ok %v %v %v)", ca, sa, cA, sA, sRet, ok1, ok2, ok3)
	}
	const lambda = 0x010003bb
	if _, _, ok := k.lookup(lambda); ok {
		t.Fatal("the US map has λ; pick another keysym for this test")
	}
	code, err := k.bindSpare(x, lambda, func(xproto.Keycode) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	rep, err := xproto.GetKeyboardMapping(x, code, 1).Reply()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Keysyms[0] != lambda {
		t.Errorf("keycode %d maps to %#x on the server, want λ", code, rep.Keysyms[0])
	}
	if c, sh, ok := k.lookup(lambda); !ok || c != code || sh != shiftAny {
		t.Errorf("lookup(λ) = %d, %d, %v; want %d, any, true", c, sh, ok, code)
	}
}

func TestCoalesce(t *testing.T) {
	r := func(x, y, w, h int) xproto.Rectangle {
		return xproto.Rectangle{X: int16(x), Y: int16(y), Width: uint16(w), Height: uint16(h)}
	}
	for _, c := range []struct {
		name string
		in   []xproto.Rectangle
		want []xproto.Rectangle
	}{
		{"far apart stay apart", []xproto.Rectangle{r(0, 0, 10, 10), r(100, 100, 10, 10)},
			[]xproto.Rectangle{r(0, 0, 10, 10), r(100, 100, 10, 10)}},
		{"filling their box merge", []xproto.Rectangle{r(0, 0, 10, 10), r(10, 0, 10, 10), r(0, 10, 15, 10)},
			[]xproto.Rectangle{r(0, 0, 20, 20)}},
	} {
		if got := coalesce(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	many := make([]xproto.Rectangle, maxRects+1)
	for i := range many {
		many[i] = r(i*20, 0, 1, 1)
	}
	if got := coalesce(many); len(got) != 1 || got[0] != r(0, 0, maxRects*20+1, 1) {
		t.Errorf("many rects: got %v", got)
	}
	if got := clip([]xproto.Rectangle{r(-1, -1, 5, 5), r(8, 8, 5, 5), r(20, 0, 1, 1)}, 10, 10); !reflect.DeepEqual(got,
		[]xproto.Rectangle{r(0, 0, 4, 4), r(8, 8, 2, 2)}) {
		t.Errorf("clip: got %v", got)
	}
}
