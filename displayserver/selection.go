package displayserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/xfar/xfar/internal/newest"
	"github.com/xfar/xfar/protocol"
)

// The selections (CLIPBOARD and PRIMARY). The state goroutine owns all of
// it. An offer is owned either by a client, which is asked for content it
// did not send inline, or by a viewer acting for the user, whose content
// the server holds (a viewer hands over the whole of it, at most
// protocol.MaxSelectionSize). A transfer streams chunks from the owner (or
// the held copy) to the requestor as they come: the server never gathers a
// client owner's answer whole.

// selOffer is a selection's current owner and what it offers.
type selOffer struct {
	owner  *client // nil: a viewer's offer, held by the server
	origin string  // the viewer's name for itself, for viewer offers
	serial uint32
	types  []string
	data   map[string][]byte // content the server holds, by type
}

func (o *selOffer) offers(t string) bool { return slices.Contains(o.types, t) }

// selSink receives a transfer's chunks: a client's SelectionData events or
// a viewer's HTTP response.
type selSink interface {
	// put delivers one chunk; status is protocol.DataMore, DataLast or
	// DataError (data is then the reason).
	put(st *state, status uint8, data []byte)
	// requestor is the requesting client, nil for a viewer.
	requestor() *client
}

// selTransfer is a transfer waiting for a client owner's chunks.
type selTransfer struct {
	id    uint32
	sel   protocol.Selection
	owner *client
	sink  selSink
	size  int
	// last is when the owner last sent a chunk (or was asked).
	last time.Time
}

// transferIdle is how long an owner may stay silent in a transfer before
// the transfer fails, so that a requestor never waits forever.
const transferIdle = 30 * time.Second

type selState struct {
	cur       [protocol.NumSelections]*selOffer
	masks     map[*client]uint32
	watchers  map[*selWatcher]struct{}
	transfers map[uint32]*selTransfer
	nextID    uint32
	// changes counts owner changes, the serial of viewer offers.
	changes uint32
}

// SelectionChange describes a selection's new owner to viewers.
type SelectionChange struct {
	Selection protocol.Selection
	// Change numbers owner changes on this display, from 1.
	Change uint32
	// Types offered; none when the selection has no owner.
	Types []string
	// Text is the whole text content when HasText (short text only).
	Text    []byte
	HasText bool
	// Origin is the viewer that made the change ("" for a client).
	Origin string
}

// selWatcher is a viewer watching selection changes. Its channel keeps the
// latest change per selection; older ones are replaced, never queued.
type selWatcher struct {
	ch chan SelectionChange
}

// send drops the oldest change when the channel is full: the newest owner
// is what matters.
func (w *selWatcher) send(ch SelectionChange) { newest.Send(w.ch, ch) }

func (ss *selState) init() {
	if ss.masks == nil {
		ss.masks = map[*client]uint32{}
		ss.watchers = map[*selWatcher]struct{}{}
		ss.transfers = map[uint32]*selTransfer{}
	}
}

// handleSelection applies the selection requests.
func (st *state) handleSelection(c *client, seq uint32, req protocol.Request) *protocol.Error {
	ss := &st.sel
	ss.init()
	switch r := req.(type) {
	case *protocol.SelectSelectionInput:
		prev := ss.masks[c]
		if r.Mask == 0 {
			delete(ss.masks, c)
		} else {
			ss.masks[c] = r.Mask
		}
		// Newly selected selections are described at once, so a client
		// starts from the current owner without asking.
		for i := range protocol.Selection(protocol.NumSelections) {
			if r.Mask&^prev&i.Mask() != 0 {
				e := st.ownerEvent(i, c)
				st.sendSelectionOwner(c, &e)
			}
		}
	case *protocol.SetSelection:
		if len(r.Offers) == 0 {
			if o := ss.cur[r.Selection]; o != nil && o.owner == c {
				st.setOffer(r.Selection, nil)
			}
			return nil
		}
		o := &selOffer{owner: c, serial: r.Serial, data: map[string][]byte{}}
		for _, of := range r.Offers {
			if o.offers(of.Type) {
				continue
			}
			o.types = append(o.types, of.Type)
			if of.Inline {
				o.data[of.Type] = of.Data
			}
		}
		st.setOffer(r.Selection, o)
	case *protocol.ConvertSelection:
		sink := &clientSink{c: c, transfer: r.Transfer}
		n := 0
		for _, t := range ss.transfers {
			if t.sink.requestor() == c {
				n++
			}
		}
		if n >= protocol.MaxTransfersPerClient {
			sink.put(st, protocol.DataError, []byte(fmt.Sprintf("too many transfers in flight (at most %d)", protocol.MaxTransfersPerClient)))
			return nil
		}
		st.convert(r.Selection, r.Type, sink)
	case *protocol.CancelConvert:
		for _, t := range ss.transfers {
			if cs, ok := t.sink.(*clientSink); ok && cs.c == c && cs.transfer == r.Transfer {
				st.cancelTransfer(t.id)
				break
			}
		}
	case *protocol.PutSelectionData:
		t := ss.transfers[r.Transfer]
		if t == nil || t.owner != c {
			// Cancelled, or its requestor left: the owner learns that
			// from a SelectionRequest cancel; late chunks are dropped.
			return nil
		}
		t.size += len(r.Data)
		t.last = time.Now()
		if r.Status != protocol.DataError && t.size > protocol.MaxSelectionSize {
			st.endTransfer(t, protocol.DataError, fmt.Appendf(nil, "selection content larger than %d bytes", protocol.MaxSelectionSize))
			st.cancelToOwner(t)
			return nil
		}
		if r.Status == protocol.DataMore {
			t.sink.put(st, protocol.DataMore, r.Data)
			return nil
		}
		st.endTransfer(t, r.Status, r.Data)
	}
	return nil
}

