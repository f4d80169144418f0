// Package cli holds xview's command line, apart from the window code: the
// launcher (cmd/xview) parses it and answers --help without linking
// Ebitengine, which panics at start-up where no display exists, and the
// window program (cmd/xview-window) parses the same flags.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/xfar/xfar/protocol"
)

// Options are xview's resolved flags.
type Options struct {
	// URL is the display server's HTTP address, such as http://host:8000.
	URL string
	// Token is the cookie (full control) or the view-only token.
	Token string
	// Title is the window's title.
	Title string
	// Codecs are the picture codecs offered, most preferred first.
	Codecs []string
	// Stats logs presentation rates once a second; Debug logs input.
	Stats, Debug bool
}

// ParseFlags parses xview's command line. It returns flag.ErrHelp after
// printing the usage for --help.
func ParseFlags(args []string, stderr io.Writer) (*Options, error) {
	fs := flag.NewFlagSet("xview", flag.ContinueOnError)
	fs.SetOutput(stderr)
	display := fs.String("display", "", "display to show, host:N or :N (HTTP port 8000+N); default $"+protocol.EnvDisplay+", then :0")
	auth := fs.String("auth", "", "the display's cookie (full control) or view-only token; default $"+protocol.EnvAuth+", then the cookie file the display server wrote")
	url := fs.String("url", "", "the display server's HTTP `address`, e.g. http://host:8000 (overrides the port from --display)")
	codec := fs.String("codec", "zstd", "compression for the picture: zstd, s2 or none (none suits the same machine)")
	title := fs.String("title", "", "window title (default \"xfar host:N\")")
	stats := fs.Bool("stats", false, "log frames presented per second, once a second")
	debug := fs.Bool("debug", false, "log every input event sent to the display")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: xview [flags]\n\n"+
			"Shows an xfar display in a window: mouse and keyboard drive its applications.\n"+
			"Closing the window ends xview; so does the display server going away.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	name := *display
	if name == "" {
		name = os.Getenv(protocol.EnvDisplay)
	}
	if name == "" {
		name = ":0"
	}
	d, err := protocol.ParseDisplay(name)
	if err != nil {
		return nil, fmt.Errorf("--display: %w", err)
	}
	o := &Options{URL: *url, Token: *auth, Title: *title, Codecs: []string{*codec}, Stats: *stats, Debug: *debug}
	if o.URL == "" {
		host := d.Host
		if host == "" {
			host = "localhost"
		}
		scheme := "http://"
		if !protocol.IsLocalHost(d.Host) {
			// The token must not cross a network in the clear.
			scheme = "https://"
		}
		o.URL = scheme + net.JoinHostPort(host, strconv.Itoa(protocol.HTTPBasePort+d.Number))
	}
	if o.Title == "" {
		o.Title = "xfar " + d.Host + ":" + strconv.Itoa(d.Number)
	}
	if o.Token == "" {
		o.Token = strings.TrimSpace(os.Getenv(protocol.EnvAuth))
	}
	if o.Token == "" {
		b, err := os.ReadFile(protocol.AuthFileFor(d))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("read cookie file: %w", err)
		}
		o.Token = strings.TrimSpace(string(b))
	}
	return o, nil
}

// HaveDesktop reports whether this process can open a window: an X11 or
// Wayland session is set in its environment.
func HaveDesktop() bool {
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}
