package remote

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"testing"

	"github.com/xfar/xfar/displayserver/feed"
)

// encodeUpdate builds an update message by hand, with the payload length
// it should have plus lenDelta.
func encodeUpdate(w, h int, full bool, rects []image.Rectangle, pixPerRect []int, lenDelta int) []byte {
	var p []byte
	p = binary.LittleEndian.AppendUint64(p, 1)
	p = binary.LittleEndian.AppendUint16(p, uint16(w))
	p = binary.LittleEndian.AppendUint16(p, uint16(h))
	if full {
		p = append(p, 1)
	} else {
		p = append(p, 0)
	}
	p = binary.LittleEndian.AppendUint32(p, uint32(len(rects)))
	for i, r := range rects {
		for _, v := range []int{r.Min.X, r.Min.Y, r.Dx(), r.Dy()} {
			p = binary.LittleEndian.AppendUint16(p, uint16(v))
		}
		p = append(p, make([]byte, 4*pixPerRect[i])...)
	}
	b := []byte{msgUpdate}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(p)+lenDelta))
	return append(b, p...)
}

// TestUpdateRoundTrip encodes updates the way the server does and decodes
// them the way a viewer does.
func TestUpdateRoundTrip(t *testing.T) {
	up := &feed.Update{Seq: 7, Width: 64, Height: 32, Full: false, Rects: []feed.Rect{
		{Rectangle: image.Rect(1, 2, 4, 4), Pix: []uint32{1, 2, 3, 4, 5, 0xffffff}},
		{Rectangle: image.Rect(10, 10, 11, 11), Pix: []uint32{0x123456}},
	}}
	var buf bytes.Buffer
	if _, err := writeUpdate(&buf, up, nil); err != nil {
		t.Fatal(err)
	}
	var u wireUpdate
	ok, err := readUpdate(&buf, &u)
	if err != nil || !ok {
		t.Fatalf("readUpdate: ok %v err %v", ok, err)
	}
	if u.seq != 7 || u.w != 64 || u.h != 32 || u.full || len(u.rects) != 2 {
		t.Fatalf("decoded %+v", u)
	}
	for i, r := range up.Rects {
		if u.rects[i].r != r.Rectangle {
			t.Errorf("rect %d = %v, want %v", i, u.rects[i].r, r.Rectangle)
		}
		for j, p := range r.Pix {
			if got := binary.LittleEndian.Uint32(u.rects[i].pix[4*j:]); got != p {
				t.Errorf("rect %d pixel %d = %#x, want %#x", i, j, got, p)
			}
		}
	}
}

// TestUpdateBounds feeds messages that break each rule and checks they are
// refused as protocol violations, before any large allocation.
func TestUpdateBounds(t *testing.T) {
	r := image.Rect(0, 0, 2, 2)
	for _, tc := range []struct {
		name string
		msg  []byte
	}{
		{"outside screen", encodeUpdate(4, 4, true, []image.Rectangle{image.Rect(3, 3, 5, 5)}, []int{4}, 0)},
		{"empty rect", encodeUpdate(4, 4, true, []image.Rectangle{image.Rect(1, 1, 1, 3)}, []int{0}, 0)},
		{"zero screen", encodeUpdate(0, 4, true, nil, nil, 0)},
		{"huge screen", encodeUpdate(16384, 16384, true, nil, nil, 0)},
		{"length beyond screen", encodeUpdate(4, 4, true, []image.Rectangle{r}, []int{4}, 1<<30)},
		{"too many pixels", encodeUpdate(4, 4, true, []image.Rectangle{r, r, r, r, r}, []int{4, 4, 4, 4, 4}, 0)},
		{"trailing bytes", encodeUpdate(4, 4, true, []image.Rectangle{r}, []int{5}, 0)},
		{"unknown type too long", binary.LittleEndian.AppendUint32([]byte{99}, 1<<30)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var u wireUpdate
			_, err := readUpdate(bytes.NewReader(tc.msg), &u)
			if !errors.Is(err, errProtocol) {
				t.Fatalf("readUpdate: %v, want a protocol violation", err)
			}
			if cap(u.pixbuf) > 1<<20 {
				t.Fatalf("allocated %d bytes for a bad message", cap(u.pixbuf))
			}
		})
	}
	// A message of a type this side does not know is skipped, and the
	// next one is read.
	msg := append(binary.LittleEndian.AppendUint32([]byte{99}, 3), 1, 2, 3)
	msg = append(msg, encodeUpdate(4, 4, true, []image.Rectangle{r}, []int{4}, 0)...)
	rd := bytes.NewReader(msg)
	var u wireUpdate
	if ok, err := readUpdate(rd, &u); ok || err != nil {
		t.Fatalf("unknown message: ok %v err %v, want skipped", ok, err)
	}
	if ok, err := readUpdate(rd, &u); !ok || err != nil {
		t.Fatalf("update after an unknown message: ok %v err %v", ok, err)
	}
}

// TestInputRoundTrip checks input encoding both ways and the limits on
// what a viewer may send.
func TestInputRoundTrip(t *testing.T) {
	buf := make([]byte, inputFixed+MaxText)
	for _, ev := range []feed.InputEvent{
		{Kind: feed.KeyDown, X: -3, Y: 700, Keycode: 48, Keysym: 0x1000e9, Mods: 5, Text: "é"},
		{Kind: feed.KeyUp, X: 1, Y: 2, Keycode: 255, Keysym: 0x1000e9},
		{Kind: feed.ButtonDown, X: 1, Y: 2, Button: 7},
		{Kind: feed.ReleaseAll, X: 1, Y: 2},
	} {
		got, ok, err := readInput(bytes.NewReader(appendInput(nil, ev)), buf)
		if err != nil || !ok || got != ev {
			t.Fatalf("round trip: %+v ok %v err %v, want %+v", got, ok, err, ev)
		}
	}
	bad := appendInput(nil, feed.InputEvent{Kind: feed.ButtonDown, Button: 9})
	if _, _, err := readInput(bytes.NewReader(bad), buf); !errors.Is(err, errProtocol) {
		t.Fatalf("button 9: %v, want a protocol violation", err)
	}
	bad = appendInput(nil, feed.InputEvent{Kind: feed.KeyDown, Text: "\xff"})
	if _, _, err := readInput(bytes.NewReader(bad), buf); !errors.Is(err, errProtocol) {
		t.Fatalf("invalid UTF-8: %v, want a protocol violation", err)
	}
}
