// Command linkem emulates a long network link in front of an xfar display
// server: it listens for clients, forwards each connection to the server,
// and delays each direction by half the round-trip time and paces it to a
// bandwidth cap. On exit (SIGINT, SIGTERM) it prints the bytes, and with
// the codec "none" the messages, that crossed it each way.
//
// Usage:
//
//	linkem --listen 127.0.0.1:6010 --to 127.0.0.1:6000 --rtt 50ms --rate 1mbit
//	xdemo --display 127.0.0.1:10 --codec none --demo form --split draw
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
