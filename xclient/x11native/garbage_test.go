package x11native

import (
	"encoding/binary"
	"io"
	"math/rand/v2"
	"net"
	"testing"
	"time"
)

// TestGarbageRequests sends every core request, BIG-REQUESTS and every
// SHAPE minor with random bodies of random lengths, many times, from
// clients that each create a window, a pixmap and a GC first (so random
// IDs sometimes name real resources). Whatever a client sends, the
// native server must answer or drop that client, never crash: after
// each client another one still gets GetInputFocus answered. The 1290
// clients, one after another, are also more than the 1023 client indices
// (resource-ID bases) there are: departed clients' indices must be
// reused (they were not: the 1024th X program was refused), and what
// they made must be gone.
func TestGarbageRequests(t *testing.T) {
	s, _ := startServer(t)
	good, _ := rawConn(t, s)
	rng := rand.New(rand.NewPCG(1, 2))
	seq := uint16(0)
	ask := func() {
		t.Helper()
		seq++
		good.SetDeadline(time.Now().Add(10 * time.Second))
		good.Write([]byte{43, 0, 1, 0})
		var msg [32]byte
		for {
			if _, err := io.ReadFull(good, msg[:]); err != nil {
				t.Fatalf("the good client after garbage: %v", err)
			}
			if msg[0] == 1 && binary.LittleEndian.Uint16(msg[2:]) == seq {
				return
			}
		}
	}
	ops := []byte{}
	for op := 1; op <= 127; op++ {
		ops = append(ops, byte(op))
	}
	ops = append(ops, xBigRequests, xShape)
	for round := 0; round < 10; round++ {
		for _, op := range ops {
			nc, base := rawConn(t, s)
			nc.SetDeadline(time.Now().Add(20 * time.Second))
			done := make(chan struct{})
			go func() { io.Copy(io.Discard, nc); close(done) }()
			// A window, a pixmap and a GC at the client's first IDs, so
			// that random IDs sometimes name real resources.
			var b []byte
			b = le32s(b, 1|24<<8|8<<16, base+1, rootID, 0, 10|10<<16, 0|1<<16, 0, 0)
			b = le32s(b, 53|24<<8|4<<16, base+2, base+1, 10|10<<16)
			b = le32s(b, 55|0<<8|4<<16, base+3, base+1, 0)
			nc.Write(b)
			for i := 0; i < 40; i++ {
				words := rng.IntN(12)
				if rng.IntN(8) == 0 {
					words = rng.IntN(300)
				}
				req := make([]byte, 4+4*words)
				req[0], req[1] = op, byte(rng.IntN(256))
				if op >= 128 {
					req[1] = byte(rng.IntN(12))
				}
				binary.LittleEndian.PutUint16(req[2:], uint16(1+words))
				for j := 4; j < len(req); j += 4 {
					v := rng.Uint32()
					switch rng.IntN(4) {
					case 0:
						v = base + uint32(rng.IntN(4))
					case 1:
						v = uint32(rng.IntN(64))
					}
					binary.LittleEndian.PutUint32(req[j:], v)
				}
				if _, err := nc.Write(req); err != nil {
					break // dropped: allowed
				}
			}
			// Let the server read everything before it sees the end.
			nc.(*net.UnixConn).CloseWrite()
			<-done
			nc.Close()
			ask()
		}
	}
	// The last client's resources go just after its connection closes.
	left := func() (windows, pixmaps, gcs int) {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, w := range s.windows {
			if w.owner != nil { // not the root or the server's own
				windows++
			}
		}
		return windows, len(s.pixmaps), len(s.gcs)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		w, p, g := left()
		if w == 0 && p == 0 && g == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after every garbage client left: %d windows, %d pixmaps, %d GCs of clients remain", w, p, g)
		}
	}
}

func le32s(b []byte, v ...uint32) []byte {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, x)
	}
	return b
}
