package x11bridge

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jezek/xgb/xproto"
)

// Stacking is one truth: the order of the mirrored windows on the display
// and on the X server must agree, or a click in the overlap of two windows
// lands, through XTEST, in the one the user cannot see. Either side may
// restack: the user (a click raises a window on the display) or the
// program (XRaiseWindow, a menu mapping on top). Whichever side moved
// last is copied to the other. Only the relative order of the bridge's own
// mapped windows matters; other clients' windows on the display are left
// where they are.
//
// Both directions compare the two orders before changing anything, so the
// echoes of the bridge's own restacks (ConfigureNotify on either side)
// find them equal and stop there.

// stackTimeout bounds the display round trip of a restack.
const stackTimeout = 5 * time.Second

// displayRestacked notes a ConfigureNotify from the display: when the
// window's sibling below changed, the display restacked it and the X
// server follows at once, before any input that comes after the restack
// is injected.
func (m *mirror) displayRestacked(w *xwin, below uint32) {
	if w.dispBelowKnown && w.dispBelow == below {
		return
	}
	w.dispBelow, w.dispBelowKnown = below, true
	m.log.Debug("display restacked", "x11window", w.id, "window", w.did, "below", below)
	if err := m.stackXLikeDisplay(); err != nil {
		m.log.Debug("restack X windows like the display", "err", err)
	}
}

// stackable lists the windows whose order is kept the same on both sides.
func (m *mirror) stackable(w *xwin) bool {
	return w != nil && w.mapped && w.did != 0 && w.displayMapped
}

// orders returns the stackable windows in the display's order and in the X
// server's order, bottom first.
func (m *mirror) orders() (disp, x []*xwin, err error) {
	dk := m.disp.c.QueryTreeAsync(m.disp.root)
	xt, xerr := xproto.QueryTree(m.x, m.root).Reply()
	ctx, cancel := context.WithTimeout(context.Background(), stackTimeout)
	defer cancel()
	dt, derr := dk.ReplyContext(ctx)
	if derr != nil {
		return nil, nil, fmt.Errorf("display QueryTree: %w", derr)
	}
	if xerr != nil {
		return nil, nil, fmt.Errorf("X QueryTree: %w", xerr)
	}
	// Both answers also refresh what each window's last ConfigureNotify
	// said about its neighbour below: another window's restack changes
	// it without an event for this one, and a stale value could hide
	// this window's next restack.
	var prev uint32
	for _, id := range dt.Children {
		w := m.byID[id]
		if w != nil {
			w.dispBelow, w.dispBelowKnown = prev, true
		}
		if m.stackable(w) {
			disp = append(disp, w)
		}
		prev = id
	}
	var xprev xproto.Window
	for _, id := range xt.Children {
		if w := m.wins[id]; w != nil {
			w.aboveSibling = xprev
		}
		xprev = id
	}
	inDisp := make(map[*xwin]bool, len(disp))
	for _, w := range disp {
		inDisp[w] = true
	}
	for _, id := range xt.Children {
		if w := m.wins[id]; inDisp[w] {
			x = append(x, w)
		}
	}
	if len(x) != len(disp) { // a window came or went between the two answers
		disp = disp[:0]
		for _, w := range x {
			if inDisp[w] {
				disp = append(disp, w)
			}
		}
		// keep the display's order for the windows both know
		pos := make(map[*xwin]int)
		for i, id := range dt.Children {
			if w := m.byID[id]; w != nil {
				pos[w] = i
			}
		}
		slices.SortFunc(disp, func(a, b *xwin) int { return cmp.Compare(pos[a], pos[b]) })
	}
	return disp, x, nil
}

// restackPlan returns the moves that turn order cur into want, both bottom
// first over the same windows: each move puts want[i] directly above
// want[i-1] (i > 0), or at the bottom (i == 0).
func restackPlan(cur, want []*xwin) []int {
	c := slices.Clone(cur)
	var moves []int
	for i := 1; i < len(want); i++ {
		a, b := slices.Index(c, want[i-1]), slices.Index(c, want[i])
		if b == a+1 {
			continue
		}
		moves = append(moves, i)
		// move want[i] to just above want[i-1]
		c = slices.Delete(c, b, b+1)
		if b < a {
			a--
		}
		c = slices.Insert(c, a+1, want[i])
	}
	return moves
}

// stackXLikeDisplay restacks the X windows into the display's order.
func (m *mirror) stackXLikeDisplay() error {
	disp, x, err := m.orders()
	if err != nil {
		return err
	}
	m.log.Debug("stack X like display", "display", disp, "x", x)
	for _, i := range restackPlan(x, disp) {
		w, below := disp[i], disp[i-1]
		xproto.ConfigureWindow(m.x, w.id, xproto.ConfigWindowSibling|xproto.ConfigWindowStackMode,
			[]uint32{uint32(below.id), xproto.StackModeAbove})
		m.log.Debug("X window restacked like the display", "x11window", w.id, "above", below.id)
	}
	return nil
}

// xRestacked notes that the X server restacked a mirrored window; the
// display follows once the current burst of X events is handled.
func (m *mirror) xRestacked() { m.stackFromX = true }

// stackDisplayLikeX restacks the display's windows into the X server's
// order. A window that is topmost on the X server is raised to the top of
// the display (above other clients' windows too), as a program raising
// its window expects; the others go directly above their X neighbour.
func (m *mirror) stackDisplayLikeX() error {
	m.stackFromX = false
	disp, x, err := m.orders()
	if err != nil {
		return err
	}
	m.log.Debug("stack display like X", "display", disp, "x", x)
	for _, i := range restackPlan(disp, x) {
		w, below := x[i], x[i-1]
		if i == len(x)-1 {
			m.disp.raise(w.did)
		} else {
			m.disp.stackAbove(w.did, below.did)
		}
		m.log.Debug("display window restacked like X", "x11window", w.id, "above", below.id)
	}
	return m.disp.flush()
}

// raiseX puts a newly mapped window on top of the X server's stack, as a
// window manager does on map, so that the X server agrees with the
// display, where a mapped window goes on top.
func (m *mirror) raiseX(w *xwin) {
	xproto.ConfigureWindow(m.x, w.id, xproto.ConfigWindowStackMode, []uint32{xproto.StackModeAbove})
}

func (w *xwin) String() string { return fmt.Sprintf("%#x", uint32(w.id)) }
