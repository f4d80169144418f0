// Package xsel is an ICCCM selection owner and requestor on an X display,
// for the parts of xfar that keep an X server's CLIPBOARD and PRIMARY in
// step with xfar's: the X11 bridge (towards its private Xvfb) and the
// desktop viewer (towards the user's desktop). It speaks TARGETS,
// UTF8_STRING, STRING, TEXT, the text/plain MIME names, image/png and
// INCR for large transfers in both directions, and learns of owner
// changes from XFixes. Content is named by MIME type on this package's
// side (protocol.MimeText, protocol.MimePNG).
package xsel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xfixes"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/protocol"
)

// Limits.
const (
	// MaxSize bounds what Read accepts, protocol.MaxSelectionSize.
	MaxSize = protocol.MaxSelectionSize
	// incrChunk is the size of each INCR piece we send, and the size above
	// which we send INCR at all: well under the core protocol's 256 KiB
	// request limit, which a property change must fit.
	incrChunk = 64 << 10
	// replyTimeout bounds each wait for another X client (its
	// SelectionNotify, its next INCR piece or its deletion of one).
	replyTimeout = 5 * time.Second
	// maxAnswering bounds the SelectionRequests served at once; each may
	// hold a whole content (at most MaxSize) while it is handed over.
	maxAnswering = 8
)

// Selection is CLIPBOARD or PRIMARY, as in the xfar protocol.
type Selection = protocol.Selection

// Fetch produces an owned selection's content of one MIME type.
type Fetch func(ctx context.Context, mime string) ([]byte, error)

// Sel is one X connection's selection machinery. Its methods are safe for
// concurrent use; Run must be running for them to make progress.
type Sel struct {
	x   *xgb.Conn
	win xproto.Window
	log *slog.Logger

	atoms     map[string]xproto.Atom
	atomNames map[xproto.Atom]string
	selAtoms  [protocol.NumSelections]xproto.Atom
	prop      xproto.Atom // where our conversions land

	// OnChange is called (on Run's goroutine; it must not block) when
	// another X client takes a selection, or it is lost to nobody.
	onChange func(sel Selection, owned bool)

	mu    sync.Mutex
	owned [protocol.NumSelections]*ownership
	// waiters get the events a conversion waits for, by key.
	waiters map[waitKey]chan xgb.Event
	readMu  sync.Mutex // one conversion of ours at a time: they share prop
	// answering bounds the requests of other X clients served at once.
	answering chan struct{}
}

type waitKey struct {
	win  xproto.Window
	atom xproto.Atom
	kind int // xproto.SelectionNotify or xproto.PropertyNotify
}

type ownership struct {
	types []string // MIME types
	fetch Fetch
	time  xproto.Timestamp
}

// New prepares selection handling on x, whose XFIXES extension the caller
// has initialised. onChange is called when another X client becomes the
// owner of a selection (owned says it has one; false: it has none now).
func New(x *xgb.Conn, log *slog.Logger, onChange func(sel Selection, owned bool)) (*Sel, error) {
	if log == nil {
		log = slog.Default()
	}
	s := &Sel{x: x, log: log, onChange: onChange, atoms: map[string]xproto.Atom{},
		atomNames: map[xproto.Atom]string{}, waiters: map[waitKey]chan xgb.Event{},
		answering: make(chan struct{}, maxAnswering)}
	if _, err := xfixes.QueryVersion(x, 5, 0).Reply(); err != nil {
		return nil, fmt.Errorf("xsel: XFIXES version: %w", err)
	}
	for _, name := range []string{"CLIPBOARD", "PRIMARY", "TARGETS", "TIMESTAMP", "MULTIPLE",
		"UTF8_STRING", "STRING", "TEXT", "INCR", "ATOM", "XFAR_SELECTION",
		"text/plain;charset=utf-8", "text/plain", "image/png"} {
		if _, err := s.atom(name); err != nil {
			return nil, err
		}
	}
	s.selAtoms[protocol.Clipboard] = s.atoms["CLIPBOARD"]
	s.selAtoms[protocol.Primary] = s.atoms["PRIMARY"]
	s.prop = s.atoms["XFAR_SELECTION"]
	setup := xproto.Setup(x)
	root := setup.DefaultScreen(x).Root
	wid, err := xproto.NewWindowId(x)
	if err != nil {
		return nil, fmt.Errorf("xsel: window id: %w", err)
	}
	err = xproto.CreateWindowChecked(x, 0, wid, root, -10, -10, 1, 1, 0, xproto.WindowClassInputOnly,
		0, xproto.CwEventMask, []uint32{xproto.EventMaskPropertyChange}).Check()
	if err != nil {
		return nil, fmt.Errorf("xsel: create window: %w", err)
	}
	s.win = wid
	mask := uint32(xfixes.SelectionEventMaskSetSelectionOwner | xfixes.SelectionEventMaskSelectionWindowDestroy |
		xfixes.SelectionEventMaskSelectionClientClose)
	for _, a := range s.selAtoms {
		if err := xfixes.SelectSelectionInputChecked(x, wid, a, mask).Check(); err != nil {
			return nil, fmt.Errorf("xsel: select selection input: %w", err)
		}
	}
	return s, nil
}

