package protocol

import (
	"errors"
	"fmt"
)

// The widget requests let an application ship a widget tree to the display
// server once and then only updates to it (the "widgets" split of
// DESIGN.md, section "The configurable split"): the server lays the tree out, paints it, handles hover,
// press feedback, focus, the caret, typing, selection and scrolling by
// itself, and reports only semantic events (WidgetNotify). SPEC.md §18
// describes them.

// Widget requests.
const (
	OpCreateWidgetTree Opcode = 50
	OpUpdateWidget     Opcode = 51
	OpQueryWidget      Opcode = 52
)

// WidgetNotify is the semantic event of a widget tree: Detail is the
// WidgetEvent kind, Child the widget ID, Keysym the index (a list's
// selected item, 0xFFFFFFFF for none), Text the value (at most
// MaxEventText bytes; Count is 1 when it was cut, and QueryWidget returns
// all of it).
const WidgetNotify EventCode = 40

// WidgetNotifyMask selects WidgetNotify events on a window that holds a
// widget tree.
const WidgetNotifyMask uint32 = 1 << 25

// WidgetEvent kinds, carried in WidgetNotify's Detail.
const (
	WidgetClicked   = 1 // a button was pressed and released over it
	WidgetChanged   = 2 // a text field's text changed (only with WidgetNotifyChange)
	WidgetSubmitted = 3 // Return was pressed in a text field
	WidgetSelected  = 4 // a list item was selected
)

// NoIndex is the index of "no item" in WidgetNotify and QueryWidget.
const NoIndex = 0xFFFFFFFF

// Widget kinds.
const (
	WidgetColumn    = 1 // children top to bottom
	WidgetRow       = 2 // children left to right
	WidgetLabel     = 3 // one line of text
	WidgetButton    = 4 // a push button with a caption
	WidgetTextField = 5 // a one-line editable text
	WidgetList      = 6 // a scrollable list of lines, one selectable
	WidgetCanvas    = 7 // an area the application paints with CanvasOps
	maxWidgetKind   = WidgetCanvas
)

// Widget flags.
const (
	// WidgetExpand gives the widget the extra space of its row (width) or
	// column (height).
	WidgetExpand uint8 = 1 << 0
	// WidgetNotifyChange makes a text field report every edit
	// (WidgetChanged); without it the application hears of the text only
	// on Return or when it asks.
	WidgetNotifyChange uint8 = 1 << 1
	widgetFlagsAll           = WidgetExpand | WidgetNotifyChange
)

// Widget limits: every count and length of a widget request is checked
// against these before anything is allocated for it.
const (
	// MaxWidgets bounds the nodes of one tree.
	MaxWidgets = 1024
	// MaxWidgetDepth bounds the nesting of a tree.
	MaxWidgetDepth = 32
	// MaxWidgetText bounds every string of a widget (caption, text, item).
	MaxWidgetText = 1024
	// MaxWidgetItems bounds a list's items.
	MaxWidgetItems = 4096
	// MaxCanvasOps bounds a canvas's drawing operations.
	MaxCanvasOps = 4096
)

// CanvasOp kinds.
const (
	CanvasFill = 1 // fill (X,Y,W,H) with Color
	CanvasText = 2 // draw Text with its baseline at (X,Y) in Color, Font and Size
)

// CanvasOp is one drawing operation of a canvas, in the canvas's
// coordinates (clipped to it).
//
//	0 u8 kind   1 u8 font   2 u8 size (pixels)   3 pad   4 u32 color
//	8 i16 x   10 i16 y   12 u16 width   14 u16 height   16 u16 text length
//	18 text
type CanvasOp struct {
	Kind       uint8
	Font, Size uint8
	Color      uint32
	X, Y       int16
	W, H       uint16
	Text       string
}

// WidgetNode is one node of a widget tree as it travels: trees are sent
// as their nodes in pre-order, each followed by its Children subtrees.
//
//	0 u16 id   2 u8 kind   3 u8 flags   4 u16 width hint   6 u16 height hint
//	8 u16 child count   10 u16 ref   12 u16 text length   14 u16 item count
//	16 u16 op count   18 pad 2   20 text   ... items (each u16 length +
//	bytes)   ... canvas ops
type WidgetNode struct {
	ID    uint16
	Kind  uint8
	Flags uint8
	// W and H are minimum sizes in pixels (0: the widget's natural size).
	W, H     uint16
	Children uint16
	// Ref names the widget whose value a button's WidgetClicked carries
	// (0: none), so a form needs no round trip to read its field.
	Ref   uint16
	Text  string
	Items []string
	Ops   []CanvasOp
}

