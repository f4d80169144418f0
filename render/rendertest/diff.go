package rendertest

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xfar/xfar/render"
)

// DiffResult summarises a comparison of two images over a region.
type DiffResult struct {
	Total, Same int
	// Ink counts pixels that are non-black in either image and InkSame
	// those of them that are identical: a share that is not flattered by
	// a mostly empty background.
	Ink, InkSame int
	First        image.Point // first differing pixel, valid when Same < Total
}

// Share is the fraction of identical pixels.
func (d DiffResult) Share() float64 {
	if d.Total == 0 {
		return 1
	}
	return float64(d.Same) / float64(d.Total)
}

// InkShare is the fraction of drawn pixels that are identical.
func (d DiffResult) InkShare() float64 {
	if d.Ink == 0 {
		return 1
	}
	return float64(d.InkSame) / float64(d.Ink)
}

// Compare compares want and got over r.
func Compare(want, got *render.Image, r image.Rectangle) DiffResult {
	var d DiffResult
	d.First = image.Pt(-1, -1)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			a, b := want.At32(x, y), got.At32(x, y)
			d.Total++
			if a != 0 || b != 0 {
				d.Ink++
				if a == b {
					d.InkSame++
				}
			}
			if a == b {
				d.Same++
			} else if d.First.X < 0 {
				d.First = image.Pt(x, y)
			}
		}
	}
	return d
}

// WriteDiffPNG writes want, got and a diff image for r into t.TempDir()
// (or into $RENDERTEST_OUT when set, so they survive the test run) and
// returns the diff's path. In the diff, pixels only X drew are red,
// pixels only render drew are green, differing colours are yellow and
// matching drawn pixels are dim grey.
func WriteDiffPNG(t testing.TB, name string, want, got *render.Image, r image.Rectangle) string {
	t.Helper()
	dir := os.Getenv("RENDERTEST_OUT")
	if dir == "" {
		dir = t.TempDir()
	}
	base := strings.NewReplacer(" ", "_", "/", "_").Replace(name)
	save := func(file string, img image.Image) string {
		p := filepath.Join(dir, file)
		f, err := os.Create(p)
		if err != nil {
			t.Errorf("write %s: %v", p, err)
			return p
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Errorf("encode %s: %v", p, err)
		}
		return p
	}
	save(base+"-x.png", want.ToRGBA(r))
	save(base+"-render.png", got.ToRGBA(r))
	diff := image.NewRGBA(r)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			a, b := want.At32(x, y), got.At32(x, y)
			var c color.RGBA
			switch {
			case a == b && a == 0:
				c = color.RGBA{0, 0, 0, 255}
			case a == b:
				c = color.RGBA{60, 60, 60, 255}
			case b == 0:
				c = color.RGBA{255, 0, 0, 255}
			case a == 0:
				c = color.RGBA{0, 255, 0, 255}
			default:
				c = color.RGBA{255, 255, 0, 255}
			}
			diff.SetRGBA(x, y, c)
		}
	}
	return save(base+"-diff.png", diff)
}

// String formats the result for test logs.
func (d DiffResult) String() string {
	return fmt.Sprintf("%.2f%% identical (%d/%d px), drawn pixels %.2f%% identical (%d/%d)",
		100*d.Share(), d.Same, d.Total, 100*d.InkShare(), d.InkSame, d.Ink)
}
