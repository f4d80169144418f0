package protocol

import (
	"fmt"
	"unicode/utf8"
)

// Selections: X's CLIPBOARD and PRIMARY, without X's round trips where they
// can be avoided. An owner offers content in one or more MIME types (small
// content inline, with the offer); anyone may ask for a type; the server
// answers from the inline copy or streams the owner's answer through in
// chunks. SPEC.md, "Selections", describes the exchange.

// Selection requests.
const (
	OpSetSelection         Opcode = 65
	OpConvertSelection     Opcode = 66
	OpPutSelectionData     Opcode = 67
	OpSelectSelectionInput Opcode = 68
	OpCancelConvert        Opcode = 69
)

// Selection events.
const (
	// SelectionOwnerNotify tells a client that selected selection input
	// (and always the previous owner) that a selection has a new owner,
	// the types it offers and, for short text, the text itself.
	SelectionOwnerNotify EventCode = 45
	// SelectionRequest asks an owner for the content of one type, or
	// cancels such a request.
	SelectionRequest EventCode = 46
	// SelectionData carries one chunk of a transfer to the requestor.
	SelectionData EventCode = 47
)

// Selection names a selection.
type Selection uint8

// The selections.
const (
	Clipboard Selection = 0
	Primary   Selection = 1
	// NumSelections is how many selections there are.
	NumSelections = 2
)

// String returns X's name for the selection.
func (s Selection) String() string {
	switch s {
	case Clipboard:
		return "CLIPBOARD"
	case Primary:
		return "PRIMARY"
	}
	return fmt.Sprintf("Selection(%d)", uint8(s))
}

// Mask returns the SelectSelectionInput bit of s.
func (s Selection) Mask() uint32 { return 1 << s }

// AllSelectionsMask selects every selection's owner changes.
const AllSelectionsMask = 1<<NumSelections - 1

// MIME types every party understands.
const (
	MimeText = "text/plain;charset=utf-8"
	MimePNG  = "image/png"
)

// Selection limits.
const (
	// MaxSelectionSize bounds one transfer: the server ends a transfer
	// that grows beyond it with an error.
	MaxSelectionSize = 16 << 20
	// MaxSelectionChunk bounds the data in one PutSelectionData and one
	// SelectionData.
	MaxSelectionChunk = 64 << 10
	// MaxSelectionTypes bounds the types in one offer.
	MaxSelectionTypes = 16
	// MaxMimeType bounds a MIME type's length.
	MaxMimeType = 255
	// MaxInlineOffer bounds the content sent inline with an offer (all
	// types together); larger content is streamed on request.
	MaxInlineOffer = 64 << 10
	// MaxInlineNotify bounds the text a SelectionOwnerNotify carries.
	MaxInlineNotify = 4 << 10
	// MaxTransfersPerClient bounds a requestor's transfers in flight;
	// with MaxSelectionSize it bounds what the server may queue for it.
	MaxTransfersPerClient = 3
)

// Transfer status, in PutSelectionData and SelectionData.
const (
	// DataMore: more chunks follow.
	DataMore = 0
	// DataLast: this is the last chunk (possibly empty).
	DataLast = 1
	// DataError: the transfer failed; the data is a UTF-8 reason.
	DataError = 2
)

// SelectionRequest details.
const (
	RequestSend   = 0
	RequestCancel = 1
)

// SelectionOwnerNotify flags.
const (
	// OwnerLost: the recipient owned the selection and no longer does.
	OwnerLost = 1 << 0
	// OwnerYours: the recipient is the new owner.
	OwnerYours = 1 << 1
	// OwnerText: Text holds the whole MimeText content.
	OwnerText = 1 << 2
)

// Offer is one type of an owner's offer, with its content when sent inline.
type Offer struct {
	Type string
	// Inline says Data is the whole content of Type.
	Inline bool
	Data   []byte
}

// SetSelection makes the client the owner of a selection, offering the
// given types; no types gives the selection up (if the client owns it).
// Serial is the client's name for this offer, echoed in SelectionRequest.
//
//	0 u8 selection   1 u8 type count   2 pad 2   4 u32 serial
//	8 per type: u8 name length, name, u8 inline (0/1),
//	  if inline: u32 length, content (all inline content <= MaxInlineOffer)
type SetSelection struct {
	Selection Selection
	Serial    uint32
	Offers    []Offer
}

// Opcode implements Request.
func (*SetSelection) Opcode() Opcode { return OpSetSelection }

