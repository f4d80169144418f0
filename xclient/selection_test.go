package xclient_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

func dialTCP(t *testing.T, srv *displayserver.Server) *xclient.Conn {
	t.Helper()
	c, err := xclient.DialAddr("tcp", srv.TCPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// bigText is n bytes of non-ASCII UTF-8 (2-, 3- and 4-byte characters).
func bigText(n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		b.WriteString("é✓𝄞 line ")
		b.WriteByte(byte('a' + i%26))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func nextOwner(t *testing.T, ch <-chan *protocol.SelectionOwnerEvent) *protocol.SelectionOwnerEvent {
	t.Helper()
	select {
	case e := <-ch:
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no SelectionOwnerNotify")
	}
	return nil
}

// TestSelectionShortTextInline: short text comes with the owner-change
// event itself, so the reader needs no round trip; a client that does not
// watch reads it through the server.
func TestSelectionShortTextInline(t *testing.T) {
	srv := startTCP(t, displayserver.Config{NoAuth: true})
	a, b, c := dialTCP(t, srv), dialTCP(t, srv), dialTCP(t, srv)
	ch, err := b.WatchSelections(protocol.AllSelectionsMask)
	if err != nil {
		t.Fatal(err)
	}
	// Selecting input describes the current owners at once: none yet.
	for range protocol.NumSelections {
		if e := nextOwner(t, ch); e.Serial != 0 || len(e.Types) != 0 {
			t.Fatalf("initial owner event %+v, want no owner", e)
		}
	}
	const text = "héllo ✓ 世界"
	if err := a.SetClipboardText(text); err != nil {
		t.Fatal(err)
	}
	e := nextOwner(t, ch)
	if e.Selection != protocol.Clipboard || e.Flags&protocol.OwnerText == 0 || string(e.Text) != text {
		t.Fatalf("owner event %+v, want CLIPBOARD with text %q", e, text)
	}
	if len(e.Types) != 1 || e.Types[0] != protocol.MimeText {
		t.Fatalf("types %q", e.Types)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, r := range []*xclient.Conn{b, c} {
		got, err := r.ClipboardText(ctx)
		if err != nil || got != text {
			t.Fatalf("ClipboardText = %q, %v; want %q", got, err, text)
		}
	}
	if _, err := c.ReadSelection(ctx, protocol.Primary, protocol.MimeText); !errors.Is(err, xclient.ErrNoContent) {
		t.Fatalf("PRIMARY without owner: err %v, want ErrNoContent", err)
	}
	// A new owner: a hears it lost the selection.
	cha, _ := a.WatchSelections(protocol.Clipboard.Mask())
	if e := nextOwner(t, cha); e.Flags&protocol.OwnerYours == 0 {
		t.Fatalf("initial owner event %+v, want OwnerYours", e)
	}
	if err := c.SetSelection(protocol.Clipboard, map[string][]byte{protocol.MimeText: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if e := nextOwner(t, cha); e.Flags&protocol.OwnerLost == 0 {
		t.Fatalf("previous owner got %+v, want OwnerLost", e)
	}
}

// TestSelectionLargeStreamed: 1 MiB of non-ASCII text and a PNG produced
// on demand stream from owner to requestor byte for byte.
func TestSelectionLargeStreamed(t *testing.T) {
	srv := startTCP(t, displayserver.Config{NoAuth: true})
	a, b := dialTCP(t, srv), dialTCP(t, srv)
	text := bigText(1 << 20)
	png := bytes.Repeat([]byte{0x89, 'P', 'N', 'G', 1, 2, 3}, 100000)
	calls := 0
	err := a.OfferSelection(protocol.Clipboard, []string{protocol.MimeText, protocol.MimePNG},
		map[string][]byte{protocol.MimeText: text},
		func(ctx context.Context, typ string, w io.Writer) error {
			calls++
			for p := png; len(p) > 0; {
				n := min(len(p), 10000)
				if _, err := w.Write(p[:n]); err != nil {
					return err
				}
				p = p[n:]
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	a.Sync()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := b.ReadSelection(ctx, protocol.Clipboard, protocol.MimeText)
	if err != nil || !bytes.Equal(got, text) {
		t.Fatalf("text: %d bytes, err %v; want %d identical bytes", len(got), err, len(text))
	}
	got, err = b.ReadSelection(ctx, protocol.Clipboard, protocol.MimePNG)
	if err != nil || !bytes.Equal(got, png) {
		t.Fatalf("png: %d bytes, err %v; want %d identical bytes", len(got), err, len(png))
	}
	if calls != 1 {
		t.Fatalf("content func ran %d times, want 1", calls)
	}
	if _, err := b.ReadSelection(ctx, protocol.Clipboard, "text/html"); !errors.Is(err, xclient.ErrNoContent) {
		t.Fatalf("unoffered type: err %v", err)
	}
}

// TestSelectionOwnerDisconnect: an owner that leaves mid-transfer ends the
// reader's transfer with an error, promptly.
func TestSelectionOwnerDisconnect(t *testing.T) {
	srv := startTCP(t, displayserver.Config{NoAuth: true})
	a, b := dialTCP(t, srv), dialTCP(t, srv)
	started := make(chan struct{})
	err := a.OfferSelection(protocol.Clipboard, []string{protocol.MimeText}, nil,
		func(ctx context.Context, typ string, w io.Writer) error {
			w.Write([]byte(strings.Repeat("x", 200<<10)))
			close(started)
			<-ctx.Done()
			return ctx.Err()
		})
	if err != nil {
		t.Fatal(err)
	}
	a.Sync()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, err := b.OpenSelection(ctx, protocol.Clipboard, protocol.MimeText)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	<-started
	a.Close()
	n, err := io.Copy(io.Discard, r)
	if !errors.Is(err, xclient.ErrNoContent) || !strings.Contains(err.Error(), "disconnected") {
		t.Fatalf("after %d bytes: err %v, want the owner's disconnect", n, err)
	}
	if ctx.Err() != nil {
		t.Fatal("the transfer hung until the deadline")
	}
}

// TestSelectionSizeLimit: content beyond MaxSelectionSize fails the
// transfer instead of being buffered.
func TestSelectionSizeLimit(t *testing.T) {
	srv := startTCP(t, displayserver.Config{NoAuth: true})
	a, b := dialTCP(t, srv), dialTCP(t, srv)
	chunk := make([]byte, 1<<20)
	a.OfferSelection(protocol.Clipboard, []string{"application/octet-stream"}, nil,
		func(ctx context.Context, typ string, w io.Writer) error {
			for {
				if _, err := w.Write(chunk); err != nil {
					return err
				}
			}
		})
	a.Sync()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := b.ReadSelection(ctx, protocol.Clipboard, "application/octet-stream")
	if !errors.Is(err, xclient.ErrNoContent) || len(got) > protocol.MaxSelectionSize {
		t.Fatalf("%d bytes, err %v; want an error within %d bytes", len(got), err, protocol.MaxSelectionSize)
	}
}

// BenchmarkSelectionTransfer streams 1 MiB from one client through the
// display server to another (TCP on loopback, the default codec), the
// path a large copy and paste takes.
func BenchmarkSelectionTransfer(b *testing.B) {
	srv, err := displayserver.New(displayserver.Config{TCPAddr: "127.0.0.1:0", UnixPath: "none", HTTPAddr: "none",
		AuthFile: "none", NoAuth: true, Logger: quietLogger()})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	dial := func() *xclient.Conn {
		c, err := xclient.DialAddr("tcp", srv.TCPAddr().String())
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	a, r := dial(), dial()
	defer a.Close()
	defer r.Close()
	text := bigText(1 << 20)
	// Not inline (above 64 KiB): every read asks the owner.
	if err := a.SetSelection(protocol.Clipboard, map[string][]byte{protocol.MimeText: text}); err != nil {
		b.Fatal(err)
	}
	a.Sync()
	ctx := context.Background()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		got, err := r.ReadSelection(ctx, protocol.Clipboard, protocol.MimeText)
		if err != nil || len(got) != len(text) {
			b.Fatalf("%d bytes, %v", len(got), err)
		}
	}
}
