package protocol_test

import (
	"bytes"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/xfar/xfar/protocol"
)

// specExample is one worked example of SPEC.md §17: the bytes this package
// produces, which the spec must show verbatim (as an encoding/hex.Dump).
type specExample struct {
	name  string
	bytes []byte
}

func specExamples(t *testing.T) []specExample {
	var hello bytes.Buffer
	if _, err := (&protocol.ClientHello{Major: 1, Minor: 0, Codecs: []string{"zstd", "s2", "none"}}).WriteTo(&hello); err != nil {
		t.Fatal(err)
	}
	var shello bytes.Buffer
	if _, err := (&protocol.ServerHello{Accepted: true, Major: 1, Minor: 0, Root: 1, IDBase: 0x00200000,
		IDMask: 0x001FFFFF, MaxRequest: protocol.DefaultMaxRequest, Width: 1280, Height: 800, Codec: "zstd", Vendor: "xfar"}).WriteTo(&shello); err != nil {
		t.Fatal(err)
	}
	const win, gc = 0x00200001, 0x00200002
	var reqs []byte
	for _, r := range []protocol.Request{
		&protocol.CreateWindow{Window: win, Parent: 1, X: 100, Y: 100, Width: 400, Height: 300,
			Background: 0xFFFFFF, EventMask: protocol.KeyPressMask | protocol.ButtonPressMask | protocol.ExposureMask | protocol.StructureNotifyMask},
		&protocol.CreateGC{GC: gc, Drawable: win, Values: protocol.GCValues{ValueMask: protocol.GCForeground, Foreground: 0xFF0000}},
		&protocol.IDRequest{Op: protocol.OpMapWindow, ID: win},
		&protocol.PolyPoint{Op: protocol.OpPolyLine, Drawable: win, GC: gc, CoordMode: protocol.CoordModeOrigin,
			Points: []protocol.Point{{10, 10}, {390, 10}, {200, 290}, {10, 10}}},
	} {
		var err error
		if reqs, err = protocol.AppendRequest(reqs, r); err != nil {
			t.Fatal(err)
		}
	}
	expose := protocol.AppendEvent(nil, &protocol.Event{Code: protocol.Expose, Seq: 3, Time: 5000, Window: win, Width: 400, Height: 300})
	return []specExample{
		{"client hello", hello.Bytes()},
		{"server hello", shello.Bytes()},
		{"requests", reqs},
		{"expose", expose},
	}
}

// TestSpecExamples checks that SPEC.md shows exactly the bytes this package
// produces for its worked examples, so the spec cannot rot.
func TestSpecExamples(t *testing.T) {
	spec, err := os.ReadFile("SPEC.md")
	if err != nil {
		t.Fatalf("read SPEC.md: %v", err)
	}
	for _, ex := range specExamples(t) {
		dump := hex.Dump(ex.bytes)
		if !strings.Contains(string(spec), dump) {
			t.Errorf("SPEC.md lacks the %s example; it should contain:\n%s", ex.name, dump)
		}
	}
}

// TestSpecTables checks SPEC.md's opcode, event and error tables against
// the constants: every row's name and number must match the code.
func TestSpecTables(t *testing.T) {
	spec, err := os.ReadFile("SPEC.md")
	if err != nil {
		t.Fatalf("read SPEC.md: %v", err)
	}
	s := string(spec)
	for _, op := range allOpcodes {
		row := "| " + strconv.Itoa(int(op)) + " | " + op.String() + " |"
		if !strings.Contains(s, row) {
			t.Errorf("SPEC.md has no opcode row %q", row)
		}
	}
	for _, c := range allEventCodes {
		row := "| " + strconv.Itoa(int(c)) + " | " + c.String() + " |"
		if !strings.Contains(s, row) {
			t.Errorf("SPEC.md has no event row %q", row)
		}
	}
	for _, e := range errorFixtures() {
		row := "| " + strconv.Itoa(int(e.Code)) + " | " + e.Code.String() + " |"
		if !strings.Contains(s, row) {
			t.Errorf("SPEC.md has no error row %q", row)
		}
	}
}