func (s *Sel) atom(name string) (xproto.Atom, error) {
	s.mu.Lock()
	a, ok := s.atoms[name]
	s.mu.Unlock()
	if ok {
		return a, nil
	}
	r, err := xproto.InternAtom(s.x, false, uint16(len(name)), name).Reply()
	if err != nil {
		return 0, fmt.Errorf("xsel: intern %s: %w", name, err)
	}
	s.mu.Lock()
	s.atoms[name], s.atomNames[r.Atom] = r.Atom, name
	s.mu.Unlock()
	return r.Atom, nil
}

func (s *Sel) atomName(a xproto.Atom) string {
	s.mu.Lock()
	n, ok := s.atomNames[a]
	s.mu.Unlock()
	if ok {
		return n
	}
	r, err := xproto.GetAtomName(s.x, a).Reply()
	if err != nil {
		return ""
	}
	s.mu.Lock()
	s.atomNames[a], s.atoms[r.Name] = r.Name, a
	s.mu.Unlock()
	return r.Name
}

func (s *Sel) selOf(a xproto.Atom) (Selection, bool) {
	for i, sa := range s.selAtoms {
		if sa == a {
			return Selection(i), true
		}
	}
	return 0, false
}

// Run reads the connection's events until it fails (returning why) or
// ctx ends. Nothing else may read events from the connection.
func (s *Sel) Run(ctx context.Context) error {
	go func() {
		<-ctx.Done()
		s.x.Close()
	}()
	for {
		ev, xerr := s.x.WaitForEvent()
		if ev == nil && xerr == nil {
			if ctx.Err() != nil {
				return nil
			}
			return errors.New("xsel: X connection closed")
		}
		if xerr != nil {
			// Errors of unchecked requests (a requestor's window gone);
			// harmless here.
			s.log.Debug("xsel: X error", "err", xerr)
			continue
		}
		s.handle(ev)
	}
}

func (s *Sel) handle(ev xgb.Event) {
	switch e := ev.(type) {
	case xfixes.SelectionNotifyEvent:
		sel, ok := s.selOf(e.Selection)
		if !ok || e.Owner == s.win {
			return
		}
		s.mu.Lock()
		own := s.owned[sel]
		if own != nil {
			s.owned[sel] = nil
		}
		s.mu.Unlock()
		if s.onChange != nil {
			s.onChange(sel, e.Owner != 0)
		}
	case xproto.SelectionClearEvent:
		if sel, ok := s.selOf(e.Selection); ok {
			s.mu.Lock()
			s.owned[sel] = nil
			s.mu.Unlock()
		}
	case xproto.SelectionRequestEvent:
		select {
		case s.answering <- struct{}{}:
			go func() {
				defer func() { <-s.answering }()
				s.answer(e)
			}()
		default:
			// Too many at once: refuse this one, as ICCCM allows.
			reply := xproto.SelectionNotifyEvent{Time: e.Time, Requestor: e.Requestor,
				Selection: e.Selection, Target: e.Target}
			xproto.SendEvent(s.x, false, e.Requestor, 0, string(reply.Bytes()))
		}
	case xproto.SelectionNotifyEvent:
		s.wake(waitKey{e.Requestor, e.Property, xproto.SelectionNotify}, ev)
		if e.Property == 0 {
			s.wake(waitKey{e.Requestor, s.prop, xproto.SelectionNotify}, ev)
		}
	case xproto.PropertyNotifyEvent:
		s.wake(waitKey{e.Window, e.Atom, xproto.PropertyNotify}, ev)
	}
}

func (s *Sel) wake(k waitKey, ev xgb.Event) {
	s.mu.Lock()
	ch := s.waiters[k]
	s.mu.Unlock()
	if ch != nil {
		select {
		case ch <- ev:
		default: // the waiter has not consumed the previous one; it rereads state anyway
		}
	}
}

