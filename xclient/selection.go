package xclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/xfar/xfar/internal/newest"
	"github.com/xfar/xfar/protocol"
)

// The clipboard: CLIPBOARD and PRIMARY. A client sets a selection in one
// call (SetSelection, SetClipboardText), reads it in one (ReadSelection,
// ClipboardText) and hears about changes on a channel (WatchSelections).
// The connection's reader answers the server's requests for content by
// itself, on goroutines of its own, so an owner need not run an event
// loop for the clipboard to work.

// ContentFunc writes the content of one type of an offer to w. It runs on
// its own goroutine; ctx ends when the requestor gives up.
type ContentFunc func(ctx context.Context, typ string, w io.Writer) error

// maxServing bounds the owner's transfers running at once; more requests
// are answered with an error.
const maxServing = 8

// ErrNoContent is wrapped by ReadSelection's error when the selection has
// no owner, does not offer the type, or its owner failed.
var ErrNoContent = errors.New("xclient: selection content not available")

// selClient is a connection's selection state, guarded by mu.
type selClient struct {
	mu sync.Mutex
	// offers are this client's current offers by selection.
	offers [protocol.NumSelections]*ownOffer
	serial uint32
	// serving are the owner's transfers in progress, by server transfer.
	serving map[uint32]context.CancelFunc
	// inbound are transfers this client asked for, by its transfer number.
	inbound  map[uint32]chan *protocol.SelectionDataEvent
	nextIn   uint32
	slots    chan struct{}
	watch    chan *protocol.SelectionOwnerEvent
	watching uint32
	// last is the latest owner event per watched selection: short text
	// comes with it, so reading it costs no round trip.
	last [protocol.NumSelections]*protocol.SelectionOwnerEvent
}

type ownOffer struct {
	serial uint32
	types  []string
	data   map[string][]byte
	fn     ContentFunc
}

func (s *selClient) initLocked() {
	if s.serving == nil {
		s.serving = map[uint32]context.CancelFunc{}
		s.inbound = map[uint32]chan *protocol.SelectionDataEvent{}
		s.slots = make(chan struct{}, protocol.MaxTransfersPerClient)
	}
}

// SetSelection makes this client the owner of sel, offering content by
// MIME type (protocol.MimeText, protocol.MimePNG, ...). Content up to
// protocol.MaxInlineOffer in all travels with the offer, so the server
// answers requests for it without asking back; larger content is kept
// here and streamed when asked for. Text must be valid UTF-8.
func (c *Conn) SetSelection(sel protocol.Selection, content map[string][]byte) error {
	types := make([]string, 0, len(content))
	for t := range content {
		types = append(types, t)
	}
	// Text first: the type most readers ask for.
	for i, t := range types {
		if t == protocol.MimeText {
			types[0], types[i] = types[i], types[0]
		}
	}
	return c.OfferSelection(sel, types, content, nil)
}

// SetClipboardText puts text on the CLIPBOARD.
func (c *Conn) SetClipboardText(text string) error {
	return c.SetSelection(protocol.Clipboard, map[string][]byte{protocol.MimeText: []byte(text)})
}

// OfferSelection makes this client the owner of sel, offering types. The
// content of a type in content is sent (inline when small) or streamed
// from there; fn produces the others when they are asked for. No types
// gives the selection up.
func (c *Conn) OfferSelection(sel protocol.Selection, types []string, content map[string][]byte, fn ContentFunc) error {
	if sel >= protocol.NumSelections {
		return fmt.Errorf("xclient: set selection: no selection %d", sel)
	}
	if len(types) > protocol.MaxSelectionTypes {
		return fmt.Errorf("xclient: set %v: %d types, at most %d", sel, len(types), protocol.MaxSelectionTypes)
	}
	req := &protocol.SetSelection{Selection: sel}
	inline := 0
	for _, t := range types {
		if len(t) == 0 || len(t) > protocol.MaxMimeType {
			return fmt.Errorf("xclient: set %v: bad MIME type %q", sel, t)
		}
		data, ok := content[t]
		if ok && len(data) > protocol.MaxSelectionSize {
			return fmt.Errorf("xclient: set %v: %d bytes of %s, at most %d", sel, len(data), t, protocol.MaxSelectionSize)
		}
		if ok && t == protocol.MimeText && !protocol.ValidText(data) {
			return fmt.Errorf("xclient: set %v: text is not valid UTF-8", sel)
		}
		if !ok && fn == nil {
			return fmt.Errorf("xclient: set %v: no content for %s", sel, t)
		}
		o := protocol.Offer{Type: t}
		if ok && inline+len(data) <= protocol.MaxInlineOffer {
			o.Inline, o.Data = true, data
			inline += len(data)
		}
		req.Offers = append(req.Offers, o)
	}
	s := &c.sel
	s.mu.Lock()
	s.initLocked()
	if len(types) == 0 {
		s.offers[sel] = nil
	} else {
		s.serial++
		req.Serial = s.serial
		s.offers[sel] = &ownOffer{serial: s.serial, types: types, data: content, fn: fn}
	}
	s.mu.Unlock()
	if _, err := c.send(req); err != nil {
		return fmt.Errorf("xclient: set %v: %w", sel, err)
	}
	return c.Flush()
}