// AppendBody implements Request.
func (r *SetSelection) AppendBody(b []byte) []byte {
	b = append(b, uint8(r.Selection), uint8(len(r.Offers)), 0, 0)
	b = putU32(b, r.Serial)
	for _, o := range r.Offers {
		b = append(b, uint8(len(o.Type)))
		b = append(b, o.Type...)
		if !o.Inline {
			b = append(b, 0)
			continue
		}
		b = append(b, 1)
		b = putU32(b, uint32(len(o.Data)))
		b = append(b, o.Data...)
	}
	return b
}

// ConvertSelection asks for a selection's content in one type. The answer
// is a stream of SelectionData events tagged with Transfer (the client's
// own number), ending with DataLast or DataError.
//
//	0 u8 selection   1 pad 3   4 u32 transfer   8 MIME type (1..MaxMimeType bytes)
type ConvertSelection struct {
	Selection Selection
	Transfer  uint32
	Type      string
}

// Opcode implements Request.
func (*ConvertSelection) Opcode() Opcode { return OpConvertSelection }

// AppendBody implements Request.
func (r *ConvertSelection) AppendBody(b []byte) []byte {
	b = append(b, uint8(r.Selection), 0, 0, 0)
	b = putU32(b, r.Transfer)
	return append(b, r.Type...)
}

// PutSelectionData is an owner's answer to a SelectionRequest: one chunk
// of the content, in order, the last with DataLast; or DataError with a
// reason.
//
//	0 u32 transfer (the server's, from SelectionRequest)   4 u8 status
//	5 pad 3   8 data (at most MaxSelectionChunk bytes)
type PutSelectionData struct {
	Transfer uint32
	Status   uint8
	Data     []byte
}

// Opcode implements Request.
func (*PutSelectionData) Opcode() Opcode { return OpPutSelectionData }

// AppendBody implements Request.
func (r *PutSelectionData) AppendBody(b []byte) []byte {
	b = putU32(b, r.Transfer)
	b = append(b, r.Status, 0, 0, 0)
	return append(b, r.Data...)
}

// SelectSelectionInput chooses which selections' owner changes the client
// hears about (Selection.Mask bits); 0 stops them. Each newly selected
// selection is described at once by a SelectionOwnerNotify, so the client
// starts from its current owner. A client that loses a selection hears
// about it whatever its mask.
//
//	0 u32 mask
type SelectSelectionInput struct {
	Mask uint32
}

// Opcode implements Request.
func (*SelectSelectionInput) Opcode() Opcode { return OpSelectSelectionInput }

// AppendBody implements Request.
func (r *SelectSelectionInput) AppendBody(b []byte) []byte { return putU32(b, r.Mask) }

// CancelConvert tells the server the client no longer wants a transfer
// it asked for with ConvertSelection; the owner is told to stop. Chunks
// already on their way may still arrive.
//
//	0 u32 transfer (the client's)
type CancelConvert struct {
	Transfer uint32
}

// Opcode implements Request.
func (*CancelConvert) Opcode() Opcode { return OpCancelConvert }

// AppendBody implements Request.
func (r *CancelConvert) AppendBody(b []byte) []byte { return putU32(b, r.Transfer) }

// setSelectionTail bounds SetSelection's variable part: every type at its
// longest, plus the inline content.
const setSelectionTail = MaxSelectionTypes*(1+MaxMimeType+1+4) + MaxInlineOffer

func checkSelection(s Selection) error {
	if s >= NumSelections {
		return fmt.Errorf("selection %d", s)
	}
	return nil
}

func checkMime(t string) error {
	if len(t) == 0 || len(t) > MaxMimeType {
		return fmt.Errorf("MIME type of %d bytes", len(t))
	}
	for i := 0; i < len(t); i++ {
		if t[i] <= ' ' || t[i] >= 0x7f {
			return fmt.Errorf("MIME type %q: byte %#x", t, t[i])
		}
	}
	return nil
}

