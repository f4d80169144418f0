package protocol_test

import (
	"github.com/xfar/xfar/protocol"
)

// Fixtures shared by the round-trip tests, the fuzz seed corpora and the
// benchmarks: one valid value of every request and server message, with
// every field set to something other than its zero value where the layout
// allows, so that a field dropped or swapped by an encoder or decoder shows.

const (
	fxWin    = 0x00200001
	fxPixmap = 0x00200002
	fxGC     = 0x00200003
	fxChild  = 0x00200004
	fxGlyphs = 0x00200005
)

// allGCValues sets every GC field, so that each byte of the 36-byte layout
// is exercised.
var allGCValues = protocol.GCValues{
	ValueMask: protocol.GCFunction | protocol.GCPlaneMask | protocol.GCForeground | protocol.GCBackground |
		protocol.GCLineWidth | protocol.GCLineStyle | protocol.GCCapStyle | protocol.GCJoinStyle |
		protocol.GCFillRule | protocol.GCFont | protocol.GCFontSize | protocol.GCGraphicsExposures |
		protocol.GCClipOrigin | protocol.GCClipNone | protocol.GCDashOffset | protocol.GCDashes | protocol.GCArcMode,
	Function: protocol.GXxor, LineStyle: protocol.LineDoubleDash, CapStyle: protocol.CapProjecting,
	JoinStyle: protocol.JoinBevel, FillRule: protocol.WindingRule, ArcMode: protocol.ArcChord,
	Font: protocol.FontMonoBold, GraphicsExposures: 1, Foreground: 0x112233, Background: 0x445566,
	LineWidth: 7, FontSize: 20, DashOffset: 3, Dashes: 5, ClipX: -4, ClipY: 9, PlaneMask: 0x00ffffff,
}

// requestFixture is one request with the name the tests report it by.
type requestFixture struct {
	name string
	req  protocol.Request
}

