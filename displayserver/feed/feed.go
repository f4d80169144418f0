// Package feed is the contract between the display server and the viewers
// that present its picture: a viewer subscribes to coalesced damage and
// sends input back. Viewers depend on this package only, never on the
// display server itself, so a viewer can present any Source: the display
// server in the same process, or a remote one reached over the network.
package feed

import (
	"context"
	"image"
)

// Source is a display whose picture can be watched and driven.
type Source interface {
	// Size returns the screen size in pixels.
	Size() (width, height int)
	// Subscribe starts a subscription. Its first Update is the whole screen.
	// The caller must Close it.
	Subscribe() Subscription
	// Input delivers a viewer's input event to the display, as if it came
	// from a local keyboard and mouse. It never blocks for long; events
	// beyond a bounded backlog are dropped (and logged by the display).
	Input(ev InputEvent)
}

// Resizer is a Source whose screen size a viewer may change, to make the
// display follow the viewer's window. Only full-control viewers may.
type Resizer interface {
	// Resize sets the screen's size in pixels; subscriptions get a whole
	// frame of the new size.
	Resize(width, height int) error
}

// Subscription is one viewer's view of the screen. Damage accumulates while
// the viewer is busy and is delivered coalesced, so a slow viewer gets fewer,
// larger updates and never slows the display or other viewers.
type Subscription interface {
	// Next blocks until the screen has changed since the previous Update
	// (or, on the first call, returns the whole screen) and returns the
	// changed pixels. Updates are paced to at most MaxRate per second; an
	// idle screen costs nothing. It returns ctx.Err() when ctx ends, or
	// ErrClosed after Close.
	Next(ctx context.Context) (*Update, error)
	// Close ends the subscription and unblocks Next.
	Close()
}

// MaxRate is the most updates per second a subscription delivers.
const MaxRate = 60

// Update is one coalesced frame.
type Update struct {
	// Seq numbers updates of one subscription from 1.
	Seq uint64
	// Width and Height are the screen's size; a viewer resizes its surface
	// when they change (an Update after a resize is Full).
	Width, Height int
	// Full says Rects cover the whole screen.
	Full bool
	// Copies, applied first and in order, move areas of the viewer's
	// picture (scrolls); only a subscription that asked for them
	// (CopySubscription) gets any.
	Copies []Copy
	// Rects are the changed rectangles, disjoint, with their new pixels,
	// drawn after the copies.
	Rects []Rect
}

// Copy moves the pixels of Src so that its top-left corner lands on Dst,
// as X's CopyArea does: the destination shows the source as it was
// before the copy, whatever their overlap.
type Copy struct {
	Src image.Rectangle
	Dst image.Point
}

// CopySubscription is a Subscription that can deliver scrolls as Copies
// in its Updates instead of the moved pixels. A viewer calls AcceptCopies
// before its first Next if it applies them.
type CopySubscription interface {
	Subscription
	AcceptCopies()
}

// Rect is a changed rectangle of the screen and its pixels.
type Rect struct {
	image.Rectangle
	// Pix holds Dx()*Dy() pixels, rows top to bottom, each 0x00RRGGBB.
	Pix []uint32
}

// InputKind says what an InputEvent is.
type InputKind uint8

// Input kinds. The wheel is buttons 4 (up), 5 (down), 6 (left) and 7
// (right), pressed and released, as in X.
const (
	PointerMove InputKind = iota + 1
	ButtonDown
	ButtonUp
	KeyDown
	KeyUp
	// ReleaseAll releases every key and button held: the viewer lost the
	// keyboard (its window or tab lost focus, or it disconnected), so the
	// releases of what is down will never come. Its position is ignored.
	ReleaseAll
)

// InputEvent is one input event from a viewer, in screen coordinates.
type InputEvent struct {
	Kind InputKind
	// X and Y are the pointer's position; every kind carries it so that a
	// viewer that only sends keys still places them.
	X, Y int
	// Button is 1 (left), 2 (middle), 3 (right), 4-7 (wheel).
	Button int
	// Keysym is the key's X keysym (see protocol.KeysymForRune and the
	// protocol.Key* names).
	Keysym uint32
	// Keycode names the physical key (X.Org's evdev numbering, see package
	// keyboard), 0 for text that no key typed (an input method's commit).
	// The display matches a release to its press by Keycode, whatever
	// keysym the release reports.
	Keycode uint8
	// Mods holds the modifier bits held down (protocol.ShiftMask ...).
	Mods uint16
	// Text is what the key types, UTF-8, if anything; it may be longer than
	// one character (an input method's composition).
	Text string
}

// Cursor is the pointer's look over the screen: a standard cursor by its
// CSS name ("default", "text", "pointer", "ew-resize"...; see
// protocol.CursorNames), or, when Name is empty, an ARGB image
// (0xAARRGGBB, Size.X×Size.Y) whose hot spot is Hot.
type Cursor struct {
	Name      string
	Size, Hot image.Point
	Pix       []uint32
}

// CursorSource is a Source that also reports the pointer's look, for
// viewers that show it as their own cursor.
type CursorSource interface {
	// WatchCursor calls fn with the current cursor, then again after each
	// change, until ctx ends. fn must not keep Pix past the call.
	WatchCursor(ctx context.Context, fn func(Cursor)) error
}

// ErrClosed is returned by Next after Close.
var ErrClosed = errClosed{}

type errClosed struct{}

func (errClosed) Error() string { return "feed: subscription closed" }

// Access is what a viewer may do: watch, or watch and drive.
type Access uint8

// Access levels. The display server's HTTP side decides the level from the
// token a request carries and passes it down in the request's context.
const (
	NoAccess Access = iota
	ViewOnly
	FullControl
)

type accessKey struct{}

// WithAccess returns a context carrying an access level.
func WithAccess(ctx context.Context, a Access) context.Context {
	return context.WithValue(ctx, accessKey{}, a)
}

// AccessFrom returns the access level in ctx, NoAccess if none.
func AccessFrom(ctx context.Context) Access {
	a, _ := ctx.Value(accessKey{}).(Access)
	return a
}
