// Package clipsync keeps the desktop's clipboard and an xfar display's in
// step, both ways, for the desktop viewer: it is an X client of the host
// desktop (owning and converting CLIPBOARD and PRIMARY there, through
// internal/xsel) and a viewer of the display's /clipboard over HTTP,
// acting for the user. It needs no Ebitengine, so it is tested on its own.
package clipsync

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xfixes"

	"github.com/xfar/xfar/internal/xsel"
	"github.com/xfar/xfar/protocol"
)

// Config says which display and which desktop to keep in step.
type Config struct {
	// URL is the display server's HTTP address (http://host:8000+N).
	URL string
	// Token is the full-control token (the cookie); view-only tokens are
	// refused by the display server.
	Token string
	// X11 is the desktop's X display; "" means DISPLAY.
	X11 string
	// Client makes the HTTP requests; nil means a client without a
	// timeout (the event stream is long-lived).
	Client *http.Client
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// event is one message of /clipboard/events (displayserver.ClipboardEvent).
type event struct {
	Selection string   `json:"selection"`
	Types     []string `json:"types"`
	Text      string   `json:"text"`
	HasText   bool     `json:"hasText"`
	Origin    string   `json:"origin"`
}

type syncer struct {
	ctx    context.Context
	cfg    Config
	log    *slog.Logger
	hc     *http.Client
	xs     *xsel.Sel
	origin string

	mu sync.Mutex
	// gen counts owner changes per selection (on either side), so that a
	// slow push of an old owner's content never overwrites a newer one;
	// pushing says sel's one push worker runs (it repeats while owners
	// change under it).
	gen     [protocol.NumSelections]uint64
	pushing [protocol.NumSelections]bool
}

// Run keeps the clipboards in step until ctx ends or the desktop's X
// connection fails. Losing the display's event stream is retried.
func Run(ctx context.Context, cfg Config) error {
	s := &syncer{cfg: cfg, log: cfg.Logger, hc: cfg.Client}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.hc == nil {
		s.hc = &http.Client{}
	}
	b := make([]byte, 6)
	rand.Read(b)
	s.origin = "desktop-" + hex.EncodeToString(b)
	x, err := xgb.NewConnDisplay(cfg.X11)
	if err != nil {
		return fmt.Errorf("clipboard: connect to the desktop: %w", err)
	}
	defer x.Close()
	if err := xfixes.Init(x); err != nil {
		return fmt.Errorf("clipboard: desktop X server: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.ctx = ctx
	s.xs, err = xsel.New(x, s.log, func(sel protocol.Selection, owned bool) {
		if owned {
			s.push(sel)
			return
		}
		s.mu.Lock()
		s.gen[sel]++
		s.mu.Unlock()
	})
	if err != nil {
		return fmt.Errorf("clipboard: %w", err)
	}
	go s.watch(ctx)
	return s.xs.Run(ctx)
}

func (s *syncer) endpoint(path string, q url.Values) string {
	return strings.TrimSuffix(s.cfg.URL, "/") + path + "?" + q.Encode()
}

func (s *syncer) do(req *http.Request) (*http.Response, error) {
	if s.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+s.cfg.Token)
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		resp.Body.Close()
		return nil, fmt.Errorf("%s %s: %s: %s", req.Method, req.URL.Path, resp.Status, bytes.TrimSpace(b))
	}
	return resp, nil
}

func selName(sel protocol.Selection) string { return strings.ToLower(sel.String()) }

// push has sel's desktop owner sent to the display, by the selection's
// one worker.
func (s *syncer) push(sel protocol.Selection) {
	s.mu.Lock()
	s.gen[sel]++
	if s.pushing[sel] {
		s.mu.Unlock()
		return
	}
	s.pushing[sel] = true
	s.mu.Unlock()
	go func() {
		for {
			s.mu.Lock()
			gen := s.gen[sel]
			s.mu.Unlock()
			if !s.xs.Owns(sel) { // owned for the display: nothing to send
				s.toDisplay(s.ctx, sel, gen)
			}
			s.mu.Lock()
			if s.gen[sel] == gen || s.ctx.Err() != nil {
				s.pushing[sel] = false
				s.mu.Unlock()
				return
			}
			s.mu.Unlock()
		}
	}()
}

// toDisplay sends what a desktop program just put on sel to the display.
func (s *syncer) toDisplay(ctx context.Context, sel protocol.Selection, gen uint64) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	types, err := s.xs.Types(ctx, sel)
	if err != nil || len(types) == 0 {
		return
	}
	typ := types[0] // text first, else the image
	data, err := s.xs.Read(ctx, sel, typ)
	if err != nil {
		s.log.Info("clipboard: reading the desktop's selection failed", "selection", sel, "err", err)
		return
	}
	s.mu.Lock()
	stale := s.gen[sel] != gen
	s.mu.Unlock()
	if stale {
		return // a newer owner, on either side, since
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut,
		s.endpoint("/clipboard", url.Values{"sel": {selName(sel)}, "origin": {s.origin}}), bytes.NewReader(data))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", typ)
	resp, err := s.do(req)
	if err != nil {
		s.log.Info("clipboard: sending the desktop's selection failed", "selection", sel, "err", err)
		return
	}
	resp.Body.Close()
	s.log.Debug("clipboard: desktop selection sent to the display", "selection", sel, "type", typ, "bytes", len(data))
}