// convert starts a transfer of sel's content of type typ to sink.
func (st *state) convert(sel protocol.Selection, typ string, sink selSink) {
	ss := &st.sel
	ss.init()
	o := ss.cur[sel]
	switch {
	case o == nil:
		sink.put(st, protocol.DataError, fmt.Appendf(nil, "%v has no owner", sel))
		return
	case !o.offers(typ):
		sink.put(st, protocol.DataError, fmt.Appendf(nil, "%v is not offered as %q", sel, typ))
		return
	}
	if data, ok := o.data[typ]; ok {
		// Held here: no round trip to the owner.
		for len(data) > protocol.MaxSelectionChunk {
			sink.put(st, protocol.DataMore, data[:protocol.MaxSelectionChunk])
			data = data[protocol.MaxSelectionChunk:]
		}
		sink.put(st, protocol.DataLast, data)
		return
	}
	if o.owner == nil {
		sink.put(st, protocol.DataError, fmt.Appendf(nil, "%v: %q has no content", sel, typ))
		return
	}
	st.sweepTransfers()
	ss.nextID++
	if ss.nextID == 0 {
		ss.nextID = 1
	}
	t := &selTransfer{id: ss.nextID, sel: sel, owner: o.owner, sink: sink, last: time.Now()}
	ss.transfers[t.id] = t
	st.sendSelectionRequest(o.owner, &protocol.SelectionRequestEvent{
		Selection: sel, Detail: protocol.RequestSend, Transfer: t.id, Serial: o.serial, Type: typ})
}

// sweepTransfers fails the transfers whose owner has gone silent.
func (st *state) sweepTransfers() {
	now := time.Now()
	for _, t := range st.sel.transfers {
		if now.Sub(t.last) > transferIdle {
			st.endTransfer(t, protocol.DataError, []byte("selection owner stopped answering"))
			st.cancelToOwner(t)
		}
	}
}

func (st *state) endTransfer(t *selTransfer, status uint8, data []byte) {
	delete(st.sel.transfers, t.id)
	t.sink.put(st, status, data)
}

func (st *state) cancelToOwner(t *selTransfer) {
	st.sendSelectionRequest(t.owner, &protocol.SelectionRequestEvent{
		Selection: t.sel, Detail: protocol.RequestCancel, Transfer: t.id})
}

// cancelTransfer ends a transfer its requestor gave up on.
func (st *state) cancelTransfer(id uint32) {
	if t := st.sel.transfers[id]; t != nil {
		delete(st.sel.transfers, id)
		st.cancelToOwner(t)
	}
}

// ownerEvent describes sel's current owner to c.
func (st *state) ownerEvent(sel protocol.Selection, c *client) protocol.SelectionOwnerEvent {
	ev := protocol.SelectionOwnerEvent{Selection: sel}
	o := st.sel.cur[sel]
	if o == nil {
		return ev
	}
	ev.Serial, ev.Types = o.serial, o.types
	if text, ok := o.data[protocol.MimeText]; ok && len(text) <= protocol.MaxInlineNotify {
		ev.Flags |= protocol.OwnerText
		ev.Text = text
	}
	if o.owner == c {
		ev.Flags |= protocol.OwnerYours
	}
	return ev
}

