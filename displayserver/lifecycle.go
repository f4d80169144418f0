package displayserver

import (
	"net"
	"time"

	"github.com/xfar/xfar/protocol"
)

// track records a freshly accepted connection so that Close can end it
// whatever stage it is in (net/http's rule: a connection is the server's
// from the moment it is accepted). It reports false when the server is
// already closing.
func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.accepted[c] = struct{}{}
	return true
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.accepted, c)
	s.mu.Unlock()
}

// closeAccepted closes every tracked connection; handshakes in progress
// fail at once instead of waiting out their timeout.
func (s *Server) closeAccepted() {
	s.mu.Lock()
	cs := make([]net.Conn, 0, len(s.accepted))
	for c := range s.accepted {
		cs = append(cs, c)
	}
	s.mu.Unlock()
	for _, c := range cs {
		c.Close()
	}
}

// shutdownGrace bounds each stage of Shutdown: telling clients, letting
// their writers deliver it, and closing HTTP. The whole stays under a
// second.
const shutdownGrace = 250 * time.Millisecond

// Shutdown disconnects every client with reason (an error with opcode 0,
// SPEC.md §6, is the last message each gets), then closes the server. It
// returns within about a second whatever the server is doing: no request
// holds the state owner for long, and each stage has a deadline.
func (s *Server) Shutdown(reason string) error {
	told := make(chan struct{})
	go func() {
		defer close(told)
		s.st.do(func(st *state) {
			for c := range st.clients {
				st.sendError(c, &protocol.Error{Seq: c.lastSeq, Code: protocol.BadImplementation, Message: reason})
				c.out.close(true)
			}
		})
	}()
	deadline := time.NewTimer(shutdownGrace)
	defer deadline.Stop()
	select {
	case <-told:
	case <-deadline.C:
	}
	// Each writer closes its connection once it has written the reason.
	for end := time.Now().Add(shutdownGrace); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		s.mu.Lock()
		n := len(s.conns)
		s.mu.Unlock()
		if n == 0 {
			break
		}
	}
	return s.Close()
}
