package protocol

import "fmt"

// requestType is everything this package knows about one request type
// apart from its body layout, which the Go type's AppendBody (encoding)
// and the decode function (decoding, with every field check) hold side by
// side. There is no other per-opcode switch: String, HasReply,
// MaxRequestBody, ReadRequest, DecodeRequest and Opcodes all read
// requestTypes, and a test checks SPEC.md's tables against it.
type requestType struct {
	name string
	// reply is set for a request answered by exactly one reply (or an
	// error instead).
	reply bool
	// fixed is the size of the body's fixed part, as in SPEC.md §8.
	fixed int
	// tail bounds what may follow the fixed part: 0 for a fixed layout,
	// n > 0 for at most n bytes (a text field), or tailMax for lists and
	// images, which only the server's max request bounds.
	tail int
	// decode reads the body into a new request and checks its fields. It
	// returns the request and a value error (BadValue); d records layout
	// errors (BadLength). op is passed for types shared by several
	// opcodes (IDRequest, PolyPoint, PolyRect, PolyArcs).
	decode func(op Opcode, d *decoder) (Request, error)
}

// tailMax marks a body whose variable part is bounded only by the
// server's max request (MaxRequestBody returns max for it).
const tailMax = -1

// requestTypes describes every request, indexed by opcode; an entry with
// a nil decode is an undefined opcode (BadRequest, and disconnect).
//
// To add a request:
//  1. an opcode constant (a free number from the range you were given),
//  2. its body type with Opcode and AppendBody methods and a decode
//     function, together in one file (widgets.go is the model),
//  3. one entry here: name, reply, fixed size, tail bound, decode,
//  4. its handler in displayserver (and its reply's Append/Decode pair in
//     the file of step 2 if it has one),
//  5. a row in SPEC.md §8 (and in §5 if its body has a variable part);
//     TestSpecMatchesCode fails until the row is there,
//  6. a fixture in requestFixtures (fixtures_test.go); the round-trip,
//     validation and fuzz tests then cover it.
var requestTypes = [256]requestType{
	OpCreateWindow:           {name: "CreateWindow", fixed: 32, decode: decodeCreateWindow},
	OpChangeWindowAttributes: {name: "ChangeWindowAttributes", fixed: 24, decode: decodeChangeWindowAttributes},
	OpDestroyWindow:          {name: "DestroyWindow", fixed: 4, decode: decodeIDRequest},
	OpMapWindow:              {name: "MapWindow", fixed: 4, decode: decodeIDRequest},
	OpUnmapWindow:            {name: "UnmapWindow", fixed: 4, decode: decodeIDRequest},
	OpConfigureWindow:        {name: "ConfigureWindow", fixed: 24, decode: decodeConfigureWindow},
	OpSetTitle:               {name: "SetTitle", fixed: 4, tail: MaxTitle, decode: decodeSetTitle},
	OpSelectInput:            {name: "SelectInput", fixed: 8, decode: decodeSelectInput},
	OpSetInputFocus:          {name: "SetInputFocus", fixed: 4, decode: decodeIDRequest},
	OpCreateGC:               {name: "CreateGC", fixed: 8 + gcValuesSize, decode: decodeCreateGC},
	OpChangeGC:               {name: "ChangeGC", fixed: 4 + gcValuesSize, decode: decodeChangeGC},
	OpFreeGC:                 {name: "FreeGC", fixed: 4, decode: decodeIDRequest},
	OpSetClipRectangles:      {name: "SetClipRectangles", fixed: 8, tail: tailMax, decode: decodeSetClipRectangles},
	OpSetDashes:              {name: "SetDashes", fixed: 8, tail: MaxDashes, decode: decodeSetDashes},
	OpCreatePixmap:           {name: "CreatePixmap", fixed: 12, decode: decodeCreatePixmap},
	OpFreePixmap:             {name: "FreePixmap", fixed: 4, decode: decodeIDRequest},
	OpClearArea:              {name: "ClearArea", fixed: 16, decode: decodeClearArea},
	OpCopyArea:               {name: "CopyArea", fixed: 24, decode: decodeCopyArea},
	OpPolyPoint:              {name: "PolyPoint", fixed: 12, tail: tailMax, decode: decodePolyPoint},
	OpPolyLine:               {name: "PolyLine", fixed: 12, tail: tailMax, decode: decodePolyPoint},
	OpPolySegment:            {name: "PolySegment", fixed: 8, tail: tailMax, decode: decodePolySegment},
	OpPolyRectangle:          {name: "PolyRectangle", fixed: 8, tail: tailMax, decode: decodePolyRect},
	OpPolyFillRectangle:      {name: "PolyFillRectangle", fixed: 8, tail: tailMax, decode: decodePolyRect},
	OpFillPoly:               {name: "FillPoly", fixed: 12, tail: tailMax, decode: decodeFillPoly},
	OpPolyArc:                {name: "PolyArc", fixed: 8, tail: tailMax, decode: decodePolyArcs},
	OpPolyFillArc:            {name: "PolyFillArc", fixed: 8, tail: tailMax, decode: decodePolyArcs},
	OpPutImage:               {name: "PutImage", fixed: 20, tail: tailMax, decode: decodePutImage},
	OpGetImage:               {name: "GetImage", reply: true, fixed: 12, decode: decodeGetImage},
	OpDrawText:               {name: "DrawText", fixed: 16, tail: MaxText, decode: decodeDrawText},
	OpSync:                   {name: "Sync", reply: true, fixed: 0, decode: decodeSync},
	OpGetGeometry:            {name: "GetGeometry", reply: true, fixed: 4, decode: decodeIDRequest},
	OpQueryTree:              {name: "QueryTree", reply: true, fixed: 4, decode: decodeIDRequest},
	OpQueryPointer:           {name: "QueryPointer", reply: true, fixed: 4, decode: decodeIDRequest},
	OpCreateWidgetTree:       {name: "CreateWidgetTree", fixed: 8, tail: tailMax, decode: decodeCreateWidgetTree},
	OpUpdateWidget:           {name: "UpdateWidget", fixed: 16, tail: tailMax, decode: decodeUpdateWidget},
	OpQueryWidget:            {name: "QueryWidget", reply: true, fixed: 8, decode: decodeQueryWidget},
	OpSetWMHints:             {name: "SetWMHints", fixed: 32, decode: decodeSetWMHints},
	OpSetWindowState:         {name: "SetWindowState", fixed: 8, decode: decodeSetWindowState},
	OpSetShape:               {name: "SetShape", fixed: 8, tail: tailMax, decode: decodeSetShape},
	OpSetCursor:              {name: "SetCursor", fixed: 48, tail: tailMax, decode: decodeSetCursor},
	OpBeginMoveResize:        {name: "BeginMoveResize", fixed: 8, decode: decodeBeginMoveResize},
	OpWarpPointer:            {name: "WarpPointer", fixed: 8, decode: decodeWarpPointer},
	OpSetSelection:           {name: "SetSelection", fixed: 8, tail: setSelectionTail, decode: decodeSetSelection},
	OpConvertSelection:       {name: "ConvertSelection", fixed: 8, tail: MaxMimeType, decode: decodeConvertSelection},
	OpPutSelectionData:       {name: "PutSelectionData", fixed: 8, tail: MaxSelectionChunk, decode: decodePutSelectionData},
	OpSelectSelectionInput:   {name: "SelectSelectionInput", fixed: 4, decode: decodeSelectSelectionInput},
	OpCancelConvert:          {name: "CancelConvert", fixed: 4, decode: decodeCancelConvert},
	OpCreateGlyphSet:         {name: "CreateGlyphSet", fixed: 4, decode: decodeGlyphSetID},
	OpFreeGlyphSet:           {name: "FreeGlyphSet", fixed: 4, decode: decodeGlyphSetID},
	OpAddGlyphs:              {name: "AddGlyphs", fixed: 8, tail: tailMax, decode: decodeAddGlyphs},
	OpPolyGlyph:              {name: "PolyGlyph", fixed: 16, tail: tailMax, decode: decodePolyGlyph},
	OpNoOperation:            {name: "NoOperation", fixed: 0, decode: decodeNoOperation},
	OpImageGlyph8:            {name: "ImageGlyph8", fixed: 24, tail: MaxImageGlyph8Body, decode: decodeImageGlyph8},
}