// requestFixtures returns one valid request of every opcode (and a few
// variants), freshly allocated so a test may keep or modify them.
func requestFixtures() []requestFixture {
	pix := make([]uint32, 3*2)
	for i := range pix {
		pix[i] = uint32(0x010203 * (i + 1))
	}
	return []requestFixture{
		{"CreateWindow", &protocol.CreateWindow{Window: fxWin, Parent: 1, X: -5, Y: 7, Width: 200, Height: 100,
			BorderWidth: 2, Flags: protocol.OverrideRedirect | protocol.BackgroundNone, Background: 0x123456,
			BorderPixel: 0xff0000, EventMask: protocol.ExposureMask | protocol.KeyPressMask}},
		{"ChangeWindowAttributes", &protocol.ChangeWindowAttributes{Window: fxWin,
			ValueMask:  protocol.CWBackPixel | protocol.CWBorderPix | protocol.CWFlags | protocol.CWEventMask,
			Background: 0x010203, BorderPixel: 0x040506, Flags: uint32(protocol.OverrideRedirect), EventMask: protocol.AllEventsMask}},
		{"DestroyWindow", &protocol.IDRequest{Op: protocol.OpDestroyWindow, ID: fxWin}},
		{"MapWindow", &protocol.IDRequest{Op: protocol.OpMapWindow, ID: fxWin}},
		{"UnmapWindow", &protocol.IDRequest{Op: protocol.OpUnmapWindow, ID: fxWin}},
		{"ConfigureWindow", &protocol.ConfigureWindow{Window: fxWin, ValueMask: protocol.ConfigX | protocol.ConfigY |
			protocol.ConfigWidth | protocol.ConfigHeight | protocol.ConfigBorderWidth | protocol.ConfigSibling | protocol.ConfigStackMode,
			StackMode: protocol.StackBelow, X: -10, Y: 20, Width: 300, Height: 150, BorderWidth: 1, Sibling: fxChild}},
		{"SetTitle", &protocol.SetTitle{Window: fxWin, Title: "héllo, wörld ✓"}},
		{"SetTitleEmpty", &protocol.SetTitle{Window: fxWin, Title: ""}},
		{"SelectInput", &protocol.SelectInput{Window: 1, EventMask: protocol.StructureNotifyMask | protocol.SubstructureNotifyMsk}},
		{"SetInputFocus", &protocol.IDRequest{Op: protocol.OpSetInputFocus, ID: fxWin}},
		{"CreateGC", &protocol.CreateGC{GC: fxGC, Drawable: fxWin, Values: allGCValues}},
		{"ChangeGC", &protocol.ChangeGC{GC: fxGC, Values: allGCValues}},
		{"FreeGC", &protocol.IDRequest{Op: protocol.OpFreeGC, ID: fxGC}},
		{"SetClipRectangles", &protocol.SetClipRectangles{GC: fxGC, X: 1, Y: -2,
			Rects: []protocol.Rect{{X: 0, Y: 0, W: 5, H: 6}, {X: -10, Y: 10, W: 1, H: 65535}}}},
		{"SetDashes", &protocol.SetDashes{GC: fxGC, Offset: 2, Dashes: []uint8{1, 2, 3}}},
		{"CreatePixmap", &protocol.CreatePixmap{Pixmap: fxPixmap, Drawable: fxWin, Width: 30, Height: 40}},
		{"FreePixmap", &protocol.IDRequest{Op: protocol.OpFreePixmap, ID: fxPixmap}},
		{"ClearArea", &protocol.ClearArea{Window: fxWin, X: 3, Y: -4, W: 0, H: 9, Exposures: true}},
		{"CopyArea", &protocol.CopyArea{Src: fxPixmap, Dst: fxWin, GC: fxGC, SrcX: 1, SrcY: -2, DstX: -3, DstY: 4, W: 5, H: 6}},
		{"PolyPoint", &protocol.PolyPoint{Op: protocol.OpPolyPoint, Drawable: fxWin, GC: fxGC,
			CoordMode: protocol.CoordModeOrigin, Points: []protocol.Point{{1, 2}, {-3, 4}}}},
		{"PolyLine", &protocol.PolyPoint{Op: protocol.OpPolyLine, Drawable: fxWin, GC: fxGC,
			CoordMode: protocol.CoordModePrevious, Points: []protocol.Point{{10, 10}, {5, -5}, {0, 32767}}}},
		{"PolySegment", &protocol.PolySegment{Drawable: fxWin, GC: fxGC,
			Segments: []protocol.Segment{{1, 2, 3, 4}, {-5, -6, 7, -32768}}}},
		{"PolyRectangle", &protocol.PolyRect{Op: protocol.OpPolyRectangle, Drawable: fxWin, GC: fxGC,
			Rects: []protocol.Rect{{X: 1, Y: 2, W: 3, H: 4}}}},
		{"PolyFillRectangle", &protocol.PolyRect{Op: protocol.OpPolyFillRectangle, Drawable: fxPixmap, GC: fxGC,
			Rects: []protocol.Rect{{X: 1, Y: 2, W: 3, H: 4}, {X: -1, Y: -2, W: 30, H: 40}}}},
		{"FillPoly", &protocol.FillPoly{Drawable: fxWin, GC: fxGC, Shape: protocol.ShapeConvex,
			CoordMode: protocol.CoordModePrevious, Points: []protocol.Point{{0, 0}, {10, 0}, {0, 10}}}},
		{"PolyArc", &protocol.PolyArcs{Op: protocol.OpPolyArc, Drawable: fxWin, GC: fxGC,
			Arcs: []protocol.Arc{{X: 1, Y: 2, W: 30, H: 40, Angle1: 0, Angle2: 360 * 64}}}},
		{"PolyFillArc", &protocol.PolyArcs{Op: protocol.OpPolyFillArc, Drawable: fxWin, GC: fxGC,
			Arcs: []protocol.Arc{{X: -1, Y: -2, W: 3, H: 4, Angle1: 90 * 64, Angle2: -45 * 64}, {X: 5, Y: 6, W: 7, H: 8, Angle1: 1, Angle2: 2}}}},
		{"PutImage", &protocol.PutImage{Drawable: fxWin, GC: fxGC, X: -1, Y: 2, W: 3, H: 2, Format: protocol.FormatBGRX, Pix: pix}},
		{"PutImage palette", &protocol.PutImage{Drawable: fxWin, GC: fxGC, X: -1, Y: 2, W: 3, H: 2, Format: protocol.FormatPalette, Pix: pix}},
		{"PutImage filtered", &protocol.PutImage{Drawable: fxWin, GC: fxGC, X: -1, Y: 2, W: 3, H: 2, Format: protocol.FormatFiltered, Pix: pix}},
		{"GetImage", &protocol.GetImage{Drawable: fxWin, X: 1, Y: -2, W: 30, H: 40}},
		{"DrawText", &protocol.DrawText{Drawable: fxWin, GC: fxGC, X: 10, Y: 20, Text: "Hello, 世界"}},
		{"DrawImageText", &protocol.DrawText{Drawable: fxWin, GC: fxGC, X: -10, Y: 20, Image: true, Text: "x"}},
		{"Sync", &protocol.Sync{}},
		{"GetGeometry", &protocol.IDRequest{Op: protocol.OpGetGeometry, ID: fxPixmap}},
		{"QueryTree", &protocol.IDRequest{Op: protocol.OpQueryTree, ID: 1}},
		{"QueryPointer", &protocol.IDRequest{Op: protocol.OpQueryPointer, ID: fxWin}},
		{"CreateWidgetTree", fxWidgetTree()},
		{"UpdateWidget", fxUpdateWidget()},
		{"QueryWidget", &protocol.QueryWidget{Window: fxWin, Widget: 3}},
		{"SetSelection", &protocol.SetSelection{Selection: protocol.Primary, Serial: 7, Offers: []protocol.Offer{
			{Type: protocol.MimeText, Inline: true, Data: []byte("héllo ✓")}, {Type: protocol.MimePNG}}}},
		{"SetSelectionNone", &protocol.SetSelection{Selection: protocol.Clipboard}},
		{"ConvertSelection", &protocol.ConvertSelection{Selection: protocol.Primary, Transfer: 9, Type: protocol.MimePNG}},
		{"PutSelectionData", &protocol.PutSelectionData{Transfer: 11, Status: protocol.DataLast, Data: []byte("chunk ✓")}},
		{"SelectSelectionInput", &protocol.SelectSelectionInput{Mask: protocol.AllSelectionsMask}},
		{"CancelConvert", &protocol.CancelConvert{Transfer: 12}},
		{"SetWMHints", &protocol.SetWMHints{Window: fxWin, Flags: protocol.HintPPosition | protocol.HintMinSize | protocol.HintTransient,
			TransientFor: fxWin + 1, MinW: 100, MinH: 50, MaxW: 800, MaxH: 600, IncW: 6, IncH: 13, BaseW: 4, BaseH: 4, Type: protocol.WindowTypeDialog}},
		{"SetWindowState", &protocol.SetWindowState{Window: fxWin, Action: protocol.StateAdd, States: protocol.StateMaximized}},
		{"SetShape", &protocol.SetShape{Window: fxWin, Shaped: true, Rects: []protocol.Rect{{X: 1, Y: 2, W: 3, H: 4}, {X: -1, Y: 0, W: 10, H: 1}}}},
		{"SetShape unshaped", &protocol.SetShape{Window: fxWin}},
		{"SetCursor named", &protocol.SetCursor{Window: fxWin, Kind: protocol.CursorNamed, Name: "text"}},
		{"SetCursor image", &protocol.SetCursor{Window: fxWin, Kind: protocol.CursorImage, HotX: 1, HotY: 0, Width: 2, Height: 2,
			Pix: []uint32{0xff000000, 0x00ffffff, 0x80808080, 0xffffffff}}},
		{"BeginMoveResize", &protocol.BeginMoveResize{Window: fxWin, Direction: protocol.MoveResizeBottomRight, Button: 1}},
		{"WarpPointer", &protocol.WarpPointer{Window: fxWin, X: -5, Y: 300}},
		{"CreateGlyphSet", &protocol.GlyphSetID{Op: protocol.OpCreateGlyphSet, Set: fxGlyphs}},
		{"FreeGlyphSet", &protocol.GlyphSetID{Op: protocol.OpFreeGlyphSet, Set: fxGlyphs}},
		{"AddGlyphs", &protocol.AddGlyphs{Set: fxGlyphs, Glyphs: []protocol.Glyph{
			{Code: 65, W: 6, H: 3, X: -1, Y: -11, Advance: 6, Bits: []byte{0x80, 0x40, 0x20}},
			{Code: 300, W: 9, H: 2, X: 2, Y: -2, Advance: 10, Bits: []byte{0xff, 0x80, 0x01, 0x00}}}}},
		{"PolyGlyph", &protocol.PolyGlyph{Drawable: fxWin, GC: fxGC, Set: fxGlyphs, X: -3, Y: 40, Codes: []uint16{65, 300, 7}}},
		{"PolyGlyph even", &protocol.PolyGlyph{Drawable: fxPixmap, GC: fxGC, Set: fxGlyphs, X: 3, Y: 4, Codes: []uint16{1, 2}}},
		{"NoOperation", &protocol.NoOperation{}},
		{"ImageGlyph8", &protocol.ImageGlyph8{Drawable: fxWin, GC: fxGC, Set: fxGlyphs,
			Foreground: 0xff8000, Background: 0x102030, Ascent: 11, Descent: 2, Items: []protocol.GlyphItem{
				{Kind: protocol.GlyphItemText, X: -3, Y: 40, Codes: []byte("hello")},
				{Kind: protocol.GlyphItemClear, X: 27, Y: 29, W: 6, H: 13},
				{Kind: protocol.GlyphItemText, X: -3, Y: 53, Codes: []byte{0, 255}}}}},
		{"ImageGlyph8 unpadded", &protocol.ImageGlyph8{Drawable: fxPixmap, GC: fxGC, Set: fxGlyphs, Items: []protocol.GlyphItem{
			{Kind: protocol.GlyphItemText, X: 3, Y: 4, Codes: []byte{1, 2}}}}},
	}
}

