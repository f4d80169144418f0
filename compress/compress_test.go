package compress

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// TestFlushDeliversPerBatch checks the property the protocol relies on: after
// Flush, the peer can read exactly what was written, without the writer
// sending anything more or closing the stream, and history carries over;
// for the dense writers (NewWriter with dense) too.
func TestFlushDeliversPerBatch(t *testing.T) {
	for _, name := range append(Names(), "dense-zstd", "dense-s2") {
		dense := false
		if n, ok := strings.CutPrefix(name, "dense-"); ok {
			name, dense = n, true
		}
		t.Run(fmt.Sprintf("%s/dense=%v", name, dense), func(t *testing.T) {
			c, err := Lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			a, b := net.Pipe()
			defer a.Close()
			defer b.Close()
			w, err := NewWriter(c, a, dense)
			if err != nil {
				t.Fatal(err)
			}
			r, err := c.NewReader(b)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 20; i++ {
				msg := bytes.Repeat([]byte{byte(i), 'x', 'f', 'a', 'r'}, 100+i)
				errc := make(chan error, 1)
				go func() {
					if _, err := w.Write(msg); err != nil {
						errc <- err
						return
					}
					errc <- w.Flush()
				}()
				got := make([]byte, len(msg))
				b.SetReadDeadline(time.Now().Add(5 * time.Second))
				if _, err := io.ReadFull(r, got); err != nil {
					t.Fatalf("batch %d: read after flush: %v", i, err)
				}
				if !bytes.Equal(got, msg) {
					t.Fatalf("batch %d: got different bytes", i)
				}
				if err := <-errc; err != nil {
					t.Fatalf("batch %d: write: %v", i, err)
				}
			}
		})
	}
}

// TestZstdRefusesHugeWindow feeds the reader a frame that asks for a window
// far above MaxWindow: it must fail instead of allocating.
func TestZstdRefusesHugeWindow(t *testing.T) {
	var buf bytes.Buffer
	e, err := zstd.NewWriter(&buf, zstd.WithWindowSize(64<<20), zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithSingleSegment(false))
	if err != nil {
		t.Fatal(err)
	}
	// Enough data that the frame header must declare the large window.
	e.Write(bytes.Repeat([]byte("bomb"), 20<<20))
	e.Close()
	r, err := zstdCodec{}.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(io.Discard, r)
	if err == nil {
		t.Fatal("decoding a 64 MiB-window frame succeeded; want a window-size error")
	}
	if !errors.Is(err, zstd.ErrWindowSizeExceeded) && !errors.Is(err, zstd.ErrDecoderSizeExceeded) {
		t.Logf("refused with: %v", err)
	}
}

func TestNegotiate(t *testing.T) {
	c, err := Negotiate([]string{"lz4", "s2", "zstd"}, Names())
	if err != nil || c.Name() != "s2" {
		t.Fatalf("Negotiate = %v, %v; want s2", c, err)
	}
	c, err = Negotiate(nil, Names())
	if err != nil || c.Name() != "none" {
		t.Fatalf("Negotiate(nil) = %v, %v; want none", c, err)
	}
	if _, err := Negotiate([]string{"lz4"}, Names()); err == nil {
		t.Fatal("Negotiate with nothing in common succeeded")
	}
}
