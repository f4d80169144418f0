package xclient

import (
	"fmt"
	"math"

	"github.com/xfar/xfar/protocol"
)

// args converts a call's int arguments to the wire's 16-bit fields,
// remembering the first one out of range, so that a method checks once:
// silently truncating a coordinate would draw somewhere else.
type args struct{ err error }

func (a *args) bad(what string, v int) {
	if a.err == nil {
		a.err = fmt.Errorf("%s %d out of range", what, v)
	}
}

// i16 converts a coordinate.
func (a *args) i16(what string, v int) int16 {
	if v < math.MinInt16 || v > math.MaxInt16 {
		a.bad(what, v)
	}
	return int16(v)
}

// u16 converts a length that may be zero.
func (a *args) u16(what string, v int) uint16 {
	if v < 0 || v > math.MaxUint16 {
		a.bad(what, v)
	}
	return uint16(v)
}

// size converts a width or height of a window, pixmap or image, which the
// protocol requires to be 1..MaxDimension.
func (a *args) size(what string, v int) uint16 {
	if v < 1 || v > protocol.MaxDimension {
		a.bad(what, v)
	}
	return uint16(v)
}
