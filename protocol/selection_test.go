package protocol_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/xfar/xfar/protocol"
)

// TestSelectionEventRoundTrip: the three selection events decode to what
// was encoded, with their own layouts.
func TestSelectionEventRoundTrip(t *testing.T) {
	for _, want := range []any{
		&protocol.SelectionOwnerEvent{Selection: protocol.Primary, Flags: protocol.OwnerText | protocol.OwnerLost,
			Seq: 3, Time: 4, Serial: 5, Types: []string{protocol.MimeText, protocol.MimePNG}, Text: []byte("héllo ✓")},
		&protocol.SelectionOwnerEvent{Selection: protocol.Clipboard, Seq: 1, Time: 2},
		&protocol.SelectionRequestEvent{Selection: protocol.Primary, Detail: protocol.RequestCancel, Seq: 6,
			Time: 7, Transfer: 8, Serial: 9, Type: protocol.MimePNG},
		&protocol.SelectionDataEvent{Status: protocol.DataMore, Seq: 10, Time: 11, Transfer: 12,
			Data: []byte(strings.Repeat("x", protocol.MaxSelectionChunk))},
	} {
		var msg []byte
		switch e := want.(type) {
		case *protocol.SelectionOwnerEvent:
			msg = protocol.AppendSelectionOwnerEvent(nil, e)
		case *protocol.SelectionRequestEvent:
			msg = protocol.AppendSelectionRequestEvent(nil, e)
		case *protocol.SelectionDataEvent:
			msg = protocol.AppendSelectionDataEvent(nil, e)
		}
		got := readServer(t, msg)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip:\n got %#v\nwant %#v", got, want)
		}
	}
	// Text above MaxInlineNotify is left out rather than sent.
	e := &protocol.SelectionOwnerEvent{Flags: protocol.OwnerText, Serial: 1, Text: make([]byte, protocol.MaxInlineNotify+1)}
	got := readServer(t, protocol.AppendSelectionOwnerEvent(nil, e)).(*protocol.SelectionOwnerEvent)
	if got.Flags&protocol.OwnerText != 0 || got.Text != nil {
		t.Errorf("over-long text was sent: flags %#x, %d bytes", got.Flags, len(got.Text))
	}
}

// TestSelectionLimits: bodies above the limits are refused when decoded.
func TestSelectionLimits(t *testing.T) {
	for name, r := range map[string]protocol.Request{
		"inline over 64 KiB": &protocol.SetSelection{Serial: 1, Offers: []protocol.Offer{
			{Type: "a/b", Inline: true, Data: make([]byte, protocol.MaxInlineOffer/2+1)},
			{Type: "c/d", Inline: true, Data: make([]byte, protocol.MaxInlineOffer/2)}}},
		"17 types":      &protocol.SetSelection{Serial: 1, Offers: make([]protocol.Offer, 17)},
		"serial 0":      &protocol.SetSelection{Offers: []protocol.Offer{{Type: "a/b"}}},
		"bad selection": &protocol.ConvertSelection{Selection: 2, Type: "a/b"},
		"empty type":    &protocol.ConvertSelection{},
		"space in type": &protocol.ConvertSelection{Type: "a b"},
		"bad status":    &protocol.PutSelectionData{Status: 3},
		"bad mask":      &protocol.SelectSelectionInput{Mask: 4},
	} {
		if _, err := protocol.DecodeRequest(r.Opcode(), r.AppendBody(nil)); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}
