package xclient

import "github.com/xfar/xfar/protocol"

// The widget requests (SPEC.md §18) are what package ui sends in its
// "widgets" split; most applications use that package, not these.

// CreateWidgetTree gives w a widget tree (its nodes in pre-order), which
// the server lays out, paints and drives from then on.
func (c *Conn) CreateWidgetTree(w Window, nodes []protocol.WidgetNode) error {
	_, err := c.send(&protocol.CreateWidgetTree{Window: uint32(w), Nodes: nodes})
	return err
}

// UpdateWidget changes one property (protocol.Prop*) of a widget of w's
// tree.
func (c *Conn) UpdateWidget(w Window, u protocol.UpdateWidget) error {
	u.Window = uint32(w)
	_, err := c.send(&u)
	return err
}

// QueryWidgetAsync queues a QueryWidget request.
func (c *Conn) QueryWidgetAsync(w Window, widget uint16) *Cookie[*protocol.WidgetReply] {
	return ask(c, &protocol.QueryWidget{Window: uint32(w), Widget: widget}, protocol.DecodeWidgetReply)
}

// QueryWidget returns a widget's current state: a field's text and caret,
// a list's selection, scroll position and item count.
func (c *Conn) QueryWidget(w Window, widget uint16) (*protocol.WidgetReply, error) {
	return c.QueryWidgetAsync(w, widget).Reply()
}