func decodeSetSelection(_ Opcode, d *decoder) (Request, error) {
	r := &SetSelection{Selection: Selection(d.u8())}
	n := int(d.u8())
	d.skip(2)
	r.Serial = d.u32()
	if n > MaxSelectionTypes {
		d.skip(d.rest())
		return r, fmt.Errorf("%d types, at most %d", n, MaxSelectionTypes)
	}
	inline := 0
	for i := 0; i < n && d.err == nil; i++ {
		var o Offer
		o.Type = string(d.bytes(int(d.u8())))
		inl := d.u8()
		if inl > 1 {
			d.skip(d.rest())
			return r, fmt.Errorf("inline flag %d", inl)
		}
		o.Inline = inl == 1
		if o.Inline {
			m := int(d.u32())
			if d.err == nil && (m > d.rest() || inline+m > MaxInlineOffer) {
				d.skip(d.rest())
				return r, fmt.Errorf("inline content of %d bytes, at most %d in all", inline+m, MaxInlineOffer)
			}
			inline += m
			o.Data = d.bytes(m)
		}
		if err := checkMime(o.Type); d.err == nil && err != nil {
			d.skip(d.rest())
			return r, err
		}
		r.Offers = append(r.Offers, o)
	}
	if n > 0 && r.Serial == 0 {
		return r, fmt.Errorf("serial 0 (it means no owner)")
	}
	return r, checkSelection(r.Selection)
}

func decodeConvertSelection(_ Opcode, d *decoder) (Request, error) {
	r := &ConvertSelection{Selection: Selection(d.u8())}
	d.skip(3)
	r.Transfer = d.u32()
	if d.err == nil {
		r.Type = string(d.bytes(d.rest()))
	}
	if err := checkSelection(r.Selection); err != nil {
		return r, err
	}
	return r, checkMime(r.Type)
}

func decodePutSelectionData(_ Opcode, d *decoder) (Request, error) {
	r := &PutSelectionData{Transfer: d.u32(), Status: d.u8()}
	d.skip(3)
	if d.err == nil {
		r.Data = d.bytes(d.rest())
	}
	if r.Status > DataError {
		return r, fmt.Errorf("status %d", r.Status)
	}
	return r, nil
}

func decodeSelectSelectionInput(_ Opcode, d *decoder) (Request, error) {
	r := &SelectSelectionInput{Mask: d.u32()}
	if r.Mask&^AllSelectionsMask != 0 {
		return r, fmt.Errorf("selection mask %#x", r.Mask)
	}
	return r, nil
}

func decodeCancelConvert(_ Opcode, d *decoder) (Request, error) {
	return &CancelConvert{Transfer: d.u32()}, nil
}

// SelectionOwnerEvent is a SelectionOwnerNotify.
//
//	0 u8 selection   1 u8 flags (OwnerLost, OwnerYours, OwnerText)
//	2 u8 type count   3 pad   4 u32 sequence   8 u32 time
//	12 u32 owner serial (0: no owner)   16 per type: u8 length, name
//	then, with OwnerText, the text (at most MaxInlineNotify bytes)
type SelectionOwnerEvent struct {
	Selection Selection
	Flags     uint8
	Seq       uint32
	Time      uint32
	// Serial is the new owner's offer serial, 0 when the selection has no
	// owner now.
	Serial uint32
	Types  []string
	// Text is the MimeText content when Flags has OwnerText.
	Text []byte
}

// AppendSelectionOwnerEvent appends a whole SelectionOwnerNotify message.
func AppendSelectionOwnerEvent(b []byte, e *SelectionOwnerEvent) []byte {
	types := e.Types
	if len(types) > MaxSelectionTypes {
		types = types[:MaxSelectionTypes]
	}
	n := 16
	for _, t := range types {
		n += 1 + len(t)
	}
	flags := e.Flags &^ OwnerText
	var text []byte
	if e.Flags&OwnerText != 0 && len(e.Text) <= MaxInlineNotify {
		flags |= OwnerText
		text = e.Text
	}
	b = AppendHeader(b, uint8(SelectionOwnerNotify), n+len(text))
	b = append(b, uint8(e.Selection), flags, uint8(len(types)), 0)
	b = putU32(b, e.Seq)
	b = putU32(b, e.Time)
	b = putU32(b, e.Serial)
	for _, t := range types {
		b = append(b, uint8(len(t)))
		b = append(b, t...)
	}
	return append(b, text...)
}

// SelectionRequestEvent is a SelectionRequest, sent to an owner.
//
//	0 u8 selection   1 u8 detail (RequestSend, RequestCancel)   2 pad 2
//	4 u32 sequence   8 u32 time   12 u32 transfer   16 u32 serial
//	20 MIME type
type SelectionRequestEvent struct {
	Selection Selection
	Detail    uint8
	Seq       uint32
	Time      uint32
	// Transfer is the server's number for this transfer, named by the
	// owner's PutSelectionData.
	Transfer uint32
	// Serial is the owner's offer serial (SetSelection.Serial).
	Serial uint32
	Type   string
}

