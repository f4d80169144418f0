// Package tlspin is xfar's trust-on-first-use for self-signed display
// server certificates, like ssh's known_hosts: the first connection to a
// host:port records the certificate's SHA-256 fingerprint in
// ~/.xfar/known_hosts, later connections require the same one. A
// fingerprint given explicitly (the display server prints it) is checked
// instead, and recorded.
package tlspin

import (
	"bufio"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Fingerprint is "sha256:" and the lowercase hex SHA-256 of a
// certificate's DER bytes.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// KnownHostsFile is ~/.xfar/known_hosts.
func KnownHostsFile() string {
	dir, err := os.UserHomeDir()
	if err != nil || dir == "" {
		dir = os.TempDir()
	}
	return filepath.Join(dir, ".xfar", "known_hosts")
}

// ErrChanged is returned when a host presents a certificate other than
// the one recorded for it.
var ErrChanged = errors.New("the server's TLS certificate changed")

// mu serialises updates of known_hosts within this process.
var mu sync.Mutex

// ClientConfig returns a TLS configuration for connecting to hostport
// that accepts exactly the pinned certificate: want when not empty, else
// the one recorded in file (known_hosts), else, on first use, whatever the
// server presents, which is then recorded.
func ClientConfig(hostport, file, want string) *tls.Config {
	host := hostport
	if i := strings.LastIndexByte(hostport, ':'); i > 0 {
		host = strings.Trim(hostport[:i], "[]")
	}
	return &tls.Config{
		ServerName: host,
		MinVersion: tls.VersionTLS12,
		// Verification is the pin below, not a CA chain: display servers
		// make their own certificates.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("tls: server sent no certificate")
			}
			return Check(hostport, file, want, cs.PeerCertificates[0])
		},
	}
}

// Check verifies cert against the pin for hostport, recording it on first
// use.
func Check(hostport, file, want string, cert *x509.Certificate) error {
	got := Fingerprint(cert.Raw)
	mu.Lock()
	defer mu.Unlock()
	known, err := lookup(file, hostport)
	if err != nil {
		return err
	}
	if want != "" {
		if !strings.EqualFold(want, got) {
			return fmt.Errorf("%w: %s presented %s, expected %s", ErrChanged, hostport, got, want)
		}
	} else if known != "" {
		if known != got {
			return fmt.Errorf("%w: %s presented %s, but %s records %s for it; if the display server really made a new certificate, delete that line", ErrChanged, hostport, got, file, known)
		}
		return nil
	}
	if known == got {
		return nil
	}
	return record(file, hostport, got)
}

func lookup(file, hostport string) (string, error) {
	f, err := os.Open(file)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("known hosts: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 2 && fs[0] == hostport {
			return fs[1], nil
		}
	}
	return "", sc.Err()
}

func record(file, hostport, fp string) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return fmt.Errorf("known hosts: %w", err)
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("known hosts: %w", err)
	}
	_, err = fmt.Fprintf(f, "%s %s\n", hostport, fp)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("known hosts: %w", err)
	}
	return nil
}