// setOffer makes o (nil: nobody) the owner of sel and tells whoever
// listens: the clients watching sel, the previous owner (whatever its
// mask), and the viewers.
func (st *state) setOffer(sel protocol.Selection, o *selOffer) {
	ss := &st.sel
	ss.init()
	prev := ss.cur[sel]
	ss.cur[sel] = o
	ss.changes++
	var prevOwner *client
	if prev != nil {
		prevOwner = prev.owner
	}
	tell := func(c *client) {
		e := st.ownerEvent(sel, c)
		if c == prevOwner && e.Flags&protocol.OwnerYours == 0 {
			e.Flags |= protocol.OwnerLost
		}
		st.sendSelectionOwner(c, &e)
	}
	for c, m := range ss.masks {
		if m&sel.Mask() != 0 || c == prevOwner {
			tell(c)
		}
	}
	if prevOwner != nil && ss.masks[prevOwner] == 0 {
		tell(prevOwner)
	}
	ch := SelectionChange{Selection: sel, Change: ss.changes}
	if o != nil {
		ch.Types, ch.Origin = slices.Clone(o.types), o.origin
		if text, ok := o.data[protocol.MimeText]; ok && len(text) <= protocol.MaxInlineNotify {
			ch.Text, ch.HasText = text, true
		}
	}
	for w := range ss.watchers {
		w.send(ch)
	}
}

// selectionClientGone drops a departing client's offers, fails the
// transfers it owed, and cancels those it asked for.
func (st *state) selectionClientGone(c *client) {
	ss := &st.sel
	ss.init()
	delete(ss.masks, c)
	for id, t := range ss.transfers {
		switch {
		case t.owner == c:
			delete(ss.transfers, id)
			t.sink.put(st, protocol.DataError, []byte("selection owner disconnected during the transfer"))
		case t.sink.requestor() == c:
			delete(ss.transfers, id)
			st.cancelToOwner(t)
		}
	}
	for i, o := range ss.cur {
		if o != nil && o.owner == c {
			st.setOffer(protocol.Selection(i), nil)
		}
	}
}

func (st *state) sendSelectionOwner(c *client, e *protocol.SelectionOwnerEvent) {
	if c.gone || c.kicked {
		return
	}
	e.Seq, e.Time = c.lastSeq, st.now()
	if !c.out.append(func(b []byte) []byte { return protocol.AppendSelectionOwnerEvent(b, e) }) {
		st.kick(c, "client not reading: output queue full")
	}
}

func (st *state) sendSelectionRequest(c *client, e *protocol.SelectionRequestEvent) {
	if c.gone || c.kicked {
		return
	}
	e.Seq, e.Time = c.lastSeq, st.now()
	if !c.out.append(func(b []byte) []byte { return protocol.AppendSelectionRequestEvent(b, e) }) {
		st.kick(c, "client not reading: output queue full")
	}
}

// clientSink delivers a transfer to a client as SelectionData events.
type clientSink struct {
	c        *client
	transfer uint32
}

func (s *clientSink) requestor() *client { return s.c }

func (s *clientSink) put(st *state, status uint8, data []byte) {
	c := s.c
	if c.gone || c.kicked {
		return
	}
	e := &protocol.SelectionDataEvent{Status: status, Seq: c.lastSeq, Time: st.now(), Transfer: s.transfer, Data: data}
	if !c.out.append(func(b []byte) []byte { return protocol.AppendSelectionDataEvent(b, e) }) {
		st.kick(c, "client not reading: output queue full")
	}
}

// viewerChunk is one chunk on its way to a viewer.
type viewerChunk struct {
	status uint8
	data   []byte
}

// viewerSink delivers a transfer to a viewer's goroutine. Its channel
// holds a whole transfer's chunks (the size limit bounds them), so the
// state goroutine never waits for a viewer.
type viewerSink struct {
	ch     chan viewerChunk
	failed bool
}

func newViewerSink() *viewerSink {
	return &viewerSink{ch: make(chan viewerChunk, protocol.MaxSelectionSize/protocol.MaxSelectionChunk+2)}
}

func (s *viewerSink) requestor() *client { return nil }

func (s *viewerSink) put(st *state, status uint8, data []byte) {
	if s.failed {
		return
	}
	select {
	case s.ch <- viewerChunk{status, data}:
	default:
		// Cannot happen within the size limit; never block the owner.
		s.failed = true
	}
}

// ErrNoSelection is wrapped by OpenSelection's error when the selection
// has no owner or does not offer the type.
var ErrNoSelection = errors.New("selection not available")

// ErrViewOnly is returned to view-only viewers, which may not touch the
// selections.
var ErrViewOnly = errors.New("view-only viewers cannot use the clipboard")