// AppendSelectionRequestEvent appends a whole SelectionRequest message.
func AppendSelectionRequestEvent(b []byte, e *SelectionRequestEvent) []byte {
	b = AppendHeader(b, uint8(SelectionRequest), 20+len(e.Type))
	b = append(b, uint8(e.Selection), e.Detail, 0, 0)
	b = putU32(b, e.Seq)
	b = putU32(b, e.Time)
	b = putU32(b, e.Transfer)
	b = putU32(b, e.Serial)
	return append(b, e.Type...)
}

// SelectionDataEvent is a SelectionData: one chunk of a transfer, sent to
// the requestor.
//
//	0 u8 status (DataMore, DataLast, DataError)   1 pad 3   4 u32 sequence
//	8 u32 time   12 u32 transfer (the requestor's)   16 data (at most
//	MaxSelectionChunk bytes; for DataError a UTF-8 reason)
type SelectionDataEvent struct {
	Status   uint8
	Seq      uint32
	Time     uint32
	Transfer uint32
	Data     []byte
}

// AppendSelectionDataEvent appends a whole SelectionData message.
func AppendSelectionDataEvent(b []byte, e *SelectionDataEvent) []byte {
	data := e.Data
	if e.Status == DataError && len(data) > MaxErrorMessage {
		data = []byte(truncateUTF8(string(data), MaxErrorMessage))
	}
	b = AppendHeader(b, uint8(SelectionData), 16+len(data))
	b = append(b, e.Status, 0, 0, 0)
	b = putU32(b, e.Seq)
	b = putU32(b, e.Time)
	b = putU32(b, e.Transfer)
	return append(b, data...)
}

// IsSelectionEvent reports whether an event code is one of the selection
// events, whose layouts differ from Event's (DecodeServerMessage returns
// their own types).
func IsSelectionEvent(c EventCode) bool { return isSelectionEvent(uint8(c)) }

func isSelectionEvent(t uint8) bool {
	return t >= uint8(SelectionOwnerNotify) && t <= uint8(SelectionData)
}

// decodeSelectionEvent decodes a selection event's body. The result never
// aliases body.
func decodeSelectionEvent(h Header, body []byte) (any, error) {
	d := &decoder{b: body}
	switch EventCode(h.Type) {
	case SelectionOwnerNotify:
		e := &SelectionOwnerEvent{Selection: Selection(d.u8()), Flags: d.u8()}
		n := int(d.u8())
		d.skip(1)
		e.Seq, e.Time, e.Serial = d.u32(), d.u32(), d.u32()
		if n > MaxSelectionTypes {
			return nil, fmt.Errorf("SelectionOwnerNotify with %d types", n)
		}
		for i := 0; i < n && d.err == nil; i++ {
			e.Types = append(e.Types, string(d.bytes(int(d.u8()))))
		}
		if d.err == nil {
			if e.Flags&OwnerText != 0 {
				if d.rest() > MaxInlineNotify {
					return nil, fmt.Errorf("SelectionOwnerNotify text of %d bytes: %w", d.rest(), ErrTooLong)
				}
				e.Text = d.bytes(d.rest())
			}
		}
		return e, d.done()
	case SelectionRequest:
		e := &SelectionRequestEvent{Selection: Selection(d.u8()), Detail: d.u8()}
		d.skip(2)
		e.Seq, e.Time, e.Transfer, e.Serial = d.u32(), d.u32(), d.u32(), d.u32()
		if d.err == nil {
			if d.rest() > MaxMimeType {
				return nil, fmt.Errorf("SelectionRequest type of %d bytes: %w", d.rest(), ErrTooLong)
			}
			e.Type = string(d.bytes(d.rest()))
		}
		return e, d.done()
	case SelectionData:
		e := &SelectionDataEvent{Status: d.u8()}
		d.skip(3)
		e.Seq, e.Time, e.Transfer = d.u32(), d.u32(), d.u32()
		if d.err == nil {
			if d.rest() > MaxSelectionChunk || e.Status == DataError && d.rest() > MaxErrorMessage {
				return nil, fmt.Errorf("SelectionData of %d bytes: %w", d.rest(), ErrTooLong)
			}
			e.Data = d.bytes(d.rest())
		}
		return e, d.done()
	}
	return nil, fmt.Errorf("not a selection event: %d", h.Type)
}

// ValidText reports whether b may be offered as MimeText: valid UTF-8.
func ValidText(b []byte) bool { return utf8.Valid(b) }

func init() {
	eventNames[SelectionOwnerNotify] = "SelectionOwnerNotify"
	eventNames[SelectionRequest] = "SelectionRequest"
	eventNames[SelectionData] = "SelectionData"
}
