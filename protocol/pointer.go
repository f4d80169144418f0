package protocol

// Requests of the pointer.
const (
	// OpWarpPointer moves the pointer (X's WarpPointer).
	OpWarpPointer Opcode = 120
)

// WarpPointer moves the pointer to (X, Y) in Window's inside coordinates
// (the root's are the screen's), clamped to the screen, as if the user
// had moved it there: the window under it gets the same EnterNotify,
// LeaveNotify and MotionNotify as for a real move. Viewers keep showing
// their own pointer where the user's is. X's WarpPointer, for X programs
// the native bridge serves.
type WarpPointer struct {
	Window uint32
	X, Y   int16
}

// Opcode implements Request.
func (*WarpPointer) Opcode() Opcode { return OpWarpPointer }

// AppendBody implements Request.
func (r *WarpPointer) AppendBody(b []byte) []byte {
	b = putU32(b, r.Window)
	b = putU16(b, uint16(r.X))
	return putU16(b, uint16(r.Y))
}

func decodeWarpPointer(_ Opcode, d *decoder) (Request, error) {
	return &WarpPointer{Window: d.u32(), X: d.i16(), Y: d.i16()}, nil
}
