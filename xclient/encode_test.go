package xclient

import (
	"context"
	"image"
	"image/color"
	"io"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/xfar/xfar/fonts"
	"github.com/xfar/xfar/protocol"
)

// TestRoundTripEveryRequest calls every request method the library has and
// checks, with protocol.DecodeRequest on the peer, that the server would
// read exactly the intended request, with sequence numbers 1, 2, 3, ...
func TestRoundTripEveryRequest(t *testing.T) {
	c, p := newPeer(t, serverHello(), true)
	root := c.Root()
	// IDs are allocated in order from IDBase, so the test can predict them.
	const id1, id2, id3 = 0x00200001, 0x00200002, 0x00200003
	win, pix, gc := Window(id1), Pixmap(id2), GC(id3)
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{0x11, 0x22, 0x33, 0xff})
	img.Set(1, 1, color.RGBA{0xff, 0x00, 0x80, 0xff})

	var openR io.ReadCloser // OpenSelection's, closed by the next case
	cases := []struct {
		name string
		call func() error
		want protocol.Request
	}{
		{"CreateWindow", func() error {
			w, err := c.CreateWindow(root, -5, 7, 200, 100, &WindowOptions{BorderWidth: 2, Border: 0xff0000,
				Background: 0x123456, EventMask: protocol.ExposureMask | protocol.KeyPressMask, OverrideRedirect: true, BackgroundNone: true})
			if w != win {
				t.Errorf("CreateWindow returned %#x, want %#x", w, win)
			}
			return err
		}, &protocol.CreateWindow{Window: id1, Parent: uint32(root), X: -5, Y: 7, Width: 200, Height: 100, BorderWidth: 2,
			Flags: protocol.OverrideRedirect | protocol.BackgroundNone, Background: 0x123456, BorderPixel: 0xff0000,
			EventMask: protocol.ExposureMask | protocol.KeyPressMask}},
		{"CreatePixmap", func() error {
			p, err := c.CreatePixmap(win, 30, 40)
			if p != pix {
				t.Errorf("CreatePixmap returned %#x, want %#x", p, pix)
			}
			return err
		}, &protocol.CreatePixmap{Pixmap: id2, Drawable: id1, Width: 30, Height: 40}},
		{"CreateGC", func() error {
			g, err := c.CreateGC(win, &GCValues{Mask: protocol.GCForeground | protocol.GCLineWidth | protocol.GCFont | protocol.GCFontSize | protocol.GCGraphicsExposures,
				Foreground: 0xffffff, LineWidth: 3, Font: fonts.Mono, FontSize: 20, GraphicsExposures: true})
			if g != gc {
				t.Errorf("CreateGC returned %#x, want %#x", g, gc)
			}
			return err
		}, &protocol.CreateGC{GC: id3, Drawable: id1, Values: protocol.GCValues{
			ValueMask:  protocol.GCForeground | protocol.GCLineWidth | protocol.GCFont | protocol.GCFontSize | protocol.GCGraphicsExposures,
			Foreground: 0xffffff, LineWidth: 3, Font: protocol.FontMono, FontSize: 20, GraphicsExposures: 1}}},
		{"ChangeGC", func() error {
			return c.ChangeGC(gc, GCValues{Mask: protocol.GCFunction | protocol.GCLineStyle | protocol.GCCapStyle | protocol.GCJoinStyle |
				protocol.GCFillRule | protocol.GCArcMode | protocol.GCBackground | protocol.GCClipOrigin | protocol.GCDashOffset | protocol.GCDashes | protocol.GCPlaneMask,
				Function: protocol.GXxor, LineStyle: protocol.LineOnOffDash, CapStyle: protocol.CapRound, JoinStyle: protocol.JoinBevel,
				FillRule: protocol.WindingRule, ArcMode: protocol.ArcChord, Background: 0x010203, ClipX: -3, ClipY: 4, DashOffset: 5, Dashes: 6, PlaneMask: 0xffffff})
		}, &protocol.ChangeGC{GC: id3, Values: protocol.GCValues{
			ValueMask: protocol.GCFunction | protocol.GCLineStyle | protocol.GCCapStyle | protocol.GCJoinStyle |
				protocol.GCFillRule | protocol.GCArcMode | protocol.GCBackground | protocol.GCClipOrigin | protocol.GCDashOffset | protocol.GCDashes | protocol.GCPlaneMask,
			Function: protocol.GXxor, LineStyle: protocol.LineOnOffDash, CapStyle: protocol.CapRound, JoinStyle: protocol.JoinBevel,
			FillRule: protocol.WindingRule, ArcMode: protocol.ArcChord, Background: 0x010203, ClipX: -3, ClipY: 4, DashOffset: 5, Dashes: 6, PlaneMask: 0xffffff}}},
		{"SetForeground", func() error { return c.SetForeground(gc, 0xabcdef) },
			&protocol.ChangeGC{GC: id3, Values: protocol.GCValues{ValueMask: protocol.GCForeground, Foreground: 0xabcdef}}},
		{"SetLineWidth", func() error { return c.SetLineWidth(gc, 7) },
			&protocol.ChangeGC{GC: id3, Values: protocol.GCValues{ValueMask: protocol.GCLineWidth, LineWidth: 7}}},
		{"SetFunction", func() error { return c.SetFunction(gc, protocol.GXcopy) },
			&protocol.ChangeGC{GC: id3, Values: protocol.GCValues{ValueMask: protocol.GCFunction, Function: protocol.GXcopy}}},
		{"SetFont", func() error { return c.SetFont(gc, fonts.Bold, 16) },
			&protocol.ChangeGC{GC: id3, Values: protocol.GCValues{ValueMask: protocol.GCFont | protocol.GCFontSize, Font: protocol.FontBold, FontSize: 16}}},
		{"SetClipRectangles", func() error {
			return c.SetClipRectangles(gc, 1, -2, []Rect{{X: 0, Y: 0, W: 5, H: 6}, {X: 10, Y: 10, W: 1, H: 1}})
		},
			&protocol.SetClipRectangles{GC: id3, X: 1, Y: -2, Rects: []protocol.Rect{{X: 0, Y: 0, W: 5, H: 6}, {X: 10, Y: 10, W: 1, H: 1}}}},
		{"ClearClip", func() error { return c.ClearClip(gc) },
			&protocol.ChangeGC{GC: id3, Values: protocol.GCValues{ValueMask: protocol.GCClipNone}}},
		{"SetDashes", func() error { return c.SetDashes(gc, 3, []uint8{4, 2, 1}) },
			&protocol.SetDashes{GC: id3, Offset: 3, Dashes: []uint8{4, 2, 1}}},
		{"SelectInput", func() error { return c.SelectInput(win, protocol.StructureNotifyMask) },
			&protocol.SelectInput{Window: id1, EventMask: protocol.StructureNotifyMask}},
		{"SetTitle", func() error { return c.SetTitle(win, "xdemo ✓") },
			&protocol.SetTitle{Window: id1, Title: "xdemo ✓"}},
		{"ChangeWindowAttributes", func() error {
			return c.ChangeWindowAttributes(win, WindowAttributes{Mask: protocol.CWBorderPix | protocol.CWFlags | protocol.CWEventMask,
				Border: 0x00ff00, OverrideRedirect: true, EventMask: protocol.ButtonPressMask})
		}, &protocol.ChangeWindowAttributes{Window: id1, ValueMask: protocol.CWBorderPix | protocol.CWFlags | protocol.CWEventMask,
			BorderPixel: 0x00ff00, Flags: uint32(protocol.OverrideRedirect), EventMask: protocol.ButtonPressMask}},
		{"SetBackground", func() error { return c.SetBackground(win, 0x445566) },
			&protocol.ChangeWindowAttributes{Window: id1, ValueMask: protocol.CWBackPixel, Background: 0x445566}},
		{"MapWindow", func() error { return c.MapWindow(win) }, &protocol.IDRequest{Op: protocol.OpMapWindow, ID: id1}},
		{"UnmapWindow", func() error { return c.UnmapWindow(win) }, &protocol.IDRequest{Op: protocol.OpUnmapWindow, ID: id1}},
		{"SetInputFocus", func() error { return c.SetInputFocus(win) }, &protocol.IDRequest{Op: protocol.OpSetInputFocus, ID: id1}},
		{"ConfigureWindow", func() error {
			return c.ConfigureWindow(win, WindowChanges{Mask: protocol.ConfigBorderWidth | protocol.ConfigSibling | protocol.ConfigStackMode,
				BorderWidth: 4, Sibling: 77, StackMode: protocol.StackBelow})
		}, &protocol.ConfigureWindow{Window: id1, ValueMask: protocol.ConfigBorderWidth | protocol.ConfigSibling | protocol.ConfigStackMode,
			BorderWidth: 4, Sibling: 77, StackMode: protocol.StackBelow}},
		{"MoveWindow", func() error { return c.MoveWindow(win, 10, -20) },
			&protocol.ConfigureWindow{Window: id1, ValueMask: protocol.ConfigX | protocol.ConfigY, X: 10, Y: -20}},
		{"ResizeWindow", func() error { return c.ResizeWindow(win, 300, 200) },
			&protocol.ConfigureWindow{Window: id1, ValueMask: protocol.ConfigWidth | protocol.ConfigHeight, Width: 300, Height: 200}},
		{"MoveResizeWindow", func() error { return c.MoveResizeWindow(win, 1, 2, 3, 4) },
			&protocol.ConfigureWindow{Window: id1, ValueMask: protocol.ConfigX | protocol.ConfigY | protocol.ConfigWidth | protocol.ConfigHeight, X: 1, Y: 2, Width: 3, Height: 4}},
		{"RaiseWindow", func() error { return c.RaiseWindow(win) },
			&protocol.ConfigureWindow{Window: id1, ValueMask: protocol.ConfigStackMode, StackMode: protocol.StackAbove}},
		{"LowerWindow", func() error { return c.LowerWindow(win) },
			&protocol.ConfigureWindow{Window: id1, ValueMask: protocol.ConfigStackMode, StackMode: protocol.StackBelow}},
		{"ClearArea", func() error { return c.ClearArea(win, 1, 2, 0, 4, true) },
			&protocol.ClearArea{Window: id1, X: 1, Y: 2, W: 0, H: 4, Exposures: true}},
		{"CopyArea", func() error { return c.CopyArea(pix, win, gc, 1, 2, 3, 4, 5, 6) },
			&protocol.CopyArea{Src: id2, Dst: id1, GC: id3, SrcX: 1, SrcY: 2, W: 3, H: 4, DstX: 5, DstY: 6}},
		{"DrawPoint", func() error { return c.DrawPoint(pix, gc, 3, -4) },
			&protocol.PolyPoint{Op: protocol.OpPolyPoint, Drawable: id2, GC: id3, Points: []protocol.Point{{X: 3, Y: -4}}}},
		{"DrawPoints", func() error {
			return c.DrawPoints(win, gc, []Point{{X: 1, Y: 1}, {X: 2, Y: 0}}, protocol.CoordModePrevious)
		},
			&protocol.PolyPoint{Op: protocol.OpPolyPoint, Drawable: id1, GC: id3, CoordMode: protocol.CoordModePrevious, Points: []protocol.Point{{X: 1, Y: 1}, {X: 2, Y: 0}}}},
		{"DrawLine", func() error { return c.DrawLine(win, gc, 10, 60, 180, 20) },
			&protocol.PolyPoint{Op: protocol.OpPolyLine, Drawable: id1, GC: id3, Points: []protocol.Point{{X: 10, Y: 60}, {X: 180, Y: 20}}}},
		{"DrawLines", func() error {
			return c.DrawLines(win, gc, []Point{{X: 0, Y: 0}, {X: 5, Y: 5}, {X: 9, Y: 0}}, protocol.CoordModeOrigin)
		},
			&protocol.PolyPoint{Op: protocol.OpPolyLine, Drawable: id1, GC: id3, Points: []protocol.Point{{X: 0, Y: 0}, {X: 5, Y: 5}, {X: 9, Y: 0}}}},
		{"DrawSegments", func() error { return c.DrawSegments(win, gc, []Segment{{X1: 1, Y1: 2, X2: 3, Y2: 4}}) },
			&protocol.PolySegment{Drawable: id1, GC: id3, Segments: []protocol.Segment{{X1: 1, Y1: 2, X2: 3, Y2: 4}}}},
		{"DrawRectangle", func() error { return c.DrawRectangle(win, gc, 1, 2, 30, 40) },
			&protocol.PolyRect{Op: protocol.OpPolyRectangle, Drawable: id1, GC: id3, Rects: []protocol.Rect{{X: 1, Y: 2, W: 30, H: 40}}}},
		{"DrawRectangles", func() error {
			return c.DrawRectangles(win, gc, []Rect{{X: 1, Y: 2, W: 3, H: 4}, {X: 5, Y: 6, W: 7, H: 8}})
		},
			&protocol.PolyRect{Op: protocol.OpPolyRectangle, Drawable: id1, GC: id3, Rects: []protocol.Rect{{X: 1, Y: 2, W: 3, H: 4}, {X: 5, Y: 6, W: 7, H: 8}}}},
		{"FillRectangle", func() error { return c.FillRectangle(win, gc, -1, -2, 3, 4) },
			&protocol.PolyRect{Op: protocol.OpPolyFillRectangle, Drawable: id1, GC: id3, Rects: []protocol.Rect{{X: -1, Y: -2, W: 3, H: 4}}}},
		{"FillRectangles", func() error { return c.FillRectangles(win, gc, []Rect{{X: 9, Y: 9, W: 1, H: 1}}) },
			&protocol.PolyRect{Op: protocol.OpPolyFillRectangle, Drawable: id1, GC: id3, Rects: []protocol.Rect{{X: 9, Y: 9, W: 1, H: 1}}}},
		{"FillPolygon", func() error {
			return c.FillPolygon(win, gc, []Point{{X: 0, Y: 0}, {X: 10, Y: 0}, {X: 5, Y: 8}}, protocol.ShapeConvex, protocol.CoordModeOrigin)
		}, &protocol.FillPoly{Drawable: id1, GC: id3, Shape: protocol.ShapeConvex, Points: []protocol.Point{{X: 0, Y: 0}, {X: 10, Y: 0}, {X: 5, Y: 8}}}},
		{"DrawArc", func() error { return c.DrawArc(win, gc, 1, 2, 30, 40, 0, 360*64) },
			&protocol.PolyArcs{Op: protocol.OpPolyArc, Drawable: id1, GC: id3, Arcs: []protocol.Arc{{X: 1, Y: 2, W: 30, H: 40, Angle1: 0, Angle2: 360 * 64}}}},
		{"DrawArcs", func() error {
			return c.DrawArcs(win, gc, []Arc{{X: 1, Y: 1, W: 2, H: 2, Angle1: 90 * 64, Angle2: -45 * 64}})
		},
			&protocol.PolyArcs{Op: protocol.OpPolyArc, Drawable: id1, GC: id3, Arcs: []protocol.Arc{{X: 1, Y: 1, W: 2, H: 2, Angle1: 90 * 64, Angle2: -45 * 64}}}},
		{"FillArc", func() error { return c.FillArc(win, gc, 5, 6, 7, 8, 64, 128) },
			&protocol.PolyArcs{Op: protocol.OpPolyFillArc, Drawable: id1, GC: id3, Arcs: []protocol.Arc{{X: 5, Y: 6, W: 7, H: 8, Angle1: 64, Angle2: 128}}}},
		{"FillArcs", func() error { return c.FillArcs(win, gc, []Arc{{X: 0, Y: 0, W: 9, H: 9, Angle2: 360 * 64}}) },
			&protocol.PolyArcs{Op: protocol.OpPolyFillArc, Drawable: id1, GC: id3, Arcs: []protocol.Arc{{X: 0, Y: 0, W: 9, H: 9, Angle2: 360 * 64}}}},
		{"DrawText", func() error { return c.DrawText(win, gc, 10, 20, "héllo") },
			&protocol.DrawText{Drawable: id1, GC: id3, X: 10, Y: 20, Text: "héllo"}},
		{"DrawImageText", func() error { return c.DrawImageText(win, gc, 10, 20, "image") },
			&protocol.DrawText{Drawable: id1, GC: id3, X: 10, Y: 20, Image: true, Text: "image"}},
		{"PutImage", func() error { return c.PutImage(win, gc, 4, 5, img) },
			&protocol.PutImage{Drawable: id1, GC: id3, X: 4, Y: 5, W: 2, H: 2, Format: protocol.FormatBGRX, Pix: []uint32{0x112233, 0, 0, 0xff0080}}},
		{"PutPixels", func() error { return c.PutPixels(pix, gc, 0, 0, 3, 1, []uint32{1, 2, 3}) },
			&protocol.PutImage{Drawable: id2, GC: id3, W: 3, H: 1, Pix: []uint32{1, 2, 3}}},
		{"GetImage", func() error { c.GetImageAsync(win, 1, 2, 3, 4); return nil },
			&protocol.GetImage{Drawable: id1, X: 1, Y: 2, W: 3, H: 4}},
		{"Sync", func() error { return c.Sync() }, &protocol.Sync{}},
		{"GetGeometry", func() error { _, err := c.GetGeometry(win); return err },
			&protocol.IDRequest{Op: protocol.OpGetGeometry, ID: id1}},
		{"QueryTree", func() error { _, err := c.QueryTree(win); return err },
			&protocol.IDRequest{Op: protocol.OpQueryTree, ID: id1}},
		{"QueryPointer", func() error { _, err := c.QueryPointer(win); return err },
			&protocol.IDRequest{Op: protocol.OpQueryPointer, ID: id1}},
		{"CreateWidgetTree", func() error {
			return c.CreateWidgetTree(win, []protocol.WidgetNode{{ID: 1, Kind: protocol.WidgetLabel, Text: "hi"}})
		}, &protocol.CreateWidgetTree{Window: id1, Nodes: []protocol.WidgetNode{{ID: 1, Kind: protocol.WidgetLabel, Text: "hi"}}}},
		{"UpdateWidget", func() error {
			return c.UpdateWidget(win, protocol.UpdateWidget{Widget: 1, Prop: protocol.PropText, Strings: []string{"yo"}})
		}, &protocol.UpdateWidget{Window: id1, Widget: 1, Prop: protocol.PropText, Strings: []string{"yo"}}},
		{"QueryWidget", func() error { c.QueryWidgetAsync(win, 1); return nil },
			&protocol.QueryWidget{Window: id1, Widget: 1}},
		{"SetSelection", func() error { return c.SetClipboardText("hi") },
			&protocol.SetSelection{Selection: protocol.Clipboard, Serial: 1, Offers: []protocol.Offer{{Type: protocol.MimeText, Inline: true, Data: []byte("hi")}}}},
		{"SelectSelectionInput", func() error { _, err := c.WatchSelections(protocol.AllSelectionsMask); return err },
			&protocol.SelectSelectionInput{Mask: protocol.AllSelectionsMask}},
		{"OpenSelection", func() error {
			// The server's first chunk answers it; the rest never comes.
			before := c.LastSequence()
			done := make(chan error, 1)
			go func() {
				var err error
				openR, err = c.OpenSelection(context.Background(), protocol.Primary, protocol.MimePNG)
				done <- err
			}()
			waitSeq(t, c, before+1)
			p.send(protocol.AppendSelectionDataEvent(nil, &protocol.SelectionDataEvent{Status: protocol.DataMore, Transfer: 1, Data: []byte("png")}))
			return <-done
		}, &protocol.ConvertSelection{Selection: protocol.Primary, Transfer: 1, Type: protocol.MimePNG}},
		{"CancelConvert", func() error { return openR.Close() }, &protocol.CancelConvert{Transfer: 1}},
		{"PutSelectionData", func() error {
			// The server asks for the CLIPBOARD text offered above.
			before := c.LastSequence()
			p.send(protocol.AppendSelectionRequestEvent(nil, &protocol.SelectionRequestEvent{Selection: protocol.Clipboard,
				Transfer: 9, Serial: 1, Type: protocol.MimeText}))
			waitSeq(t, c, before+1)
			return nil
		}, &protocol.PutSelectionData{Transfer: 9, Status: protocol.DataLast, Data: []byte("hi")}},
		{"SetWMHints", func() error {
			return c.SetWMHints(win, WMHints{Positioned: true, MinSize: image.Pt(50, 40), ResizeInc: image.Pt(6, 13),
				TransientFor: root, NoDecorations: true, Type: protocol.WindowTypeDialog})
		}, &protocol.SetWMHints{Window: id1, Flags: protocol.HintPPosition | protocol.HintMinSize | protocol.HintResizeInc |
			protocol.HintTransient | protocol.HintNoDecorations, TransientFor: uint32(root), MinW: 50, MinH: 40, IncW: 6, IncH: 13,
			Type: protocol.WindowTypeDialog}},
		{"SetWindowState", func() error { return c.SetWindowState(win, protocol.StateToggle, protocol.StateFullscreen) },
			&protocol.SetWindowState{Window: id1, Action: protocol.StateToggle, States: protocol.StateFullscreen}},
		{"SetShape", func() error { return c.SetShape(win, []image.Rectangle{image.Rect(1, 2, 4, 6)}) },
			&protocol.SetShape{Window: id1, Shaped: true, Rects: []protocol.Rect{{X: 1, Y: 2, W: 3, H: 4}}}},
		{"SetCursor", func() error { return c.SetCursorName(win, "text") },
			&protocol.SetCursor{Window: id1, Kind: protocol.CursorNamed, Name: "text"}},
		{"SetCursor image", func() error {
			return c.SetCursorImage(win, image.Pt(1, 2), image.Pt(0, 1), []uint32{0xff000000, 0x80ffffff})
		}, &protocol.SetCursor{Window: id1, Kind: protocol.CursorImage, Width: 1, Height: 2, HotY: 1, Pix: []uint32{0xff000000, 0x80ffffff}}},
		{"BeginMoveResize", func() error { return c.BeginMoveResize(win, protocol.MoveResizeMove, 1) },
			&protocol.BeginMoveResize{Window: id1, Direction: protocol.MoveResizeMove, Button: 1}},
		{"WarpPointer", func() error { return c.WarpPointer(win, -3, 40) },
			&protocol.WarpPointer{Window: id1, X: -3, Y: 40}},
		{"CreateGlyphSet", func() error {
			s, err := c.CreateGlyphSet()
			if s != 0x00200004 {
				t.Errorf("CreateGlyphSet returned %#x, want %#x", s, 0x00200004)
			}
			return err
		}, &protocol.GlyphSetID{Op: protocol.OpCreateGlyphSet, Set: 0x00200004}},
		{"AddGlyphs", func() error {
			return c.AddGlyphs(0x00200004, []Glyph{{Code: 7, W: 3, H: 2, X: -1, Y: -2, Advance: 4, Bits: []byte{0xa0, 0x40}}})
		}, &protocol.AddGlyphs{Set: 0x00200004, Glyphs: []protocol.Glyph{{Code: 7, W: 3, H: 2, X: -1, Y: -2, Advance: 4, Bits: []byte{0xa0, 0x40}}}}},
		{"PolyGlyph", func() error { return c.PolyGlyph(pix, gc, 0x00200004, -2, 9, []uint16{7, 7, 1}) },
			&protocol.PolyGlyph{Drawable: id2, GC: id3, Set: 0x00200004, X: -2, Y: 9, Codes: []uint16{7, 7, 1}}},
		{"ImageGlyph8", func() error {
			return c.ImageGlyph8(win, gc, 0x00200004, 3, -4, 0x12345678, 0xabcdef, 11, 2, []byte("hi!"))
		}, &protocol.ImageGlyph8{Drawable: id1, GC: id3, Set: 0x00200004, Foreground: 0x345678, Background: 0xabcdef,
			Ascent: 11, Descent: 2, Items: []protocol.GlyphItem{{Kind: protocol.GlyphItemText, X: 3, Y: -4, Codes: []byte("hi!")}}}},
		{"FreeGlyphSet", func() error { return c.FreeGlyphSet(0x00200004) },
			&protocol.GlyphSetID{Op: protocol.OpFreeGlyphSet, Set: 0x00200004}},
		{"FreeGC", func() error { return c.FreeGC(gc) }, &protocol.IDRequest{Op: protocol.OpFreeGC, ID: id3}},
		{"FreePixmap", func() error { return c.FreePixmap(pix) }, &protocol.IDRequest{Op: protocol.OpFreePixmap, ID: id2}},
		{"DestroyWindow", func() error { return c.DestroyWindow(win) }, &protocol.IDRequest{Op: protocol.OpDestroyWindow, ID: id1}},
	}
	seen := map[protocol.Opcode]bool{}
	for i, tc := range cases {
		if err := tc.call(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if err := c.Flush(); err != nil {
			t.Fatalf("%s: flush: %v", tc.name, err)
		}
		g := p.next()
		if g.seq != uint32(i+1) || c.LastSequence() != uint32(i+1) {
			t.Errorf("%s: peer counted sequence %d, client %d, want %d", tc.name, g.seq, c.LastSequence(), i+1)
		}
		if g.op != tc.want.Opcode() {
			t.Fatalf("%s: sent %v, want %v", tc.name, g.op, tc.want.Opcode())
		}
		if !reflect.DeepEqual(g.req, tc.want) {
			t.Errorf("%s: server decodes\n%#v\nwant\n%#v", tc.name, g.req, tc.want)
		}
		seen[g.op] = true
	}
	// Every opcode the protocol defines is emitted by some method;
	// NoOperation only stands in for a withdrawn request
	// (TestOverdrawWithdraws).
	seen[protocol.OpNoOperation] = true
	for op := protocol.Opcode(0); op < 255; op++ {
		if op.String() != "Opcode("+strconv.Itoa(int(op))+")" && !seen[op] {
			t.Errorf("no method emits %v", op)
		}
	}
}

