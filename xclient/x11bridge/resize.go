package x11bridge

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/randr"
	"github.com/jezek/xgb/xproto"

	"github.com/xfar/xfar/internal/xvfb"
	"github.com/xfar/xfar/protocol"
)

// follower makes the X server's screen follow the display's size through
// RandR (Config.FollowResize), as Xpra does with Xdummy: when the display's
// root changes size, the X screen gets a mode of that size. Programs that
// size themselves to the screen (maximized windows, desktop panels) then
// see the new size.
type follower struct {
	x    *xgb.Conn
	root xproto.Window
	// w, h is the size last asked for, so that a repeated ConfigureNotify
	// of the same size costs nothing.
	w, h int
	// created is the mode the follower made for the current size, deleted
	// when the next size replaces it so that modes do not pile up.
	created randr.Mode
	output  randr.Output
}

// startFollowing readies RandR on the mirror's X connection and asks the
// display for its root's ConfigureNotify. Without RandR the bridge goes on
// at a fixed size. With catchUp, a display resized since the bridge
// learned its size (before it selected the event) is followed at once.
func (m *mirror) startFollowing(catchUp bool) error {
	if err := initExtension(m.x, "RANDR", randr.Init); err != nil {
		return err
	}
	rep, err := randr.QueryVersion(m.x, 1, 3).Reply()
	if err != nil {
		return fmt.Errorf("RandR version: %w", err)
	}
	if rep.MajorVersion < 1 || (rep.MajorVersion == 1 && rep.MinorVersion < 3) {
		return fmt.Errorf("RandR %d.%d: 1.3 is needed", rep.MajorVersion, rep.MinorVersion)
	}
	geo, err := xproto.GetGeometry(m.x, xproto.Drawable(m.root)).Reply()
	if err != nil {
		return fmt.Errorf("X screen size: %w", err)
	}
	if err := m.disp.c.SelectInput(m.disp.root, protocol.StructureNotifyMask); err != nil {
		return err
	}
	if err := m.disp.flush(); err != nil {
		return err
	}
	m.follow = &follower{x: m.x, root: m.root, w: int(geo.Width), h: int(geo.Height)}
	if catchUp {
		g, err := m.disp.c.GetGeometry(m.disp.root)
		if err != nil {
			return fmt.Errorf("display size: %w", err)
		}
		m.displayResized(int(g.Width), int(g.Height))
	}
	return nil
}

// displayResized follows a ConfigureNotify of the display's root.
func (m *mirror) displayResized(w, h int) {
	f := m.follow
	if f == nil || (w == f.w && h == f.h) {
		return
	}
	if err := f.resize(w, h); err != nil {
		m.log.Warn("X screen does not follow the display's size", "size", fmt.Sprintf("%dx%d", w, h), "err", err)
		return
	}
	m.log.Info("X screen resized with the display", "size", fmt.Sprintf("%dx%d", w, h))
}

