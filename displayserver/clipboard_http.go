package displayserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
)

// The clipboard over HTTP, for viewers acting for their user (the web page,
// the desktop viewer): read a selection, set it, and watch its owner
// change. Only full-control tokens may; view-only ones get 403.
//
//	GET  /clipboard?sel=clipboard|primary&type=MIME   the content, streamed
//	PUT  /clipboard?sel=...&origin=NAME               body becomes the content (Content-Type is its type)
//	GET  /clipboard/events                            text/event-stream of owner changes (JSON)
func (s *Server) routeClipboard() {
	s.mux.Handle("GET /clipboard", s.auth(http.HandlerFunc(s.serveClipboardGet)))
	s.mux.Handle("PUT /clipboard", s.auth(http.HandlerFunc(s.serveClipboardPut)))
	s.mux.Handle("POST /clipboard", s.auth(http.HandlerFunc(s.serveClipboardPut)))
	s.mux.Handle("GET /clipboard/events", s.auth(http.HandlerFunc(s.serveClipboardEvents)))
}

// ClipboardEvent is one message of /clipboard/events.
type ClipboardEvent struct {
	Selection string   `json:"selection"` // "clipboard" or "primary"
	Change    uint32   `json:"change"`
	Types     []string `json:"types"`
	// Text is the whole text when HasText (short text only); otherwise GET
	// /clipboard fetches it.
	Text    string `json:"text,omitempty"`
	HasText bool   `json:"hasText"`
	Origin  string `json:"origin,omitempty"`
}

func selectionParam(r *http.Request) (protocol.Selection, error) {
	switch strings.ToLower(r.URL.Query().Get("sel")) {
	case "", "clipboard":
		return protocol.Clipboard, nil
	case "primary":
		return protocol.Primary, nil
	}
	return 0, fmt.Errorf("unknown selection %q (clipboard or primary)", r.URL.Query().Get("sel"))
}

func selectionName(s protocol.Selection) string { return strings.ToLower(s.String()) }

func fullControl(w http.ResponseWriter, r *http.Request) bool {
	if feed.AccessFrom(r.Context()) != feed.FullControl {
		http.Error(w, "403 forbidden: "+ErrViewOnly.Error(), http.StatusForbidden)
		return false
	}
	return true
}

func (s *Server) serveClipboardGet(w http.ResponseWriter, r *http.Request) {
	if !fullControl(w, r) {
		return
	}
	sel, err := selectionParam(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	typ := r.URL.Query().Get("type")
	if typ == "" {
		typ = protocol.MimeText
	}
	rc, err := s.OpenSelection(r.Context(), sel, typ)
	if err != nil {
		code := http.StatusInternalServerError
		if errors.Is(err, ErrNoSelection) {
			code = http.StatusNotFound
		}
		http.Error(w, err.Error(), code)
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Cache-Control", "no-store")
	if _, err := io.Copy(w, rc); err != nil {
		// Headers are gone: abort the response so the reader sees a
		// broken transfer, never a short one that looks whole.
		s.log.Info("clipboard transfer to viewer failed", "err", err)
		panic(http.ErrAbortHandler)
	}
}

func (s *Server) serveClipboardPut(w http.ResponseWriter, r *http.Request) {
	if !fullControl(w, r) {
		return
	}
	sel, err := selectionParam(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	typ := protocol.MimeText
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			http.Error(w, "bad Content-Type: "+err.Error(), http.StatusBadRequest)
			return
		}
		switch {
		case mt == "text/plain" && (params["charset"] == "" || strings.EqualFold(params["charset"], "utf-8")):
			typ = protocol.MimeText
		default:
			typ = mt
		}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, protocol.MaxSelectionSize))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			http.Error(w, fmt.Sprintf("clipboard content above the limit of %d bytes", protocol.MaxSelectionSize), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "read clipboard content: "+err.Error(), http.StatusBadRequest)
		return
	}
	if err := s.SetSelection(sel, r.URL.Query().Get("origin"), typ, data); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) serveClipboardEvents(w http.ResponseWriter, r *http.Request) {
	if !fullControl(w, r) {
		return
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch, stop := s.WatchSelections()
	defer stop()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	fl.Flush()
	keepalive := time.NewTicker(25 * time.Second)
	defer keepalive.Stop()
	for {
		select {
		case c := <-ch:
			ev := ClipboardEvent{Selection: selectionName(c.Selection), Change: c.Change,
				Types: c.Types, HasText: c.HasText, Text: string(c.Text), Origin: c.Origin}
			if ev.Types == nil {
				ev.Types = []string{}
			}
			b, _ := json.Marshal(ev)
			if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
				return
			}
			fl.Flush()
		case <-keepalive.C:
			if _, err := io.WriteString(w, ": keepalive\n\n"); err != nil {
				return
			}
			fl.Flush()
		case <-r.Context().Done():
			return
		case <-s.ctx.Done():
			return
		}
	}
}
