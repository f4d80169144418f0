package xclient

import (
	"image"
	"slices"

	"github.com/xfar/xfar/protocol"
)

// Overdraw: a client that draws a window over and over within one batch
// (a terminal scrolling a flood of text redraws its lines several times
// between two flushes) sends drawing nobody can see, because the batch is
// drawn as a whole and a later request in it paints over an earlier one.
// A caller that knows the area a drawing request inks and the area it
// paints whatever was there says so with MarkDrawn; a queued request whose
// ink a later one in the same batch covers, with nothing that could read
// those pixels in between, is withdrawn: at the flush its bytes become a
// NoOperation, so both sides still count the same sequence numbers.

// drawMark is a queued, not yet flushed drawing request that may be
// withdrawn: its place in the output buffer and the area it inks.
type drawMark struct {
	d          uint32
	ink        image.Rectangle
	start, end int
}

// maxDrawMarks bounds the marks kept for one batch; beyond it new
// requests are simply not candidates (the scan stays cheap).
const maxDrawMarks = 512

// pureDrawing are the requests that change no window's geometry, clip or
// stacking and read no drawable's pixels: marks survive them. Any other
// request (CopyArea reads pixels, ConfigureWindow changes a window's clip,
// GetImage reads, a request of a later version we do not know) ends every
// mark.
var pureDrawing = [256]bool{
	protocol.OpPolyPoint: true, protocol.OpPolyLine: true, protocol.OpPolySegment: true,
	protocol.OpPolyRectangle: true, protocol.OpPolyFillRectangle: true, protocol.OpFillPoly: true,
	protocol.OpPolyArc: true, protocol.OpPolyFillArc: true, protocol.OpPutImage: true,
	protocol.OpDrawText: true, protocol.OpClearArea: true, protocol.OpPolyGlyph: true,
	protocol.OpImageGlyph8: true, protocol.OpAddGlyphs: true, protocol.OpNoOperation: true,
	protocol.OpCreateGC: true, protocol.OpChangeGC: true, protocol.OpFreeGC: true,
	protocol.OpSetClipRectangles: true, protocol.OpSetDashes: true,
	protocol.OpChangeWindowAttributes: true, protocol.OpSetTitle: true,
}

// trackDrawingLocked notes the request just appended at out[start:] for
// MarkDrawn, and ends the marks when it is not pure drawing. The caller
// holds outMu.
func (c *Conn) trackDrawingLocked(op protocol.Opcode, start int) {
	c.lastOp, c.lastStart = op, start
	if op == protocol.OpImageGlyph8 {
		c.glyphRuns = true
	}
	if !pureDrawing[op] {
		c.marks = c.marks[:0]
	}
}

// MarkDrawn tells the connection about the drawing request it queued
// last, which must be of opcode op on drawable d (else the call does
// nothing): ink bounds every pixel it may change, and it paints every
// pixel of each cover whatever was there before (function copy, full
// plane mask, no clip beyond d's own). Earlier requests of the same batch
// on d whose ink lies inside one cover are withdrawn; the request itself
// becomes a candidate (if ink is not empty). Only windows should be
// marked: a pixmap's pixels can be read in ways the connection does not
// see (tiles, backgrounds). Servers older than protocol 1.2 have no
// NoOperation; the call does nothing there.
func (c *Conn) MarkDrawn(op protocol.Opcode, d Drawable, ink image.Rectangle, covers ...image.Rectangle) {
	c.outMu.Lock()
	defer c.outMu.Unlock()
	if c.hello.Minor < 2 || c.lastOp != op || c.lastStart+protocol.HeaderSize+4 > len(c.out) ||
		le32(c.out[c.lastStart+protocol.HeaderSize:]) != did(d) {
		return
	}
	for _, cov := range covers {
		if cov.Empty() {
			continue
		}
		kept := c.marks[:0]
		for _, m := range c.marks {
			if m.d == did(d) && m.ink.In(cov) {
				c.withdrawn = append(c.withdrawn, [2]int{m.start, m.end})
				continue
			}
			kept = append(kept, m)
		}
		c.marks = kept
	}
	if !ink.Empty() && len(c.marks) < maxDrawMarks {
		c.marks = append(c.marks, drawMark{d: did(d), ink: ink, start: c.lastStart, end: len(c.out)})
	}
	c.lastOp = 0 // one mark per request
}

// Withdrawn returns how many drawing requests MarkDrawn withdrew since
// the connection opened.
func (c *Conn) Withdrawn() int64 {
	c.outMu.Lock()
	defer c.outMu.Unlock()
	return c.withdrawnTotal
}

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// compactLocked replaces the withdrawn requests of the batch in c.out by
// NoOperation headers, before the batch is written. The caller holds
// outMu.
func (c *Conn) compactLocked() {
	c.marks = c.marks[:0]
	c.lastOp = 0
	c.withdrawLocked()
	if c.glyphRuns {
		c.glyphRuns = false
		c.out, c.mergeBuf = mergeGlyphRuns(c.mergeBuf[:0], c.out, min(protocol.MaxImageGlyph8Body, int(c.hello.MaxRequest))), c.out
	}
}