// CreateWidgetTree gives a window a widget tree. The window must belong
// to the client and hold no tree yet; the server lays the tree out in the
// window's size and paints it.
//
//	0 u32 window   4 u16 node count   6 pad 2   8 nodes (WidgetNode)
type CreateWidgetTree struct {
	Window uint32
	Nodes  []WidgetNode
}

// Opcode implements Request.
func (*CreateWidgetTree) Opcode() Opcode { return OpCreateWidgetTree }

// AppendBody implements Request.
func (r *CreateWidgetTree) AppendBody(b []byte) []byte {
	b = putU32(b, r.Window)
	b = putU16(b, uint16(len(r.Nodes)))
	b = pad(b, 2)
	for i := range r.Nodes {
		b = r.Nodes[i].append(b)
	}
	return b
}

func (n *WidgetNode) append(b []byte) []byte {
	b = putU16(b, n.ID)
	b = append(b, n.Kind, n.Flags)
	b = putU16(b, n.W)
	b = putU16(b, n.H)
	b = putU16(b, n.Children)
	b = putU16(b, n.Ref)
	b = putU16(b, uint16(len(n.Text)))
	b = putU16(b, uint16(len(n.Items)))
	b = putU16(b, uint16(len(n.Ops)))
	b = pad(b, 2)
	b = append(b, n.Text...)
	b = appendStrings(b, n.Items)
	return appendOps(b, n.Ops)
}

// Widget properties that UpdateWidget changes.
const (
	// PropText sets a label's or button's caption or a field's text
	// (Strings[0]); a field's caret goes to its end.
	PropText = 1
	// PropItems replaces a list's items with Strings.
	PropItems = 2
	// PropAppend appends Strings to a list's items.
	PropAppend = 3
	// PropSelected selects a list's item Value (-1: none).
	PropSelected = 4
	// PropOps replaces a canvas's operations with Ops.
	PropOps = 5
	// PropFocus gives the widget the tree's keyboard focus.
	PropFocus = 6
	maxProp   = PropFocus
)

// UpdateWidget changes one property of a widget of a window's tree.
//
//	0 u32 window   4 u16 widget   6 u8 property   7 pad   8 i32 value
//	12 u16 string count   14 u16 op count   16 strings (each u16 length +
//	bytes)   ... canvas ops
type UpdateWidget struct {
	Window  uint32
	Widget  uint16
	Prop    uint8
	Value   int32
	Strings []string
	Ops     []CanvasOp
}

// Opcode implements Request.
func (*UpdateWidget) Opcode() Opcode { return OpUpdateWidget }

// AppendBody implements Request.
func (r *UpdateWidget) AppendBody(b []byte) []byte {
	b = putU32(b, r.Window)
	b = putU16(b, r.Widget)
	b = append(b, r.Prop, 0)
	b = putU32(b, uint32(r.Value))
	b = putU16(b, uint16(len(r.Strings)))
	b = putU16(b, uint16(len(r.Ops)))
	b = appendStrings(b, r.Strings)
	return appendOps(b, r.Ops)
}

// QueryWidget asks for a widget's current state; it is answered by a
// WidgetReply.
//
//	0 u32 window   4 u16 widget   6 pad 2
type QueryWidget struct {
	Window uint32
	Widget uint16
}

// Opcode implements Request.
func (*QueryWidget) Opcode() Opcode { return OpQueryWidget }

// AppendBody implements Request.
func (r *QueryWidget) AppendBody(b []byte) []byte {
	b = putU32(b, r.Window)
	b = putU16(b, r.Widget)
	return pad(b, 2)
}

// WidgetReply answers QueryWidget.
//
//	0 u16 widget   2 u8 kind   3 pad   4 u32 selected (NoIndex: none)
//	8 u32 first visible item   12 u32 caret (byte offset)   16 u32 item count
//	20 text (the whole text or caption)
type WidgetReply struct {
	Widget   uint16
	Kind     uint8
	Selected uint32
	Scroll   uint32
	Caret    uint32
	Items    uint32
	Text     string
}

// AppendWidgetReply appends a whole QueryWidget reply message.
func AppendWidgetReply(b []byte, seq uint32, r *WidgetReply) []byte {
	text := truncateUTF8(r.Text, MaxWidgetText)
	b = AppendReplyHeader(b, seq, OpQueryWidget, 20+len(text))
	b = putU16(b, r.Widget)
	b = append(b, r.Kind, 0)
	b = putU32(b, r.Selected)
	b = putU32(b, r.Scroll)
	b = putU32(b, r.Caret)
	b = putU32(b, r.Items)
	return append(b, text...)
}

