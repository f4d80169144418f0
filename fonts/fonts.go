// Package fonts embeds the Go fonts so that xfar applications can measure
// text locally, without a round trip to the display server, and the display
// server draws the very same glyphs.
//
// Faces are addressed by a small ID and a pixel size. Sizes are clamped to
// MinSize..MaxSize (13 px by default when 0 is given), so a hostile or buggy
// client cannot make the server rasterize enormous glyphs.
package fonts

import (
	"image"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// ID names one embedded font. It is a byte so it fits the wire protocol
// directly.
type ID uint8

// The embedded fonts.
const (
	Regular  ID = iota // Go Regular, proportional sans serif
	Bold               // Go Bold
	Mono               // Go Mono, fixed pitch
	MonoBold           // Go Mono Bold
	numIDs
)

// Size limits in pixels (the em height); out-of-range sizes are clamped.
const (
	DefaultSize = 13
	MinSize     = 6
	MaxSize     = 96
)

var ttf = [numIDs][]byte{
	Regular:  goregular.TTF,
	Bold:     gobold.TTF,
	Mono:     gomono.TTF,
	MonoBold: gomonobold.TTF,
}

// String returns the font's name.
func (id ID) String() string {
	switch id {
	case Regular:
		return "regular"
	case Bold:
		return "bold"
	case Mono:
		return "mono"
	case MonoBold:
		return "monobold"
	}
	return "unknown"
}

// Valid reports whether id names an embedded font.
func (id ID) Valid() bool { return id < numIDs }

// ClampSize maps a requested size to the size actually used: 0 (or any
// non-positive size) becomes DefaultSize, others are limited to
// MinSize..MaxSize.
func ClampSize(sizePx int) int {
	switch {
	case sizePx <= 0:
		return DefaultSize
	case sizePx < MinSize:
		return MinSize
	case sizePx > MaxSize:
		return MaxSize
	}
	return sizePx
}

var (
	parseOnce [numIDs]sync.Once
	parsed    [numIDs]*opentype.Font

	facesMu sync.Mutex
	faces   = map[faceKey]*lockedFace{}
)

type faceKey struct {
	id   ID
	size int
}

func parse(id ID) *opentype.Font {
	parseOnce[id].Do(func() {
		f, err := opentype.Parse(ttf[id])
		if err != nil {
			// The fonts are compiled in; failing to parse them is a build
			// defect, not a runtime condition.
			panic("fonts: embedded font " + id.String() + ": " + err.Error())
		}
		parsed[id] = f
	})
	return parsed[id]
}

// Face returns the face for id at sizePx pixels (clamped, see ClampSize;
// an unknown id falls back to Regular). Faces are cached and shared, and
// the returned face is safe for concurrent use, unlike opentype faces
// themselves, because the client library measures from many goroutines.
func Face(id ID, sizePx int) font.Face {
	if !id.Valid() {
		id = Regular
	}
	size := ClampSize(sizePx)
	k := faceKey{id, size}
	facesMu.Lock()
	defer facesMu.Unlock()
	if f, ok := faces[k]; ok {
		return f
	}
	of, err := opentype.NewFace(parse(id), &opentype.FaceOptions{
		Size:    float64(size),
		DPI:     72, // with 72 DPI one point is one pixel, so Size is in pixels
		Hinting: font.HintingFull,
	})
	if err != nil {
		panic("fonts: " + err.Error())
	}
	f := &lockedFace{f: of}
	faces[k] = f
	return f
}

// Measure returns the advance width of s and the face's ascent and descent
// in whole pixels, the numbers needed to lay out a line of text.
//
// It walks the same Pen as drawing does, so what a client measures is
// what the display server draws, and it takes no lock for ASCII text.
func Measure(id ID, sizePx int, s string) (width, ascent, descent int) {
	st := StrikeOf(id, sizePx)
	pen := st.Pen(s)
	for {
		if _, _, ok := pen.Next(); !ok {
			break
		}
	}
	return pen.Advance().Ceil(), st.ascent, st.descent
}

// lockedFace serialises access to an opentype face, whose glyph cache and
// rasterizer are not safe for concurrent use.
type lockedFace struct {
	mu sync.Mutex
	f  font.Face
}

func (l *lockedFace) Close() error { return nil }

func (l *lockedFace) Glyph(dot fixed.Point26_6, r rune) (image.Rectangle, image.Image, image.Point, fixed.Int26_6, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	dr, mask, mp, adv, ok := l.f.Glyph(dot, r)
	if ok && mask != nil {
		// The opentype face reuses its mask buffer on the next call; copy
		// it so the caller can use it after the lock is released.
		if a, isAlpha := mask.(*image.Alpha); isAlpha {
			c := &image.Alpha{Pix: append([]byte(nil), a.Pix...), Stride: a.Stride, Rect: a.Rect}
			mask = c
		}
	}
	return dr, mask, mp, adv, ok
}

func (l *lockedFace) GlyphBounds(r rune) (fixed.Rectangle26_6, fixed.Int26_6, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.GlyphBounds(r)
}

func (l *lockedFace) GlyphAdvance(r rune) (fixed.Int26_6, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.GlyphAdvance(r)
}

func (l *lockedFace) Kern(r0, r1 rune) fixed.Int26_6 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Kern(r0, r1)
}

func (l *lockedFace) Metrics() font.Metrics {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Metrics()
}