// withdrawLocked replaces the withdrawn requests by NoOperation headers.
func (c *Conn) withdrawLocked() {
	if len(c.withdrawn) == 0 {
		return
	}
	c.withdrawnTotal += int64(len(c.withdrawn))
	// Withdrawn ranges do not overlap; sort them by start (they were
	// appended in cover order, not buffer order).
	ws := c.withdrawn
	slices.SortFunc(ws, func(a, b [2]int) int { return a[0] - b[0] })
	out, w := c.out, 0
	prev := 0
	for _, r := range ws {
		w += copy(out[w:], out[prev:r[0]])
		w += copy(out[w:], noOperation[:])
		prev = r[1]
	}
	w += copy(out[w:], out[prev:])
	c.out = out[:w]
	c.withdrawn = c.withdrawn[:0]
}

// noOperation is a whole NoOperation request: its header, no body.
var noOperation = [protocol.HeaderSize]byte{byte(protocol.OpNoOperation)}

// glyphRun is an ImageGlyph8 being merged: the first request's header
// fields, the items so far, the requests it stands for and where the
// first one was.
type glyphRun struct {
	req        protocol.ImageGlyph8
	key        []byte // the first request's body up to its item count
	members    int
	start, end int // the first request, in the old buffer
	size       int // the merged body's size so far
}

// mergeGlyphRuns copies the requests of out to dst, merging each run of
// ImageGlyph8 requests with equal drawable, GC, set, colours and metrics,
// and the ClearAreas without exposures on that window and the
// NoOperations between them, into one ImageGlyph8 followed by a
// NoOperation for each request it absorbed, so that the sequence numbers
// stay. Positions inside the merged request are relative, so the lines
// of a screen, each the same step below the last, repeat on the wire.
func mergeGlyphRuns(dst, out []byte, maxBody int) []byte {
	var run *glyphRun
	closeRun := func() {
		if run == nil {
			return
		}
		merged, err := protocol.AppendRequest(dst, &run.req)
		if run.members == 1 || err != nil {
			// Nothing to merge, or (sizes are checked as items join, so
			// never) a merged request that does not encode: the
			// originals, which are contiguous.
			dst = append(dst, out[run.start:run.end]...)
		} else {
			dst = merged
			for range run.members - 1 {
				dst = append(dst, noOperation[:]...)
			}
		}
		run = nil
	}
	// fits reports whether add more body bytes keep the merged request
	// within maxBody, padding included.
	fits := func(add int) bool { return run.size+add+3 <= maxBody }
	for off := 0; off+protocol.HeaderSize <= len(out); {
		op := protocol.Opcode(out[off])
		n := int(out[off+1]) | int(out[off+2])<<8 | int(out[off+3])<<16
		body := out[off+protocol.HeaderSize : off+protocol.HeaderSize+n]
		end := off + protocol.HeaderSize + n
		joined := false
		switch {
		case op == protocol.OpImageGlyph8 && n >= 24:
			if run != nil && string(body[:22]) == string(run.key) && fits(n-24) {
				if r, err := protocol.DecodeRequest(op, body); err == nil {
					run.req.Items = append(run.req.Items, r.(*protocol.ImageGlyph8).Items...)
					run.members++
					run.size += n - 24
					run.end = end
					joined = true
				}
			}
			if !joined {
				closeRun()
				if r, err := protocol.DecodeRequest(op, body); err == nil {
					ig := r.(*protocol.ImageGlyph8)
					run = &glyphRun{req: *ig, key: body[:22], members: 1, start: off, end: end, size: n}
					run.req.Items = append([]protocol.GlyphItem(nil), ig.Items...)
					joined = true
				}
			}
		case op == protocol.OpClearArea && run != nil && n >= 4 && string(body[:4]) == string(run.key[:4]) && fits(10):
			if r, err := protocol.DecodeRequest(op, body); err == nil && !r.(*protocol.ClearArea).Exposures {
				ca := r.(*protocol.ClearArea)
				run.req.Items = append(run.req.Items, protocol.GlyphItem{Kind: protocol.GlyphItemClear, X: ca.X, Y: ca.Y, W: ca.W, H: ca.H})
				run.members++
				run.size += 10
				run.end = end
				joined = true
			}
		case op == protocol.OpNoOperation && run != nil:
			run.members++
			run.end = end
			joined = true
		}
		if !joined {
			closeRun()
			dst = append(dst, out[off:end]...)
		}
		off = end
	}
	closeRun()
	return dst
}
