// Package compress holds the stream codecs an xfar connection can use after
// its handshake: zstd and s2 from github.com/klauspost/compress, and none.
//
// Each direction of a connection is one stream. Writers keep their history
// across messages and are flushed once per batch, not per message, so a run
// of similar drawing requests compresses against everything sent before it.
// Readers are bounded: a peer cannot make a reader hold more than
// MaxDecoderMemory, whatever it sends.
//
// The package knows nothing about messages; it moves bytes.
package compress

import (
	"bufio"
	"fmt"
	"io"

	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
)

// Limits on what a decoder may hold, whatever the peer claims.
const (
	// MaxWindow bounds the zstd window a peer may ask the decoder for.
	MaxWindow = 8 << 20
	// MaxDecoderMemory bounds a zstd decoder's total memory.
	MaxDecoderMemory = 64 << 20
	// MaxBlock bounds an s2 block.
	MaxBlock = 4 << 20
	// encoderWindow is the history our zstd writers keep: enough to span a
	// few frames' worth of drawing requests, small enough per connection.
	encoderWindow = 1 << 20
)

// Writer is a compressing stream writer.
type Writer interface {
	io.Writer
	// Flush makes everything written so far decodable by the peer, without
	// ending the stream or dropping its history.
	Flush() error
	// Close flushes and releases the writer; it does not close the
	// underlying writer.
	Close() error
}

// Codec creates the two ends of one stream.
type Codec interface {
	// Name is the codec's name in the handshake.
	Name() string
	// NewWriter returns a writer that compresses into w.
	NewWriter(w io.Writer) (Writer, error)
	// NewReader returns a reader that decompresses from r, bounded by the
	// limits above.
	NewReader(r io.Reader) (io.ReadCloser, error)
}

// Denser is a Codec that can also write a denser stream for more CPU per
// byte, which the reader decodes as any other (the level is the writer's
// choice alone).
type Denser interface {
	NewDenseWriter(w io.Writer) (Writer, error)
}

// NewWriter returns c's writer into w: its dense one when dense is set
// and c has one (zstd), else its usual one.
func NewWriter(c Codec, w io.Writer, dense bool) (Writer, error) {
	if d, ok := c.(Denser); ok && dense {
		return d.NewDenseWriter(w)
	}
	return c.NewWriter(w)
}

// Names lists the codecs this package offers, most preferred first.
func Names() []string { return []string{"zstd", "s2", "none"} }

// Lookup returns the codec with the given name.
func Lookup(name string) (Codec, error) {
	switch name {
	case "zstd":
		return zstdCodec{}, nil
	case "s2":
		return s2Codec{}, nil
	case "none":
		return noneCodec{}, nil
	}
	return nil, fmt.Errorf("unknown codec %q", name)
}

// Negotiate picks the first codec in the client's preference list that the
// server allows. A client that lists nothing gets "none".
func Negotiate(client, server []string) (Codec, error) {
	if len(client) == 0 {
		return noneCodec{}, nil
	}
	for _, c := range client {
		for _, s := range server {
			if c == s {
				return Lookup(c)
			}
		}
	}
	return nil, fmt.Errorf("no common codec: client offers %v, server allows %v", client, server)
}

type zstdCodec struct{}

func (zstdCodec) Name() string { return "zstd" }

func (zstdCodec) NewWriter(w io.Writer) (Writer, error) {
	return newZstdWriter(w, zstd.SpeedFastest)
}

// NewDenseWriter is a zstd writer at SpeedBetterCompression: about 15 %
// smaller streams of small drawing batches (xbridge --native's xterm
// workloads) for a few MB more encoder memory and about 4x the CPU per
// byte, which at those streams' kilobytes a second is nothing.
func (zstdCodec) NewDenseWriter(w io.Writer) (Writer, error) {
	return newZstdWriter(w, zstd.SpeedBetterCompression)
}

func newZstdWriter(w io.Writer, level zstd.EncoderLevel) (Writer, error) {
	// One goroutine-free encoder per stream: concurrency 1 keeps Flush
	// synchronous, which the per-batch flush relies on.
	e, err := zstd.NewWriter(w,
		zstd.WithEncoderConcurrency(1),
		zstd.WithEncoderLevel(level),
		zstd.WithWindowSize(encoderWindow),
		zstd.WithEncoderCRC(false))
	if err != nil {
		return nil, fmt.Errorf("zstd writer: %w", err)
	}
	return e, nil
}

func (zstdCodec) NewReader(r io.Reader) (io.ReadCloser, error) {
	d, err := zstd.NewReader(r,
		zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderMaxWindow(MaxWindow),
		zstd.WithDecoderMaxMemory(MaxDecoderMemory),
		zstd.WithDecoderLowmem(true))
	if err != nil {
		return nil, fmt.Errorf("zstd reader: %w", err)
	}
	return d.IOReadCloser(), nil
}

type s2Codec struct{}

func (s2Codec) Name() string { return "s2" }

// NewWriter returns an s2 stream writer. S2 blocks are independent, so s2
// trades zstd's cross-message history for a fraction of its CPU.
func (s2Codec) NewWriter(w io.Writer) (Writer, error) {
	return s2.NewWriter(w, s2.WriterConcurrency(1), s2.WriterBlockSize(1<<20)), nil
}

func (s2Codec) NewReader(r io.Reader) (io.ReadCloser, error) {
	return io.NopCloser(s2.NewReader(r, s2.ReaderMaxBlockSize(MaxBlock))), nil
}

type noneCodec struct{}

func (noneCodec) Name() string { return "none" }

func (noneCodec) NewWriter(w io.Writer) (Writer, error) {
	return bufWriter{bufio.NewWriterSize(w, 64<<10)}, nil
}

func (noneCodec) NewReader(r io.Reader) (io.ReadCloser, error) { return io.NopCloser(r), nil }

type bufWriter struct{ *bufio.Writer }

func (b bufWriter) Close() error { return b.Flush() }
