package main

import (
	"flag"

	"github.com/xfar/xfar/displayserver"
)

// hardeningFlags defines the resource-limit and token flags and returns
// what applies them to a configuration.
func hardeningFlags(fs *flag.FlagSet) func(*displayserver.Config) {
	clientPx := fs.Int("max-client-pixels", displayserver.DefaultMaxClientPixels, "pixels one client's windows and pixmaps may hold together (4 bytes each); over it a request fails with BadAlloc")
	px := fs.Int("max-pixels", displayserver.DefaultMaxPixels, "pixels all clients' windows and pixmaps may hold together")
	wins := fs.Int("max-client-windows", displayserver.DefaultMaxClientWindows, "windows one client may have")
	res := fs.Int("max-client-resources", displayserver.DefaultMaxClientResources, "resources (windows, pixmaps, graphics contexts) one client may have")
	queued := fs.Int("max-pending-output", 64<<20, "`bytes` of replies and events queued for a client that does not read them before it is disconnected")
	clients := fs.Int("max-clients", 256, "clients connected at once")
	httpConns := fs.Int("max-http-conns-per-addr", displayserver.DefaultMaxHTTPConnsPerAddr, "open HTTP connections from one IP address")
	handshakes := fs.Int("max-handshakes-per-addr", displayserver.DefaultMaxHandshakesPerAddr, "client connections from one IP address still in their handshake")
	feeds := fs.Int("max-feeds", displayserver.DefaultMaxFeeds, "remote-feed (xview) sessions per access level (view-only and full control count separately)")
	tlsCert := fs.String("tls-cert", "", "TLS certificate `file` (PEM) for the client and HTTP ports; without it the server makes a self-signed one, kept in ~/.xfar, and prints its fingerprint")
	tlsKey := fs.String("tls-key", "", "TLS key `file` (PEM) for --tls-cert")
	noTLS := fs.Bool("no-tls", false, "serve no TLS at all (then clients on other machines can only connect in the clear, with XFAR_TLS=off)")
	plain := fs.Bool("allow-plaintext", false, "accept plain (unencrypted) connections from other machines too; their cookie and tokens cross the network in the clear")
	newTokens := fs.Bool("new-tokens", false, "make a new cookie and view-only token instead of reusing the ones in ~/.xfar (old viewer URLs and cookie files stop working)")
	return func(c *displayserver.Config) {
		c.MaxClientPixels, c.MaxPixels = *clientPx, *px
		c.MaxClientWindows, c.MaxClientResources = *wins, *res
		c.MaxQueuedBytes, c.MaxClients = *queued, *clients
		c.MaxHTTPConnsPerAddr, c.MaxHandshakesPerAddr, c.MaxFeeds = *httpConns, *handshakes, *feeds
		c.NewTokens = *newTokens
		c.TLSCertFile, c.TLSKeyFile, c.NoTLS, c.AllowPlaintext = *tlsCert, *tlsKey, *noTLS, *plain
	}
}
