package protocol_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/xfar/xfar/protocol"
)

// fxWidgetTree is a form: a column holding a row (field, button), a label,
// a list and a canvas.
func fxWidgetTree() *protocol.CreateWidgetTree {
	return &protocol.CreateWidgetTree{Window: fxWin, Nodes: []protocol.WidgetNode{
		{ID: 1, Kind: protocol.WidgetColumn, Children: 4},
		{ID: 2, Kind: protocol.WidgetRow, Children: 2},
		{ID: 3, Kind: protocol.WidgetTextField, Flags: protocol.WidgetExpand, W: 200, Text: "héllo"},
		{ID: 4, Kind: protocol.WidgetButton, Text: "Add", Ref: 3},
		{ID: 5, Kind: protocol.WidgetLabel, Text: "0 entries"},
		{ID: 6, Kind: protocol.WidgetList, H: 100, Items: []string{"one", "", "thrée"}},
		{ID: 7, Kind: protocol.WidgetCanvas, W: 100, H: 50, Ops: []protocol.CanvasOp{
			{Kind: protocol.CanvasFill, Color: 0xff0000, X: -1, Y: 2, W: 30, H: 40},
			{Kind: protocol.CanvasText, Font: protocol.FontBold, Size: 12, Color: 0x00ff00, X: 5, Y: 20, Text: "hi"},
		}},
	}}
}

func fxUpdateWidget() *protocol.UpdateWidget {
	return &protocol.UpdateWidget{Window: fxWin, Widget: 6, Prop: protocol.PropAppend, Value: -1,
		Strings: []string{"four", "fïve"}}
}

func decodeBody(t *testing.T, r protocol.Request) (protocol.Request, error) {
	t.Helper()
	return protocol.DecodeRequest(r.Opcode(), r.AppendBody(nil))
}

func wantCode(t *testing.T, name string, err error, code protocol.ErrorCode) {
	t.Helper()
	var de *protocol.DecodeError
	if !errors.As(err, &de) || de.Code != code {
		t.Errorf("%s: got %v, want %v", name, err, code)
	}
}

