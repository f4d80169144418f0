package displayserver

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/xfar/xfar/internal/tlspin"
	"github.com/xfar/xfar/protocol"
)

// TLS. Both listeners accept TLS and plain connections on the same port:
// a connection whose first byte starts a TLS record (0x16) is served
// over TLS, anything else in the clear. Clients use TLS for every display
// that is not on their own machine, so the cookie and the tokens cross a
// network only encrypted; plain connections from another machine are
// refused unless Config.AllowPlaintext. The certificate is
// Config.TLSCertFile/TLSKeyFile, or one the server makes and keeps with
// the cookie (so the pins clients recorded stay valid across restarts).

// tlsRecordHandshake is the first byte of a TLS connection.
const tlsRecordHandshake = 0x16

// loadTLS loads or makes the server certificate.
func (s *Server) loadTLS() error {
	if s.cfg.NoTLS {
		return nil
	}
	var cert tls.Certificate
	var err error
	switch {
	case s.cfg.TLSCertFile != "" || s.cfg.TLSKeyFile != "":
		cert, err = tls.LoadX509KeyPair(s.cfg.TLSCertFile, s.cfg.TLSKeyFile)
		if err != nil {
			return fmt.Errorf("tls: %w", err)
		}
	default:
		dir := ""
		if f := orDefault(s.cfg.AuthFile, ""); f != "none" {
			dir = filepath.Dir(orDefault(s.cfg.AuthFile, protocol.AuthFile(s.cfg.Display)))
		}
		cert, err = selfSigned(dir, s.cfg.NewTokens)
		if err != nil {
			return err
		}
	}
	s.tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	s.fingerprint = tlspin.Fingerprint(cert.Certificate[0])
	return nil
}

// TLSFingerprint returns the SHA-256 fingerprint of the server's
// certificate ("sha256:…"), or "" without TLS.
func (s *Server) TLSFingerprint() string { return s.fingerprint }

// selfSigned loads the certificate kept in dir, or makes one (and keeps
// it there when dir is not ""). A new one is made when fresh is set.
func selfSigned(dir string, fresh bool) (tls.Certificate, error) {
	certFile, keyFile := filepath.Join(dir, "tls-cert.pem"), filepath.Join(dir, "tls-key.pem")
	if dir != "" && !fresh {
		if fi, err := os.Stat(keyFile); err == nil && fi.Mode().Perm()&0o077 == 0 {
			if c, err := tls.LoadX509KeyPair(certFile, keyFile); err == nil {
				return c, nil
			}
		}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tls: %w", err)
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	host, _ := os.Hostname()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "xfar display server " + host},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if host != "" {
		tmpl.DNSNames = append(tmpl.DNSNames, host)
	}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() {
				tmpl.IPAddresses = append(tmpl.IPAddresses, n.IP)
			}
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tls: %w", err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tls: %w", err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
	if dir != "" {
		if err := writePrivate(keyFile, keyPEM); err != nil {
			return tls.Certificate{}, err
		}
		if err := writePrivate(certFile, certPEM); err != nil {
			return tls.Certificate{}, err
		}
	}
	return tls.X509KeyPair(certPEM, keyPEM)
}

// writePrivate writes a file readable by this user only, replacing any.
func writePrivate(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("tls: %w", err)
	}
	if err := replacePrivate(path, ".tls-*", b); err != nil {
		return fmt.Errorf("tls: %w", err)
	}
	return nil
}

// sniffListener hands out connections that become TLS connections when
// their first byte says so. The sniffing happens on the first Read, in
// the connection's own goroutine, so a silent peer never blocks Accept.
type sniffListener struct {
	net.Listener
	cfg *tls.Config
}

func (l *sniffListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &sniffConn{Conn: c, cfg: l.cfg}, nil
}

// sniffConn is a connection that is TLS or plain, decided by its first
// byte.
type sniffConn struct {
	net.Conn
	cfg  *tls.Config
	once sync.Once
	err  error
	tls  *tls.Conn
	br   *bufio.Reader
}

// decide peeks at the first byte.
func (c *sniffConn) decide() {
	c.once.Do(func() {
		c.br = bufio.NewReaderSize(c.Conn, 64)
		b, err := c.br.Peek(1)
		if err != nil {
			c.err = err
			return
		}
		if b[0] == tlsRecordHandshake {
			c.tls = tls.Server(&peekedConn{Conn: c.Conn, r: c.br}, c.cfg)
		}
	})
}

// isTLS reports whether the connection speaks TLS, deciding if needed.
func (c *sniffConn) isTLS() (bool, error) {
	c.decide()
	return c.tls != nil, c.err
}

func (c *sniffConn) Read(p []byte) (int, error) {
	c.decide()
	if c.err != nil {
		return 0, c.err
	}
	if c.tls != nil {
		return c.tls.Read(p)
	}
	return c.br.Read(p)
}

func (c *sniffConn) Write(p []byte) (int, error) {
	if c.tls != nil {
		return c.tls.Write(p)
	}
	return c.Conn.Write(p)
}

func (c *sniffConn) Close() error {
	if c.tls != nil {
		c.tls.Close()
	}
	return c.Conn.Close()
}

// peekedConn reads through the buffer that holds the sniffed byte.
type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// sameMachine reports whether a connection comes from this machine: a
// loopback peer, a Unix socket, or a peer using one of this machine's own
// addresses (a client that dialled the host name).
func sameMachine(c net.Conn) bool {
	ra, ok := c.RemoteAddr().(*net.TCPAddr)
	if !ok {
		return true
	}
	if ra.IP.IsLoopback() {
		return true
	}
	if la, ok := c.LocalAddr().(*net.TCPAddr); ok && la.IP.Equal(ra.IP) {
		return true
	}
	return false
}

// connKey finds an HTTP request's connection in its context.
type connKey struct{}

// plainFromAfar reports whether c is a plain (not TLS) connection from
// another machine, which the server refuses unless AllowPlaintext.
func (s *Server) plainFromAfar(c net.Conn) bool {
	if s.tlsCfg == nil || s.cfg.AllowPlaintext || (sameMachine(c) && !s.treatAllAsRemote) {
		return false
	}
	sc, ok := c.(*sniffConn)
	if !ok {
		return false
	}
	isTLS, _ := sc.isTLS()
	return !isTLS
}

// refusePlaintext is the reason given to a plain connection from afar.
const refusePlaintext = "this display server takes connections from other machines over TLS only; use a current xfar client (it uses TLS for remote displays) or https://, or start the server with --allow-plaintext"