// DecodeWidgetReply decodes a QueryWidget reply's data.
func DecodeWidgetReply(data []byte) (*WidgetReply, error) {
	d := &decoder{b: data}
	r := &WidgetReply{Widget: d.u16(), Kind: d.u8()}
	d.skip(1)
	r.Selected, r.Scroll, r.Caret, r.Items = d.u32(), d.u32(), d.u32(), d.u32()
	if d.err == nil {
		n := d.rest()
		if n > MaxWidgetText {
			return nil, wrapReply(OpQueryWidget, fmt.Errorf("text of %d bytes: %w", n, ErrTooLong))
		}
		r.Text = string(d.bytes(n))
	}
	return r, wrapReply(OpQueryWidget, d.done())
}

func appendStrings(b []byte, ss []string) []byte {
	for _, s := range ss {
		b = putU16(b, uint16(len(s)))
		b = append(b, s...)
	}
	return b
}

func appendOps(b []byte, ops []CanvasOp) []byte {
	for _, o := range ops {
		b = append(b, o.Kind, o.Font, o.Size, 0)
		b = putU32(b, o.Color)
		b = putI16(b, o.X)
		b = putI16(b, o.Y)
		b = putU16(b, o.W)
		b = putU16(b, o.H)
		b = putU16(b, uint16(len(o.Text)))
		b = append(b, o.Text...)
	}
	return b
}

// widgetString reads a string of n bytes, checking its bound and UTF-8.
func widgetString(d *decoder, n int, what string) (string, error) {
	if n > MaxWidgetText {
		d.skip(n)
		return "", fmt.Errorf("%s of %d bytes, limit %d", what, n, MaxWidgetText)
	}
	t := d.bytes(n)
	if t != nil && !validUTF8(t) {
		return "", fmt.Errorf("%s is not UTF-8", what)
	}
	return string(t), nil
}

// decodeStrings reads n length-prefixed strings. Counts are checked by the
// caller; each string's bytes must be in the body before it is copied.
func decodeStrings(d *decoder, n int) ([]string, error) {
	if n == 0 {
		return nil, nil
	}
	// Each string needs at least its 2-byte length: a lying count fails
	// before the slice is allocated.
	if !d.need(2 * n) {
		return nil, nil
	}
	out := make([]string, n)
	var verr error
	for i := range out {
		s, err := widgetString(d, int(d.u16()), "item")
		if d.err != nil {
			return nil, nil
		}
		if err != nil && verr == nil {
			verr = err
		}
		out[i] = s
	}
	return out, verr
}

func decodeOps(d *decoder, n int) ([]CanvasOp, error) {
	if n == 0 {
		return nil, nil
	}
	if !d.need(18 * n) {
		return nil, nil
	}
	out := make([]CanvasOp, n)
	var verr error
	for i := range out {
		o := &out[i]
		o.Kind, o.Font, o.Size = d.u8(), d.u8(), d.u8()
		d.skip(1)
		o.Color = d.u32()
		o.X, o.Y, o.W, o.H = d.i16(), d.i16(), d.u16(), d.u16()
		s, err := widgetString(d, int(d.u16()), "canvas text")
		if d.err != nil {
			return nil, nil
		}
		o.Text = s
		switch {
		case err != nil:
		case o.Kind != CanvasFill && o.Kind != CanvasText:
			err = fmt.Errorf("canvas op kind %d", o.Kind)
		case o.Font > maxFont:
			err = fmt.Errorf("canvas font %d", o.Font)
		case o.Kind == CanvasFill && (o.W > MaxDimension || o.H > MaxDimension):
			err = fmt.Errorf("canvas fill %dx%d", o.W, o.H)
		}
		if err != nil && verr == nil {
			verr = err
		}
	}
	return out, verr
}

func decodeWidgetNode(d *decoder, n *WidgetNode) error {
	n.ID = d.u16()
	n.Kind, n.Flags = d.u8(), d.u8()
	n.W, n.H = d.u16(), d.u16()
	n.Children, n.Ref = d.u16(), d.u16()
	textLen, items, ops := int(d.u16()), int(d.u16()), int(d.u16())
	d.skip(2)
	if d.err != nil {
		return nil
	}
	var verr error
	keep := func(err error) {
		if err != nil && verr == nil {
			verr = err
		}
	}
	var err error
	n.Text, err = widgetString(d, textLen, "widget text")
	keep(err)
	if items > MaxWidgetItems {
		d.err = fmt.Errorf("%d list items, limit %d: %w", items, MaxWidgetItems, ErrTooLong)
		return nil
	}
	n.Items, err = decodeStrings(d, items)
	keep(err)
	if ops > MaxCanvasOps {
		d.err = fmt.Errorf("%d canvas ops, limit %d: %w", ops, MaxCanvasOps, ErrTooLong)
		return nil
	}
	n.Ops, err = decodeOps(d, ops)
	keep(err)
	switch {
	case n.ID == 0:
		keep(errors.New("widget ID 0"))
	case n.Kind == 0 || n.Kind > maxWidgetKind:
		keep(fmt.Errorf("widget %d: kind %d", n.ID, n.Kind))
	case n.Flags&^widgetFlagsAll != 0:
		keep(fmt.Errorf("widget %d: flags %#x", n.ID, n.Flags))
	case n.Children != 0 && n.Kind != WidgetColumn && n.Kind != WidgetRow:
		keep(fmt.Errorf("widget %d: a kind %d widget has children", n.ID, n.Kind))
	case n.W > MaxDimension || n.H > MaxDimension:
		keep(fmt.Errorf("widget %d: size hint %dx%d", n.ID, n.W, n.H))
	case len(n.Items) > 0 && n.Kind != WidgetList, len(n.Ops) > 0 && n.Kind != WidgetCanvas:
		keep(fmt.Errorf("widget %d: items or ops on a kind %d widget", n.ID, n.Kind))
	}
	return verr
}

