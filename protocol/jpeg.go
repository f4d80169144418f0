package protocol

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
)

// appendJPEG encodes pix (w x h, 0x00RRGGBB) as a baseline JPEG at
// quality (1-100; 0 means 85).
func appendJPEG(b []byte, pix []uint32, w, h, quality int) []byte {
	if quality <= 0 || quality > 100 {
		quality = 85
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i, p := range pix[:w*h] {
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = byte(p>>16), byte(p>>8), byte(p), 0xff
	}
	buf := bytes.NewBuffer(b)
	if err := jpeg.Encode(buf, img, &jpeg.Options{Quality: quality}); err != nil {
		// Encoding into memory fails only on a programming error.
		panic("protocol: JPEG encoding: " + err.Error())
	}
	return buf.Bytes()
}

// decodeJPEG decodes FormatJPEG's data into w*h pixels. The JPEG's own
// size is checked before anything is allocated for it.
func decodeJPEG(d *decoder, w, h int) ([]uint32, error) {
	data := d.b[d.off:]
	d.off = len(d.b)
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("JPEG image: %w", err)
	}
	if cfg.Width != w || cfg.Height != h {
		return nil, fmt.Errorf("%dx%d JPEG for a %dx%d image", cfg.Width, cfg.Height, w, h)
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("JPEG image: %w", err)
	}
	pix := getPixels(w * h)
	switch m := img.(type) {
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				yi, ci := m.YOffset(x, y), m.COffset(x, y)
				r, g, bl := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				pix[y*w+x] = uint32(r)<<16 | uint32(g)<<8 | uint32(bl)
			}
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				v := uint32(m.Pix[y*m.Stride+x])
				pix[y*w+x] = v<<16 | v<<8 | v
			}
		}
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				pix[y*w+x] = (r>>8)<<16 | (g>>8)<<8 | bl>>8
			}
		}
	}
	return pix, nil
}
