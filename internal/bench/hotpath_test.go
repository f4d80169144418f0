package bench

import (
	"io"
	"testing"

	"github.com/xfar/xfar/compress"
	"github.com/xfar/xfar/protocol"
)

// benchStreams are request streams as xclient batches them: the wire
// bytes of a workload's distinct requests, about 64 KiB (one flush).
func benchStreams(b *testing.B) map[string][]byte {
	out := map[string][]byte{}
	for _, w := range Workloads() {
		var reqs []protocol.Request
		switch w.Name {
		case "seg10-1":
			for _, s := range w.pool.segs {
				reqs = append(reqs, &protocol.PolySegment{Drawable: 1, GC: 2, Segments: s})
			}
		case "putimage10":
			for k := range w.pool.n {
				reqs = append(reqs, &protocol.PutImage{Drawable: 1, GC: 2, X: w.pool.at[k].X, Y: w.pool.at[k].Y,
					W: uint16(w.pool.imgW), H: uint16(w.pool.imgH), Pix: w.pool.pix[k]})
			}
		default:
			continue
		}
		var buf []byte
		for _, r := range reqs {
			var err error
			if buf, err = protocol.AppendRequest(buf, r); err != nil {
				b.Fatal(err)
			}
			if len(buf) >= 64<<10 {
				break
			}
		}
		out[w.Name] = buf
	}
	return out
}

// BenchmarkCompressBatch measures compressing one 64 KiB batch of
// requests and flushing it, per codec and stream: the client's per-flush
// cost on the wire path. From the second batch on the stream's history
// holds the same bytes, so this is the match-rich case; xbench's bytes
// pass gives the ratios real traffic gets.
func BenchmarkCompressBatch(b *testing.B) {
	for name, stream := range benchStreams(b) {
		for _, cn := range compress.Names() {
			b.Run(name+"/"+cn, func(b *testing.B) {
				c, err := compress.Lookup(cn)
				if err != nil {
					b.Fatal(err)
				}
				w, err := c.NewWriter(io.Discard)
				if err != nil {
					b.Fatal(err)
				}
				defer w.Close()
				b.SetBytes(int64(len(stream)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := w.Write(stream); err != nil {
						b.Fatal(err)
					}
					if err := w.Flush(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
