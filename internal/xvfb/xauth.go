package xvfb

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
)

// writeXauthority writes an Xauthority file with one MIT-MAGIC-COOKIE-1
// entry for local display n (family FamilyLocal keyed by hostname, and
// FamilyWild so that clients find it whatever hostname they compute).
func writeXauthority(path string, n int) error {
	cookie := make([]byte, 16)
	if _, err := rand.Read(cookie); err != nil {
		return fmt.Errorf("cookie: %w", err)
	}
	host, _ := os.Hostname()
	var b []byte
	entry := func(family uint16, addr string) {
		b = binary.BigEndian.AppendUint16(b, family)
		for _, f := range [][]byte{[]byte(addr), []byte(strconv.Itoa(n)), []byte("MIT-MAGIC-COOKIE-1"), cookie} {
			b = binary.BigEndian.AppendUint16(b, uint16(len(f)))
			b = append(b, f...)
		}
	}
	entry(256, host)  // FamilyLocal
	entry(0xffff, "") // FamilyWild
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
