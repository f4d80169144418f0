// Package x11native is an X11 core-protocol server that lives in the
// bridge process: X programs connect to it as to any X server, and it
// answers locally what needs no display (atoms, properties, keyboard map,
// colours, fonts, geometry) and turns windows, graphics contexts, pixmaps
// and drawing into xfar requests on one xclient connection. Events the
// display sends back become X events with the program's sequence numbers.
// This is NX's approach: the program's round trips end here, and only
// drawing crosses the link.
//
// What is implemented is the subset of the core protocol that simple
// programs (xlogo, xeyes, a plain Xlib program) use; anything else gets a
// BadRequest error (or an ignored request for harmless ones) and a log
// line naming the request. Only little-endian clients are accepted.
package x11native

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// Config says where the server's drawing goes.
type Config struct {
	// Display is the xfar connection windows are created on; the server
	// reads its events (NextEvent), so nothing else may.
	Display *xclient.Conn
	// Logger receives one line per client and per unimplemented request;
	// nil discards.
	Logger *slog.Logger
	// SocketDir is where the X socket is created; "" means X's
	// /tmp/.X11-unix, which Xlib searches for DISPLAY=:N.
	SocketDir string
}

// Server is a running native X server.
type Server struct {
	xc   *xclient.Conn
	log  *slog.Logger
	ln   net.Listener
	num  int
	sock string
	lock string

	mu      sync.Mutex // guards the state below and every client's writer
	atoms   *atomTable
	root    *window
	windows map[uint32]*window // by X ID
	byXfar  map[uint32]*window // by xfar ID
	gcs     map[uint32]*gcState
	pixmaps map[uint32]*pixmap
	fonts   map[uint32]*font
	cursors map[uint32]*cursorDef // made on first use (cursor.go)
	clients map[*client]struct{}
	// slots are the client indices in use (each owns a resource-ID base);
	// nextCli is the last one handed out. A departed client's index is
	// handed out again, but only after every other free one.
	slots      map[uint32]bool
	nextCli    uint32
	focus      uint32
	selections map[uint32]*window
	// glyphSets holds each core font's glyphs on the display, uploaded
	// once for all clients.
	glyphSets map[*coreFont]*fontGlyphs
	pointer   struct{ x, y int16 }
	closed    bool
	sel       selState
	// scratchGC is the server's own GC on the display, for building tiles.
	scratchGC xclient.GC
	// shapeGC paints the border colour inside clip-shaped windows (shape.go).
	shapeGC xclient.GC

	// roundTrips counts the display round trips X requests caused
	// (QueryPointer, GetImage): every other request is answered here.
	roundTrips atomic.Int64
	// pace spaces the display flushes (flushpace.go).
	pace flushPacer

	wg   sync.WaitGroup
	done chan struct{}
}

// RoundTrips returns how many times an X request waited for the display
// (QueryPointer and GetImage); every other request is answered locally.
func (s *Server) RoundTrips() int64 { return s.roundTrips.Load() }

// Screen constants: one TrueColor 24-bit screen, as Xvfb's default.
const (
	rootID     = 0x100
	colormapID = 0x20
	visualID   = 0x21
	// Clients get IDs base|n with n under idMask; base 0 is the server's.
	idMask  = 0x001fffff
	idShift = 21
	maxCli  = 0x3ff
)

// minDisplayMinor is the oldest protocol minor version of the display
// server the native mode can draw on: 1 brought glyph sets.
const minDisplayMinor = 1

