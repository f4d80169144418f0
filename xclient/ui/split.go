package ui

import (
	"fmt"
	"os"
	"strings"
)

// Split says where the user interface runs (DESIGN.md, section "The
// configurable split"). The application's code is the same for all three.
type Split int

// The splits.
const (
	// Draw: the application sends drawing requests and handles every
	// input event itself (X). The default.
	Draw Split = iota
	// Pixels: the application paints its widgets into a local image and
	// ships the pixels of what changed (VNC).
	Pixels
	// Widgets: the application ships its widget tree once and updates to
	// it; the display server paints it and handles hover, presses, focus,
	// typing, selection and scrolling, and sends back only semantic
	// events (NeWS).
	Widgets
)

// EnvSplit is the environment variable that chooses the split when no
// flag does.
const EnvSplit = "XFAR_SPLIT"

var splitNames = [...]string{Draw: "draw", Pixels: "pixels", Widgets: "widgets"}

// String returns the split's name: draw, pixels or widgets.
func (s Split) String() string {
	if s >= 0 && int(s) < len(splitNames) {
		return splitNames[s]
	}
	return fmt.Sprintf("Split(%d)", int(s))
}

// ParseSplit parses a split's name; "" means the XFAR_SPLIT environment
// variable, and if that is unset too, Draw.
func ParseSplit(name string) (Split, error) {
	if name == "" {
		name = os.Getenv(EnvSplit)
	}
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "draw":
		return Draw, nil
	case "pixels":
		return Pixels, nil
	case "widgets":
		return Widgets, nil
	}
	return Draw, fmt.Errorf("unknown split %q: want pixels, draw or widgets", name)
}
