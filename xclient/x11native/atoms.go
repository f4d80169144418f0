package x11native

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"sync"
)

// predefinedAtoms are X's atoms 1..68, in order.
var predefinedAtoms = strings.Fields(`PRIMARY SECONDARY ARC ATOM BITMAP CARDINAL COLORMAP CURSOR
CUT_BUFFER0 CUT_BUFFER1 CUT_BUFFER2 CUT_BUFFER3 CUT_BUFFER4 CUT_BUFFER5 CUT_BUFFER6 CUT_BUFFER7
DRAWABLE FONT INTEGER PIXMAP POINT RECTANGLE RESOURCE_MANAGER RGB_COLOR_MAP RGB_BEST_MAP
RGB_BLUE_MAP RGB_DEFAULT_MAP RGB_GRAY_MAP RGB_GREEN_MAP RGB_RED_MAP STRING VISUALID WINDOW
WM_COMMAND WM_HINTS WM_CLIENT_MACHINE WM_ICON_NAME WM_ICON_SIZE WM_NAME WM_NORMAL_HINTS
WM_SIZE_HINTS WM_ZOOM_HINTS MIN_SPACE NORM_SPACE MAX_SPACE END_SPACE SUPERSCRIPT_X SUPERSCRIPT_Y
SUBSCRIPT_X SUBSCRIPT_Y UNDERLINE_POSITION UNDERLINE_THICKNESS STRIKEOUT_ASCENT STRIKEOUT_DESCENT
ITALIC_ANGLE X_HEIGHT QUAD_WIDTH WEIGHT POINT_SIZE RESOLUTION COPYRIGHT NOTICE FONT_NAME
FAMILY_NAME FULL_NAME CAP_HEIGHT WM_CLASS WM_TRANSIENT_FOR`)

// Atoms the server itself looks at.
const (
	atomString  = 31
	atomWMName  = 39
	atomWMClass = 67
)

// maxAtoms bounds the atom table: atoms are never freed, so a client
// interning names in a loop must hit a limit (BadAlloc), not memory's.
const maxAtoms = 1 << 16

// atomTable is the server's atoms, shared by all clients.
type atomTable struct {
	byName map[string]uint32
	names  []string // index atom-1
}

func newAtomTable() *atomTable {
	t := &atomTable{byName: map[string]uint32{}}
	for _, n := range predefinedAtoms {
		t.intern(n)
	}
	return t
}

// intern returns name's atom, creating it; 0 when the table is full.
func (t *atomTable) intern(name string) uint32 {
	if a, ok := t.byName[name]; ok {
		return a
	}
	if len(t.names) >= maxAtoms {
		return 0
	}
	t.names = append(t.names, name)
	a := uint32(len(t.names))
	t.byName[name] = a
	return a
}

func (t *atomTable) lookup(name string) uint32 { return t.byName[name] }

func (t *atomTable) name(a uint32) (string, bool) {
	if a == 0 || int(a) > len(t.names) {
		return "", false
	}
	return t.names[a-1], true
}

// colorNames is X's colour database (rgb.txt), read once, keyed by the
// lower-case name without spaces as X matches them.
var colorNames = sync.OnceValue(func() map[string][3]uint8 {
	m := map[string][3]uint8{"black": {0, 0, 0}, "white": {255, 255, 255}, "red": {255, 0, 0},
		"green": {0, 255, 0}, "blue": {0, 0, 255}, "gray": {190, 190, 190}, "grey": {190, 190, 190}}
	f, err := os.Open("/usr/share/X11/rgb.txt")
	if err != nil {
		return m
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "!") {
			continue
		}
		fs := strings.Fields(line)
		if len(fs) < 4 {
			continue
		}
		var rgb [3]uint8
		ok := true
		for i := 0; i < 3; i++ {
			v, err := strconv.Atoi(fs[i])
			if err != nil || v < 0 || v > 255 {
				ok = false
			}
			rgb[i] = uint8(v)
		}
		if ok {
			m[colorKey(strings.Join(fs[3:], " "))] = rgb
		}
	}
	return m
})

func colorKey(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, " ", ""))
}

// lookupColor resolves a colour name or a numeric "#rgb" spec.
func lookupColor(name string) ([3]uint16, bool) {
	if strings.HasPrefix(name, "#") {
		h := name[1:]
		n := len(h) / 3
		if len(h)%3 != 0 || n < 1 || n > 4 {
			return [3]uint16{}, false
		}
		var out [3]uint16
		for i := 0; i < 3; i++ {
			v, err := strconv.ParseUint(h[i*n:(i+1)*n], 16, 16)
			if err != nil {
				return out, false
			}
			out[i] = uint16(v << (16 - 4*n))
		}
		return out, true
	}
	rgb, ok := colorNames()[colorKey(name)]
	if !ok {
		return [3]uint16{}, false
	}
	return [3]uint16{uint16(rgb[0]) * 0x101, uint16(rgb[1]) * 0x101, uint16(rgb[2]) * 0x101}, true
}

// pixelOf is the TrueColor pixel nearest to a 16-bit-per-channel colour,
// and the colour that pixel really is.
func pixelOf(c [3]uint16) (uint32, [3]uint16) {
	r, g, b := c[0]>>8, c[1]>>8, c[2]>>8
	return uint32(r)<<16 | uint32(g)<<8 | uint32(b), [3]uint16{r * 0x101, g * 0x101, b * 0x101}
}
