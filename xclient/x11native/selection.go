package x11native

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/xfar/xfar/internal/xsel"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// The X selections CLIPBOARD and PRIMARY are xfar's selections of the
// same names. Between the server's own X clients the X protocol runs
// here (SetSelectionOwner, ConvertSelection, SelectionRequest,
// SelectionNotify by SendEvent, SelectionClear). When an X client takes
// one, the server offers text on the display for it, and converts from
// the X owner when a display client asks; when another display client
// owns it, an X client's ConvertSelection is answered with the display's
// text, read without blocking the X clients.

// selWinID is the server's own window that requests the X owner's content
// (ID base 0 is the server's, no client gets it).
const selWinID = rootID + 1

// selTimeout bounds a conversion by an X owner or a read from the display.
const selTimeout = 10 * time.Second

// errNoXOwner says the X owner of a selection is gone.
var errNoXOwner = errors.New("x11native: the X owner of the selection is gone")

// selState is the clipboard bridge's state; guarded by Server.mu except
// fetchMu and notify.
type selState struct {
	win *window
	// fetchMu lets one conversion from an X owner run at a time, so the
	// SelectionNotify that comes back is that conversion's.
	fetchMu sync.Mutex
	notify  chan []byte
	// display says another display client owns the selection: an X
	// client's ConvertSelection reads it from the display.
	display [protocol.NumSelections]bool
}

// startSelections creates the requestor window and follows the
// display's owner changes until the server stops.
func (s *Server) startSelections() error {
	s.sel.win = &window{id: selWinID, parent: s.root, class: 2, props: map[uint32]*property{}, masks: map[*client]uint32{}}
	s.windows[selWinID] = s.sel.win
	s.sel.notify = make(chan []byte, 4)
	ch, err := s.xc.WatchSelections(protocol.Clipboard.Mask() | protocol.Primary.Mask())
	if err != nil {
		return fmt.Errorf("x11native: watch selections: %w", err)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			select {
			case <-s.done:
				return
			case e, ok := <-ch:
				if !ok {
					return
				}
				s.mu.Lock()
				s.displayOwner(e)
				s.mu.Unlock()
			}
		}
	}()
	return nil
}

// xfarSelection maps an X selection atom to xfar's selection.
func (s *Server) xfarSelection(atom uint32) (protocol.Selection, bool) {
	switch atom {
	case 1: // PRIMARY
		return protocol.Primary, true
	case s.atoms.lookup("CLIPBOARD"):
		if atom != 0 {
			return protocol.Clipboard, true
		}
	}
	return 0, false
}

func (s *Server) selAtom(sel protocol.Selection) uint32 {
	if sel == protocol.Primary {
		return 1
	}
	return s.atoms.intern("CLIPBOARD")
}

// displayOwner follows an owner change on the display: another client's
// ownership ends the X owner's (SelectionClear).
func (s *Server) displayOwner(e *protocol.SelectionOwnerEvent) {
	if e.Selection >= protocol.NumSelections || e.Flags&protocol.OwnerYours != 0 {
		return // ours: an X client here is the owner
	}
	s.sel.display[e.Selection] = len(e.Types) > 0
	if !s.sel.display[e.Selection] {
		return
	}
	atom := s.selAtom(e.Selection)
	if w := s.selOwners()[atom]; w != nil {
		delete(s.selOwners(), atom)
		if s.windows[w.id] == w && w.owner != nil {
			w.owner.event(selectionClear(s.now(), w.id, atom))
			w.owner.flush()
		}
	}
}

func selectionClear(t, owner, atom uint32) []byte {
	e := make([]byte, 32)
	e[0] = 29 // SelectionClear
	le.PutUint32(e[4:], t)
	le.PutUint32(e[8:], owner)
	le.PutUint32(e[12:], atom)
	return e
}

// setOwner is SetSelectionOwner: the previous owner, if another client,
// gets SelectionClear; CLIPBOARD and PRIMARY are offered on the display.
func (c *client) setOwner(owner, atom uint32) {
	s := c.s
	var w *window
	if owner != 0 {
		if w = s.windows[owner]; w == nil {
			c.xError(errWindow, owner, xSetSelectionOwner, 0)
			return
		}
	}
	if prev := s.selOwners()[atom]; prev != nil && s.windows[prev.id] == prev && prev.owner != nil && prev.owner != c {
		prev.owner.event(selectionClear(s.now(), prev.id, atom))
		prev.owner.flush()
	}
	if w == nil {
		delete(s.selOwners(), atom)
	} else {
		s.selOwners()[atom] = w
	}
	sel, ok := s.xfarSelection(atom)
	if !ok {
		return
	}
	s.sel.display[sel] = false
	var err error
	if w == nil {
		err = s.xc.ClearSelection(sel)
	} else {
		err = s.xc.OfferSelection(sel, []string{protocol.MimeText}, nil,
			func(ctx context.Context, typ string, out io.Writer) error {
				data, err := s.convertFromX(ctx, atom)
				if err != nil {
					return err
				}
				_, err = out.Write(data)
				return err
			})
	}
	if err != nil {
		s.log.Warn("x11native: selection to the display", "selection", sel, "err", err)
	}
}

