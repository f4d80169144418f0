package xclient

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/xfar/xfar/internal/tlspin"
	"github.com/xfar/xfar/protocol"
)

// TLS. Dial uses TLS for every display that is not on this machine, so
// the cookie never crosses a network in the clear; display servers make
// their own certificates, which the client pins on first use in
// ~/.xfar/known_hosts (like ssh) unless a fingerprint is given.
//
// The environment variable XFAR_TLS overrides: "off" connects in the
// clear (the user asks for it), a fingerprint "sha256:…" (the display
// server prints it) pins that certificate.
const EnvTLS = "XFAR_TLS"

type tlsMode int

const (
	tlsAuto tlsMode = iota // TLS for remote displays
	tlsOn                  // TLS always (TCP)
	tlsOff                 // never
)

// WithTLS makes the connection use TLS even where Dial would not (a
// display on this machine, DialAddr), pinning the server's certificate to
// fingerprint ("sha256:…"), or, when it is "", to the one recorded in
// ~/.xfar/known_hosts, recording it on first use.
func WithTLS(fingerprint string) Option {
	return func(c *config) { c.tls, c.fingerprint = tlsOn, fingerprint }
}

// WithPlaintext connects without TLS even to another machine: the cookie
// and everything else cross the network in the clear.
func WithPlaintext() Option {
	return func(c *config) { c.tls = tlsOff }
}

// applyTLSEnv reads XFAR_TLS unless an option decided already.
func (cfg *config) applyTLSEnv() {
	if cfg.tlsSet() {
		return
	}
	switch v := strings.TrimSpace(os.Getenv(EnvTLS)); {
	case v == "off":
		cfg.tls = tlsOff
	case strings.HasPrefix(v, "sha256:"):
		cfg.tls, cfg.fingerprint = tlsOn, v
	}
}

func (cfg *config) tlsSet() bool { return cfg.tls != tlsAuto }

// wantTLS decides whether a TCP connection to host uses TLS.
func (cfg *config) wantTLS(network, host string, haveDisplay bool) bool {
	if network == "unix" {
		return false
	}
	switch cfg.tls {
	case tlsOn:
		return true
	case tlsOff:
		return false
	}
	return haveDisplay && !protocol.IsLocalHost(host)
}

// startTLS runs the TLS handshake over nc.
func startTLS(ctx context.Context, nc net.Conn, address, fingerprint string) (net.Conn, error) {
	tc := tls.Client(nc, tlspin.ClientConfig(address, tlspin.KnownHostsFile(), fingerprint))
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, fmt.Errorf("tls: %w", err)
	}
	return tc, nil
}
