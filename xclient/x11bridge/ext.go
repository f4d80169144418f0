package x11bridge

import (
	"fmt"
	"sync"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/composite"
	"github.com/jezek/xgb/damage"
	"github.com/jezek/xgb/shape"
	"github.com/jezek/xgb/xfixes"
	"github.com/jezek/xgb/xproto"
	"github.com/jezek/xgb/xtest"
)

// xgb's extension Init functions register the extension's event and error
// decoders in package-level maps, unsynchronised, while the reader
// goroutine of every xgb connection in the process reads those maps. A
// second bridge (or a test's own X connection) in the same process would
// then race with them, and Go aborts on a concurrent map read and write.
// So the real Init runs only for an event and error numbering not yet
// registered (in practice once per process); otherwise only the
// connection's own opcode table is filled in, as Init would.
var (
	extMu         sync.Mutex
	extRegistered = make(map[string]bool)
)

var extensions = []struct {
	name string
	init func(*xgb.Conn) error
}{
	{"Composite", composite.Init},
	{"DAMAGE", damage.Init},
	{"XFIXES", xfixes.Init},
	{"XTEST", xtest.Init},
	{"SHAPE", shape.Init},
}

// initExtension makes extension name usable on c.
func initExtension(c *xgb.Conn, name string, init func(*xgb.Conn) error) error {
	rep, err := xproto.QueryExtension(c, uint16(len(name)), name).Reply()
	if err != nil {
		return fmt.Errorf("X extension %s: %w", name, err)
	}
	if !rep.Present {
		return fmt.Errorf("X server lacks the %s extension", name)
	}
	key := fmt.Sprintf("%s/%d/%d", name, rep.FirstEvent, rep.FirstError)
	extMu.Lock()
	defer extMu.Unlock()
	if !extRegistered[key] {
		if err := init(c); err != nil {
			return fmt.Errorf("X extension %s: %w", name, err)
		}
		extRegistered[key] = true
		return nil
	}
	c.ExtLock.Lock()
	c.Extensions[name] = rep.MajorOpcode
	c.ExtLock.Unlock()
	return nil
}

// InitXFixes makes the XFIXES extension usable on c, for a program (or a
// test) that has other X connections in the same process: xfixes.Init
// itself would race with their readers (see initExtension).
func InitXFixes(c *xgb.Conn) error {
	if err := initExtension(c, "XFIXES", xfixes.Init); err != nil {
		return err
	}
	_, err := xfixes.QueryVersion(c, 5, 0).Reply()
	return err
}
