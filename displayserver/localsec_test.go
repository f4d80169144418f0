package displayserver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSocketDirIsStickyAndChecked: a directory the server makes is
// world-writable with the sticky bit; one of ours without it is repaired;
// one another user owns, or that another user made world-writable without
// the sticky bit, or a symlink, is refused.
func TestSocketDirIsStickyAndChecked(t *testing.T) {
	base := t.TempDir()
	fresh := filepath.Join(base, "fresh")
	if err := ensureSocketDir(fresh); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(fresh)
	if fi.Mode()&os.ModeSticky == 0 || fi.Mode().Perm() != 0o777 {
		t.Fatalf("new socket dir mode %v, want drwxrwxrwt", fi.Mode())
	}

	// The old server's directory: 0777 without the sticky bit.
	old := filepath.Join(base, "old")
	os.Mkdir(old, 0o700)
	os.Chmod(old, 0o777)
	if err := ensureSocketDir(old); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(old); fi.Mode()&os.ModeSticky == 0 {
		t.Fatalf("our loose socket dir was not repaired: %v", fi.Mode())
	}

	link := filepath.Join(base, "link")
	os.Symlink(fresh, link)
	if err := ensureSocketDir(link); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("symlinked socket dir accepted: %v", err)
	}

	if os.Geteuid() != 0 {
		t.Fatal("the rest of this test gives directories to another user, which needs root (CI runs as root)")
	}
	other := filepath.Join(base, "other")
	os.Mkdir(other, 0o755)
	os.Chown(other, 54321, 54321)
	if err := ensureSocketDir(other); err == nil || !strings.Contains(err.Error(), "belongs to user 54321") {
		t.Fatalf("another user's socket dir accepted: %v", err)
	}
}

// TestCookieFileIsPrivateAndPersists: the cookie file is 0600 even when
// a looser one existed; a restart keeps the cookie (and so the view-only
// token); NewTokens rotates both.
func TestCookieFileIsPrivateAndPersists(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".xfar")
	os.Mkdir(dir, 0o755)
	f := filepath.Join(dir, "auth-7")
	if err := os.WriteFile(f, []byte("not a cookie\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s1 := startServer(t, Config{AuthFile: f})
	fi, err := os.Stat(f)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("cookie file mode %v, want 0600", fi.Mode().Perm())
	}
	if di, _ := os.Stat(dir); di.Mode().Perm() != 0o700 {
		t.Fatalf("~/.xfar mode %v, want 0700", di.Mode().Perm())
	}
	b, _ := os.ReadFile(f)
	if strings.TrimSpace(string(b)) != s1.Cookie() {
		t.Fatalf("cookie file holds %q, server uses %q", b, s1.Cookie())
	}
	s1.Close()
	s2 := startServer(t, Config{AuthFile: f})
	if s2.Cookie() != s1.Cookie() || s2.ViewToken() != s1.ViewToken() {
		t.Fatalf("restart changed the tokens: %s/%s then %s/%s", s1.Cookie(), s1.ViewToken(), s2.Cookie(), s2.ViewToken())
	}
	s2.Close()
	s3 := startServer(t, Config{AuthFile: f, NewTokens: true})
	if s3.Cookie() == s1.Cookie() || s3.ViewToken() == s1.ViewToken() {
		t.Fatal("NewTokens kept the old tokens")
	}
	// A cookie file others can read is not trusted as the last run's.
	os.Chmod(f, 0o644)
	s3.Close()
	s4 := startServer(t, Config{AuthFile: f})
	if s4.Cookie() == s3.Cookie() {
		t.Fatal("a cookie file readable by others was reused")
	}
}