func (s *Sel) wait(k waitKey) (chan xgb.Event, func()) {
	ch := make(chan xgb.Event, 16)
	s.mu.Lock()
	s.waiters[k] = ch
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		if s.waiters[k] == ch {
			delete(s.waiters, k)
		}
		s.mu.Unlock()
	}
}

// timestamp gets a current server time the ICCCM way: a zero-length
// append to our own property, whose PropertyNotify carries the time.
func (s *Sel) timestamp() xproto.Timestamp {
	a, _ := s.atom("XFAR_TIMESTAMP")
	ch, done := s.wait(waitKey{s.win, a, xproto.PropertyNotify})
	defer done()
	xproto.ChangeProperty(s.x, xproto.PropModeAppend, s.win, a, xproto.AtomString, 8, 0, nil)
	select {
	case ev := <-ch:
		return ev.(xproto.PropertyNotifyEvent).Time
	case <-time.After(replyTimeout):
		return xproto.TimeCurrentTime
	}
}

// textTargets are the targets that mean text, best first.
var textTargets = []string{"UTF8_STRING", "text/plain;charset=utf-8", "STRING", "TEXT", "text/plain"}

// Own makes us the owner of sel on the X server, offering MIME types
// whose content fetch produces when an X client asks.
func (s *Sel) Own(sel Selection, types []string, fetch Fetch) error {
	t := s.timestamp()
	s.mu.Lock()
	s.owned[sel] = &ownership{types: slices.Clone(types), fetch: fetch, time: t}
	s.mu.Unlock()
	if err := xproto.SetSelectionOwnerChecked(s.x, s.win, s.selAtoms[sel], t).Check(); err != nil {
		return fmt.Errorf("xsel: own %v: %w", sel, err)
	}
	r, err := xproto.GetSelectionOwner(s.x, s.selAtoms[sel]).Reply()
	if err != nil {
		return fmt.Errorf("xsel: own %v: %w", sel, err)
	}
	if r.Owner != s.win {
		return fmt.Errorf("xsel: own %v: another client owns it", sel)
	}
	return nil
}

// Disown gives sel up if we own it.
func (s *Sel) Disown(sel Selection) {
	s.mu.Lock()
	o := s.owned[sel]
	s.owned[sel] = nil
	s.mu.Unlock()
	if o != nil {
		xproto.SetSelectionOwner(s.x, 0, s.selAtoms[sel], o.time)
	}
}

// OtherOwner reports whether another X client owns sel now.
func (s *Sel) OtherOwner(sel Selection) bool {
	r, err := xproto.GetSelectionOwner(s.x, s.selAtoms[sel]).Reply()
	return err == nil && r.Owner != 0 && r.Owner != s.win
}

// Owns reports whether we own sel.
func (s *Sel) Owns(sel Selection) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.owned[sel] != nil
}

// answer serves one SelectionRequest, ICCCM style: the content goes into
// the requestor's property and a SelectionNotify says where (property
// None: refused).
func (s *Sel) answer(e xproto.SelectionRequestEvent) {
	prop := e.Property
	if prop == 0 {
		prop = e.Target // an obsolete requestor
	}
	notify := func(p xproto.Atom) {
		reply := xproto.SelectionNotifyEvent{Time: e.Time, Requestor: e.Requestor,
			Selection: e.Selection, Target: e.Target, Property: p}
		xproto.SendEvent(s.x, false, e.Requestor, 0, string(reply.Bytes()))
	}
	data, typ, ok := s.content(e)
	switch {
	case !ok:
		notify(0)
	case data.len() <= incrChunk:
		err := xproto.ChangePropertyChecked(s.x, xproto.PropModeReplace, e.Requestor, prop, typ, data.format, data.n(), data.b).Check()
		if err != nil {
			notify(0)
			return
		}
		notify(prop)
	default:
		s.sendIncr(e, prop, typ, data.b, notify)
	}
}

// propData is a property value: bytes in 8- or 32-bit units.
type propData struct {
	b      []byte
	format byte
}

func (d propData) n() uint32 { return uint32(len(d.b)) / uint32(d.format/8) }

func (d propData) len() int { return len(d.b) }