// resize gives the X screen a w x h mode on its first connected output.
// The screen must hold the CRTC's mode at every step, so it first grows to
// cover both sizes, then the CRTC takes the new mode, then the screen
// shrinks to it.
func (f *follower) resize(w, h int) error {
	if w <= 0 || h <= 0 || w > 0x7fff || h > 0x7fff {
		return fmt.Errorf("size %dx%d out of range", w, h)
	}
	res, err := randr.GetScreenResourcesCurrent(f.x, f.root).Reply()
	if err != nil {
		return fmt.Errorf("screen resources: %w", err)
	}
	output, info, err := f.pickOutput(res)
	if err != nil {
		return err
	}
	crtc := info.Crtc
	if crtc == 0 {
		if len(info.Crtcs) == 0 {
			return errors.New("the output has no CRTC")
		}
		crtc = info.Crtcs[0]
	}
	mode, created, err := f.modeOfSize(res, w, h)
	if err != nil {
		return err
	}
	if !slices.Contains(info.Modes, mode) {
		if err := randr.AddOutputModeChecked(f.x, output, mode).Check(); err != nil {
			return fmt.Errorf("add mode %dx%d to the output: %w", w, h, err)
		}
	}
	geo, err := xproto.GetGeometry(f.x, xproto.Drawable(f.root)).Reply()
	if err != nil {
		return fmt.Errorf("X screen size: %w", err)
	}
	cw, ch := int(geo.Width), int(geo.Height)
	if w > cw || h > ch {
		if err := f.setScreenSize(max(w, cw), max(h, ch)); err != nil {
			return err
		}
	}
	rep, err := randr.SetCrtcConfig(f.x, crtc, xproto.TimeCurrentTime, res.ConfigTimestamp,
		0, 0, mode, randr.RotationRotate0, []randr.Output{output}).Reply()
	if err != nil {
		return fmt.Errorf("set CRTC to %dx%d: %w", w, h, err)
	}
	if rep.Status != randr.SetConfigSuccess {
		return fmt.Errorf("set CRTC to %dx%d: status %d", w, h, rep.Status)
	}
	if max(w, cw) != w || max(h, ch) != h {
		if err := f.setScreenSize(w, h); err != nil {
			return err
		}
	}
	// The mode made for the previous size is no longer shown.
	if f.created != 0 && f.created != mode && f.output == output {
		randr.DeleteOutputMode(f.x, output, f.created)
		randr.DestroyMode(f.x, f.created)
	}
	switch {
	case created:
		f.created, f.output = mode, output
	case f.created != mode:
		f.created = 0
	}
	f.w, f.h = w, h
	return nil
}

// pickOutput is the first connected output, preferring one that shows
// something.
func (f *follower) pickOutput(res *randr.GetScreenResourcesCurrentReply) (randr.Output, *randr.GetOutputInfoReply, error) {
	var first randr.Output
	var firstInfo *randr.GetOutputInfoReply
	for _, o := range res.Outputs {
		info, err := randr.GetOutputInfo(f.x, o, res.ConfigTimestamp).Reply()
		if err != nil {
			return 0, nil, fmt.Errorf("output info: %w", err)
		}
		if info.Connection != randr.ConnectionConnected {
			continue
		}
		if info.Crtc != 0 {
			return o, info, nil
		}
		if firstInfo == nil {
			first, firstInfo = o, info
		}
	}
	if firstInfo == nil {
		return 0, nil, errors.New("no connected RandR output")
	}
	return first, firstInfo, nil
}

// modeOfSize is a mode of exactly w x h: one the server has, or a new one
// (created reports that).
func (f *follower) modeOfSize(res *randr.GetScreenResourcesCurrentReply, w, h int) (randr.Mode, bool, error) {
	for _, mi := range res.Modes {
		if int(mi.Width) == w && int(mi.Height) == h && mi.ModeFlags&randr.ModeFlagInterlace == 0 {
			return randr.Mode(mi.Id), false, nil
		}
	}
	t := xvfb.NewMode(w, h)
	name := t.Name
	// Another mode may carry the name with other timings; the name is
	// only a label.
	if bytes.Contains(res.Names, []byte(name)) {
		name += "_xfar"
	}
	rep, err := randr.CreateMode(f.x, f.root, randr.ModeInfo{
		Width: uint16(w), Height: uint16(h), DotClock: t.DotClock,
		HsyncStart: uint16(t.HsyncStart), HsyncEnd: uint16(t.HsyncEnd), Htotal: uint16(t.Htotal),
		VsyncStart: uint16(t.VsyncStart), VsyncEnd: uint16(t.VsyncEnd), Vtotal: uint16(t.Vtotal),
		NameLen: uint16(len(name)),
	}, name).Reply()
	if err != nil {
		return 0, false, fmt.Errorf("create mode %s: %w", name, err)
	}
	return rep.Mode, true, nil
}

// setScreenSize sets the screen's size, with a physical size for 96 dpi
// (what programs that compute a DPI from it then find).
func (f *follower) setScreenSize(w, h int) error {
	mm := func(px int) uint32 { return uint32((px*254 + 480) / 960) }
	if err := randr.SetScreenSizeChecked(f.x, f.root, uint16(w), uint16(h), mm(w), mm(h)).Check(); err != nil {
		return fmt.Errorf("set screen size %dx%d: %w", w, h, err)
	}
	return nil
}