// SetSelection makes a viewer, acting for its user, the owner of sel with
// one type of content. origin is the viewer's name for itself, echoed in
// SelectionChange so that it can recognise its own change.
func (s *Server) SetSelection(sel protocol.Selection, origin, typ string, data []byte) error {
	if sel >= protocol.NumSelections {
		return fmt.Errorf("set selection: no selection %d", sel)
	}
	if len(data) > protocol.MaxSelectionSize {
		return fmt.Errorf("set %v: %d bytes, at most %d", sel, len(data), protocol.MaxSelectionSize)
	}
	if typ == protocol.MimeText && !protocol.ValidText(data) {
		return fmt.Errorf("set %v: text is not valid UTF-8", sel)
	}
	if !s.st.do(func(st *state) { st.setHeldOffer(sel, origin, typ, data) }) {
		return errors.New("set selection: display server closing")
	}
	return nil
}

// setHeldOffer makes the server, for origin, the owner of sel with data as
// its one type of content.
func (st *state) setHeldOffer(sel protocol.Selection, origin, typ string, data []byte) {
	st.sel.init()
	st.sel.changes++ // the serial: unique per display
	st.setOffer(sel, &selOffer{origin: origin, serial: st.sel.changes, types: []string{typ}, data: map[string][]byte{typ: data}})
}

// OpenSelection starts reading sel's content of type typ, streamed from
// its owner. The reader returns an error if the owner fails or leaves
// mid-way. The caller must Close it.
func (s *Server) OpenSelection(ctx context.Context, sel protocol.Selection, typ string) (io.ReadCloser, error) {
	if sel >= protocol.NumSelections {
		return nil, fmt.Errorf("read selection: no selection %d", sel)
	}
	sink := newViewerSink()
	var id uint32
	if !s.st.do(func(st *state) {
		before := st.sel.nextID
		st.convert(sel, typ, sink)
		if st.sel.nextID != before {
			id = st.sel.nextID
		}
	}) {
		return nil, errors.New("read selection: display server closing")
	}
	r := &selReader{s: s, sink: sink, id: id, ctx: ctx}
	// Wait for the first chunk so that "no owner" is an error here, not a
	// failing read.
	if err := r.fill(); err != nil && err != io.EOF {
		r.Close()
		return nil, err
	}
	return r, nil
}

// selReader reads a viewer's transfer.
type selReader struct {
	s    *Server
	sink *viewerSink
	id   uint32
	ctx  context.Context
	buf  []byte
	err  error
	done bool
}

func (r *selReader) fill() error {
	if r.err != nil {
		return r.err
	}
	select {
	case ch := <-r.sink.ch:
		switch ch.status {
		case protocol.DataError:
			r.err = fmt.Errorf("%w: %s", ErrNoSelection, ch.data)
			r.done = true
		case protocol.DataLast:
			r.buf = ch.data
			r.err = io.EOF
			r.done = true
		default:
			r.buf = ch.data
		}
		if len(r.buf) > 0 && r.err == io.EOF {
			return nil
		}
		return r.err
	case <-r.ctx.Done():
		r.err = r.ctx.Err()
		return r.err
	case <-r.s.ctx.Done():
		r.err = errors.New("display server closing")
		return r.err
	case <-time.After(transferIdle):
		r.err = fmt.Errorf("%w: the selection owner stopped answering", ErrNoSelection)
		return r.err
	}
}

// Read implements io.Reader.
func (r *selReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if err := r.fill(); err != nil && len(r.buf) == 0 {
			return 0, err
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// Close implements io.Closer: a transfer still running is cancelled.
func (r *selReader) Close() error {
	if !r.done && r.id != 0 {
		id := r.id
		r.s.st.do(func(st *state) { st.cancelTransfer(id) })
	}
	r.done = true
	return nil
}

// WatchSelections returns a channel of selection owner changes, starting
// with the current owner of each selection, and a function that stops the
// watch. Only the latest changes are kept for a slow reader.
func (s *Server) WatchSelections() (<-chan SelectionChange, func()) {
	w := &selWatcher{ch: make(chan SelectionChange, 2*protocol.NumSelections)}
	s.st.do(func(st *state) {
		st.sel.init()
		st.sel.watchers[w] = struct{}{}
		for i, o := range st.sel.cur {
			ch := SelectionChange{Selection: protocol.Selection(i), Change: st.sel.changes}
			if o != nil {
				ch.Types, ch.Origin = slices.Clone(o.types), o.origin
				if text, ok := o.data[protocol.MimeText]; ok && len(text) <= protocol.MaxInlineNotify {
					ch.Text, ch.HasText = text, true
				}
			}
			w.send(ch)
		}
	})
	return w.ch, func() { s.st.do(func(st *state) { delete(st.sel.watchers, w) }) }
}
