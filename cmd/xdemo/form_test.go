package main

import (
	"context"
	"encoding/json"
	"image"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
)

// formRun is the form demo: xdemo's harness with form-specific helpers.
type formRun = demoRun

func startForm(t *testing.T, split string) *formRun {
	t.Helper()
	return startRun(t, "--demo", "form", "--split", split)
}

func (f *formRun) click(x, y int) {
	f.srv.Input(feed.InputEvent{Kind: feed.PointerMove, X: f.win.Min.X + x, Y: f.win.Min.Y + y})
	f.srv.Input(feed.InputEvent{Kind: feed.ButtonDown, X: f.win.Min.X + x, Y: f.win.Min.Y + y, Button: 1})
	f.srv.Input(feed.InputEvent{Kind: feed.ButtonUp, X: f.win.Min.X + x, Y: f.win.Min.Y + y, Button: 1})
}

func (f *formRun) typeText(s string) {
	for _, r := range s {
		f.srv.Input(feed.InputEvent{Kind: feed.KeyDown, X: f.win.Min.X + 20, Y: f.win.Min.Y + 20,
			Keysym: protocol.KeysymForRune(r), Text: string(r)})
		f.srv.Input(feed.InputEvent{Kind: feed.KeyUp, X: f.win.Min.X + 20, Y: f.win.Min.Y + 20,
			Keysym: protocol.KeysymForRune(r)})
	}
}

// state ends the demo and returns the state it printed.
func (f *formRun) state() formState {
	f.t.Helper()
	f.cancel()
	select {
	case code := <-f.code:
		if code != 0 {
			f.t.Fatalf("exit code %d; log:\n%s", code, f.stderr.String())
		}
	case <-time.After(5 * time.Second):
		f.t.Fatalf("form still running; log:\n%s", f.stderr.String())
	}
	out := f.stdout.String()
	i := strings.Index(out, "form state ")
	if i < 0 {
		f.t.Fatalf("no state printed: %q", out)
	}
	var st formState
	if err := json.Unmarshal([]byte(strings.TrimSpace(out[i+len("form state "):])), &st); err != nil {
		f.t.Fatal(err)
	}
	return st
}

// TestFormAddsEntries types into the field and clicks Add in every
// split, and checks the application's state and the list on screen.
func TestFormAddsEntries(t *testing.T) {
	for _, split := range []string{"draw", "pixels", "widgets"} {
		t.Run(split, func(t *testing.T) {
			f := startForm(t, split)
			before := f.screen()
			f.typeText("hi")
			f.poll("the typed text shows", func() bool { return !sameRGBA(before, f.screen()) })
			// The Add button is at the right end of the first row.
			f.click(f.win.Dx()-20, 20)
			f.poll("the entry is added", func() bool { return strings.Contains(f.stderr.String(), "entry added") })
			f.typeText("yo")
			f.srv.Input(feed.InputEvent{Kind: feed.KeyDown, X: f.win.Min.X + 20, Y: f.win.Min.Y + 20, Keysym: protocol.KeyReturn, Text: "\r"})
			f.poll("the second entry is added", func() bool { return strings.Contains(f.stderr.String(), "entries=2") })
			f.typeText("z")
			time.Sleep(50 * time.Millisecond)
			st := f.state()
			if strings.Join(st.Entries, ",") != "hi,yo" || st.Count != "2 entries" || st.Field != "z" || st.Selected != -1 {
				t.Fatalf("state %+v", st)
			}
		})
	}
}

func sameRGBA(a, b *image.RGBA) bool {
	return a.Bounds() == b.Bounds() && string(a.Pix) == string(b.Pix)
}

// TestFormBadSplit checks that an unknown split is a usage error.
func TestFormBadSplit(t *testing.T) {
	if code := run(context.Background(), []string{"--demo", "form", "--split", "bogus"}, io.Discard, io.Discard); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	if code := run(context.Background(), []string{"--demo", "bogus"}, io.Discard, io.Discard); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
}
