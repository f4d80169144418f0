package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// The window and drawing of the seed's Xlib example.
const (
	winX, winY          = 0, 0
	winWidth, winHeight = 200, 100
	black, white        = 0x000000, 0xffffff
	lineX1, lineY1      = 10, 60
	lineX2, lineY2      = 180, 20
	// markSize is the side of the square a button press leaves, centred
	// on the pointer: pixels x-2..x+2, y-2..y+2.
	markSize = 5
	// maxMarks bounds the remembered marks; beyond it the oldest is
	// forgotten (it stays on screen until the next exposure).
	maxMarks = 4096
	// quitKeysym is the keysym of 'q'.
	quitKeysym = 'q'
)

// run is xdemo's whole program, reachable from tests: it parses args,
// connects, runs the event loop until q, a close request or ctx ends, and
// returns the exit status (0 clean, 1 connection or protocol failure, 2
// usage).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("xdemo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	display := fs.String("display", "", "display to connect to: host:N (TCP port 6000+N) or :N (local socket); default $"+protocol.EnvDisplay)
	auth := fs.String("auth", "", "auth cookie; default $"+protocol.EnvAuth+", then the cookie file the display server wrote")
	codec := fs.String("codec", "", "compression codec to ask for: zstd, s2 or none; default: negotiate the best both sides have")
	demoName := fs.String("demo", "seed", "which demo: seed (the Xlib example) or form (a form built with the UI toolkit)")
	splitName := fs.String("split", "", "where the form's user interface runs: pixels, draw or widgets; default $XFAR_SPLIT, then draw")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: xdemo [flags]\n\n"+
			"Opens a 200x100 window and draws a line, like the classic Xlib example.\n"+
			"Click to leave marks; press q or close the window to quit.\n"+
			"With --demo form, shows a form (text field, Add button, count, list, chart)\n"+
			"whose user interface runs where --split says.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "xdemo: unexpected arguments %q\n", fs.Args())
		fs.Usage()
		return 2
	}
	if err := checkDemoArgs(*demoName, *splitName); err != nil {
		fmt.Fprintf(stderr, "xdemo: %v\n", err)
		return 2
	}

	var opts []xclient.Option
	if *auth != "" {
		opts = append(opts, xclient.WithAuth(*auth))
	}
	if *codec != "" {
		opts = append(opts, xclient.WithCodecs(*codec))
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	c, err := xclient.Dial(*display, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "xdemo: cannot connect: %v\n", err)
		return 1
	}
	defer c.Close()
	log.Info("connected", "codec", c.Codec(), "vendor", c.Vendor())
	if *demoName == "form" {
		return runForm(ctx, c, *splitName, log, stdout)
	}

	d := &demo{c: c, log: log}
	if err := d.open(); err != nil {
		log.Error("create window", "err", err)
		return 1
	}
	return d.loop(ctx)
}

// demo is xdemo's state: its window, its GC and the marks to redraw.
type demo struct {
	c     *xclient.Conn
	log   *slog.Logger
	win   xclient.Window
	gc    xclient.GC
	marks []xclient.Rect
}

// open does what the Xlib example does before its event loop, in the same
// order, without a single round trip.
func (d *demo) open() error {
	var err error
	d.win, err = d.c.CreateWindow(d.c.Root(), winX, winY, winWidth, winHeight, &xclient.WindowOptions{
		Background: black,
		Border:     black,
	})
	if err != nil {
		return err
	}
	if err := d.c.SelectInput(d.win, protocol.StructureNotifyMask|protocol.ButtonPressMask|
		protocol.KeyPressMask|protocol.ExposureMask); err != nil {
		return err
	}
	if err := d.c.SetTitle(d.win, "xdemo"); err != nil {
		return err
	}
	if err := d.c.MapWindow(d.win); err != nil {
		return err
	}
	d.gc, err = d.c.CreateGC(d.win, &xclient.GCValues{Mask: protocol.GCForeground, Foreground: white})
	return err
}

// loop handles events until the demo should end and returns the exit code.
func (d *demo) loop(ctx context.Context) int {
	for {
		ev, err := d.c.NextEvent(ctx)
		if err != nil {
			var perr *protocol.Error
			switch {
			case errors.As(err, &perr):
				d.log.Error("request failed", "err", perr)
				return d.quit(1)
			case ctx.Err() != nil:
				d.log.Info("signalled, closing")
				return d.quit(0)
			default:
				d.log.Error("connection lost", "err", err)
				return 1
			}
		}
		if ev.Window != uint32(d.win) {
			continue
		}
		switch ev.Code {
		case protocol.MapNotify:
			d.log.Info("window mapped", "window", d.win)
			if err := d.draw(); err != nil {
				d.log.Error("draw", "err", err)
				return 1
			}
		case protocol.Expose:
			if ev.Count > 0 {
				continue // redraw once, after the last of a series
			}
			d.log.Info("exposed, redrawing", "marks", len(d.marks))
			if err := d.draw(); err != nil {
				d.log.Error("draw", "err", err)
				return 1
			}
		case protocol.ButtonPress:
			m := xclient.Rect{X: ev.X - markSize/2, Y: ev.Y - markSize/2, W: markSize, H: markSize}
			if len(d.marks) == maxMarks {
				d.marks = append(d.marks[:0], d.marks[1:]...)
			}
			d.marks = append(d.marks, m)
			d.log.Info("button press, mark", "button", ev.Detail, "x", ev.X, "y", ev.Y)
			if err := d.c.FillRectangles(d.win, d.gc, []xclient.Rect{m}); err != nil {
				d.log.Error("draw mark", "err", err)
				return 1
			}
			// NextEvent flushes before it waits, so the mark goes out now.
		case protocol.KeyPress:
			if ev.Keysym == quitKeysym {
				d.log.Info("q pressed, closing")
				return d.quit(0)
			}
		case protocol.CloseRequest:
			d.log.Info("close requested, closing")
			return d.quit(0)
		case protocol.DestroyNotify:
			d.log.Info("window destroyed by someone else, exiting")
			return 0
		}
	}
}

// draw draws the line and every mark, then flushes: the Xlib example's
// XDrawLine and XFlush.
func (d *demo) draw() error {
	if err := d.c.DrawLine(d.win, d.gc, lineX1, lineY1, lineX2, lineY2); err != nil {
		return err
	}
	if len(d.marks) > 0 {
		if err := d.c.FillRectangles(d.win, d.gc, d.marks); err != nil {
			return err
		}
	}
	return d.c.Flush()
}

// quit destroys the window and closes the connection, returning code, or
// 1 if the connection could not be closed cleanly.
func (d *demo) quit(code int) int {
	if err := d.c.DestroyWindow(d.win); err != nil {
		d.log.Error("destroy window", "err", err)
		code = 1
	}
	if err := d.c.Close(); err != nil {
		d.log.Error("close", "err", err)
		code = 1
	}
	return code
}
