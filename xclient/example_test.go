package xclient_test

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"log"

	"github.com/xfar/xfar/fonts"
	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// The seed's Xlib example: open the display named by XFAR_DISPLAY, create
// a 200x100 black window, ask for StructureNotify, map it, make a white
// GC, wait for MapNotify and draw a line. Nothing here waits for the
// network except the wait for MapNotify.
func Example() {
	c, err := xclient.Dial("") // "" means $XFAR_DISPLAY
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	const black, white = 0x000000, 0xffffff
	w, err := c.CreateWindow(c.Root(), 0, 0, 200, 100, &xclient.WindowOptions{Background: black})
	if err != nil {
		log.Fatal(err)
	}
	c.SelectInput(w, protocol.StructureNotifyMask)
	c.MapWindow(w)
	gc, _ := c.CreateGC(w, &xclient.GCValues{Mask: protocol.GCForeground, Foreground: white})

	for { // wait for the MapNotify event (NextEvent flushes first)
		ev, err := c.NextEvent(context.Background())
		if err != nil {
			log.Fatal(err)
		}
		if ev.Code == protocol.MapNotify {
			break
		}
	}
	c.DrawLine(w, gc, 10, 60, 180, 20)
	c.Flush()

	// Read the line's end points back (a round trip, for the example's
	// output only).
	img, err := c.GetImage(w, 0, 0, 200, 100)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(img.At(10, 60), img.At(180, 20), img.At(100, 90))
	// Output: {255 255 255 255} {255 255 255 255} {0 0 0 255}
}

// Graphics contexts carry the drawing attributes; ChangeGC sets those its
// mask names, and helpers such as SetForeground set one.
func ExampleConn_ChangeGC() {
	c, err := xclient.Dial("")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	pm, _ := c.CreatePixmap(c.Root(), 40, 20) // initially black
	gc, _ := c.CreateGC(pm, nil)

	c.ChangeGC(gc, xclient.GCValues{
		Mask:       protocol.GCForeground | protocol.GCLineWidth,
		Foreground: 0xff0000,
		LineWidth:  5,
	})
	c.DrawLine(pm, gc, 0, 10, 19, 10) // a 5-pixel-wide red line, left half
	c.SetForeground(gc, 0x0000ff)
	c.FillRectangle(pm, gc, 20, 0, 20, 20) // a blue right half

	img, _ := c.GetImage(pm, 0, 0, 40, 20)
	fmt.Println(img.At(5, 8), img.At(5, 2), img.At(30, 2))
	// Output: {255 0 0 255} {0 0 0 255} {0 0 255 255}
}

// PutImage sends any image.Image (alpha is ignored); images above the
// server's request limit are split automatically.
func ExampleConn_PutImage() {
	c, err := xclient.Dial("")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	pm, _ := c.CreatePixmap(c.Root(), 8, 8)
	gc, _ := c.CreateGC(pm, nil)

	src := image.NewRGBA(image.Rect(0, 0, 4, 2))
	for x := 0; x < 4; x++ {
		src.Set(x, 0, color.RGBA{uint8(60 * x), 0, 0, 255})
		src.Set(x, 1, color.RGBA{0, 0, uint8(60 * x), 255})
	}
	c.PutImage(pm, gc, 2, 3, src)

	back, _ := c.GetImage(pm, 2, 3, 4, 2)
	for y := 0; y < 2; y++ {
		for x := 0; x < 4; x++ {
			r, g, b, _ := back.At(x, y).RGBA()
			fmt.Printf("%02x%02x%02x", r>>8, g>>8, b>>8)
			if x < 3 {
				fmt.Print(" ")
			}
		}
		fmt.Println()
	}
	// Output:
	// 000000 3c0000 780000 b40000
	// 000000 00003c 000078 0000b4
}

// GetGeometry asks the server where a window is; the ...Async form returns
// a cookie, so several questions can share one round trip.
func ExampleConn_GetGeometry() {
	c, err := xclient.Dial("")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	parent, _ := c.CreateWindow(c.Root(), 0, 0, 300, 200, nil)
	child, _ := c.CreateWindow(parent, 10, 20, 120, 80, &xclient.WindowOptions{BorderWidth: 2})
	c.MapWindow(child)

	k1 := c.GetGeometryAsync(parent)
	k2 := c.GetGeometryAsync(child)
	g1, _ := k1.Reply() // one flush, one round trip for both
	g2, _ := k2.Reply()
	fmt.Printf("parent %dx%d mapped=%v\n", g1.Width, g1.Height, g1.Mapped)
	fmt.Printf("child %dx%d+%d+%d border %d mapped=%v, parent is %v\n",
		g2.Width, g2.Height, g2.X, g2.Y, g2.BorderWidth, g2.Mapped, xclient.Window(g2.Parent) == parent)
	// Output:
	// parent 300x200 mapped=false
	// child 120x80+10+20 border 2 mapped=true, parent is true
}

// TextWidth measures text exactly as the server will draw it, without a
// round trip.
func ExampleTextWidth() {
	w := xclient.TextWidth(fonts.Mono, 20, "xfar")
	_, ascent, descent := xclient.TextExtents(fonts.Mono, 20, "xfar")
	fmt.Println(w == 4*xclient.TextWidth(fonts.Mono, 20, "x"), ascent > 0, descent > 0)
	// Output: true true true
}
