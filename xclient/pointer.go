package xclient

import (
	"fmt"

	"github.com/xfar/xfar/protocol"
)

// WarpPointer moves the pointer to (x, y) in w's inside coordinates (w
// may be the root), as if the user had moved it: windows get the
// Enter, Leave and Motion events of a real move (SPEC §21.6).
func (c *Conn) WarpPointer(w Window, x, y int) error {
	if _, err := c.send(&protocol.WarpPointer{Window: uint32(w), X: int16(x), Y: int16(y)}); err != nil {
		return fmt.Errorf("WarpPointer %d: %w", w, err)
	}
	return nil
}