// TestArgumentRanges checks that out-of-range arguments are refused
// locally instead of being truncated into a different request.
func TestArgumentRanges(t *testing.T) {
	c, p := newPeer(t, serverHello(), false)
	root := c.Root()
	bad := map[string]error{}
	_, bad["window width 0"] = c.CreateWindow(root, 0, 0, 0, 10, nil)
	_, bad["window x 40000"] = c.CreateWindow(root, 40000, 0, 10, 10, nil)
	_, bad["pixmap too big"] = c.CreatePixmap(root, protocol.MaxDimension+1, 1)
	bad["line x -40000"] = c.DrawLine(root, 1, -40000, 0, 0, 0)
	bad["rect width -1"] = c.FillRectangle(root, 1, 0, 0, -1, 1)
	bad["title not UTF-8"] = c.SetTitle(root, "\xff")
	bad["text too long"] = c.DrawText(root, 1, 0, 0, string(make([]byte, protocol.MaxText+1)))
	bad["no dashes"] = c.SetDashes(1, 0, nil)
	bad["pixel count"] = c.PutPixels(root, 1, 0, 0, 2, 2, []uint32{1})
	_, bad["get image 0x0"] = c.GetImage(root, 0, 0, 0, 0)
	for what, err := range bad {
		if err == nil {
			t.Errorf("%s: accepted", what)
		}
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	p.none("after refused calls")
	if s := c.LastSequence(); s != 0 {
		t.Errorf("refused calls used sequence numbers: last is %d", s)
	}
}

// waitSeq waits until c has sent request number seq.
func waitSeq(t *testing.T, c *Conn, seq uint32) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); c.LastSequence() < seq; time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("request %d never sent (last %d)", seq, c.LastSequence())
		}
	}
}
