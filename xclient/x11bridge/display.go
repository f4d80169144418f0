package x11bridge

import (
	"context"
	"fmt"
	"time"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// mirroredEvents are the events the bridge selects on its display windows:
// the input it forwards and the moves the user makes through the title bar.
const mirroredEvents = protocol.KeyPressMask | protocol.KeyReleaseMask |
	protocol.ButtonPressMask | protocol.ButtonReleaseMask | protocol.PointerMotionMask |
	protocol.StructureNotifyMask

// display is the bridge's side of the xfar display: the few requests it
// makes, over one xclient connection. Requests are buffered by xclient and
// go out on flush.
type display struct {
	c    *xclient.Conn
	root xclient.Window
	gc   xclient.GC
	// quality > 0 sends areas of many colours as JPEG (Config.Quality).
	quality int
}

// dialDisplay connects to the xfar display: at address (network "tcp" or
// "unix") when given, else by display name (empty: XFAR_DISPLAY).
func dialDisplay(name, network, address, auth string) (*display, error) {
	var opts []xclient.Option
	if auth != "" {
		opts = append(opts, xclient.WithAuth(auth))
	}
	var c *xclient.Conn
	var err error
	if address != "" {
		if network == "" {
			network = "tcp"
		}
		c, err = xclient.DialAddr(network, address, opts...)
	} else {
		c, err = xclient.Dial(name, opts...)
	}
	if err != nil {
		return nil, fmt.Errorf("x11bridge: %w", err)
	}
	d := &display{c: c, root: c.Root()}
	if d.gc, err = c.CreateGC(d.root, nil); err != nil {
		c.Close()
		return nil, fmt.Errorf("x11bridge: %w", err)
	}
	return d, nil
}

func (d *display) size() (int, int) { return d.c.ScreenSize() }

func (d *display) createWindow(x, y int16, w, h uint16, override bool) (uint32, error) {
	win, err := d.c.CreateWindow(d.root, int(x), int(y), int(w), int(h), &xclient.WindowOptions{
		BackgroundNone:   true,
		OverrideRedirect: override,
		EventMask:        mirroredEvents,
	})
	return uint32(win), err
}

// The requests below fail only when the connection is gone, which the
// reader notices and reports; their errors carry nothing more.

func (d *display) mapWindow(id uint32)     { d.c.MapWindow(xclient.Window(id)) }
func (d *display) unmapWindow(id uint32)   { d.c.UnmapWindow(xclient.Window(id)) }
func (d *display) destroyWindow(id uint32) { d.c.DestroyWindow(xclient.Window(id)) }
func (d *display) raise(id uint32)         { d.c.RaiseWindow(xclient.Window(id)) }

func (d *display) moveResize(id uint32, x, y int16, w, h uint16) {
	d.c.MoveResizeWindow(xclient.Window(id), int(x), int(y), int(w), int(h))
}

func (d *display) stackAbove(id, sibling uint32) {
	d.c.ConfigureWindow(xclient.Window(id), xclient.WindowChanges{
		Mask:    protocol.ConfigSibling | protocol.ConfigStackMode,
		Sibling: xclient.Window(sibling), StackMode: protocol.StackAbove})
}

func (d *display) setTitle(id uint32, title string) { d.c.SetTitle(xclient.Window(id), title) }

func (d *display) putImage(id uint32, x, y int16, w, h uint16, pix []uint32) error {
	if d.quality > 0 {
		return d.c.PutPixelsLossy(xclient.Window(id), d.gc, int(x), int(y), int(w), int(h), pix, d.quality)
	}
	return d.c.PutPixelsCompact(xclient.Window(id), d.gc, int(x), int(y), int(w), int(h), pix)
}

// copyArea copies pixels within window id, as a scroll does.
func (d *display) copyArea(id uint32, sx, sy int16, w, h uint16, dx, dy int16) error {
	win := xclient.Window(id)
	return d.c.CopyArea(win, win, d.gc, int(sx), int(sy), int(w), int(h), int(dx), int(dy))
}

func (d *display) flush() error { return d.c.Flush() }

// written is how many bytes the connection has put on the network.
func (d *display) written() int64 { return d.c.BytesWritten() }

// syncAsync queues a Sync, whose reply acknowledges everything before it.
func (d *display) syncAsync() *xclient.Cookie[struct{}] { return d.c.SyncAsync() }

// sync flushes and waits, at most a few seconds, until the server has
// handled everything sent.
func (d *display) sync() error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_, err := d.c.SyncAsync().ReplyContext(ctx)
	return err
}

func (d *display) nextEvent() (*protocol.Event, error) {
	return d.c.NextEvent(context.Background())
}

func (d *display) close() { d.c.Close() }