// Start listens on a free display number's socket and serves X clients
// until Close. Width and height of the screen are the xfar display's.
func Start(cfg Config) (*Server, error) {
	if cfg.Display == nil {
		return nil, errors.New("x11native: no xfar connection")
	}
	// All text is drawn with glyph sets; an older display would answer
	// every one of them with BadRequest, so refuse at start instead.
	if major, minor := cfg.Display.ServerVersion(); major == protocol.MajorVersion && minor < minDisplayMinor {
		return nil, fmt.Errorf("x11native: the display server speaks xfar protocol %d.%d, native mode needs %d.%d or later (glyph sets, requests 105-108): upgrade the display server or run xbridge without --native",
			major, minor, protocol.MajorVersion, minDisplayMinor)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{xc: cfg.Display, log: logger, atoms: newAtomTable(),
		windows: map[uint32]*window{}, byXfar: map[uint32]*window{}, gcs: map[uint32]*gcState{},
		pixmaps: map[uint32]*pixmap{}, fonts: map[uint32]*font{}, clients: map[*client]struct{}{}, slots: map[uint32]bool{}, glyphSets: map[*coreFont]*fontGlyphs{},
		done: make(chan struct{})}
	w, h := cfg.Display.ScreenSize()
	s.root = &window{id: rootID, xfar: uint32(cfg.Display.Root()), w: w, h: h, mapped: true,
		class: 1, props: map[uint32]*property{}, masks: map[*client]uint32{}}
	s.windows[rootID] = s.root
	s.byXfar[s.root.xfar] = s.root
	s.focus = 1 // PointerRoot
	dir := cfg.SocketDir
	if dir == "" {
		dir = "/tmp/.X11-unix"
	}
	if err := os.MkdirAll(dir, 0o1777); err != nil {
		return nil, fmt.Errorf("x11native: socket dir: %w", err)
	}
	if err := s.startSelections(); err != nil {
		close(s.done)
		return nil, err
	}
	if err := s.listen(dir); err != nil {
		close(s.done)
		s.wg.Wait()
		return nil, err
	}
	s.wg.Add(2)
	go s.acceptLoop()
	go s.eventLoop()
	return s, nil
}

// listen takes the first display number from 20 whose lock file it can
// create (the X server convention /tmp/.X<n>-lock, which Xvfb honours
// too) and whose socket does not exist.
func (s *Server) listen(dir string) error {
	for n := 20; n < 1000; n++ {
		lock := fmt.Sprintf("/tmp/.X%d-lock", n)
		sock := filepath.Join(dir, "X"+strconv.Itoa(n))
		if _, err := os.Stat(sock); err == nil {
			continue
		}
		f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
		if err != nil {
			continue
		}
		fmt.Fprintf(f, "%10d\n", os.Getpid())
		f.Close()
		ln, err := net.Listen("unix", sock)
		if err != nil {
			os.Remove(lock)
			if errors.Is(err, syscall.EADDRINUSE) {
				continue
			}
			return fmt.Errorf("x11native: listen %s: %w", sock, err)
		}
		s.ln, s.num, s.sock, s.lock = ln, n, sock, lock
		return nil
	}
	return errors.New("x11native: no free X display number in 20..999")
}

// Display returns the DISPLAY value that reaches this server (":N").
func (s *Server) Display() string { return ":" + strconv.Itoa(s.num) }

// SocketPath returns the Unix socket the server listens on.
func (s *Server) SocketPath() string { return s.sock }

// Done is closed when the server has stopped (Close, or the xfar
// connection is lost).
func (s *Server) Done() <-chan struct{} { return s.done }

// Close stops listening, disconnects every X client and removes the
// socket and lock file. The xfar connection stays open (its owner closes
// it).
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for c := range s.clients {
		c.nc.Close()
	}
	s.mu.Unlock()
	close(s.done)
	err := s.ln.Close()
	os.Remove(s.sock)
	os.Remove(s.lock)
	return err
}

// Wait waits for the server's goroutines after Close.
func (s *Server) Wait() { s.wg.Wait() }

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			select {
			case <-s.done:
			default:
				s.log.Error("x11native: accept", "err", err)
			}
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			nc.Close()
			return
		}
		c := newClient(s, nc, s.freeSlot())
		s.clients[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			c.serve()
		}()
	}
}

// eventLoop reads the xfar display's events and hands each to the X
// clients that selected it. It ends when the xfar connection fails or
// the server is closed.
func (s *Server) eventLoop() {
	defer s.wg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-s.done
		cancel()
	}()
	for {
		ev, err := s.xc.NextEvent(ctx)
		if err != nil {
			var perr *protocol.Error
			if errors.As(err, &perr) {
				s.log.Warn("x11native: display error", "err", perr)
				continue
			}
			if ctx.Err() == nil {
				s.log.Error("x11native: display connection lost", "err", err)
				s.Close()
			}
			return
		}
		s.mu.Lock()
		s.displayEvent(ev)
		s.mu.Unlock()
	}
}

// removeClient frees what a disconnected client owned (its windows, GCs
// and pixmaps, on the display too), as an X server does at close-down.
func (s *Server) removeClient(c *client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.clients, c)
	if s.slots[c.id] {
		defer delete(s.slots, c.id) // once its resources are gone
	}
	for _, w := range s.windows {
		delete(w.masks, c)
		delete(w.shapeSel, c)
	}
	// The client's windows, wherever they are: each subtree it made,
	// top-level or inside another client's window, goes with it.
	var tops []*window
	for _, w := range s.windows {
		if w.owner == c && w.parent != nil && w.parent.owner != c {
			tops = append(tops, w)
		}
	}
	for _, w := range tops {
		if s.windows[w.id] != w {
			continue // inside another of the client's subtrees, gone with it
		}
		s.destroyWindow(w, false)
	}
	for id, g := range s.gcs {
		if g.owner == c {
			s.xc.FreeGC(xclient.GC(g.xfar))
			delete(s.gcs, id)
		}
	}
	for id, p := range s.pixmaps {
		if p.owner == c {
			s.xc.FreePixmap(xclient.Pixmap(p.xfar))
			delete(s.pixmaps, id)
		}
	}
	for id, f := range s.fonts {
		if f.owner == c {
			delete(s.fonts, id)
		}
	}
	for id := range s.cursors {
		if c.ownsID(id) {
			delete(s.cursors, id) // windows that show one keep it
		}
	}
	if err := s.xc.Flush(); err != nil {
		s.log.Warn("x11native: flush display", "err", err)
	}
}

// freeSlot returns a client index not in use, the one after the last
// handed out first, and marks it used; maxCli+1 when all are taken (the
// client is then refused). X programs come and go all day (every xclip,
// xprop, xdotool is a connection), so indices must be reused.
func (s *Server) freeSlot() uint32 {
	for i := uint32(1); i <= maxCli; i++ {
		id := (s.nextCli+i-1)%maxCli + 1
		if !s.slots[id] {
			s.slots[id], s.nextCli = true, id
			return id
		}
	}
	return maxCli + 1
}
