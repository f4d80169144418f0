package web

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/webrtc/v3"

	"github.com/xfar/xfar/displayserver/feed"
)

// Flow control. The sender pulls the next Update only when the viewer has
// room for it (flow.go), so a slow viewer gets fewer, coalesced updates
// (feed's Subscription coalesces damage while nobody pulls) and the server
// never queues more than about one round trip's worth per viewer.
const (
	// highWater is how many bytes may sit in the data channel's send
	// buffer before the sender stops pulling updates, whatever the
	// window says.
	highWater = 1 << 20
	// lowWater is where the channel wakes the sender again.
	lowWater = 256 << 10
	// recheck is how often a waiting sender looks again on its own, in
	// case a wake-up was lost.
	recheck = 250 * time.Millisecond
)

// session is one browser viewer: its peer connection, its subscription
// and the goroutine that feeds it. It owns all three; close ends them.
type session struct {
	h      *Handler
	pc     *webrtc.PeerConnection
	access feed.Access
	remote string

	ctx    context.Context
	cancel context.CancelFunc
	once   sync.Once

	flow    viewerFlow
	wake    chan struct{} // buffered 1: an ack or a drained buffer
	started atomic.Bool   // the sender runs (the frames channel opened)

	mu      sync.Mutex
	closing bool
	sender  sync.WaitGroup // the sender goroutine, if it started
}

func (h *Handler) newSession(access feed.Access, remote string) (*session, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errClosed
	}
	if len(h.sessions) >= h.opts.MaxViewers {
		return nil, fmt.Errorf("%w: %d connected", errTooMany, len(h.sessions))
	}
	if access != feed.FullControl && h.viewOnlySessions() >= h.opts.MaxViewers-fullControlReserve(h.opts.MaxViewers) {
		// The last slots stay free for full control: a view-only token
		// (the one most widely shared) can never lock the owner out.
		return nil, fmt.Errorf("%w: the view-only slots are taken", errTooMany)
	}
	pc, err := h.api.NewPeerConnection(webrtc.Configuration{ICEServers: h.ice})
	if err != nil {
		return nil, fmt.Errorf("new peer connection: %w", err)
	}
	s := &session{h: h, pc: pc, access: access, remote: remote, wake: make(chan struct{}, 1)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	h.sessions[s] = struct{}{}
	h.wg.Add(1) // done in close
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		switch st {
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed:
			s.close("connection " + st.String())
		}
	})
	pc.OnDataChannel(s.onDataChannel)
	return s, nil
}

// answer applies the browser's offer and returns the answer, with every
// candidate in it (non-trickle ICE: one request, one response).
func (s *session) answer(ctx context.Context, sdp string) (string, error) {
	if err := s.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: sdp}); err != nil {
		return "", fmt.Errorf("set offer: %w", err)
	}
	ans, err := s.pc.CreateAnswer(nil)
	if err != nil {
		return "", fmt.Errorf("create answer: %w", err)
	}
	gathered := webrtc.GatheringCompletePromise(s.pc)
	if err := s.pc.SetLocalDescription(ans); err != nil {
		return "", fmt.Errorf("set answer: %w", err)
	}
	select {
	case <-gathered:
	case <-ctx.Done():
		return "", fmt.Errorf("gather ICE candidates: %w", ctx.Err())
	}
	// A session whose browser never connects must not linger.
	go func() {
		t := time.NewTimer(15 * time.Second)
		defer t.Stop()
		select {
		case <-t.C:
			if !s.started.Load() {
				s.close("browser never opened the frames channel")
			}
		case <-s.ctx.Done():
		}
	}()
	return s.pc.LocalDescription().SDP, nil
}

