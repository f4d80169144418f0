package main

import (
	"context"
	"encoding/json"
	"image"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// formRun is the form demo running in the background against a real
// server, watched by an observer connection.
type formRun struct {
	t              *testing.T
	srv            *displayserver.Server
	obs            *xclient.Conn
	stdout, stderr *syncBuffer
	cancel         context.CancelFunc
	code           chan int
	win            image.Rectangle // the form window on the screen
}

func startForm(t *testing.T, split string) *formRun {
	t.Helper()
	srv, display := startServer(t)
	f := &formRun{t: t, srv: srv, stdout: &syncBuffer{}, stderr: &syncBuffer{}, code: make(chan int, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	t.Cleanup(cancel)
	args := []string{"--display", display, "--auth", cookie, "--demo", "form", "--split", split}
	go func() { f.code <- run(ctx, args, f.stdout, f.stderr) }()
	obs, err := xclient.Dial(display, xclient.WithAuth(cookie))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { obs.Close() })
	f.obs = obs
	f.poll("the form window is mapped", func() bool {
		tree, err := obs.QueryTree(obs.Root())
		if err != nil || len(tree.Children) != 1 {
			return false
		}
		g, err := obs.GetGeometry(xclient.Window(tree.Children[0]))
		if err != nil || !g.Mapped {
			return false
		}
		f.win = image.Rect(int(g.X), int(g.Y), int(g.X)+int(g.Width), int(g.Y)+int(g.Height))
		return true
	})
	return f
}

func (f *formRun) poll(what string, cond func() bool) {
	f.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			f.t.Fatalf("%s: not after 5s; log:\n%s", what, f.stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (f *formRun) screen() *image.RGBA {
	img, err := f.obs.GetImage(f.obs.Root(), f.win.Min.X, f.win.Min.Y, f.win.Dx(), f.win.Dy())
	if err != nil {
		f.t.Fatal(err)
	}
	return img
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