// content produces what a SelectionRequest asks for.
func (s *Sel) content(e xproto.SelectionRequestEvent) (propData, xproto.Atom, bool) {
	sel, isSel := s.selOf(e.Selection)
	if !isSel {
		return propData{}, 0, false
	}
	s.mu.Lock()
	o := s.owned[sel]
	s.mu.Unlock()
	if o == nil || (e.Time != xproto.TimeCurrentTime && e.Time < o.time) {
		return propData{}, 0, false
	}
	target := s.atomName(e.Target)
	switch target {
	case "TARGETS":
		list := []xproto.Atom{s.atoms["TARGETS"], s.atoms["TIMESTAMP"]}
		for _, m := range o.types {
			if m == protocol.MimeText {
				for _, n := range textTargets {
					list = append(list, s.atoms[n])
				}
			} else if a, err := s.atom(m); err == nil {
				list = append(list, a)
			}
		}
		b := make([]byte, 0, 4*len(list))
		for _, a := range list {
			b = append(b, byte(a), byte(a>>8), byte(a>>16), byte(a>>24))
		}
		return propData{b, 32}, s.atoms["ATOM"], true
	case "TIMESTAMP":
		t := uint32(o.time)
		return propData{[]byte{byte(t), byte(t >> 8), byte(t >> 16), byte(t >> 24)}, 32}, xproto.AtomInteger, true
	case "MULTIPLE":
		return propData{}, 0, false // rarely used; refused, as ICCCM allows
	}
	mime, typ := target, e.Target
	if slices.Contains(textTargets, target) {
		mime = protocol.MimeText
		if target == "TEXT" {
			typ = s.atoms["UTF8_STRING"]
		}
	}
	if !slices.Contains(o.types, mime) {
		return propData{}, 0, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	data, err := o.fetch(ctx, mime)
	cancel()
	if err != nil {
		s.log.Info("xsel: fetch for X requestor failed", "selection", sel, "target", target, "err", err)
		return propData{}, 0, false
	}
	if target == "STRING" {
		data = ToLatin1(data)
	}
	return propData{data, 8}, typ, true
}

// sendIncr hands large content over with INCR: announce the size, then
// write a piece each time the requestor deletes the previous one, and an
// empty piece at the end.
func (s *Sel) sendIncr(e xproto.SelectionRequestEvent, prop, typ xproto.Atom, data []byte, notify func(xproto.Atom)) {
	ch, done := s.wait(waitKey{e.Requestor, prop, xproto.PropertyNotify})
	defer done()
	xproto.ChangeWindowAttributes(s.x, e.Requestor, xproto.CwEventMask, []uint32{xproto.EventMaskPropertyChange})
	n := uint32(len(data))
	xproto.ChangeProperty(s.x, xproto.PropModeReplace, e.Requestor, prop, s.atoms["INCR"], 32, 1,
		[]byte{byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24)})
	notify(prop)
	for {
		deleted := false
		for !deleted {
			select {
			case ev := <-ch:
				deleted = ev.(xproto.PropertyNotifyEvent).State == xproto.PropertyDelete
			case <-time.After(replyTimeout):
				s.log.Info("xsel: INCR requestor stopped reading", "requestor", e.Requestor)
				return
			}
		}
		k := min(len(data), incrChunk)
		xproto.ChangeProperty(s.x, xproto.PropModeReplace, e.Requestor, prop, typ, 8, uint32(k), data[:k])
		if k == 0 {
			return
		}
		data = data[k:]
	}
}

// ToLatin1 converts UTF-8 to ISO 8859-1 (X's STRING), replacing what it
// cannot hold with '?'.
func ToLatin1(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		if r < 256 && r != utf8.RuneError {
			out = append(out, byte(r))
		} else {
			out = append(out, '?')
		}
	}
	return out
}

// FromLatin1 converts ISO 8859-1 (X's STRING) to UTF-8.
func FromLatin1(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return out
}

// Types asks sel's owner for its TARGETS and returns the MIME types we
// can offer from them (text first).
func (s *Sel) Types(ctx context.Context, sel Selection) ([]string, error) {
	data, _, err := s.convert(ctx, sel, s.atoms["TARGETS"])
	if err != nil {
		return nil, err
	}
	var types []string
	seen := map[string]bool{}
	for i := 0; i+4 <= len(data); i += 4 {
		a := xproto.Atom(uint32(data[i]) | uint32(data[i+1])<<8 | uint32(data[i+2])<<16 | uint32(data[i+3])<<24)
		n := s.atomName(a)
		m := ""
		switch {
		case slices.Contains(textTargets, n):
			m = protocol.MimeText
		case n == "image/png":
			m = protocol.MimePNG
		}
		if m != "" && !seen[m] {
			seen[m] = true
			types = append(types, m)
		}
	}
	slices.SortStableFunc(types, func(a, b string) int {
		if a == protocol.MimeText {
			return -1
		}
		if b == protocol.MimeText {
			return 1
		}
		return 0
	})
	return types, nil
}