// ClearSelection gives sel up if this client owns it.
func (c *Conn) ClearSelection(sel protocol.Selection) error {
	return c.OfferSelection(sel, nil, nil, nil)
}

// WatchSelections asks to hear about owner changes of the selections in
// mask (protocol.Clipboard.Mask() | ...) and returns the channel they
// arrive on. The channel keeps the latest changes when the caller is
// slow (older ones are dropped); it is closed when the connection is.
// Calling it again changes the mask and returns the same channel.
func (c *Conn) WatchSelections(mask uint32) (<-chan *protocol.SelectionOwnerEvent, error) {
	s := &c.sel
	s.mu.Lock()
	s.initLocked()
	if s.watch == nil {
		s.watch = make(chan *protocol.SelectionOwnerEvent, 4*protocol.NumSelections)
	}
	s.watching = mask
	ch := s.watch
	s.mu.Unlock()
	if _, err := c.send(&protocol.SelectSelectionInput{Mask: mask}); err != nil {
		return nil, fmt.Errorf("xclient: watch selections: %w", err)
	}
	return ch, c.Flush()
}

// ClipboardText reads the CLIPBOARD as text.
func (c *Conn) ClipboardText(ctx context.Context) (string, error) {
	b, err := c.ReadSelection(ctx, protocol.Clipboard, protocol.MimeText)
	return string(b), err
}

