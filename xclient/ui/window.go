package ui

import (
	"context"
	"errors"
	"fmt"
	"image"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/render"
	model "github.com/xfar/xfar/widget"
	"github.com/xfar/xfar/xclient"
)

// EventKind says what an Event is.
type EventKind uint8

// Event kinds: the protocol's semantic events, and Closed.
const (
	Clicked   EventKind = protocol.WidgetClicked
	Changed   EventKind = protocol.WidgetChanged
	Submitted EventKind = protocol.WidgetSubmitted
	Selected  EventKind = protocol.WidgetSelected
	// Closed: the user closed the window (or it was destroyed).
	Closed EventKind = 100
)

// String names the kind.
func (k EventKind) String() string {
	switch k {
	case Clicked:
		return "clicked"
	case Changed:
		return "changed"
	case Submitted:
		return "submitted"
	case Selected:
		return "selected"
	case Closed:
		return "closed"
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// Event is a semantic event of a window.
type Event struct {
	Kind EventKind
	// Widget is the widget it concerns (nil for Closed).
	Widget Widget
	// Index is a list's selected item for Selected, else -1.
	Index int
	// Value is a field's text (Changed, Submitted), the selected item
	// (Selected) or the text of the field a button Carries (Clicked).
	Value string
}

// Options configure Open.
type Options struct {
	// Title is the window's title.
	Title string
	// Split is where the user interface runs.
	Split Split
	// X and Y place the window (the window manager may move it).
	X, Y int
}

// Window is a top-level window holding a widget tree.
type Window struct {
	c     *xclient.Conn
	split Split
	win   xclient.Window
	tree  *model.Tree
	byID  map[uint16]*widget
	queue []Event

	// Draw and pixels splits: the painters.
	draw *drawPainter
	img  *render.Image
	gc   xclient.GC
}

// Open lays root out, creates a window that fits it and shows it, in the
// chosen split. In the draw and pixels splits the window is painted when
// the server first exposes it; in the widgets split the server paints it.
func Open(c *xclient.Conn, root Widget, o Options) (*Window, error) {
	w := &Window{c: c, split: o.Split, byID: map[uint16]*widget{}}
	var next uint16
	var assign func(n *model.Node) error
	byNode := map[*model.Node]*widget{}
	collect(root.base(), byNode)
	assign = func(n *model.Node) error {
		if next == protocol.MaxWidgets {
			return fmt.Errorf("ui: more than %d widgets", protocol.MaxWidgets)
		}
		next++
		n.ID = next
		wd := byNode[n]
		if wd == nil {
			return errors.New("ui: a widget was placed in two windows or boxes")
		}
		if wd.win != nil {
			return errors.New("ui: a widget is already in an open window")
		}
		wd.win = w
		w.byID[n.ID] = wd
		for _, ch := range n.Children {
			if err := assign(ch); err != nil {
				return err
			}
		}
		return nil
	}
	if err := assign(root.base().n); err != nil {
		return nil, err
	}
	for _, wd := range w.byID {
		if wd.ref != nil {
			wd.n.Ref = wd.ref.n.ID
		}
	}
	t, err := model.NewTree(root.base().n, image.Point{})
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	w.tree = t
	mask := protocol.StructureNotifyMask
	if o.Split == Widgets {
		mask |= protocol.WidgetNotifyMask
	} else {
		mask |= protocol.ExposureMask | protocol.KeyPressMask | protocol.ButtonPressMask |
			protocol.ButtonReleaseMask | protocol.PointerMotionMask | protocol.EnterWindowMask |
			protocol.LeaveWindowMask
	}
	w.win, err = c.CreateWindow(c.Root(), o.X, o.Y, t.Size.X, t.Size.Y, &xclient.WindowOptions{
		Background: model.ColorBackground, EventMask: mask})
	if err != nil {
		return nil, fmt.Errorf("ui: create window: %w", err)
	}
	if o.Title != "" {
		if err := c.SetTitle(w.win, o.Title); err != nil {
			return nil, fmt.Errorf("ui: %w", err)
		}
	}
	switch o.Split {
	case Widgets:
		if err := c.CreateWidgetTree(w.win, t.Wire()); err != nil {
			return nil, fmt.Errorf("ui: create widget tree: %w", err)
		}
	case Draw:
		if w.draw, err = newDrawPainter(c, w.win); err != nil {
			return nil, err
		}
	case Pixels:
		w.img = render.NewImage(t.Size.X, t.Size.Y)
		t.Paint(w.img, w.img.Bounds())
		if w.gc, err = c.CreateGC(w.win, nil); err != nil {
			return nil, fmt.Errorf("ui: %w", err)
		}
	default:
		return nil, fmt.Errorf("ui: unknown split %v", o.Split)
	}
	if err := c.MapWindow(w.win); err != nil {
		return nil, fmt.Errorf("ui: map window: %w", err)
	}
	return w, c.Flush()
}

func collect(wd *widget, m map[*model.Node]*widget) {
	m[wd.n] = wd
	for _, k := range wd.kids {
		collect(k, m)
	}
}

// XWindow returns the window's ID, for tests and for mixing in plain
// xclient requests.
func (w *Window) XWindow() xclient.Window { return w.win }

// Split returns the split the window runs in.
func (w *Window) Split() Split { return w.split }

// Size returns the window's size.
func (w *Window) Size() (width, height int) { return w.tree.Size.X, w.tree.Size.Y }

// Close destroys the window.
func (w *Window) Close() error {
	if err := w.c.DestroyWindow(w.win); err != nil {
		return fmt.Errorf("ui: destroy window: %w", err)
	}
	return w.c.Flush()
}

// Next returns the window's next semantic event, handling everything
// else (exposures, and in the draw and pixels splits every input event)
// on the way. Events of other windows are dropped. Errors are
// xclient.Conn.NextEvent's.
func (w *Window) Next(ctx context.Context) (Event, error) {
	for len(w.queue) == 0 {
		ev, err := w.c.NextEvent(ctx)
		if err != nil {
			return Event{}, err
		}
		if ev.Window != uint32(w.win) {
			continue
		}
		if err := w.handle(ev); err != nil {
			return Event{}, err
		}
	}
	e := w.queue[0]
	w.queue = w.queue[1:]
	return e, nil
}

// handle processes one X event of the window.
func (w *Window) handle(ev *protocol.Event) error {
	switch ev.Code {
	case protocol.CloseRequest, protocol.DestroyNotify:
		w.queue = append(w.queue, Event{Kind: Closed, Index: -1})
		return nil
	case protocol.WidgetNotify:
		return w.semantic(ev)
	case protocol.Expose:
		return w.expose(image.Rect(int(ev.X), int(ev.Y), int(ev.X)+int(ev.Width), int(ev.Y)+int(ev.Height)))
	}
	if w.split == Widgets {
		return nil
	}
	in := model.Input{X: int(ev.X), Y: int(ev.Y), Button: int(ev.Detail), Mods: ev.State}
	switch ev.Code {
	case protocol.MotionNotify, protocol.EnterNotify:
		in.Kind = model.PointerMove
	case protocol.LeaveNotify:
		in.Kind = model.PointerLeave
	case protocol.ButtonPress:
		in.Kind = model.ButtonDown
	case protocol.ButtonRelease:
		in.Kind = model.ButtonUp
	case protocol.KeyPress:
		in = model.Input{Kind: model.KeyDown, Keysym: ev.Keysym, Text: ev.Text, Mods: ev.State}
	default:
		return nil
	}
	evs, damage := w.tree.Handle(in)
	w.results(evs)
	if err := w.repaint(damage); err != nil {
		return err
	}
	return w.clipboard()
}

// results queues the model's semantic events.
func (w *Window) results(evs []model.Event) {
	for _, e := range evs {
		w.queue = append(w.queue, Event{Kind: EventKind(e.Kind), Widget: w.widgetOf(e.Widget), Index: e.Index, Value: e.Value})
	}
}

// widgetOf returns the application's handle of widget id.
func (w *Window) widgetOf(id uint16) Widget {
	if wd := w.byID[id]; wd != nil {
		return wd.self
	}
	return nil
}

// semantic turns a WidgetNotify into an Event, asking the server for a
// value that did not fit the event.
func (w *Window) semantic(ev *protocol.Event) error {
	wd := w.byID[uint16(ev.Child)]
	if wd == nil {
		return nil
	}
	e := Event{Kind: EventKind(ev.Detail), Widget: wd.self, Index: -1, Value: ev.Text}
	if ev.Keysym != protocol.NoIndex {
		e.Index = int(ev.Keysym)
	}
	if ev.Count == 1 {
		src := wd
		if e.Kind == Clicked && wd.ref != nil {
			src = wd.ref
		}
		r, err := w.c.QueryWidget(w.win, src.n.ID)
		if err != nil {
			return fmt.Errorf("ui: query widget %d: %w", src.n.ID, err)
		}
		e.Value = r.Text
		if e.Kind == Selected && e.Index >= 0 && e.Index < len(src.n.Items) {
			e.Value = src.n.Items[e.Index]
		}
	}
	// Keep the local model's selection in step, so Items and State agree.
	if e.Kind == Selected {
		wd.n.Selected = e.Index
	}
	w.queue = append(w.queue, e)
	return nil
}

// expose repaints r (draw) or sends its pixels again (pixels).
func (w *Window) expose(r image.Rectangle) error {
	switch w.split {
	case Draw:
		w.tree.Paint(w.draw, r)
		return w.draw.err
	case Pixels:
		return w.putPixels(r)
	}
	return nil
}

// repaint brings the window up to date where the model changed.
func (w *Window) repaint(damage []image.Rectangle) error {
	for _, r := range damage {
		switch w.split {
		case Draw:
			w.tree.Paint(w.draw, r)
			if w.draw.err != nil {
				return w.draw.err
			}
		case Pixels:
			w.tree.Paint(w.img, r)
			if err := w.putPixels(r); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *Window) putPixels(r image.Rectangle) error {
	r = r.Intersect(w.img.Bounds())
	if r.Empty() {
		return nil
	}
	if err := w.c.PutPixels(w.win, w.gc, r.Min.X, r.Min.Y, r.Dx(), r.Dy(), w.img.GetImage(r)); err != nil {
		return fmt.Errorf("ui: put pixels: %w", err)
	}
	return nil
}

// update applies a property change: to the local model (and the screen)
// in the draw and pixels splits, to the server's tree in the widgets
// split (the local model follows, as the application's record).
func (w *Window) update(wd *widget, prop uint8, value int, strs []string, ops []protocol.CanvasOp) error {
	damage, err := w.tree.Update(wd.n.ID, prop, value, strs, ops)
	if err != nil {
		return fmt.Errorf("ui: %w", err)
	}
	if w.split == Widgets {
		u := protocol.UpdateWidget{Widget: wd.n.ID, Prop: prop, Value: int32(value), Strings: strs, Ops: ops}
		if err := w.c.UpdateWidget(w.win, u); err != nil {
			return fmt.Errorf("ui: update widget %d: %w", wd.n.ID, err)
		}
		return nil
	}
	return w.repaint(damage)
}

func (w *Window) queryText(wd *widget) (string, error) {
	if w.split != Widgets {
		return wd.n.Text, nil
	}
	r, err := w.c.QueryWidget(w.win, wd.n.ID)
	if err != nil {
		return "", fmt.Errorf("ui: query widget %d: %w", wd.n.ID, err)
	}
	return r.Text, nil
}

func (w *Window) queryList(wd *widget) (selected, scroll int, err error) {
	if w.split != Widgets {
		return wd.n.Selected, wd.n.Scroll, nil
	}
	r, err := w.c.QueryWidget(w.win, wd.n.ID)
	if err != nil {
		return 0, 0, fmt.Errorf("ui: query widget %d: %w", wd.n.ID, err)
	}
	selected = -1
	if r.Selected != protocol.NoIndex {
		selected = int(r.Selected)
	}
	return selected, int(r.Scroll), nil
}