// TestWidgetRequestsRoundTrip covers the variants the shared fixtures do
// not: canvas updates and every property.
func TestWidgetRequestsRoundTrip(t *testing.T) {
	reqs := []protocol.Request{
		&protocol.UpdateWidget{Window: fxWin, Widget: 7, Prop: protocol.PropOps, Ops: fxWidgetTree().Nodes[6].Ops},
		&protocol.UpdateWidget{Window: fxWin, Widget: 3, Prop: protocol.PropText, Strings: []string{""}},
		&protocol.UpdateWidget{Window: fxWin, Widget: 6, Prop: protocol.PropSelected, Value: 2},
		&protocol.UpdateWidget{Window: fxWin, Widget: 6, Prop: protocol.PropItems},
		&protocol.UpdateWidget{Window: fxWin, Widget: 3, Prop: protocol.PropFocus},
		&protocol.CreateWidgetTree{Window: fxWin, Nodes: []protocol.WidgetNode{{ID: 9, Kind: protocol.WidgetLabel}}},
	}
	for _, r := range reqs {
		got, err := decodeBody(t, r)
		if err != nil {
			t.Fatalf("%#v: %v", r, err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Fatalf("round trip changed %#v into %#v", r, got)
		}
	}
}

// TestWidgetRequestsRefused checks the bounds and the tree shape.
func TestWidgetRequestsRefused(t *testing.T) {
	tree := func(f func(n []protocol.WidgetNode) []protocol.WidgetNode) protocol.Request {
		r := fxWidgetTree()
		r.Nodes = f(r.Nodes)
		return r
	}
	long := strings.Repeat("x", protocol.MaxWidgetText+1)
	cases := []struct {
		name string
		req  protocol.Request
		code protocol.ErrorCode
	}{
		{"duplicate ID", tree(func(n []protocol.WidgetNode) []protocol.WidgetNode { n[4].ID = 3; return n }), protocol.BadValue},
		{"ID 0", tree(func(n []protocol.WidgetNode) []protocol.WidgetNode { n[4].ID = 0; return n }), protocol.BadValue},
		{"missing child", tree(func(n []protocol.WidgetNode) []protocol.WidgetNode { return n[:6] }), protocol.BadValue},
		{"two roots", tree(func(n []protocol.WidgetNode) []protocol.WidgetNode {
			return append(n, protocol.WidgetNode{ID: 99, Kind: protocol.WidgetLabel})
		}), protocol.BadValue},
		{"label with children", tree(func(n []protocol.WidgetNode) []protocol.WidgetNode {
			n[4].Children = 1
			n[0].Children = 3
			return n
		}), protocol.BadValue},
		{"bad kind", tree(func(n []protocol.WidgetNode) []protocol.WidgetNode { n[4].Kind = 8; return n }), protocol.BadValue},
		{"bad flags", tree(func(n []protocol.WidgetNode) []protocol.WidgetNode { n[4].Flags = 4; return n }), protocol.BadValue},
		{"text too long", tree(func(n []protocol.WidgetNode) []protocol.WidgetNode { n[4].Text = long; return n }), protocol.BadValue},
		{"not UTF-8", tree(func(n []protocol.WidgetNode) []protocol.WidgetNode { n[4].Text = "\xff"; return n }), protocol.BadValue},
		{"items on a label", tree(func(n []protocol.WidgetNode) []protocol.WidgetNode { n[4].Items = []string{"a"}; return n }), protocol.BadValue},
		{"bad canvas op", tree(func(n []protocol.WidgetNode) []protocol.WidgetNode { n[6].Ops[0].Kind = 9; return n }), protocol.BadValue},
		{"too deep", &protocol.CreateWidgetTree{Window: 1, Nodes: deepTree(protocol.MaxWidgetDepth + 1)}, protocol.BadValue},
		{"bad property", &protocol.UpdateWidget{Window: 1, Widget: 1, Prop: 9}, protocol.BadValue},
		{"PropText without text", &protocol.UpdateWidget{Window: 1, Widget: 1, Prop: protocol.PropText}, protocol.BadValue},
		{"ops on PropText", &protocol.UpdateWidget{Window: 1, Widget: 1, Prop: protocol.PropText, Strings: []string{"a"},
			Ops: []protocol.CanvasOp{{Kind: protocol.CanvasFill}}}, protocol.BadValue},
		{"item too long", &protocol.UpdateWidget{Window: 1, Widget: 1, Prop: protocol.PropAppend, Strings: []string{long}}, protocol.BadValue},
	}
	for _, c := range cases {
		_, err := decodeBody(t, c.req)
		wantCode(t, c.name, err, c.code)
	}
	if _, err := decodeBody(t, &protocol.CreateWidgetTree{Window: 1, Nodes: deepTree(protocol.MaxWidgetDepth)}); err != nil {
		t.Errorf("a tree of the maximum depth: %v", err)
	}

	// Counts that lie about the body fail before allocating.
	body := fxWidgetTree().AppendBody(nil)
	body[4], body[5] = 0xff, 0x03 // 1023 nodes claimed
	_, err := protocol.DecodeRequest(protocol.OpCreateWidgetTree, body)
	wantCode(t, "lying node count", err, protocol.BadLength)
	body[4], body[5] = 0xff, 0xff
	_, err = protocol.DecodeRequest(protocol.OpCreateWidgetTree, body)
	wantCode(t, "node count over the limit", err, protocol.BadLength)
	up := fxUpdateWidget().AppendBody(nil)
	up[12], up[13] = 0xff, 0x0f // 4095 strings claimed
	_, err = protocol.DecodeRequest(protocol.OpUpdateWidget, up)
	wantCode(t, "lying string count", err, protocol.BadLength)
}

func deepTree(depth int) []protocol.WidgetNode {
	var nodes []protocol.WidgetNode
	for i := 0; i < depth; i++ {
		nodes = append(nodes, protocol.WidgetNode{ID: uint16(i + 1), Kind: protocol.WidgetColumn, Children: 1})
	}
	return append(nodes, protocol.WidgetNode{ID: uint16(depth + 1), Kind: protocol.WidgetLabel})
}

func TestWidgetReplyRoundTrip(t *testing.T) {
	want := &protocol.WidgetReply{Widget: 3, Kind: protocol.WidgetTextField, Selected: protocol.NoIndex,
		Scroll: 2, Caret: 5, Items: 7, Text: "héllo"}
	msg := protocol.AppendWidgetReply(nil, 42, want)
	h := protocol.ParseHeader([4]byte(msg[:4]))
	m, err := protocol.DecodeServerMessage(h, msg[4:])
	if err != nil {
		t.Fatal(err)
	}
	rep := m.(*protocol.Reply)
	if rep.Seq != 42 || rep.Op != protocol.OpQueryWidget {
		t.Fatalf("reply header %+v", rep)
	}
	got, err := protocol.DecodeWidgetReply(rep.Data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if _, err := protocol.DecodeWidgetReply(rep.Data[:10]); !errors.Is(err, protocol.ErrBadReply) {
		t.Fatalf("short reply: %v", err)
	}
}
