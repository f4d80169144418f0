// Command displayserver runs an xfar display: it accepts xfar clients on
// TCP port 6000+N and on a Unix socket of its own, serves the snapshot and
// the web viewer over HTTP on port 8000+N, and prints how to connect.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/xfar/xfar/displayserver"
	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
	webviewer "github.com/xfar/xfar/viewer/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// options are the command's flags.
type options struct {
	display  protocol.Display
	httpAddr string
	tcpAddr  string
	noAuth   bool
	noWindow bool
	width    int
	height   int
	ice      []string
	limits   func(*displayserver.Config)
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("displayserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: displayserver [flags]\n\n"+
			"Runs an xfar display: clients connect with `xdemo --display host:N`,\n"+
			"browsers open the printed viewer URL, `curl .../snapshot.png` returns the picture.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	display := fs.String("display", ":0", "display `:N` to serve: TCP port 6000+N, Unix socket "+protocol.SocketDir+"/XN, HTTP port 8000+N")
	httpAddr := fs.String("http", "", "HTTP listen `address` (default :8000+N; \"none\" disables HTTP)")
	tcpAddr := fs.String("listen", "", "client TCP listen `address` (default :6000+N; \"none\" disables TCP)")
	noAuth := fs.Bool("no-auth", false, "accept clients and HTTP requests without the cookie (logs a warning)")
	noWindow := fs.Bool("no-window", false, "never open a desktop window (run headless)")
	geometry := fs.String("geometry", "1280x800", "screen size `WxH`")
	limits := hardeningFlags(fs)
	var ice listFlag
	fs.Var(&ice, "ice-server", "STUN/TURN `URL` for browsers behind NAT (stun:host:3478, turn:user:pass@host:3478); repeatable; not needed on a LAN")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	d, err := protocol.ParseDisplay(*display)
	if err != nil {
		return nil, err
	}
	if d.Host != "" {
		return nil, fmt.Errorf("--display %s: a display server serves a local display number; use :%d", *display, d.Number)
	}
	o := &options{display: d, httpAddr: *httpAddr, tcpAddr: *tcpAddr, noAuth: *noAuth, noWindow: *noWindow, ice: ice, limits: limits}
	ws, hs, ok := strings.Cut(*geometry, "x")
	o.width, err = strconv.Atoi(ws)
	if err == nil {
		o.height, err = strconv.Atoi(hs)
	}
	if !ok || err != nil {
		return nil, fmt.Errorf("--geometry %q: want WxH, e.g. 1280x800", *geometry)
	}
	return o, nil
}

// run is the whole command, reachable from tests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "displayserver:", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	cfg := displayserver.Config{
		Display: o.display.Number, HTTPAddr: o.httpAddr, TCPAddr: o.tcpAddr,
		Width: o.width, Height: o.height, NoAuth: o.noAuth, Logger: log,
	}
	o.limits(&cfg)
	srv, err := displayserver.New(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "displayserver:", err)
		return 1
	}
	// One encoding pool for every viewer, web or remote.
	pool := feed.NewPool(0)
	web, err := webviewer.NewHandler(srv, webviewer.Options{ICEServers: o.ice, Logger: log, Pool: pool})
	if err != nil {
		fmt.Fprintln(stderr, "displayserver:", err)
		return 2
	}
	srv.Handle("/", web)
	mountRemoteFeed(srv, pool, log)
	if err := srv.Start(); err != nil {
		fmt.Fprintln(stderr, "displayserver:", err)
		return 1
	}
	defer srv.Close()
	defer web.Close()
	printBanner(stdout, srv, o)
	if !o.noWindow {
		// Deferred after srv.Close, so it runs first: the viewer goes
		// before the display it shows.
		defer startDesktopWindow(ctx, srv, o, log)()
	}
	<-ctx.Done()
	log.Info("shutting down")
	srv.Shutdown("display server shutting down (signal)")
	return 0
}

// printBanner tells the user exactly how to connect.
func printBanner(w io.Writer, srv *displayserver.Server, o *options) {
	host, _ := os.Hostname()
	if host == "" {
		host = "localhost"
	}
	n := o.display.Number
	fmt.Fprintf(w, "xfar display :%d is ready (%dx%d)\n", n, o.width, o.height)
	auth := ""
	if !o.noAuth {
		auth = " --auth " + srv.Cookie()
	}
	if a := srv.TCPAddr(); a != nil {
		fmt.Fprintf(w, "  from another machine:  xdemo --display %s:%d%s\n", addrHost(a, host), n, auth)
	}
	fp := srv.TLSFingerprint()
	if fp != "" {
		fmt.Fprintf(w, "  TLS certificate:       %s   (clients on other machines pin it on first use)\n", fp)
	}
	if p := srv.UnixPath(); p != "" {
		fmt.Fprintf(w, "  on this machine:       xdemo --display :%d", n)
		if f := srv.AuthFile(); f != "" {
			fmt.Fprintf(w, "   (cookie read from %s)", f)
		}
		fmt.Fprintln(w)
	}
	if a := srv.HTTPAddr(); a != nil {
		port := a.(*net.TCPAddr).Port
		tok, view := "", ""
		if !o.noAuth {
			tok, view = "?token="+srv.Cookie(), "?token="+srv.ViewToken()
		}
		web, local := addrHost(a, host), addrHost(a, "127.0.0.1")
		ta, _ := a.(*net.TCPAddr)
		loopbackOK := ta == nil || ta.IP == nil || ta.IP.IsUnspecified() || ta.IP.IsLoopback()
		remoteOK := ta == nil || ta.IP == nil || !ta.IP.IsLoopback()
		line := func(label, t string) {
			switch {
			case fp == "":
				fmt.Fprintf(w, "  %shttp://%s:%d/%s\n", label, web, port, t)
			case loopbackOK && remoteOK:
				// From elsewhere the page, the tokens and the signaling go
				// over TLS; on this machine plain HTTP is as private.
				fmt.Fprintf(w, "  %shttp://%s:%d/%s   (from another machine: https://%s:%d/%s)\n", label, local, port, t, web, port, t)
			case loopbackOK:
				fmt.Fprintf(w, "  %shttp://%s:%d/%s\n", label, local, port, t)
			default:
				fmt.Fprintf(w, "  %shttps://%s:%d/%s\n", label, web, port, t)
			}
		}
		line("viewer (full control): ", tok)
		if !o.noAuth {
			line("viewer (view only):    ", view)
		}
		if fp != "" && !loopbackOK {
			fmt.Fprintf(w, "  snapshot:              curl -o snapshot.png 'https://%s:%d/snapshot.png%s'\n", web, port, tok)
		} else {
			fmt.Fprintf(w, "  snapshot:              curl -o snapshot.png 'http://%s:%d/snapshot.png%s'\n", local, port, tok)
		}
	}
}

// addrHost is how to name the host of a listening address in a URL: the
// address itself when the server listens on one address (127.0.0.1, a
// LAN address), so the URL reaches what listens; wild, the machine's name
// or the loopback address, when it listens on all of them.
func addrHost(a net.Addr, wild string) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok || ta.IP == nil || ta.IP.IsUnspecified() {
		return wild
	}
	if ta.IP.To4() == nil {
		return "[" + ta.IP.String() + "]"
	}
	return ta.IP.String()
}