// ReadSelection reads sel's content of type typ whole (at most
// protocol.MaxSelectionSize bytes). When this client watches sel and the
// owner's short text came with the change, text costs no round trip.
func (c *Conn) ReadSelection(ctx context.Context, sel protocol.Selection, typ string) ([]byte, error) {
	if typ == protocol.MimeText && sel < protocol.NumSelections {
		c.sel.mu.Lock()
		last := c.sel.last[sel]
		c.sel.mu.Unlock()
		if last != nil && last.Flags&protocol.OwnerText != 0 {
			return bytes.Clone(last.Text), nil
		}
	}
	r, err := c.OpenSelection(ctx, sel, typ)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// OpenSelection starts reading sel's content of type typ and returns it as
// a stream: chunks are handed over as they arrive, never gathered whole.
// At most protocol.MaxTransfersPerClient run at once; more wait. Read
// returns an error wrapping ErrNoContent if the owner fails or leaves
// mid-way. Close before the end cancels the transfer.
func (c *Conn) OpenSelection(ctx context.Context, sel protocol.Selection, typ string) (io.ReadCloser, error) {
	if sel >= protocol.NumSelections {
		return nil, fmt.Errorf("xclient: read selection: no selection %d", sel)
	}
	s := &c.sel
	s.mu.Lock()
	s.initLocked()
	slots := s.slots
	s.mu.Unlock()
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	ch := make(chan *protocol.SelectionDataEvent, protocol.MaxSelectionSize/protocol.MaxSelectionChunk+2)
	s.mu.Lock()
	s.nextIn++
	id := s.nextIn
	s.inbound[id] = ch
	s.mu.Unlock()
	if _, err := c.send(&protocol.ConvertSelection{Selection: sel, Transfer: id, Type: typ}); err != nil {
		c.endInbound(id)
		<-slots
		return nil, fmt.Errorf("xclient: read %v: %w", sel, err)
	}
	if err := c.Flush(); err != nil {
		c.endInbound(id)
		<-slots
		return nil, fmt.Errorf("xclient: read %v: %w", sel, err)
	}
	r := &selReader{c: c, id: id, ch: ch, ctx: ctx, sel: sel, slots: slots}
	// The first chunk says whether there is anything to read at all.
	if err := r.next(); err != nil && err != io.EOF {
		r.Close()
		return nil, err
	}
	return r, nil
}

func (c *Conn) endInbound(id uint32) {
	c.sel.mu.Lock()
	delete(c.sel.inbound, id)
	c.sel.mu.Unlock()
}

type selReader struct {
	c     *Conn
	id    uint32
	ch    chan *protocol.SelectionDataEvent
	ctx   context.Context
	sel   protocol.Selection
	slots chan struct{}
	buf   []byte
	err   error
	ended bool // the server sent the last chunk or an error
	once  sync.Once
}

func (r *selReader) next() error {
	if r.err != nil {
		return r.err
	}
	select {
	case e, ok := <-r.ch:
		if !ok {
			r.err = fmt.Errorf("xclient: read %v: %w", r.sel, ErrClosed)
			r.ended = true
			return r.err
		}
		switch e.Status {
		case protocol.DataError:
			r.ended = true
			r.err = fmt.Errorf("xclient: read %v: %w: %s", r.sel, ErrNoContent, e.Data)
		case protocol.DataLast:
			r.ended = true
			r.buf, r.err = e.Data, io.EOF
			if len(r.buf) > 0 {
				return nil
			}
		default:
			r.buf = e.Data
		}
		return r.err
	case <-r.ctx.Done():
		r.err = r.ctx.Err()
		return r.err
	}
}

// Read implements io.Reader.
func (r *selReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if err := r.next(); err != nil && len(r.buf) == 0 {
			return 0, err
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// Close implements io.Closer; it cancels a transfer still running.
func (r *selReader) Close() error {
	r.once.Do(func() {
		r.c.endInbound(r.id)
		if !r.ended {
			r.c.send(&protocol.CancelConvert{Transfer: r.id})
			r.c.Flush()
		}
		<-r.slots
	})
	return nil
}

// The reader goroutine's side. None of these may block.

func (c *Conn) selectionOwner(e *protocol.SelectionOwnerEvent) {
	s := &c.sel
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	if e.Flags&protocol.OwnerLost != 0 && e.Selection < protocol.NumSelections {
		s.offers[e.Selection] = nil
	}
	if s.watch == nil || s.watching&e.Selection.Mask() == 0 {
		return
	}
	if e.Selection < protocol.NumSelections {
		s.last[e.Selection] = e
	}
	newest.Send(s.watch, e)
}

func (c *Conn) selectionData(e *protocol.SelectionDataEvent) {
	s := &c.sel
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.inbound[e.Transfer]
	if ch == nil {
		return // cancelled: late chunks are dropped
	}
	if e.Status != protocol.DataMore {
		delete(s.inbound, e.Transfer)
	}
	select {
	case ch <- e:
	default:
		// More chunks than a transfer may have: the server broke the
		// size limit. End it rather than block the reader.
		delete(s.inbound, e.Transfer)
		close(ch)
	}
}

func (c *Conn) selectionRequest(e *protocol.SelectionRequestEvent) {
	s := &c.sel
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	if e.Detail == protocol.RequestCancel {
		if cancel := s.serving[e.Transfer]; cancel != nil {
			cancel()
			delete(s.serving, e.Transfer)
		}
		return
	}
	var o *ownOffer
	if e.Selection < protocol.NumSelections {
		o = s.offers[e.Selection]
	}
	fail := func(msg string) {
		go c.putData(e.Transfer, protocol.DataError, []byte(msg))
	}
	switch {
	case o == nil || o.serial != e.Serial:
		fail("the offer is no longer current")
		return
	case len(s.serving) >= maxServing:
		fail("owner busy: too many transfers")
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.serving[e.Transfer] = cancel
	go func() {
		defer func() {
			s.mu.Lock()
			delete(s.serving, e.Transfer)
			s.mu.Unlock()
			cancel()
		}()
		c.serveContent(ctx, e.Transfer, o, e.Type)
	}()
}

func (c *Conn) putData(transfer uint32, status uint8, data []byte) error {
	if _, err := c.send(&protocol.PutSelectionData{Transfer: transfer, Status: status, Data: data}); err != nil {
		return err
	}
	if status != protocol.DataMore {
		return c.Flush()
	}
	return nil
}

// serveContent streams one type of an offer to the server.
func (c *Conn) serveContent(ctx context.Context, transfer uint32, o *ownOffer, typ string) {
	w := &chunkWriter{c: c, ctx: ctx, transfer: transfer}
	var err error
	if data, ok := o.data[typ]; ok {
		_, err = w.Write(data)
	} else if o.fn != nil {
		err = o.fn(ctx, typ, w)
	} else {
		err = fmt.Errorf("type %q not offered", typ)
	}
	if ctx.Err() != nil {
		return // cancelled: the server expects nothing more
	}
	if err != nil {
		c.putData(transfer, protocol.DataError, []byte(err.Error()))
		return
	}
	c.putData(transfer, protocol.DataLast, w.buf)
}

// chunkWriter cuts an owner's content into PutSelectionData chunks.
type chunkWriter struct {
	c        *Conn
	ctx      context.Context
	transfer uint32
	buf      []byte
	total    int
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
	w.total += len(p)
	if w.total > protocol.MaxSelectionSize {
		return 0, fmt.Errorf("content larger than %d bytes", protocol.MaxSelectionSize)
	}
	n := len(p)
	for len(p) > 0 {
		// A full chunk goes out only once more follows, so that the
		// last one can carry DataLast.
		if len(w.buf) == protocol.MaxSelectionChunk {
			if err := w.c.putData(w.transfer, protocol.DataMore, w.buf); err != nil {
				return 0, err
			}
			w.buf = w.buf[:0]
		}
		k := min(protocol.MaxSelectionChunk-len(w.buf), len(p))
		w.buf = append(w.buf, p[:k]...)
		p = p[k:]
	}
	return n, nil
}

// selectionGone ends every inbound transfer when the connection is lost.
func (c *Conn) selectionGone() {
	s := &c.sel
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, ch := range s.inbound {
		close(ch)
		delete(s.inbound, id)
	}
	for id, cancel := range s.serving {
		cancel()
		delete(s.serving, id)
	}
	if s.watch != nil {
		close(s.watch)
		s.watch = nil
	}
}
