// Command xdemo is the seed's Xlib example on xfar: it opens a 200x100
// window with a black background, waits for it to be mapped and draws a
// white line from (10,60) to (180,20). It then stays open: each mouse
// button press leaves a 5x5 white square centred on the pointer, exposures
// redraw the line and the squares, and q, the window's close button,
// SIGINT or SIGTERM end it cleanly.
//
// Usage:
//
//	xdemo [--display host:N] [--auth COOKIE] [--codec zstd|s2|none]
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