func (s *session) onDataChannel(dc *webrtc.DataChannel) {
	switch dc.Label() {
	case "frames":
		dc.OnOpen(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.closing || !s.started.CompareAndSwap(false, true) {
				return
			}
			s.h.log.Info("viewer connected", "remote", s.remote, "access", accessName(s.access))
			// close waits for the sender before it reports the session done.
			s.sender.Add(1)
			go func() {
				defer s.sender.Done()
				err := s.send(dc)
				reason := "sender stopped"
				if err != nil {
					reason = err.Error()
				}
				s.close(reason)
			}()
		})
		dc.OnMessage(func(m webrtc.DataChannelMessage) {
			// Acks: the 4-byte little-endian seq of the last drawn frame.
			if len(m.Data) == 4 {
				s.flow.acked(binary.LittleEndian.Uint32(m.Data))
				s.poke()
			}
		})
		dc.OnClose(func() { s.close("frames channel closed") })
	case "input":
		dc.OnMessage(func(m webrtc.DataChannelMessage) {
			if s.access != feed.FullControl {
				return // view-only: the page may send, the server ignores it
			}
			w, h := s.h.src.Size()
			evs, err := decodeInput(m.Data, w, h)
			if err != nil {
				s.h.log.Debug("viewer input", "remote", s.remote, "err", err)
				return
			}
			for _, ev := range evs {
				s.h.src.Input(ev)
			}
		})
	case "cursor":
		dc.OnOpen(func() { go s.sendCursor(dc) }) // cursor.go
	case "resize":
		s.onResizeChannel(dc) // resize.go
	default:
		s.h.log.Debug("viewer opened an unknown data channel", "remote", s.remote, "label", dc.Label())
	}
}

func (s *session) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// send streams updates to dc until the session ends.
func (s *session) send(dc *webrtc.DataChannel) error {
	enc, err := newEncoder()
	if err != nil {
		return err
	}
	sub := s.h.src.Subscribe()
	defer sub.Close()
	if cs, ok := sub.(feed.CopySubscription); ok {
		cs.AcceptCopies() // the page applies 'C' records
	}
	dc.SetBufferedAmountLowThreshold(lowWater)
	dc.OnBufferedAmountLow(s.poke)
	tick := time.NewTicker(recheck)
	defer tick.Stop()
	for {
		for dc.BufferedAmount() > highWater || !s.flow.open() {
			select {
			case <-s.wake:
			case <-tick.C:
			case <-s.ctx.Done():
				return nil
			}
		}
		u, err := sub.Next(s.ctx)
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, feed.ErrClosed) {
				return nil
			}
			return fmt.Errorf("next update: %w", err)
		}
		var msgs [][]byte
		err = s.h.opts.Pool.Do(s.ctx, func() (err error) {
			msgs, err = enc.encode(u)
			return err
		})
		if errors.Is(err, context.Canceled) {
			return nil
		}
		if err != nil {
			return err
		}
		n := 0
		for _, m := range msgs {
			if err := dc.Send(m); err != nil {
				return fmt.Errorf("send frame %d: %w", u.Seq, err)
			}
			n += len(m)
		}
		s.flow.sentFrame(uint32(u.Seq), n)
	}
}

// close ends the session once: the sender, the subscription, the peer
// connection.
func (s *session) close(reason string) {
	s.once.Do(func() {
		s.mu.Lock()
		s.closing = true
		s.mu.Unlock()
		s.cancel()
		s.h.mu.Lock()
		delete(s.h.sessions, s)
		s.h.mu.Unlock()
		if s.started.Load() {
			s.h.log.Info("viewer left", "remote", s.remote, "reason", reason)
		}
		if s.access == feed.FullControl {
			// What this viewer held down will never be released by it.
			s.h.src.Input(feed.InputEvent{Kind: feed.ReleaseAll})
		}
		// Closing the peer connection from one of its own callbacks is
		// allowed in pion, but it waits for them; do it apart.
		go func() {
			defer s.h.wg.Done()
			if err := s.pc.Close(); err != nil {
				s.h.log.Debug("close peer connection", "remote", s.remote, "err", err)
			}
			s.sender.Wait()
		}()
	})
}

func accessName(a feed.Access) string {
	switch a {
	case feed.FullControl:
		return "full"
	case feed.ViewOnly:
		return "view"
	}
	return "none"
}

// fullControlReserve is how many of max viewer slots only full-control
// viewers may take: a quarter, at least one.
func fullControlReserve(max int) int { return (max + 3) / 4 }

// viewOnlySessions counts view-only sessions; h.mu is held.
func (h *Handler) viewOnlySessions() int {
	n := 0
	for s := range h.sessions {
		if s.access != feed.FullControl {
			n++
		}
	}
	return n
}