// fetch reads the display's content of sel as typ.
func (s *syncer) fetch(ctx context.Context, sel protocol.Selection, typ string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		s.endpoint("/clipboard", url.Values{"sel": {selName(sel)}, "type": {typ}}), nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, protocol.MaxSelectionSize+1))
	if err == nil && len(b) > protocol.MaxSelectionSize {
		err = fmt.Errorf("content above %d bytes", protocol.MaxSelectionSize)
	}
	return b, err
}

// watch follows the display's owner changes, reconnecting when the stream
// drops, and takes the desktop's selection for them.
func (s *syncer) watch(ctx context.Context) {
	backoff := 250 * time.Millisecond
	for ctx.Err() == nil {
		err := s.stream(ctx)
		if ctx.Err() != nil {
			return
		}
		s.log.Info("clipboard: event stream ended; reconnecting", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

func (s *syncer) stream(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.endpoint("/clipboard/events", nil), nil)
	if err != nil {
		return err
	}
	resp, err := s.do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	first := [protocol.NumSelections]bool{true, true}
	sc := bufio.NewScanner(resp.Body)
	// A change with inline text is at most a few KiB of JSON.
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var ev event
		if err := json.Unmarshal([]byte(data), &ev); err != nil {
			return fmt.Errorf("bad clipboard event: %w", err)
		}
		s.displayChanged(ev, first[:])
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return errors.New("stream closed by the display server")
}

// displayChanged follows one owner change of the display. first marks
// the selections whose current owner the stream has not described yet:
// the stream starts with them, and a display without an owner then gets
// the desktop's selection, if it has one.
func (s *syncer) displayChanged(ev event, first []bool) {
	var sel protocol.Selection
	switch ev.Selection {
	case "clipboard":
		sel = protocol.Clipboard
	case "primary":
		sel = protocol.Primary
	default:
		return
	}
	wasFirst := first[sel]
	first[sel] = false
	if ev.Origin == s.origin {
		return // our own change, from the desktop
	}
	if wasFirst && len(ev.Types) == 0 && s.xs.OtherOwner(sel) {
		s.push(sel)
		return
	}
	var types []string
	for _, t := range ev.Types {
		if t == protocol.MimeText || t == protocol.MimePNG {
			types = append(types, t)
		}
	}
	if len(types) == 0 {
		return // nobody owns it now: leave the desktop's as it is
	}
	text, hasText := []byte(ev.Text), ev.HasText
	fetch := func(ctx context.Context, typ string) ([]byte, error) {
		if typ == protocol.MimeText && hasText {
			return text, nil
		}
		return s.fetch(ctx, sel, typ)
	}
	// A push of a desktop program's older selection still on its way must
	// not undo this change.
	s.mu.Lock()
	s.gen[sel]++
	s.mu.Unlock()
	if err := s.xs.Own(sel, types, fetch); err != nil {
		s.log.Info("clipboard: taking the desktop's selection failed", "selection", sel, "err", err)
	}
}
