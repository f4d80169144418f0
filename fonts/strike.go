package fonts

import (
	"errors"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Strike is one face at one size, prepared for drawing: its ASCII glyphs
// are found without locks, and kerning between ASCII characters is skipped
// for fonts that kern no such pair (the Go fonts), so placing a glyph costs
// an array load instead of two mutexes and two map lookups.
type Strike struct {
	id   ID
	size int
	// kern is false when no ASCII pair is kerned, so that pairs of ASCII
	// characters skip the (locked) kerning lookup.
	kern            bool
	ascent, descent int // whole pixels, rounded up
	ascii           [128]atomic.Pointer[Glyph]
}

// strikes holds at most one Strike per font and clamped size.
var strikes sync.Map // faceKey -> *Strike

// StrikeOf returns the strike for id at sizePx (clamped; an unknown id
// falls back to Regular). Strikes are shared and safe for concurrent use.
func StrikeOf(id ID, sizePx int) *Strike {
	if !id.Valid() {
		id = Regular
	}
	k := faceKey{id, ClampSize(sizePx)}
	if s, ok := strikes.Load(k); ok {
		return s.(*Strike)
	}
	m := Face(id, k.size).Metrics()
	s, _ := strikes.LoadOrStore(k, &Strike{id: id, size: k.size, kern: asciiKerned(id),
		ascent: m.Ascent.Ceil(), descent: m.Descent.Ceil()})
	return s.(*Strike)
}

var kernOnce [numIDs]struct {
	sync.Once
	ascii bool
}

// asciiKerned reports whether the font kerns any pair of printable ASCII
// characters. Checked once per font at its design size: a pair kerned at
// some size is kerned at that one.
func asciiKerned(id ID) bool {
	k := &kernOnce[id]
	k.Do(func() {
		f := parse(id)
		var buf sfnt.Buffer
		ppem := fixed.I(int(f.UnitsPerEm()))
		var idx [127]sfnt.GlyphIndex
		for r := ' '; r < 127; r++ {
			idx[r], _ = f.GlyphIndex(&buf, r)
		}
		for a := ' '; a < 127 && !k.ascii; a++ {
			for b := ' '; b < 127; b++ {
				d, err := f.Kern(&buf, idx[a], idx[b], ppem, font.HintingNone)
				if errors.Is(err, sfnt.ErrNotFound) {
					return // no kern table at all
				}
				if err != nil || d != 0 {
					k.ascii = true // kerned, or cannot tell: keep kerning
					break
				}
			}
		}
	})
	return k.ascii
}

// Glyph returns the strike's glyph for r (see GlyphOf).
func (s *Strike) Glyph(r rune) *Glyph {
	if r >= 0 && r < 128 {
		if g := s.ascii[r].Load(); g != nil {
			return g
		}
		g := GlyphOf(s.id, s.size, r)
		s.ascii[r].Store(g)
		return g
	}
	return GlyphOf(s.id, s.size, r)
}

// Pen walks a string's glyphs as DrawText places them: kerning applied,
// each glyph at a whole-pixel pen position. Every painter of text (the
// display server and the toolkit's own) uses it, so they place glyphs
// identically.
type Pen struct {
	s    *Strike
	str  string
	dot  fixed.Int26_6
	prev rune
}

// Pen starts a pen at the beginning of str.
func (s *Strike) Pen(str string) Pen { return Pen{s: s, str: str, prev: -1} }

// Next returns the next glyph and the x of its pen position relative to
// the string's start; ok is false at the end of the string.
func (p *Pen) Next() (g *Glyph, x int, ok bool) {
	if p.str == "" {
		return nil, 0, false
	}
	r, n := utf8.DecodeRuneInString(p.str)
	p.str = p.str[n:]
	if p.prev >= 0 && (p.s.kern || p.prev >= 128 || r >= 128) {
		p.dot += Kern(p.s.id, p.s.size, p.prev, r)
	}
	p.prev = r
	g = p.s.Glyph(r)
	x = p.dot.Round()
	p.dot += g.Advance
	return g, x, true
}

// Advance returns how far the pen has moved: after the last glyph, the
// string's advance width.
func (p *Pen) Advance() fixed.Int26_6 { return p.dot }