// Read converts sel to a MIME type (text: UTF8_STRING, else STRING) and
// returns the content, at most MaxSize bytes.
func (s *Sel) Read(ctx context.Context, sel Selection, mime string) ([]byte, error) {
	if mime != protocol.MimeText {
		a, err := s.atom(mime)
		if err != nil {
			return nil, err
		}
		data, _, err := s.convert(ctx, sel, a)
		return data, err
	}
	data, typ, err := s.convert(ctx, sel, s.atoms["UTF8_STRING"])
	if err == nil {
		if typ == xproto.AtomString {
			return FromLatin1(data), nil
		}
		return data, nil
	}
	data, typ, err2 := s.convert(ctx, sel, xproto.AtomString)
	if err2 != nil {
		return nil, err
	}
	if typ == s.atoms["UTF8_STRING"] {
		return data, nil
	}
	return FromLatin1(data), nil
}

// convert asks sel's owner for target, following INCR, and returns the
// data and its type.
func (s *Sel) convert(ctx context.Context, sel Selection, target xproto.Atom) ([]byte, xproto.Atom, error) {
	s.readMu.Lock()
	defer s.readMu.Unlock()
	notify, done1 := s.wait(waitKey{s.win, s.prop, xproto.SelectionNotify})
	defer done1()
	props, done2 := s.wait(waitKey{s.win, s.prop, xproto.PropertyNotify})
	defer done2()
	xproto.DeleteProperty(s.x, s.win, s.prop)
	xproto.ConvertSelection(s.x, s.win, s.selAtoms[sel], target, s.prop, xproto.TimeCurrentTime)
	var ev xproto.SelectionNotifyEvent
	select {
	case e := <-notify:
		ev = e.(xproto.SelectionNotifyEvent)
	case <-time.After(replyTimeout):
		return nil, 0, fmt.Errorf("xsel: %v owner did not answer", sel)
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
	if ev.Property == 0 {
		return nil, 0, fmt.Errorf("xsel: %v owner refused %s", sel, s.atomName(target))
	}
	// Our own property events so far (the owner writing the value, our
	// deleting the old one) are not INCR pieces.
	for len(props) > 0 {
		<-props
	}
	data, typ, err := s.getProp(true)
	if err != nil {
		return nil, 0, err
	}
	if typ != s.atoms["INCR"] {
		return data, typ, nil
	}
	// INCR: each piece arrives as a new value, which we read and delete;
	// an empty piece ends it.
	var all []byte
	for {
		select {
		case e := <-props:
			if e.(xproto.PropertyNotifyEvent).State != xproto.PropertyNewValue {
				continue
			}
		case <-time.After(replyTimeout):
			return nil, 0, fmt.Errorf("xsel: %v owner stopped in the middle of an INCR transfer", sel)
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		}
		piece, ptyp, err := s.getProp(true)
		if err != nil {
			return nil, 0, err
		}
		if ptyp == 0 {
			continue // no property (an event we caused): keep waiting
		}
		if len(piece) == 0 {
			return all, typ, nil
		}
		typ = ptyp
		if len(all)+len(piece) > MaxSize {
			return nil, 0, fmt.Errorf("xsel: %v content larger than %d bytes", sel, MaxSize)
		}
		all = append(all, piece...)
	}
}

// getProp reads (and with del, deletes) our property whole.
func (s *Sel) getProp(del bool) ([]byte, xproto.Atom, error) {
	var data []byte
	var typ xproto.Atom
	offset := uint32(0)
	for {
		r, err := xproto.GetProperty(s.x, false, s.win, s.prop, xproto.GetPropertyTypeAny, offset, incrChunk/4).Reply()
		if err != nil {
			return nil, 0, fmt.Errorf("xsel: read property: %w", err)
		}
		typ = r.Type
		data = append(data, r.Value...)
		if len(data) > MaxSize {
			return nil, 0, fmt.Errorf("xsel: content larger than %d bytes", MaxSize)
		}
		if r.BytesAfter == 0 {
			break
		}
		offset += uint32(len(r.Value)) / 4
	}
	if del {
		// Deleting is what tells an INCR owner to send the next piece.
		xproto.DeleteProperty(s.x, s.win, s.prop)
	}
	return data, typ, nil
}
