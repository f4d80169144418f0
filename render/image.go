// Package render is xfar's software rasterizer: the pixel work behind the
// X-style drawing requests the display server executes, in the role of the
// "fb" layer of the X.Org server.
//
// It knows nothing about windows, connections or the protocol. Every call
// draws into one Image, honours a GC (raster function, plane mask, clip
// rectangles, line and fill styles) and returns the bounding box of the
// pixels it may have changed so that the caller can track damage.
//
// Thin (zero-width) lines, points, rectangle outlines and filled
// rectangles reproduce the X.Org server pixel for pixel, including its
// Bresenham tie-breaking bias, the CapNotLast rule and clipping. Polygons
// and filled arcs follow the integer scan converters of the X sample
// implementation; wide lines, thin and wide arcs are close approximations
// (measured against Xvfb by TestConformanceXvfb). Dashed wide lines are
// drawn solid for now.
//
// Nothing here locks: the display server's single state owner is the only
// caller, and an Image must not be used from two goroutines at once.
package render

import (
	"image"
	"image/color"
)

// Image is a 32-bit pixel buffer. Each pixel is 0x00RRGGBB, the layout of an
// X TrueColor depth-24 ZPixmap pixel, and rows are W pixels apart.
type Image struct {
	W, H int
	Pix  []uint32

	// scratch buffers reused across calls so drawing allocates nothing in
	// steady state; they make Image unsafe for concurrent use, which the
	// single-owner design already rules out.
	clipBuf   []image.Rectangle
	clipOne   [1]image.Rectangle
	bandBuf   []int
	spanBuf   []span
	ivBuf     []interval
	edgeBuf   []edge
	activeBuf []activeEdge
	crossBuf  []polyCrossing
	colBuf    []int32
	fpoly     fpolyScratch
}

// NewImage returns a black w x h image. Negative sizes are treated as 0.
func NewImage(w, h int) *Image {
	if w < 0 {
		w = 0
	}
	if h < 0 {
		h = 0
	}
	return &Image{W: w, H: h, Pix: make([]uint32, w*h)}
}

// Bounds returns the image rectangle, always anchored at (0,0).
func (im *Image) Bounds() image.Rectangle { return image.Rect(0, 0, im.W, im.H) }

// At32 returns the pixel at (x,y), or 0 outside the image.
func (im *Image) At32(x, y int) uint32 {
	if uint(x) >= uint(im.W) || uint(y) >= uint(im.H) {
		return 0
	}
	return im.Pix[y*im.W+x]
}

// Fill sets every pixel of r (clipped to the image) to pixel, ignoring any
// GC; it is for backgrounds and window clears.
func (im *Image) Fill(r image.Rectangle, pixel uint32) {
	r = r.Intersect(im.Bounds())
	if r.Empty() {
		return
	}
	w := r.Dx()
	first := im.Pix[r.Min.Y*im.W+r.Min.X : r.Min.Y*im.W+r.Max.X]
	for i := range first {
		first[i] = pixel
	}
	for y := r.Min.Y + 1; y < r.Max.Y; y++ {
		o := y*im.W + r.Min.X
		copy(im.Pix[o:o+w], first)
	}
}

// ToRGBA converts r (clipped to the image) to an opaque RGBA image whose
// bounds are the clipped rectangle, for PNG encoding and viewers.
func (im *Image) ToRGBA(r image.Rectangle) *image.RGBA {
	r = r.Intersect(im.Bounds())
	out := image.NewRGBA(r)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := im.Pix[y*im.W+r.Min.X : y*im.W+r.Max.X]
		o := out.PixOffset(r.Min.X, y)
		d := out.Pix[o : o+4*len(row)]
		for i, p := range row {
			d[4*i] = uint8(p >> 16)
			d[4*i+1] = uint8(p >> 8)
			d[4*i+2] = uint8(p)
			d[4*i+3] = 0xff
		}
	}
	return out
}

// At implements image.Image so an Image can be handed to image/png and
// image/draw directly.
func (im *Image) At(x, y int) color.Color {
	p := im.At32(x, y)
	return color.RGBA{uint8(p >> 16), uint8(p >> 8), uint8(p), 0xff}
}

// ColorModel implements image.Image.
func (im *Image) ColorModel() color.Model { return color.RGBAModel }

// Resize changes the image size, keeping the overlapping top-left contents
// as X does for a window without bit gravity; new pixels are 0.
func (im *Image) Resize(w, h int) {
	if w < 0 {
		w = 0
	}
	if h < 0 {
		h = 0
	}
	if w == im.W && h == im.H {
		return
	}
	pix := make([]uint32, w*h)
	cw, ch := min(w, im.W), min(h, im.H)
	for y := 0; y < ch; y++ {
		copy(pix[y*w:y*w+cw], im.Pix[y*im.W:y*im.W+cw])
	}
	im.W, im.H, im.Pix = w, h, pix
}

// GetImage returns the pixels of r row-major; pixels outside the image are
// 0, as for the parts of an X GetImage that have no backing contents.
func (im *Image) GetImage(r image.Rectangle) []uint32 {
	if r.Empty() {
		return nil
	}
	out := make([]uint32, r.Dx()*r.Dy())
	c := r.Intersect(im.Bounds())
	if c.Empty() {
		return out
	}
	w := r.Dx()
	for y := c.Min.Y; y < c.Max.Y; y++ {
		o := (y-r.Min.Y)*w + (c.Min.X - r.Min.X)
		copy(out[o:o+c.Dx()], im.Pix[y*im.W+c.Min.X:y*im.W+c.Max.X])
	}
	return out
}

// PutImage writes pix (dst.Dx()*dst.Dy() pixels, row-major) into dst,
// combining each source pixel with the image through gc's function, plane
// mask and clip. Only the plain GXcopy case with a full plane mask runs as
// a row copy.
func (im *Image) PutImage(gc *GC, dst image.Rectangle, pix []uint32) image.Rectangle {
	w, h := dst.Dx(), dst.Dy()
	if w <= 0 || h <= 0 || len(pix) < w*h {
		return image.Rectangle{}
	}
	clips := im.clip(gc)
	plain := gc.Function == GXcopy && gc.PlaneMask&pixelMask == pixelMask
	var damage image.Rectangle
	for _, c := range clips {
		r := c.Intersect(dst)
		if r.Empty() {
			continue
		}
		damage = damage.Union(r)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			src := pix[(y-dst.Min.Y)*w+(r.Min.X-dst.Min.X):][:r.Dx()]
			d := im.Pix[y*im.W+r.Min.X : y*im.W+r.Max.X]
			if plain {
				for i, p := range src {
					d[i] = p & pixelMask
				}
				continue
			}
			for i, p := range src {
				d[i] = applyRop(gc.Function, p, d[i], gc.PlaneMask)
			}
		}
	}
	return damage
}