// allOpcodes lists every opcode the protocol defines.
var allOpcodes = protocol.Opcodes()

// allEventCodes lists every event the server sends in the common 40-byte
// layout; the selection events have their own (selection_test.go).
var allEventCodes = func() []protocol.EventCode {
	var cs []protocol.EventCode
	for _, c := range protocol.EventCodes() {
		if !protocol.IsSelectionEvent(c) {
			cs = append(cs, c)
		}
	}
	return cs
}()

// fullEvent returns an event of the given code with every field set.
func fullEvent(code protocol.EventCode, text string) *protocol.Event {
	return &protocol.Event{Code: code, Detail: 3, State: protocol.ShiftMask | protocol.Button1Mask,
		Seq: 0x01020304, Time: 0xa0b0c0d0, Window: fxWin, Child: fxChild, X: -7, Y: 8, RootX: 100, RootY: -200,
		Width: 640, Height: 480, Keysym: protocol.KeysymForRune('é'), Count: 2, BorderWidth: 1, Text: text}
}

// errorFixtures covers every error code, with and without a message.
func errorFixtures() []*protocol.Error {
	codes := []protocol.ErrorCode{protocol.BadRequest, protocol.BadValue, protocol.BadWindow, protocol.BadPixmap,
		protocol.BadMatch, protocol.BadDrawable, protocol.BadAccess, protocol.BadAlloc, protocol.BadGC,
		protocol.BadIDChoice, protocol.BadLength, protocol.BadImplementation}
	var out []*protocol.Error
	for i, c := range codes {
		msg := ""
		if i%2 == 0 {
			msg = "no window 0x200001 — ünïcode"
		}
		out = append(out, &protocol.Error{Seq: uint32(1000 + i), Code: c, Op: allOpcodes[i], BadValue: 0x00200000 + uint32(i), Message: msg})
	}
	return out
}
