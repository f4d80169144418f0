package xclient

import (
	"errors"
	"math/bits"
	"sync"
)

// Window is a window's resource ID.
type Window uint32

// Pixmap is a pixmap's resource ID.
type Pixmap uint32

// GC is a graphics context's resource ID.
type GC uint32

// Drawable is what drawing requests draw on: a Window or a Pixmap.
type Drawable interface {
	// DrawableID returns the resource ID.
	DrawableID() uint32
}

// DrawableID implements Drawable.
func (w Window) DrawableID() uint32 { return uint32(w) }

// DrawableID implements Drawable.
func (p Pixmap) DrawableID() uint32 { return uint32(p) }

// did returns d's ID; a nil Drawable is ID 0, which the server rejects
// with BadDrawable like any other bad ID.
func did(d Drawable) uint32 {
	if d == nil {
		return 0
	}
	return d.DrawableID()
}

// ErrIDsExhausted is returned by NewID when every ID of the range the
// server granted is in use.
var ErrIDsExhausted = errors.New("xclient: resource IDs exhausted")

// idAlloc hands out IDBase | spread(n) for n = 1, 2, ... where spread
// deposits n's bits into the mask's bits, so any mask works, contiguous or
// not. IDs freed by DestroyWindow, FreeGC and FreePixmap are reused only
// once fresh ones run out, so a stale event about a destroyed window is
// unlikely to be mistaken for one about a new window (X's XC-MISC does the
// same).
type idAlloc struct {
	mu         sync.Mutex
	base, mask uint32
	shift      int                 // mask's trailing zeros, when contiguous
	contiguous bool                // mask is one run of ones
	next, last uint64              // next counter value; the largest allowed
	free       map[uint32]struct{} // a set: releasing twice frees once
}

func (a *idAlloc) init(base, mask uint32) {
	a.base, a.mask = base, mask
	a.shift = bits.TrailingZeros32(mask)
	run := uint64(mask) >> a.shift
	a.contiguous = run&(run+1) == 0
	a.next = 1
	a.last = 1<<bits.OnesCount32(mask) - 1
}

func (a *idAlloc) alloc() (uint32, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.next <= a.last {
		n := a.next
		a.next++
		if a.contiguous {
			return a.base | uint32(n)<<a.shift, nil
		}
		return a.base | deposit(uint32(n), a.mask), nil
	}
	for id := range a.free {
		delete(a.free, id)
		return id, nil
	}
	return 0, ErrIDsExhausted
}

// release returns id for reuse. IDs outside our range are ignored (the
// server will have answered the request that named them with an error).
func (a *idAlloc) release(id uint32) {
	if id&^a.mask != a.base || id&a.mask == 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.free == nil {
		a.free = make(map[uint32]struct{})
	}
	a.free[id] = struct{}{}
}

// deposit spreads the low bits of n over the set bits of mask, lowest
// first (the PDEP instruction).
func deposit(n, mask uint32) uint32 {
	var v uint32
	for m := mask; m != 0 && n != 0; m &= m - 1 {
		if n&1 != 0 {
			v |= m & -m
		}
		n >>= 1
	}
	return v
}

// NewID allocates a resource ID from the range the server granted, for
// requests that take a client-allocated ID. CreateWindow, CreateGC and
// CreatePixmap call it themselves.
func (c *Conn) NewID() (uint32, error) { return c.ids.alloc() }
