package x11bridge

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jezek/xgb/xfixes"

	"github.com/xfar/xfar/internal/xsel"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// selBridge keeps the X server's CLIPBOARD and PRIMARY and the xfar
// display's in step, both ways. It has an X connection of its own (the
// selection machinery reads its events, the mirror reads the other's) and
// shares the mirror's xclient connection, whose reader answers the
// display's requests for content.
//
// When an X program takes a selection, the bridge offers the same types on
// the display: text fetched at once (short text then travels inline with
// the owner change, so a reader elsewhere needs no round trip), images
// fetched from X when someone asks. When a display client or a viewer
// takes a selection, the bridge takes it on the X server, and fetches the
// content from the display when an X program asks.
type selBridge struct {
	xs     *xsel.Sel
	c      *xclient.Conn
	log    *slog.Logger
	cancel context.CancelFunc
	done   chan struct{}

	mu sync.Mutex
	// gen counts owner changes per selection (on either side), so that a
	// slow push of an old owner's content never overwrites a newer one.
	gen [protocol.NumSelections]uint64
	// pushing says a worker is offering sel's X owner to the display; it
	// repeats while owners change under it, so a burst of changes (a
	// drag selecting in an X program) costs one worker, not one each.
	pushing [protocol.NumSelections]bool

	// owners is the display's stream of owner changes and busy says
	// fromDisplay is applying one: settle waits for both to drain.
	owners <-chan *protocol.SelectionOwnerEvent
	busy   atomic.Bool
}

// settle waits (at most a second) until every display owner change that
// arrived before now is applied on the X server. The display sends an
// owner change before the input that follows it (the web page puts the
// browser's clipboard on the display, then forwards Shift+Insert), but the
// two reach the bridge on different goroutines: without this, the X
// program could ask the previous owner for the paste.
func (b *selBridge) settle() {
	quiet := 0
	for end := time.Now().Add(time.Second); time.Now().Before(end); time.Sleep(time.Millisecond) {
		// Twice in a row, so that an event just taken off the channel but
		// not yet marked busy is not missed.
		if len(b.owners) == 0 && !b.busy.Load() {
			if quiet++; quiet == 2 {
				return
			}
			continue
		}
		quiet = 0
	}
}

func startSelections(xdisplay, xauth string, c *xclient.Conn, log *slog.Logger) (*selBridge, error) {
	x, err := DialX(xdisplay, xauth)
	if err != nil {
		return nil, fmt.Errorf("clipboard: %w", err)
	}
	if err := initExtension(x, "XFIXES", xfixes.Init); err != nil {
		x.Close()
		return nil, fmt.Errorf("clipboard: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := &selBridge{c: c, log: log, cancel: cancel, done: make(chan struct{})}
	b.xs, err = xsel.New(x, log, func(sel protocol.Selection, owned bool) {
		if owned {
			b.push(ctx, sel)
			return
		}
		b.mu.Lock()
		b.gen[sel]++
		b.mu.Unlock()
	})
	if err != nil {
		cancel()
		x.Close()
		return nil, fmt.Errorf("clipboard: %w", err)
	}
	ch, err := c.WatchSelections(protocol.AllSelectionsMask)
	if err != nil {
		cancel()
		x.Close()
		return nil, fmt.Errorf("clipboard: %w", err)
	}
	go func() {
		defer close(b.done)
		if err := b.xs.Run(ctx); err != nil {
			log.Info("clipboard stopped", "err", err)
		}
	}()
	b.owners = ch
	go b.fromDisplay(ctx, ch)
	return b, nil
}

func (b *selBridge) stop() {
	b.cancel()
	<-b.done
}

// push has sel's X owner offered on the display, by the selection's one
// worker.
func (b *selBridge) push(ctx context.Context, sel protocol.Selection) {
	b.mu.Lock()
	b.gen[sel]++
	if b.pushing[sel] {
		b.mu.Unlock()
		return
	}
	b.pushing[sel] = true
	b.mu.Unlock()
	go func() {
		for {
			b.mu.Lock()
			gen := b.gen[sel]
			b.mu.Unlock()
			if !b.xs.Owns(sel) { // owned for the display: nothing to push
				b.toDisplay(ctx, sel, gen)
			}
			b.mu.Lock()
			if b.gen[sel] == gen || ctx.Err() != nil {
				b.pushing[sel] = false
				b.mu.Unlock()
				return
			}
			b.mu.Unlock()
		}
	}()
}

// toDisplay offers what an X program just put on sel to the display.
func (b *selBridge) toDisplay(ctx context.Context, sel protocol.Selection, gen uint64) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	types, err := b.xs.Types(ctx, sel)
	if err != nil {
		b.log.Info("clipboard: X owner's types unknown", "selection", sel, "err", err)
		return
	}
	if len(types) == 0 {
		return // nothing xfar can carry (for example only application/x-foo)
	}
	content := map[string][]byte{}
	if slices.Contains(types, protocol.MimeText) {
		text, err := b.xs.Read(ctx, sel, protocol.MimeText)
		if err != nil {
			b.log.Info("clipboard: reading X text failed", "selection", sel, "err", err)
			return
		}
		content[protocol.MimeText] = text
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.gen[sel] != gen {
		return // a newer owner, on either side, since
	}
	fetch := func(ctx context.Context, typ string, w io.Writer) error {
		data, err := b.xs.Read(ctx, sel, typ)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
	if err := b.c.OfferSelection(sel, types, content, fetch); err != nil {
		b.log.Info("clipboard: offering to the display failed", "selection", sel, "err", err)
		return
	}
	b.log.Debug("clipboard: X selection offered to the display", "selection", sel, "types", types)
}

// fromDisplay follows the display's owner changes and takes the X
// selection for whoever owns the display's.
func (b *selBridge) fromDisplay(ctx context.Context, ch <-chan *protocol.SelectionOwnerEvent) {
	var seen [protocol.NumSelections]bool
	for e := range ch {
		b.busy.Store(true)
		b.fromDisplayOne(ctx, e, &seen)
		b.busy.Store(false)
		if ctx.Err() != nil {
			return
		}
	}
}

// fromDisplayOne applies one owner change from the display.
func (b *selBridge) fromDisplayOne(ctx context.Context, e *protocol.SelectionOwnerEvent, seen *[protocol.NumSelections]bool) {
	sel := e.Selection
	if sel >= protocol.NumSelections || e.Flags&protocol.OwnerYours != 0 {
		return // ours: an X program is the real owner
	}
	first := !seen[sel]
	seen[sel] = true
	if first && len(e.Types) == 0 && b.xs.OtherOwner(sel) {
		// Attached to an X server whose selection was set before the
		// bridge came, and the display has none: publish it.
		b.push(ctx, sel)
		return
	}
	var types []string
	for _, t := range e.Types {
		if t == protocol.MimeText || t == protocol.MimePNG {
			types = append(types, t)
		}
	}
	if len(types) == 0 {
		if b.xs.Owns(sel) {
			b.xs.Disown(sel)
		}
		return
	}
	fetch := func(ctx context.Context, typ string) ([]byte, error) {
		return b.c.ReadSelection(ctx, sel, typ)
	}
	// A push of an X program's older selection still on its way must
	// not undo this change.
	b.mu.Lock()
	b.gen[sel]++
	b.mu.Unlock()
	if err := b.xs.Own(sel, types, fetch); err != nil {
		b.log.Info("clipboard: taking the X selection failed", "selection", sel, "err", err)
	}
}
