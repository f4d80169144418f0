package displayserver

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// ensureSocketDir makes dir fit to hold display sockets: a real directory
// (not a symlink) owned by root or by us, and, when others may write to
// it, sticky, so that no user can remove or replace another user's socket
// and collect the cookies its clients send. A directory we create is
// world-writable and sticky like /tmp/.X11-unix; os.Chmod needs
// os.ModeSticky for that (the octal 01777 is not read as the sticky bit).
func ensureSocketDir(dir string) error {
	if err := os.Mkdir(dir, 0o700); err == nil {
		if err := os.Chmod(dir, 0o777|os.ModeSticky); err != nil {
			return fmt.Errorf("socket directory %s: %w", dir, err)
		}
	} else if !errors.Is(err, fs.ErrExist) {
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return fmt.Errorf("socket directory %s: %w", dir, err)
		}
		if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("socket directory %s: %w", dir, err)
		}
		if err := os.Chmod(dir, 0o777|os.ModeSticky); err != nil {
			return fmt.Errorf("socket directory %s: %w", dir, err)
		}
	}
	return checkSocketDir(dir)
}

// checkSocketDir refuses a socket directory another user controls.
func checkSocketDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("socket directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("socket directory %s is not a directory (a symlink or a file); remove it", dir)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	me := uint32(os.Geteuid())
	if st.Uid != me && st.Uid != 0 {
		return fmt.Errorf("socket directory %s belongs to user %d, not to you or root: another user could replace your socket; remove it or use --display with another directory", dir, st.Uid)
	}
	if fi.Mode().Perm()&0o022 != 0 && fi.Mode()&os.ModeSticky == 0 {
		if st.Uid == me {
			// Ours: repair it (the server before this fix created it so).
			if err := os.Chmod(dir, fi.Mode().Perm()|os.ModeSticky); err != nil {
				return fmt.Errorf("socket directory %s is writable by others without the sticky bit: %w", dir, err)
			}
			return nil
		}
		return fmt.Errorf("socket directory %s is writable by others without the sticky bit: any user could replace your socket; ask root to chmod +t it", dir)
	}
	return nil
}

// writeCookie writes the cookie file readable by this user only, also when
// a file (perhaps with looser permissions) was there before: a fresh file
// is created 0600 and renamed over the old one.
func writeCookie(path, cookie string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("write cookie file: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("write cookie file: %w", err)
	}
	if err := replacePrivate(path, ".auth-*", []byte(cookie+"\n")); err != nil {
		return fmt.Errorf("write cookie file: %w", err)
	}
	return nil
}

// replacePrivate puts b at path, readable by this user only, replacing
// any file there: a fresh temporary file (named by pattern, in path's
// directory) is written, made 0600 and renamed over path.
func replacePrivate(path, pattern string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), pattern)
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o600)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// readCookie returns the cookie a previous run left in path, if it is a
// well-formed one in a file only this user can read; "" otherwise.
func readCookie(path string) string {
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm()&0o077 != 0 {
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	c := strings.TrimSpace(string(b))
	if len(c) != 32 {
		return ""
	}
	if _, err := hex.DecodeString(c); err != nil {
		return ""
	}
	return c
}

// newCookie returns a fresh random cookie.
func newCookie() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate cookie: %w", err)
	}
	return hex.EncodeToString(b), nil
}
