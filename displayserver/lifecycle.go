package displayserver

import "net"

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
