package xclient

import (
	"fmt"
	"image"
	"image/draw"
	"math"

	"github.com/xfar/xfar/protocol"
)

// putImageFixed is PutImage's body before the pixels.
const putImageFixed = 20

// PutImage draws img (its whole bounds) with its top-left corner at (x, y)
// in d, through gc's function and clip. Alpha is ignored: pixels are
// opaque, as in X. An image larger than the server's request limit is sent
// as several requests (bands of rows, or tiles when one row is too wide).
func (c *Conn) PutImage(d Drawable, gc GC, x, y int, img image.Image) error {
	b := img.Bounds()
	pix := Pixels(img)
	return c.PutPixels(d, gc, x, y, b.Dx(), b.Dy(), pix)
}

// Pixels converts an image to the protocol's pixel format: rows top to
// bottom, each pixel 0x00RRGGBB. *image.RGBA and *image.NRGBA are
// converted directly; other images through image/draw.
func Pixels(img image.Image) []uint32 {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	pix := make([]uint32, w*h)
	var src []uint8
	var stride int
	switch m := img.(type) {
	case *image.RGBA:
		src, stride = m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride
	case *image.NRGBA:
		// Opaque output: the colour channels are used as they are, as X
		// would take an image's RGB bytes.
		src, stride = m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride
	default:
		rgba := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(rgba, rgba.Rect, img, b.Min, draw.Src)
		src, stride = rgba.Pix, rgba.Stride
	}
	for row := 0; row < h; row++ {
		s := src[row*stride : row*stride+4*w]
		dst := pix[row*w : (row+1)*w]
		for i := range dst {
			q := s[4*i : 4*i+3 : 4*i+3] // one bounds check per pixel
			dst[i] = uint32(q[0])<<16 | uint32(q[1])<<8 | uint32(q[2])
		}
	}
	return pix
}

// PutPixels draws width by height pixels (rows top to bottom, 0x00RRGGBB,
// len(pix) == width*height) at (x, y) in d, split as PutImage is.
func (c *Conn) PutPixels(d Drawable, gc GC, x, y, width, height int, pix []uint32) error {
	return c.putPixelsChecked(d, gc, x, y, width, height, pix, raw)
}

// PutPixelsCompact is PutPixels, each band in the cheapest lossless
// encoding for its content (protocol.ChooseFormat): a palette for few
// colours, a row predictor otherwise. It costs CPU on both ends to save
// bytes, so it suits a slow link, and content from elsewhere (the X11
// bridge) rather than drawing an application could describe.
func (c *Conn) PutPixelsCompact(d Drawable, gc GC, x, y, width, height int, pix []uint32) error {
	return c.putPixelsChecked(d, gc, x, y, width, height, pix, lossless)
}

// PutPixelsLossy is PutPixelsCompact where a band has more than 256
// colours: those go as JPEG at quality (1-100), which changes their
// pixels. Only for a user who asked for it (xbridge --quality).
func (c *Conn) PutPixelsLossy(d Drawable, gc GC, x, y, width, height int, pix []uint32, quality int) error {
	return c.putPixelsChecked(d, gc, x, y, width, height, pix, min(max(quality, 1), 100))
}

// How putPixels encodes: raw, lossless (ChooseFormat), or a JPEG quality.
const (
	raw      = -1
	lossless = 0
)

func (c *Conn) putPixelsChecked(d Drawable, gc GC, x, y, width, height int, pix []uint32, quality int) error {
	var a args
	a.i16("x", x)
	a.i16("y", y)
	a.size("width", width)
	a.size("height", height)
	if a.err == nil && len(pix) != width*height {
		a.err = fmt.Errorf("%d pixels for a %dx%d image", len(pix), width, height)
	}
	if a.err == nil {
		a.err = c.putPixels(d, gc, x, y, width, height, pix, quality)
	}
	return drawErr("put image", d, a.err)
}

func (c *Conn) putPixels(d Drawable, gc GC, x, y, width, height int, pix []uint32, quality int) error {
	maxPix := (int(c.hello.MaxRequest) - putImageFixed) / 4
	if maxPix < 1 {
		return fmt.Errorf("server request limit %d is too small for any image", c.hello.MaxRequest)
	}
	// Tiles are whole rows when a row fits, so that a band is a sub-slice
	// of pix and needs no copy; otherwise tileW-wide strips of single rows.
	tileW := min(width, maxPix)
	tileH := max(1, min(height, maxPix/tileW))
	var tile []uint32
	c.outMu.Lock()
	defer c.outMu.Unlock()
	for ty := 0; ty < height; ty += tileH {
		th := min(tileH, height-ty)
		for tx := 0; tx < width; tx += tileW {
			tw := min(tileW, width-tx)
			var p []uint32
			if tw == width {
				p = pix[ty*width : (ty+th)*width]
			} else {
				tile = tile[:0]
				for row := ty; row < ty+th; row++ {
					tile = append(tile, pix[row*width+tx:row*width+tx+tw]...)
				}
				p = tile
			}
			if x+tx > math.MaxInt16 || y+ty > math.MaxInt16 {
				// A tile starting beyond 16-bit coordinates would wrap to
				// the far side; it lies outside every drawable anyway.
				continue
			}
			r := protocol.PutImage{Drawable: did(d), GC: uint32(gc), X: int16(x + tx), Y: int16(y + ty),
				W: uint16(tw), H: uint16(th), Format: protocol.FormatBGRX, Pix: p}
			if quality != raw {
				r.Format = protocol.ChooseFormat(p, tw, th)
				if quality > 0 && r.Format == protocol.FormatFiltered {
					r.Format, r.Quality = protocol.FormatJPEG, uint8(quality)
				}
			}
			if _, err := c.sendLocked(&r, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// GetImageAsync queues a GetImage request for width by height pixels at
// (x, y) in d.
func (c *Conn) GetImageAsync(d Drawable, x, y, width, height int) *Cookie[*image.RGBA] {
	var a args
	r := protocol.GetImage{Drawable: did(d), X: a.i16("x", x), Y: a.i16("y", y),
		W: a.size("width", width), H: a.size("height", height)}
	if a.err != nil {
		return &Cookie[*image.RGBA]{c: c, p: &pending{}, err: fmt.Errorf("get image: %w", a.err)}
	}
	return ask(c, &r, decodeImage)
}

// GetImage returns width by height pixels at (x, y) in d as an opaque
// RGBA image; pixels outside the drawable are black.
func (c *Conn) GetImage(d Drawable, x, y, width, height int) (*image.RGBA, error) {
	return c.GetImageAsync(d, x, y, width, height).Reply()
}

func decodeImage(data []byte) (*image.RGBA, error) {
	r, err := protocol.DecodeImageReply(data)
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, int(r.W), int(r.H)))
	for i, p := range r.Pix {
		img.Pix[4*i] = uint8(p >> 16)
		img.Pix[4*i+1] = uint8(p >> 8)
		img.Pix[4*i+2] = uint8(p)
		img.Pix[4*i+3] = 0xff
	}
	return img, nil
}
