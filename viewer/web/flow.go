package web

import (
	"sync"
	"time"

	"github.com/xfar/xfar/internal/bdp"
)

// Flow control towards a browser, by bytes and measured round trip rather
// than a fixed count of frames. The page acknowledges each frame after
// drawing it, so an acknowledgement's round trip covers the network, the
// data channel's buffers and the page's decoding: the whole pipe. The
// sender keeps about flowGain times what that pipe carries in a round trip
// in flight (its rate, by Little's law the bytes in flight over the round
// trip, times its shortest round trip), so a fast link and a fast page get
// frame after frame while a slow one gets fewer, larger updates (the
// feed coalesces damage while the sender waits) instead of a queue.
const (
	viewerGain = 1.5
	// viewerMinWindow is the window's floor: a frame of typing and a
	// little more always go at once (a quarter second at 1 Mbit/s).
	viewerMinWindow = 32 << 10
	// viewerStartWindow is the window before the first acknowledgement.
	viewerStartWindow = 128 << 10
	// maxFramesInFlight bounds the frames the page holds undrawn,
	// whatever their size.
	maxFramesInFlight = 8
)

type sentFrame struct {
	seq       uint32
	end       int64 // bytes sent up to and including this frame
	delivered int64 // bytes acknowledged when it was sent
	at        time.Time
}

// viewerFlow is one viewer's flow state. The sender records frames, the
// data channel's message callback records acknowledgements.
type viewerFlow struct {
	mu        sync.Mutex
	frames    []sentFrame // unacknowledged, oldest first
	sent      int64
	delivered int64
	link      bdp.Estimator
}

// window is how many bytes may be in flight. The caller holds mu.
func (f *viewerFlow) window() int64 {
	return f.link.Window(bdp.Params{Gain: viewerGain, MinWindow: viewerMinWindow, StartWindow: viewerStartWindow})
}

// open reports whether another frame may be sent now.
func (f *viewerFlow) open() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.frames) < maxFramesInFlight && f.sent-f.delivered < f.window()
}

// inFlight returns the bytes sent and not acknowledged, and the window.
func (f *viewerFlow) inFlight() (int64, int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sent - f.delivered, f.window()
}

// sentFrame records a frame of n bytes.
func (f *viewerFlow) sentFrame(seq uint32, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent += int64(n)
	f.frames = append(f.frames, sentFrame{seq: seq, end: f.sent, delivered: f.delivered, at: time.Now()})
}

// acked records the page's acknowledgement of every frame up to seq.
func (f *viewerFlow) acked(seq uint32) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	for len(f.frames) > 0 && int32(seq-f.frames[0].seq) >= 0 { // across the wrap of seq
		fr := f.frames[0]
		f.frames = f.frames[1:]
		f.link.Acked(fr.at, now, fr.end, fr.delivered)
		f.delivered = fr.end
	}
}
