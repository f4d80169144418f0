package render

import (
	"image"

	"github.com/xfar/xfar/fonts"
)

// Function is an X raster operation (GXclear .. GXset), numbered as in the
// X protocol so that wire values can be stored without translation.
type Function uint8

// The 16 X raster operations; src is the GC foreground (or the source
// pixel for CopyArea and PutImage), dst the pixel already in the image.
const (
	GXclear        Function = iota // 0
	GXand                          // src AND dst
	GXandReverse                   // src AND NOT dst
	GXcopy                         // src
	GXandInverted                  // NOT src AND dst
	GXnoop                         // dst
	GXxor                          // src XOR dst
	GXor                           // src OR dst
	GXnor                          // NOT src AND NOT dst
	GXequiv                        // NOT src XOR dst
	GXinvert                       // NOT dst
	GXorReverse                    // src OR NOT dst
	GXcopyInverted                 // NOT src
	GXorInverted                   // NOT src OR dst
	GXnand                         // NOT src OR NOT dst
	GXset                          // 1
)

// LineStyle selects solid or dashed lines (X numbering).
type LineStyle uint8

// Line styles.
const (
	LineSolid      LineStyle = iota // every pixel in the foreground
	LineOnOffDash                   // even dashes in the foreground, odd dashes untouched
	LineDoubleDash                  // even dashes in the foreground, odd dashes in the background
)

// CapStyle selects how line ends are drawn (X numbering).
type CapStyle uint8

// Cap styles.
const (
	CapNotLast    CapStyle = iota // like CapButt, but a thin line omits its final point
	CapButt                       // square end through the endpoint
	CapRound                      // half disc of diameter LineWidth
	CapProjecting                 // square end projecting LineWidth/2 beyond the endpoint
)

// JoinStyle selects how connected wide line segments meet (X numbering).
type JoinStyle uint8

// Join styles.
const (
	JoinMiter JoinStyle = iota // sharp corner, bevelled when narrower than about 11 degrees
	JoinRound                  // disc of diameter LineWidth
	JoinBevel                  // triangle between the outer corners
)

// FillRule selects the polygon inside test (X numbering).
type FillRule uint8

// Fill rules.
const (
	EvenOddRule FillRule = iota // inside when a ray crosses an odd number of edges
	WindingRule                 // inside when the winding number is non-zero
)

// ArcMode selects how PolyFillArc closes a partial arc (X numbering).
type ArcMode uint8

// Arc modes.
const (
	ArcChord    ArcMode = iota // closed by the chord between the arc ends
	ArcPieSlice                // closed by the two radii through the arc ends
)

// Polygon shapes for FillPolygon, as in the X FillPoly request. The shape is
// only a hint in X; render treats all three alike, which gives the same
// pixels as X for polygons that really have the announced shape.
const (
	ShapeComplex   = 0
	ShapeNonconvex = 1
	ShapeConvex    = 2
)

// DefaultFontSize is the text size in pixels used when GC.FontSize is 0.
const DefaultFontSize = fonts.DefaultSize

// GC mirrors the fields of an X graphics context that render supports.
// The zero value is not the X default (Function would be GXclear and
// PlaneMask 0); start from DefaultGC.
type GC struct {
	Function   Function
	PlaneMask  uint32 // bits of the pixel that drawing may change
	Foreground uint32 // 0x00RRGGBB
	Background uint32 // 0x00RRGGBB; used by LineDoubleDash and image text
	LineWidth  int    // 0 selects X "thin" lines (Bresenham, pixel exact with X.Org)
	LineStyle  LineStyle
	CapStyle   CapStyle
	JoinStyle  JoinStyle
	FillRule   FillRule
	ArcMode    ArcMode
	Dashes     []uint8 // dash lengths; an odd-length list is used twice, like X; nil means {4, 4}
	DashOffset int
	// Font and FontSize select the embedded face used by DrawText;
	// FontSize 0 means DefaultFontSize and sizes are clamped to
	// fonts.MinSize..fonts.MaxSize.
	Font       fonts.ID
	FontSize   int
	ClipOrigin image.Point
	// Clip is nil for no clipping beyond the image. A non-nil slice, even an
	// empty one, restricts drawing to the union of these rectangles, given
	// relative to ClipOrigin, as X SetClipRectangles does.
	Clip []image.Rectangle
}

