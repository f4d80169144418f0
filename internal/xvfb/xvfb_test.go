package xvfb

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestStartStop starts two private servers with auth, checks that an X
// client (xdpyinfo) reaches each only with its cookie, and that Stop leaves
// no process or socket behind.
func TestStartStop(t *testing.T) {
	var servers []*Server
	for i := 0; i < 2; i++ {
		s, err := Start(context.Background(), Options{Width: 320, Height: 200, Auth: true})
		if err != nil {
			t.Fatal(err)
		}
		servers = append(servers, s)
	}
	if servers[0].Number == servers[1].Number {
		t.Fatalf("two servers on one display number %d", servers[0].Number)
	}
	for _, s := range servers {
		if _, err := exec.LookPath("xdpyinfo"); err == nil {
			cmd := exec.Command("xdpyinfo")
			cmd.Env = s.Env()
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("xdpyinfo with cookie on %s: %v\n%s", s.Display, err, out)
			}
			cmd = exec.Command("xdpyinfo", "-display", s.Display)
			cmd.Env = append(os.Environ(), "XAUTHORITY=/nonexistent")
			if err := cmd.Run(); err == nil {
				t.Fatalf("xdpyinfo without cookie reached %s", s.Display)
			}
		}
		s.Stop()
		<-s.Done()
		if !free(s.Number) {
			t.Fatalf("display %s left a lock or socket behind", s.Display)
		}
	}
}

// TestDummyStartsAtSize starts Xorg with the dummy driver at an odd size
// and checks with xdpyinfo that the screen has that size, and that Stop
// leaves no lock or socket behind.
func TestDummyStartsAtSize(t *testing.T) {
	s, err := Start(context.Background(), Options{Width: 1000, Height: 700, Auth: true, Dummy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	cmd := exec.Command("xdpyinfo")
	cmd.Env = s.Env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("xdpyinfo: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "dimensions:    1000x700 pixels") {
		t.Fatalf("xdpyinfo does not say 1000x700:\n%s", out)
	}
	s.Stop()
	<-s.Done()
	if !free(s.Number) {
		t.Fatalf("display %s left a lock or socket behind", s.Display)
	}
}