// checkWidgetTree checks that nodes are one tree in pre-order within
// MaxWidgetDepth, with distinct IDs.
func checkWidgetTree(nodes []WidgetNode) error {
	if len(nodes) == 0 {
		return errors.New("empty widget tree")
	}
	seen := make(map[uint16]bool, len(nodes))
	// open[i] is how many children the i-th open ancestor still expects.
	var open []int
	for i := range nodes {
		n := &nodes[i]
		if seen[n.ID] {
			return fmt.Errorf("widget ID %d used twice", n.ID)
		}
		seen[n.ID] = true
		if i > 0 {
			if len(open) == 0 {
				return fmt.Errorf("widget %d is outside the tree", n.ID)
			}
			open[len(open)-1]--
		}
		if n.Children > 0 {
			if len(open) >= MaxWidgetDepth {
				return fmt.Errorf("widget tree deeper than %d", MaxWidgetDepth)
			}
			open = append(open, int(n.Children))
		}
		for len(open) > 0 && open[len(open)-1] == 0 {
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 {
		return fmt.Errorf("widget tree ends with %d children missing", open[len(open)-1])
	}
	return nil
}

func decodeCreateWidgetTree(_ Opcode, d *decoder) (Request, error) {
	r := &CreateWidgetTree{Window: d.u32()}
	n := int(d.u16())
	d.skip(2)
	if d.err != nil {
		return r, nil
	}
	if n > MaxWidgets {
		d.err = fmt.Errorf("%d widgets, limit %d: %w", n, MaxWidgets, ErrTooLong)
		return r, nil
	}
	// Every node has a 20-byte fixed part: a lying count fails here.
	if !d.need(20 * n) {
		return r, nil
	}
	r.Nodes = make([]WidgetNode, n)
	var verr error
	for i := range r.Nodes {
		if err := decodeWidgetNode(d, &r.Nodes[i]); err != nil && verr == nil {
			verr = err
		}
		if d.err != nil {
			return r, nil
		}
	}
	if verr != nil {
		return r, verr
	}
	return r, checkWidgetTree(r.Nodes)
}

func decodeUpdateWidget(_ Opcode, d *decoder) (Request, error) {
	r := &UpdateWidget{Window: d.u32(), Widget: d.u16(), Prop: d.u8()}
	d.skip(1)
	r.Value = int32(d.u32())
	ns, nops := int(d.u16()), int(d.u16())
	if d.err != nil {
		return r, nil
	}
	if ns > MaxWidgetItems || nops > MaxCanvasOps {
		d.err = fmt.Errorf("%d strings, %d ops: %w", ns, nops, ErrTooLong)
		return r, nil
	}
	var verr error
	r.Strings, verr = decodeStrings(d, ns)
	if d.err != nil {
		return r, nil
	}
	var err error
	r.Ops, err = decodeOps(d, nops)
	if d.err != nil {
		return r, nil
	}
	if verr == nil {
		verr = err
	}
	if verr != nil {
		return r, verr
	}
	switch {
	case r.Prop == 0 || r.Prop > maxProp:
		return r, fmt.Errorf("property %d", r.Prop)
	case r.Prop == PropText && ns != 1:
		return r, fmt.Errorf("PropText with %d strings", ns)
	case r.Prop == PropSelected && r.Value < -1:
		return r, fmt.Errorf("selected index %d", r.Value)
	case r.Prop != PropOps && nops != 0, r.Prop != PropText && r.Prop != PropItems && r.Prop != PropAppend && ns != 0:
		return r, fmt.Errorf("property %d with %d strings and %d ops", r.Prop, ns, nops)
	}
	return r, nil
}

func decodeQueryWidget(_ Opcode, d *decoder) (Request, error) {
	r := &QueryWidget{Window: d.u32(), Widget: d.u16()}
	d.skip(2)
	return r, nil
}