// DefaultGC returns the GC values X gives a freshly created GC, except that
// the foreground is white so that drawing on a black image is visible.
func DefaultGC() GC {
	return GC{
		Function:   GXcopy,
		PlaneMask:  0xffffffff,
		Foreground: 0xffffff,
		Background: 0,
		CapStyle:   CapButt,
		JoinStyle:  JoinMiter,
		FillRule:   EvenOddRule,
		ArcMode:    ArcPieSlice,
		Font:       fonts.Regular,
	}
}

// pixelMask keeps pixels to depth 24 so that GXinvert and friends never
// leave bits in the unused top byte, which X would not report either.
const pixelMask = 0x00ffffff

// rop reduces a raster operation with a fixed source to the form
// dst' = (dst & and) ^ xor, the same reduction fb uses; every drawing loop
// then needs only one AND and one XOR per pixel whatever the function.
func rop(f Function, src, planeMask uint32) (and, xor uint32) {
	s := src & pixelMask
	ns := ^src & pixelMask
	const ones = pixelMask
	switch f {
	case GXclear:
		and, xor = 0, 0
	case GXand:
		and, xor = s, 0
	case GXandReverse:
		and, xor = s, s
	case GXcopy:
		and, xor = 0, s
	case GXandInverted:
		and, xor = ns, 0
	case GXnoop:
		and, xor = ones, 0
	case GXxor:
		and, xor = ones, s
	case GXor:
		and, xor = ns, s
	case GXnor:
		and, xor = ns, ns
	case GXequiv:
		and, xor = ones, ns
	case GXinvert:
		and, xor = ones, ones
	case GXorReverse:
		and, xor = ns, ones
	case GXcopyInverted:
		and, xor = 0, ns
	case GXorInverted:
		and, xor = s, ns
	case GXnand:
		and, xor = s, ones
	case GXset:
		and, xor = 0, ones
	default:
		and, xor = ones, 0
	}
	pm := planeMask & pixelMask
	and = (and | ^pm) & pixelMask
	xor &= pm
	return and, xor
}

// applyRop combines a source pixel with a destination pixel; it is the
// per-pixel form of rop for operations whose source varies (CopyArea,
// PutImage).
func applyRop(f Function, src, dst, planeMask uint32) uint32 {
	var r uint32
	switch f {
	case GXclear:
		r = 0
	case GXand:
		r = src & dst
	case GXandReverse:
		r = src &^ dst
	case GXcopy:
		r = src
	case GXandInverted:
		r = ^src & dst
	case GXnoop:
		r = dst
	case GXxor:
		r = src ^ dst
	case GXor:
		r = src | dst
	case GXnor:
		r = ^(src | dst)
	case GXequiv:
		r = ^src ^ dst
	case GXinvert:
		r = ^dst
	case GXorReverse:
		r = src | ^dst
	case GXcopyInverted:
		r = ^src
	case GXorInverted:
		r = ^src | dst
	case GXnand:
		r = ^(src & dst)
	case GXset:
		r = ^uint32(0)
	default:
		r = dst
	}
	pm := planeMask & pixelMask
	return ((r & pm) | (dst &^ pm)) & pixelMask
}

// dashList returns the effective dash list: X repeats an odd-length list so
// that even entries are always "on", and uses {4, 4} by default.
func (gc *GC) dashList() []uint8 {
	d := gc.Dashes
	if len(d) == 0 {
		return defaultDashes
	}
	for _, v := range d {
		if v == 0 {
			// X rejects zero dash lengths; treat the list as the default
			// rather than loop forever.
			return defaultDashes
		}
	}
	if len(d)%2 == 1 {
		dd := make([]uint8, 0, 2*len(d))
		dd = append(dd, d...)
		dd = append(dd, d...)
		return dd
	}
	return d
}

var defaultDashes = []uint8{4, 4}
