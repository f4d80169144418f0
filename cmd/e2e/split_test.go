package e2e

import (
	"fmt"
	"image"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/widget"
)

// splitWords are what the scripted session types: 5 words of 6
// characters, 30 key presses, each followed by a click on Add.
var splitWords = []string{"alpha1", "bravo2", "charli", "delta4", "echo55"}

// runSplitScript is the scripted session: type 30 characters (waiting
// for each to show), click Add 5 times, scroll the list down with the
// wheel and select its first visible row. It returns the time from each
// key press to its character on the display.
func runSplitScript(s *splitSession) []time.Duration {
	s.t.Helper()
	var lat []time.Duration
	for i, w := range splitWords {
		for _, r := range w {
			lat = append(lat, s.typeEchoed(r))
		}
		s.addAndWait(i + 1)
	}
	lp := s.listPoint()
	s.click(lp, 5)
	s.click(lp, 5)
	s.click(lp, 1)
	s.poll(10*time.Second, "the first visible row is selected", func() bool {
		return strings.Contains(s.log.String(), "entry selected")
	})
	return lat
}

// TestSplitScriptedSession runs the scripted session in every split and
// checks that the application ends in the same state.
func TestSplitScriptedSession(t *testing.T) {
	want := splitState{Entries: splitWords, Count: "5 entries", Field: "", Selected: 1, Scroll: 1}
	for _, split := range splits {
		t.Run(split, func(t *testing.T) {
			s := startSplit(t, split, 0, "zstd")
			runSplitScript(s)
			got := s.stop()
			if got.Split != split {
				t.Fatalf("state from split %q", got.Split)
			}
			got.Split = ""
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("split %s ends in state %+v, want %+v", split, got, want)
			}
		})
	}
}

// TestSplitPicturesMatch drives the form the same way in every split
// (typing, adding, selecting, hovering over Add) and compares the
// display's /snapshot.png: every pixel must be the same.
func TestSplitPicturesMatch(t *testing.T) {
	shots := map[string]image.Image{}
	for _, split := range splits {
		t.Run(split, func(t *testing.T) {
			s := startSplit(t, split, 0, "zstd")
			for _, r := range "hello" {
				s.typeEchoed(r)
			}
			s.addAndWait(1)
			for _, r := range "wörld" {
				s.typeEchoed(r)
			}
			s.addAndWait(2)
			for _, r := range "typed" {
				s.typeEchoed(r)
			}
			s.click(s.listPoint(), 1)
			s.poll(10*time.Second, "an entry is selected", func() bool { return strings.Contains(s.log.String(), "entry selected") })
			// Hover over Add: its face lightens.
			b := s.addButton()
			s.input(feed.InputEvent{Kind: feed.PointerMove, X: b.X, Y: b.Y})
			s.poll(10*time.Second, "Add shows hover", func() bool {
				return s.px(s.screen(s.win.Sub(s.win.Min)), b.X, b.Y) == widget.ColorButtonHover
			})
			shots[split] = s.snapshot()
		})
	}
	ref := shots["pixels"]
	for _, split := range []string{"draw", "widgets"} {
		if ref == nil || shots[split] == nil {
			t.Fatal("a split failed to produce a snapshot")
		}
		if n, box := diffImages(ref, shots[split]); n != 0 {
			t.Errorf("split %s differs from pixels in %d pixels within %v", split, n, box)
		}
	}
}

// TestSplitTypingIsLocal checks the point of the widgets split: typing
// into the field shows the characters with no message to or from the
// application, which hears of the text only on Return; in the draw split
// every key is an event and a redraw.
func TestSplitTypingIsLocal(t *testing.T) {
	const text = "0123456789"
	for _, split := range []string{"widgets", "draw"} {
		t.Run(split, func(t *testing.T) {
			s := startSplit(t, split, 0, "none") // uncompressed, so the link counts messages
			time.Sleep(50 * time.Millisecond)    // let start-up traffic finish
			before := s.proxy.Stats()
			for _, r := range text {
				s.typeEchoed(r)
			}
			// The draw split's redraws may still be on their way back when
			// the field already shows the last character.
			time.Sleep(50 * time.Millisecond)
			typing := s.proxy.Stats().Sub(before)
			s.key('\r')
			s.poll(10*time.Second, "Return adds the entry", func() bool { return strings.Contains(s.log.String(), "entries=1 ") })
			time.Sleep(50 * time.Millisecond)
			submit := s.proxy.Stats().Sub(before).Sub(typing)
			t.Logf("%s: typing %d chars: %d messages (%d B) to the app, %d (%d B) from it; Return: %d messages to the app",
				split, len(text), typing.Down.Messages, typing.Down.Bytes, typing.Up.Messages, typing.Up.Bytes, submit.Down.Messages)
			switch split {
			case "widgets":
				if typing.Down.Messages != 0 || typing.Up.Messages != 0 {
					t.Fatalf("typing crossed the network: %d messages to the app, %d from it", typing.Down.Messages, typing.Up.Messages)
				}
				if n := submit.Down.ByType[protocol.WidgetNotify]; n != 1 || submit.Down.Messages != 1 {
					t.Fatalf("Return sent %d messages (%d WidgetNotify), want exactly one WidgetNotify", submit.Down.Messages, n)
				}
			case "draw":
				if n := typing.Down.ByType[protocol.KeyPress]; n != int64(len(text)) {
					t.Fatalf("%d KeyPress events for %d keys", n, len(text))
				}
				if n := typing.Up.ByType[protocol.OpDrawText]; n < int64(len(text)) {
					t.Fatalf("%d DrawText requests for %d keys: each key should redraw the field", n, len(text))
				}
				if typing.Down.ByType[protocol.WidgetNotify] != 0 {
					t.Fatal("WidgetNotify in the draw split")
				}
			}
			if st := s.stop(); fmt.Sprint(st.Entries) != "["+text+"]" {
				t.Fatalf("state %+v", st)
			}
		})
	}
}
