package displayserver

import (
	"context"
	"image"
	"testing"
	"time"

	"github.com/xfar/xfar/displayserver/feed"
	"github.com/xfar/xfar/protocol"
)

// TestCopyFeed: a CopyArea within an unobscured window reaches a
// subscription that takes copies as a Copy (and no pixels of the moved
// area); the same copy under another window, or for a subscription that
// takes no copies, arrives as damage. Either way, applying the update to
// the previous picture gives the snapshot.
func TestCopyFeed(t *testing.T) {
	s := startServer(t, Config{Width: 640, Height: 480})
	c := dialRaw(t, s, "zstd")
	win, gc, at := c.xdemoSceneAt(20, 40)
	withCopies := s.Subscribe().(feed.CopySubscription)
	withCopies.AcceptCopies()
	defer withCopies.Close()
	plain := s.Subscribe()
	defer plain.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	next := func(sub feed.Subscription) *feed.Update {
		t.Helper()
		u, err := sub.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	pictures := map[feed.Subscription]*image.RGBA{}
	apply := func(sub feed.Subscription, u *feed.Update) {
		t.Helper()
		p := pictures[sub]
		if p == nil {
			p = image.NewRGBA(image.Rect(0, 0, u.Width, u.Height))
			pictures[sub] = p
		}
		for _, q := range u.Copies {
			old := append([]uint8(nil), p.Pix...)
			for y := 0; y < q.Src.Dy(); y++ {
				so := (q.Src.Min.Y+y)*p.Stride + q.Src.Min.X*4
				do := (q.Dst.Y+y)*p.Stride + q.Dst.X*4
				copy(p.Pix[do:do+q.Src.Dx()*4], old[so:so+q.Src.Dx()*4])
			}
		}
		for _, r := range u.Rects {
			for i, v := range r.Pix {
				x, y := r.Min.X+i%r.Dx(), r.Min.Y+i/r.Dx()
				o := y*p.Stride + x*4
				p.Pix[o], p.Pix[o+1], p.Pix[o+2], p.Pix[o+3] = uint8(v>>16), uint8(v>>8), uint8(v), 0xff
			}
		}
		if d := s.Snapshot(); string(d.Pix) != string(p.Pix) {
			t.Fatalf("after update %d the picture differs from the snapshot", u.Seq)
		}
	}
	for _, sub := range []feed.Subscription{withCopies, plain} {
		apply(sub, next(sub))
	}
	scroll := func() {
		t.Helper()
		c.send(&protocol.CopyArea{Src: win, Dst: win, GC: gc, SrcX: 0, SrcY: 10, W: 200, H: 90, DstX: 0, DstY: 0})
		if errs := c.sync(); len(errs) > 0 {
			t.Fatal(errs)
		}
	}
	scroll()
	u := next(withCopies)
	want := feed.Copy{Src: image.Rect(at.X, at.Y+10, at.X+200, at.Y+100), Dst: at}
	if len(u.Copies) != 1 || u.Copies[0] != want || len(u.Rects) != 0 {
		t.Errorf("unobscured scroll: copies %v, rects %d; want just %v", u.Copies, len(u.Rects), want)
	}
	apply(withCopies, u)
	u = next(plain)
	if len(u.Copies) != 0 || len(u.Rects) == 0 {
		t.Errorf("a subscription without copies got copies %v, rects %d", u.Copies, len(u.Rects))
	}
	apply(plain, u)

	// Another window over part of the scrolled area: damage, not a copy.
	top := c.id()
	c.send(&protocol.CreateWindow{Window: top, Parent: c.hello.Root, X: int16(at.X + 100), Y: int16(at.Y + 50), Width: 50, Height: 30, Background: 0xff0000, Flags: protocol.OverrideRedirect},
		&protocol.IDRequest{Op: protocol.OpMapWindow, ID: top})
	if errs := c.sync(); len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, sub := range []feed.Subscription{withCopies, plain} {
		apply(sub, next(sub))
	}
	scroll()
	u = next(withCopies)
	if len(u.Copies) != 0 {
		t.Errorf("obscured scroll sent as copies %v", u.Copies)
	}
	apply(withCopies, u)
}