// convertFromX asks the X owner of atom for its text as UTF8_STRING into
// a property of the server's window, as an X requestor does.
func (s *Server) convertFromX(ctx context.Context, atom uint32) ([]byte, error) {
	s.sel.fetchMu.Lock()
	defer s.sel.fetchMu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, selTimeout)
	defer cancel()
	s.mu.Lock()
	w := s.selOwners()[atom]
	if w == nil || s.windows[w.id] != w || w.owner == nil {
		s.mu.Unlock()
		return nil, errNoXOwner
	}
	for len(s.sel.notify) > 0 {
		<-s.sel.notify // an answer to a conversion that timed out
	}
	utf8, prop := s.atoms.intern("UTF8_STRING"), s.atoms.intern("XFAR_SELECTION")
	delete(s.sel.win.props, prop)
	e := make([]byte, 32)
	e[0] = 30 // SelectionRequest
	le.PutUint32(e[4:], s.now())
	le.PutUint32(e[8:], w.id)
	le.PutUint32(e[12:], selWinID)
	le.PutUint32(e[16:], atom)
	le.PutUint32(e[20:], utf8)
	le.PutUint32(e[24:], prop)
	w.owner.event(e)
	w.owner.flush()
	s.mu.Unlock()
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("x11native: X owner did not convert the selection: %w", ctx.Err())
		case n := <-s.sel.notify:
			if le.Uint32(n[12:]) != atom {
				continue
			}
			if le.Uint32(n[20:]) == 0 {
				return nil, fmt.Errorf("x11native: X owner refused the conversion: %w", xclient.ErrNoContent)
			}
			s.mu.Lock()
			p := s.sel.win.props[prop]
			delete(s.sel.win.props, prop)
			incr := s.atoms.lookup("INCR")
			s.mu.Unlock()
			if p == nil || p.format != 8 || (incr != 0 && p.typ == incr) {
				return nil, fmt.Errorf("x11native: X owner's answer is not 8-bit text (INCR is not supported): %w", xclient.ErrNoContent)
			}
			return []byte(toUTF8(string(p.data), p.typ != s.atoms.lookup("STRING"))), nil
		}
	}
}

// selectionNotifyToServer takes a SelectionNotify an X owner sent to the
// server's window.
func (s *Server) selectionNotifyToServer(ev []byte) {
	if ev[0]&0x7f != 31 {
		return
	}
	select {
	case s.sel.notify <- ev:
	default: // nobody waits for that many
	}
}

// convertFromDisplay answers an X client's ConvertSelection of a
// selection a display client owns: TARGETS at once, text read from the
// display in the background (the X clients go on meanwhile).
func (c *client) convertFromDisplay(sel protocol.Selection, req, atom, target, prop, t uint32) {
	s := c.s
	if prop == 0 {
		prop = target // an obsolete requestor, as ICCCM says
	}
	utf8, str, text, targets := s.atoms.intern("UTF8_STRING"), uint32(31), s.atoms.intern("TEXT"), s.atoms.intern("TARGETS")
	if target == targets {
		var list []byte
		for _, a := range []uint32{targets, utf8, str, text} {
			list = le.AppendUint32(list, a)
		}
		c.answerSelection(req, atom, target, 4, prop, t, 4, list) // type ATOM
		return
	}
	if target != utf8 && target != str && target != text {
		c.answerSelection(req, atom, target, 0, 0, t, 0, nil)
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), selTimeout)
		defer cancel()
		go func() {
			select {
			case <-s.done:
				cancel()
			case <-ctx.Done():
			}
		}()
		data, err := s.xc.ReadSelection(ctx, sel, protocol.MimeText)
		s.mu.Lock()
		defer s.mu.Unlock()
		if err != nil {
			s.log.Info("x11native: reading the display's selection", "selection", sel, "err", err)
			prop = 0
		}
		typ := utf8
		if target == str {
			typ, data = str, xsel.ToLatin1(data)
		}
		c.answerSelection(req, atom, target, typ, prop, t, 1, data)
		c.flush()
	}()
}

// answerSelection stores data (unit 1 or 4 bytes) in prop on the
// requestor window and sends SelectionNotify for target; prop 0
// refuses. typ is the property's type. The server's lock is held.
func (c *client) answerSelection(req, atom, target, typ, prop, t uint32, unit int, data []byte) {
	s := c.s
	w := s.windows[req]
	if c.dead || w == nil {
		return
	}
	if prop != 0 {
		if len(data) > maxPropertyBytes {
			prop = 0
		} else {
			w.props[prop] = &property{typ: typ, format: uint8(unit * 8), data: data}
			s.propertyNotify(w, prop, 0)
		}
	}
	e := make([]byte, 32)
	e[0] = 31 // SelectionNotify
	le.PutUint32(e[4:], t)
	le.PutUint32(e[8:], req)
	le.PutUint32(e[12:], atom)
	le.PutUint32(e[16:], target)
	le.PutUint32(e[20:], prop)
	c.event(e)
}
