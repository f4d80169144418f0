package displayserver

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xfar/xfar/protocol"
)

// nextSel reads server messages until a selection event of type T.
func nextSel[T any](t *testing.T, c *rawClient) T {
	t.Helper()
	for {
		m, err := c.next()
		if err != nil {
			t.Fatalf("waiting for %T: %v", *new(T), err)
		}
		if e, ok := m.(T); ok {
			return e
		}
	}
}

func clipReq(t *testing.T, method, url, token, ctype string, body io.Reader) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestClipboardHTTP: a full-control viewer sets and reads the clipboard
// over HTTP; view-only tokens, oversized and malformed content are
// refused.
func TestClipboardHTTP(t *testing.T) {
	s := startServer(t, Config{})
	base := "http://" + s.HTTPAddr().String() + "/clipboard"
	for _, r := range []struct{ method, url string }{
		{"GET", base}, {"PUT", base}, {"GET", base + "/events"},
	} {
		if code, body := clipReq(t, r.method, r.url, s.ViewToken(), "", strings.NewReader("x")); code != http.StatusForbidden {
			t.Errorf("%s %s with the view-only token: %d %s, want 403", r.method, r.url, code, body)
		}
	}
	if code, _ := clipReq(t, "GET", base, s.Cookie(), "", nil); code != http.StatusNotFound {
		t.Errorf("GET with no owner: %d, want 404", code)
	}
	text := "naïve ✓ 世界"
	if code, body := clipReq(t, "PUT", base+"?sel=primary&origin=me", s.Cookie(), "text/plain; charset=utf-8", strings.NewReader(text)); code != http.StatusNoContent {
		t.Fatalf("PUT: %d %s", code, body)
	}
	if code, body := clipReq(t, "GET", base+"?sel=primary", s.Cookie(), "", nil); code != 200 || string(body) != text {
		t.Fatalf("GET: %d %q, want %q", code, body, text)
	}
	if code, _ := clipReq(t, "PUT", base, s.Cookie(), "", bytes.NewReader(make([]byte, protocol.MaxSelectionSize+1))); code != http.StatusRequestEntityTooLarge {
		t.Errorf("PUT of 16 MiB + 1: %d, want 413", code)
	}
	if code, _ := clipReq(t, "PUT", base, s.Cookie(), "text/plain", strings.NewReader("\xff\xfe")); code != http.StatusBadRequest {
		t.Errorf("PUT of invalid UTF-8 text: %d, want 400", code)
	}
	if code, _ := clipReq(t, "GET", base+"?sel=secondary", s.Cookie(), "", nil); code != http.StatusBadRequest {
		t.Errorf("GET of an unknown selection: %d, want 400", code)
	}

	// A client watching PRIMARY sees the viewer's text inline.
	c := dialRaw(t, s, "none")
	c.send(&protocol.SelectSelectionInput{Mask: protocol.Primary.Mask()})
	if e := nextSel[*protocol.SelectionOwnerEvent](t, c); string(e.Text) != text || e.Flags&protocol.OwnerText == 0 {
		t.Errorf("owner event %+v, want the viewer's text inline", e)
	}
}

// TestSelectionOwnerGoneMidTransfer: an owner that disconnects after the
// first chunk ends the transfer with an error, for a client and for an
// HTTP reader, promptly.
func TestSelectionOwnerGoneMidTransfer(t *testing.T) {
	s := startServer(t, Config{})
	owner, reader := dialRaw(t, s, "none"), dialRaw(t, s, "none")
	owner.send(&protocol.SetSelection{Selection: protocol.Clipboard, Serial: 5, Offers: []protocol.Offer{{Type: protocol.MimeText}}})
	owner.sync()

	// The HTTP reader.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	httpErr := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+s.HTTPAddr().String()+"/clipboard", nil)
		req.Header.Set("Authorization", "Bearer "+s.Cookie())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			httpErr <- err
			return
		}
		defer resp.Body.Close()
		_, err = io.ReadAll(resp.Body)
		httpErr <- err
	}()
	// The client reader.
	reader.send(&protocol.ConvertSelection{Selection: protocol.Clipboard, Transfer: 77, Type: protocol.MimeText})

	for range 2 {
		rq := nextSel[*protocol.SelectionRequestEvent](t, owner)
		if rq.Serial != 5 || rq.Type != protocol.MimeText || rq.Detail != protocol.RequestSend {
			t.Fatalf("request %+v", rq)
		}
		owner.send(&protocol.PutSelectionData{Transfer: rq.Transfer, Status: protocol.DataMore, Data: []byte("first chunk ")})
	}
	if d := nextSel[*protocol.SelectionDataEvent](t, reader); d.Transfer != 77 || d.Status != protocol.DataMore || string(d.Data) != "first chunk " {
		t.Fatalf("first chunk %+v", d)
	}
	owner.conn.Close()
	d := nextSel[*protocol.SelectionDataEvent](t, reader)
	if d.Transfer != 77 || d.Status != protocol.DataError || !strings.Contains(string(d.Data), "disconnected") {
		t.Fatalf("after the owner left: %+v %q, want an error", d, d.Data)
	}
	select {
	case err := <-httpErr:
		if err == nil {
			t.Fatal("the HTTP reader got a whole response from an owner that left mid-way")
		}
	case <-ctx.Done():
		t.Fatal("the HTTP reader hung")
	}
}

// TestSelectionCancel: a requestor's CancelConvert reaches the owner as a
// cancel; late chunks are dropped, and the connection stays usable.
func TestSelectionCancel(t *testing.T) {
	s := startServer(t, Config{})
	owner, reader := dialRaw(t, s, "none"), dialRaw(t, s, "none")
	owner.send(&protocol.SetSelection{Selection: protocol.Primary, Serial: 1, Offers: []protocol.Offer{{Type: "image/png"}}})
	owner.sync()
	reader.send(&protocol.ConvertSelection{Selection: protocol.Primary, Transfer: 3, Type: "image/png"})
	rq := nextSel[*protocol.SelectionRequestEvent](t, owner)
	reader.send(&protocol.CancelConvert{Transfer: 3})
	if c := nextSel[*protocol.SelectionRequestEvent](t, owner); c.Detail != protocol.RequestCancel || c.Transfer != rq.Transfer {
		t.Fatalf("owner got %+v, want the cancel of transfer %d", c, rq.Transfer)
	}
	owner.send(&protocol.PutSelectionData{Transfer: rq.Transfer, Status: protocol.DataLast, Data: []byte("late")})
	if errs := owner.sync(); len(errs) != 0 {
		t.Fatalf("late chunk: %v", errs)
	}
	if errs := reader.sync(); len(errs) != 0 {
		t.Fatalf("reader: %v", errs)
	}
}
