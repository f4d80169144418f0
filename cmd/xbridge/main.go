// Command xbridge runs X programs against a private X server and mirrors
// their windows onto an xfar display, forwarding the display's input back:
//
//	xbridge --display host:0 -- xterm
//	xbridge --display host:0 --x11 :5
//	xbridge --native --display host:0 -- xlogo
//	xbridge --follow-resize --display host:0 -- xterm
//
// With --native there is no Xvfb: the command talks to an X server inside
// xbridge (package x11native) whose drawing travels as xfar requests.
//
// With a command, xbridge exits when the command does, with its status.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/jezek/xgb"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient/x11bridge"
	"github.com/xfar/xfar/xclient/x11native"
)

func main() {
	os.Exit(run())
}

func run() int {
	fs := flag.NewFlagSet("xbridge", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: xbridge [flags] -- command [args...]\n"+
			"       xbridge [flags] --x11 :N [-- command [args...]]\n\n"+
			"Runs command against a private X server (Xvfb; Xorg's dummy driver with\n"+
			"--follow-resize) and mirrors its windows onto an xfar display; or mirrors\n"+
			"an existing X display.\n\n"+
			"Pixels: only what changed is sent (compared with what the display holds;\n"+
			"scrolls go as a copy plus the new rows), losslessly, as a palette where an\n"+
			"area has few colours and through a row predictor otherwise. The bridge\n"+
			"measures the link (round trip, rate) and keeps about one bandwidth-delay\n"+
			"product in flight: a busy window skips frames rather than queueing them,\n"+
			"and the window being typed in goes first. --quality N (1-100) lets areas of\n"+
			"more than 256 colours travel as JPEG instead (lossy). Flags:\n")
		fs.PrintDefaults()
	}
	display := fs.String("display", "", "xfar display, host:N or :N (default $"+protocol.EnvDisplay+")")
	auth := fs.String("auth", "", "xfar auth cookie (default $"+protocol.EnvAuth+", then the display's cookie file)")
	x11 := fs.String("x11", "", "attach to this existing X display (:N) instead of starting Xvfb")
	geometry := fs.String("geometry", "", "private X server's screen size, WxH (default: the xfar display's size)")
	native := fs.Bool("native", false, "run the command on an X server inside xbridge (no Xvfb): its drawing travels as xfar requests; see README")
	follow := fs.Bool("follow-resize", false, "make the X screen follow the display's size (a web viewer with ?resize=1) through RandR: the private server is Xorg with the dummy driver instead of Xvfb (Debian: xserver-xorg-video-dummy); with --x11, resizes that server if its RandR can")
	quality := fs.Int("quality", 0, "let areas of more than 256 colours (photos, video) travel as JPEG at this quality, 1-100 (lossy; fewer bytes on slow links); 0 keeps every pixel exact")
	verbose := fs.Bool("v", false, "log debug detail")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	// xgb logs to stderr on its own (for example that it found no
	// Xauthority when the bridge supplies the cookie itself).
	xgb.Logger = log.New(io.Discard, "", 0)

	if *native {
		if *follow {
			fmt.Fprintln(os.Stderr, "xbridge: --follow-resize applies to a private Xorg or --x11, not to --native")
			return 2
		}
		return runNative(logger, *display, *auth, *x11, fs.Args())
	}
	if *quality < 0 || *quality > 100 {
		fmt.Fprintf(os.Stderr, "xbridge: --quality %d: want 0 (lossless) to 100\n", *quality)
		return 2
	}
	cfg := x11bridge.Config{Display: *display, Auth: *auth, X11: *x11, Command: fs.Args(),
		Stdout: os.Stdout, Stderr: os.Stderr, Logger: logger, Quality: *quality,
		FollowResize: *follow}
	if *geometry != "" {
		w, h, ok := strings.Cut(*geometry, "x")
		var errW, errH error
		cfg.Width, errW = strconv.Atoi(w)
		cfg.Height, errH = strconv.Atoi(h)
		if !ok || errW != nil || errH != nil || cfg.Width <= 0 || cfg.Height <= 0 {
			fmt.Fprintf(os.Stderr, "xbridge: --geometry %q: want WxH\n", *geometry)
			return 2
		}
	}
	if cfg.X11 == "" && len(cfg.Command) == 0 {
		fs.Usage()
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	b, err := x11bridge.Start(ctx, cfg)
	if err != nil {
		logger.Error("xbridge", "err", err)
		return 1
	}
	code, err := b.Wait()
	st := b.Stats()
	logger.Info("bridge ended", "frames", st.Frames, "rects", st.Rects, "pixel_bytes", st.PixelBytes, "copies", st.Copies)
	if err != nil {
		logger.Error("xbridge", "err", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// runNative runs the command on the in-process X server.
func runNative(logger *slog.Logger, display, auth, x11 string, command []string) int {
	if x11 != "" {
		fmt.Fprintln(os.Stderr, "xbridge: --native runs its own X server; --x11 does not apply")
		return 2
	}
	if len(command) == 0 {
		fmt.Fprintln(os.Stderr, "xbridge: --native needs a command: xbridge --native -- xlogo")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	s, err := x11native.StartSession(ctx, x11native.SessionConfig{Display: display, Auth: auth,
		Command: command, Stdout: os.Stdout, Stderr: os.Stderr, Logger: logger})
	if err != nil {
		logger.Error("xbridge", "err", err)
		return 1
	}
	code, err := s.Wait()
	if err != nil {
		logger.Error("xbridge", "err", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}
