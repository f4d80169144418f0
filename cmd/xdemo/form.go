package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
	"github.com/xfar/xfar/xclient/ui"
)

// The form demo's layout and drawing.
const (
	formFieldWidth   = 220
	formListRows     = 4
	formCanvasWidth  = 320
	formCanvasHeight = 90
	// formMaxEntries bounds the list; further adds are refused (logged).
	formMaxEntries = 1000
	barWidth       = 8
	barGap         = 3
)

// formBarColors colour the canvas's bars in turn.
var formBarColors = []uint32{0xbf616a, 0xd08770, 0xebcb8b, 0xa3be8c, 0xb48ead, 0x88c0d0}

// checkDemoArgs validates --demo and --split before connecting.
func checkDemoArgs(demo, split string) error {
	switch demo {
	case "seed", "form":
	default:
		return fmt.Errorf("unknown demo %q: want seed or form", demo)
	}
	if _, err := ui.ParseSplit(split); err != nil {
		return err
	}
	return nil
}

// form is the form demo: a text field, a button that adds its text to a
// list, a label counting the entries and a canvas charting their lengths.
// It is written once against package ui; the split decides where its
// user interface runs.
type form struct {
	log     *slog.Logger
	win     *ui.Window
	field   *ui.TextField
	add     *ui.Button
	count   *ui.Label
	list    *ui.List
	chart   *ui.Canvas
	entries []string
}

// formState is what the demo prints when it ends, so that a test can
// compare the application's state across splits.
type formState struct {
	Split    string   `json:"split"`
	Entries  []string `json:"entries"`
	Count    string   `json:"count"`
	Field    string   `json:"field"`
	Selected int      `json:"selected"`
	Scroll   int      `json:"scroll"`
}

// runForm runs the form demo on c until its window is closed or ctx ends,
// then prints its state as one "form state" JSON line on stdout.
func runForm(ctx context.Context, c *xclient.Conn, splitName string, log *slog.Logger, stdout io.Writer) int {
	split, err := ui.ParseSplit(splitName)
	if err != nil {
		log.Error("split", "err", err)
		return 2
	}
	f := &form{log: log}
	f.field = ui.NewTextField("", formFieldWidth).Expand()
	f.add = ui.NewButton("Add").Carries(f.field)
	f.count = ui.NewLabel("0 entries").MinSize(formCanvasWidth, 0)
	f.list = ui.NewList(0, ui.ListHeight(formListRows))
	f.chart = ui.NewCanvas(formCanvasWidth, formCanvasHeight)
	root := ui.Column(ui.Row(f.field, f.add), f.count, f.list, f.chart)
	if err := f.drawChart(); err != nil {
		log.Error("draw chart", "err", err)
		return 1
	}
	f.win, err = ui.Open(c, root, ui.Options{Title: "xdemo form", Split: split})
	if err != nil {
		log.Error("open form", "err", err)
		return 1
	}
	log.Info("form open", "split", split, "window", f.win.XWindow())
	code := f.loop(ctx)
	if err := f.printState(stdout, split); err != nil {
		log.Error("read state", "err", err)
		code = 1
	}
	if err := f.win.Close(); err != nil && code == 0 {
		log.Error("close", "err", err)
		code = 1
	}
	if err := c.Close(); err != nil && code == 0 {
		log.Error("close", "err", err)
		code = 1
	}
	return code
}

// loop handles the form's events until it should end.
func (f *form) loop(ctx context.Context) int {
	for {
		ev, err := f.win.Next(ctx)
		if err != nil {
			var perr *protocol.Error
			switch {
			case errors.As(err, &perr):
				f.log.Error("request failed", "err", perr)
				return 1
			case ctx.Err() != nil:
				f.log.Info("signalled, closing")
				return 0
			default:
				f.log.Error("connection lost", "err", err)
				return 1
			}
		}
		switch {
		case ev.Kind == ui.Closed:
			f.log.Info("close requested, closing")
			return 0
		case ev.Kind == ui.Clicked && ev.Widget == ui.Widget(f.add),
			ev.Kind == ui.Submitted && ev.Widget == ui.Widget(f.field):
			if err := f.addEntry(ev.Value); err != nil {
				f.log.Error("add entry", "err", err)
				return 1
			}
		case ev.Kind == ui.Selected:
			f.log.Info("entry selected", "index", ev.Index, "entry", ev.Value)
		}
	}
}

// addEntry adds text to the list, clears the field and updates the count
// and the chart.
func (f *form) addEntry(text string) error {
	if text == "" {
		f.log.Info("nothing to add")
		return nil
	}
	if len(f.entries) >= formMaxEntries {
		f.log.Warn("list full, entry dropped", "limit", formMaxEntries)
		return nil
	}
	f.entries = append(f.entries, text)
	if err := f.list.Append(text); err != nil {
		return err
	}
	if err := f.field.SetText(""); err != nil {
		return err
	}
	if err := f.count.SetText(countText(len(f.entries))); err != nil {
		return err
	}
	if err := f.drawChart(); err != nil {
		return err
	}
	f.log.Info("entry added", "entries", len(f.entries), "entry", text)
	return nil
}

func countText(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}

// drawChart charts the entries' lengths as bars, newest on the right.
func (f *form) drawChart() error {
	w, h := formCanvasWidth-2, formCanvasHeight-2
	ops := []protocol.CanvasOp{
		ui.Text(4, 14, 0x4c566a, "entry lengths"),
		ui.Fill(0, h-6, w, 1, 0x4c566a),
	}
	fit := (w - 8) / (barWidth + barGap)
	first := max(0, len(f.entries)-fit)
	for i, e := range f.entries[first:] {
		bh := min(len(e)*3, h-26)
		x := 4 + i*(barWidth+barGap)
		ops = append(ops, ui.Fill(x, h-6-bh, barWidth, bh, formBarColors[(first+i)%len(formBarColors)]))
	}
	return f.chart.Draw(ops...)
}

// printState prints the application's state: the entries it keeps, and
// what the widgets hold (asked of the server in the widgets split).
func (f *form) printState(w io.Writer, split ui.Split) error {
	field, err := f.field.Text()
	if err != nil {
		return err
	}
	sel, scroll, err := f.list.State()
	if err != nil {
		return err
	}
	st := formState{Split: split.String(), Entries: f.entries, Count: f.count.Text(), Field: field,
		Selected: sel, Scroll: scroll}
	if st.Entries == nil {
		st.Entries = []string{}
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "form state %s\n", b)
	return err
}
