package xvfb

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrDummyNotInstalled reports that Xorg or its dummy video driver is
// missing.
var ErrDummyNotInstalled = errors.New("Xorg with the dummy video driver is not installed (Debian: apt-get install xserver-xorg-core xserver-xorg-video-dummy)")

// driverDirs are where Debian, Fedora and a source build keep Xorg's video
// drivers.
var driverDirs = []string{"/usr/lib/xorg/modules/drivers", "/usr/lib64/xorg/modules/drivers",
	"/usr/local/lib/xorg/modules/drivers"}

// dummyBinary finds Xorg: Debian's server binary itself rather than the
// /usr/bin/Xorg wrapper, which may go through the setuid Xorg.wrap, and an
// Xorg with elevated privileges refuses a -config path of the user's; and
// the dummy driver beside it.
func dummyBinary() (string, error) {
	bin := "/usr/lib/xorg/Xorg"
	if _, err := os.Stat(bin); err != nil {
		if bin, err = exec.LookPath("Xorg"); err != nil {
			return "", ErrDummyNotInstalled
		}
	}
	for _, d := range driverDirs {
		if _, err := os.Stat(filepath.Join(d, "dummy_drv.so")); err == nil {
			return bin, nil
		}
	}
	return "", ErrDummyNotInstalled
}

// dummyStartError explains an Xorg that exited at start.
func dummyStartError(display string, waitErr error, msg string) error {
	if strings.Contains(msg, `"dummy"`) && strings.Contains(msg, "Failed to load") {
		return ErrDummyNotInstalled
	}
	if strings.Contains(msg, "elevated privileges") {
		return fmt.Errorf("xvfb: Xorg (dummy driver) on %s refused its -config and -logfile paths (%v): a setuid Xorg wrapper takes them only from root (run as root, or install /usr/lib/xorg/Xorg): %s", display, waitErr, msg)
	}
	return fmt.Errorf("xvfb: Xorg (dummy driver) on %s exited at start (%v): %s", display, waitErr, msg)
}

// Screen size limits of the dummy server: the Virtual size of its
// configuration, and the most pixels its video memory holds (8192x4608,
// twice a 4K screen each way).
const (
	dummyVirtualWidth  = 4096
	dummyVirtualHeight = 2304
	dummyMaxPixels     = 8192 * 4608
)

// writeDummyConfig writes an xorg.conf for the dummy driver into dir: no
// input devices of the host (the bridge injects input with XTEST), a
// monitor that accepts any mode, a framebuffer large enough for a 4K
// screen, and a first mode of the requested size.
func writeDummyConfig(dir string, w, h, depth int) (string, error) {
	vw, vh := max(w, dummyVirtualWidth), max(h, dummyVirtualHeight)
	// The driver allocates the framebuffer for the screen's current size
	// and refuses a size whose framebuffer (32 bits a pixel) exceeds
	// VideoRam (KiB): this is the ceiling, not memory used.
	videoRAM := max(w*h, dummyMaxPixels) * 4 / 1024 * 2
	m := NewMode(w, h)
	conf := fmt.Sprintf(`Section "ServerFlags"
  Option "AutoAddDevices" "false"
  Option "AutoEnableDevices" "false"
  Option "DontVTSwitch" "true"
EndSection
Section "Device"
  Identifier "dummy"
  Driver "dummy"
  VideoRam %d
EndSection
Section "Monitor"
  Identifier "monitor"
  HorizSync 1.0-2000.0
  VertRefresh 1.0-200.0
  Modeline %q %.3f %d %d %d %d %d %d %d %d
EndSection
Section "Screen"
  Identifier "screen"
  Device "dummy"
  Monitor "monitor"
  DefaultDepth %d
  SubSection "Display"
    Depth %d
    Virtual %d %d
    Modes %q
  EndSubSection
EndSection
`, videoRAM, m.Name, float64(m.DotClock)/1e6, m.Width, m.HsyncStart, m.HsyncEnd, m.Htotal,
		m.Height, m.VsyncStart, m.VsyncEnd, m.Vtotal, depth, depth, vw, vh, m.Name)
	path := filepath.Join(dir, "xorg.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return path, nil
}

// Mode is a video mode's timings, for the dummy server's configuration and
// for a RandR mode of a new size. The dummy driver shows nothing, so the
// timings only need to pass Xorg's checks: some blanking, and a refresh
// near 60 Hz with a dot clock that stays modest for large screens.
type Mode struct {
	// Name is "WxH".
	Name string
	// DotClock is in Hz.
	DotClock                             uint32
	Width, HsyncStart, HsyncEnd, Htotal  int
	Height, VsyncStart, VsyncEnd, Vtotal int
}

// NewMode returns timings for a w x h mode.
func NewMode(w, h int) Mode {
	m := Mode{Name: fmt.Sprintf("%dx%d", w, h),
		Width: w, HsyncStart: w + 16, HsyncEnd: w + 48, Htotal: w + 160,
		Height: h, VsyncStart: h + 3, VsyncEnd: h + 8, Vtotal: h + 30}
	refresh := 60
	if px := m.Htotal * m.Vtotal; px*refresh > 300_000_000 {
		refresh = max(1, 300_000_000/px)
	}
	m.DotClock = uint32(m.Htotal * m.Vtotal * refresh)
	return m
}