// requestType returns op's description, or nil for an undefined opcode.
func (op Opcode) requestType() *requestType {
	if t := &requestTypes[op]; t.decode != nil {
		return t
	}
	return nil
}

// Opcodes returns every opcode this version defines, in ascending order.
func Opcodes() []Opcode {
	var ops []Opcode
	for i := range requestTypes {
		if requestTypes[i].decode != nil {
			ops = append(ops, Opcode(i))
		}
	}
	return ops
}

// String returns the request's name, or "Opcode(n)" for an unknown one.
func (op Opcode) String() string {
	if t := op.requestType(); t != nil {
		return t.name
	}
	return fmt.Sprintf("Opcode(%d)", uint8(op))
}

// HasReply reports whether a request of this opcode is answered by a reply.
func (op Opcode) HasReply() bool {
	t := op.requestType()
	return t != nil && t.reply
}

// MaxRequestBody returns the largest body a request of type op may have
// when the server's limit is max: the exact size for fixed-layout
// requests, the field limits for text, max for lists and images, and -1
// for an opcode this version does not define. A reader checks it before
// reading the body, so a lying length costs nothing.
func MaxRequestBody(op Opcode, max int) int {
	t := op.requestType()
	switch {
	case t == nil:
		return -1
	case t.tail == tailMax:
		return max
	}
	return t.fixed + t.tail
}
