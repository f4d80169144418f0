package x11native

import (
	"bufio"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/xfar/xfar/protocol"
	"github.com/xfar/xfar/xclient"
)

// fontDirs are searched for fonts.dir and fonts.alias, as X's default
// font path is.
var fontDirs = []string{"/usr/share/fonts/X11/misc", "/usr/share/fonts/X11/75dpi",
	"/usr/share/fonts/X11/100dpi"}

// fontCatalog is every font name the server knows: XLFD names from
// fonts.dir (lower case) with their files, and aliases.
type fontCatalog struct {
	files   map[string]string // XLFD name → file
	names   []string          // XLFD names and aliases, sorted
	aliases map[string]string // alias → pattern
}

var catalog = sync.OnceValue(func() *fontCatalog {
	c := &fontCatalog{files: map[string]string{}, aliases: map[string]string{}}
	for _, dir := range fontDirs {
		if f, err := os.Open(filepath.Join(dir, "fonts.dir")); err == nil {
			sc := bufio.NewScanner(f)
			first := true
			for sc.Scan() {
				if first {
					first = false
					continue
				}
				file, name, ok := strings.Cut(sc.Text(), " ")
				name = strings.ToLower(strings.TrimSpace(name))
				if !ok || name == "" {
					continue
				}
				if _, dup := c.files[name]; !dup {
					c.files[name] = filepath.Join(dir, file)
					c.names = append(c.names, name)
				}
			}
			f.Close()
		}
		if f, err := os.Open(filepath.Join(dir, "fonts.alias")); err == nil {
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				line := strings.TrimSpace(sc.Text())
				if line == "" || line[0] == '!' || strings.HasPrefix(line, "FILE_NAMES_ALIASES") {
					continue
				}
				fs := strings.Fields(line)
				if len(fs) < 2 {
					continue
				}
				a := strings.ToLower(strings.Trim(fs[0], `"`))
				if _, dup := c.aliases[a]; !dup {
					c.aliases[a] = strings.ToLower(strings.Trim(strings.Join(fs[1:], " "), `"`))
					c.names = append(c.names, a)
				}
			}
			f.Close()
		}
	}
	// X.Org's font directories keep names sorted, and a wildcard opens
	// the first match in that order; do the same so that a pattern picks
	// the font Xvfb picks.
	sort.Strings(c.names)
	return c
})

// matchFont reports whether an X font pattern ('*' and '?' wildcards,
// case-insensitive) matches name.
func matchFont(pattern, name string) bool {
	ok, err := path.Match(strings.ReplaceAll(strings.ToLower(pattern), "[", `\[`), name)
	return err == nil && ok
}

// resolve finds the file for a font name or pattern: through an alias,
// then the first XLFD name matching.
func (c *fontCatalog) resolve(name string) (string, bool) {
	name = strings.ToLower(name)
	for depth := 0; depth < 4; depth++ {
		if a, ok := c.aliases[name]; ok {
			name = a
			continue
		}
		break
	}
	if f, ok := c.files[name]; ok {
		return f, true
	}
	for _, n := range c.names {
		if f, ok := c.files[n]; ok && matchFont(name, n) {
			return f, true
		}
	}
	return "", false
}

// loaded caches parsed fonts by file, for all clients.
var loaded sync.Map // file → *coreFont

func openCoreFont(name string) (*coreFont, error) {
	file, ok := catalog().resolve(name)
	if !ok {
		return nil, os.ErrNotExist
	}
	if f, ok := loaded.Load(file); ok {
		return f.(*coreFont), nil
	}
	cf, err := loadPCF(file)
	if err != nil {
		return nil, err
	}
	loaded.Store(file, cf)
	return cf, nil
}

// font is an open X font.
type font struct {
	id    uint32
	owner *client
	f     *coreFont
}

// defaultFontID is the server's own font "fixed", every new GC's font.
const defaultFontID = 0x200

// fontOf resolves a FONTABLE: a font, or a GC's font.
func (s *Server) fontOf(id uint32) *coreFont {
	if g, ok := s.gcs[id]; ok {
		id = g.vals[gcFont]
	}
	if id == defaultFontID {
		return s.defaultFont()
	}
	if f, ok := s.fonts[id]; ok {
		return f.f
	}
	return nil
}

func (s *Server) defaultFont() *coreFont {
	f, err := openCoreFont("fixed")
	if err != nil {
		return nil
	}
	return f
}

func appendCharInfo(b []byte, m charInfo) []byte {
	for _, v := range []int16{m.lsb, m.rsb, m.width, m.ascent, m.descent} {
		b = le.AppendUint16(b, uint16(v))
	}
	return le.AppendUint16(b, m.attrs)
}

// fontInfo is the part of QueryFont's reply ListFontsWithInfo shares,
// without the character infos.
func (c *client) fontInfo(f *coreFont, nInfos int) []byte {
	b := appendCharInfo(nil, f.minBounds)
	b = append(b, 0, 0, 0, 0)
	b = appendCharInfo(b, f.maxBounds)
	b = append(b, 0, 0, 0, 0)
	b = le.AppendUint16(b, f.minChar)
	b = le.AppendUint16(b, f.maxChar)
	b = le.AppendUint16(b, f.defaultChar)
	b = le.AppendUint16(b, uint16(len(f.props)))
	b = append(b, f.drawDirection, f.minByte1, f.maxByte1, b2u(f.allExist))
	b = le.AppendUint16(b, uint16(int16(f.ascent)))
	b = le.AppendUint16(b, uint16(int16(f.descent)))
	b = le.AppendUint32(b, uint32(nInfos))
	for _, p := range f.props {
		b = le.AppendUint32(b, c.s.atoms.intern(p.name))
		if p.isStr {
			b = le.AppendUint32(b, c.s.atoms.intern(p.str))
		} else {
			b = le.AppendUint32(b, uint32(p.value))
		}
	}
	return b
}

func (c *client) fontRequest(op byte, r *rd) {
	s := c.s
	switch op {
	case xOpenFont:
		id := r.u32()
		n := int(r.u16())
		r.skip(2)
		name := r.str(n)
		if r.short || !c.newID(id, op) {
			return
		}
		f, err := openCoreFont(name)
		if err != nil {
			if !os.IsNotExist(err) {
				s.log.Warn("x11native: open font", "name", name, "err", err)
			}
			c.xError(errName, 0, op, 0)
			return
		}
		s.fonts[id] = &font{id: id, owner: c, f: f}
	case xCloseFont:
		id := r.u32()
		if _, ok := s.fonts[id]; !ok {
			c.xError(errFont, id, op, 0)
			return
		}
		delete(s.fonts, id)
	case xQueryFont:
		id := r.u32()
		f := s.fontOf(id)
		if f == nil {
			c.xError(errFont, id, op, 0)
			return
		}
		b := c.fontInfo(f, len(f.index))
		for _, g := range f.index {
			var m charInfo
			if g >= 0 {
				m = f.metrics[g]
			}
			b = appendCharInfo(b, m)
		}
		c.reply(0, b)
	case xQueryTextExtents:
		id := r.u32()
		f := s.fontOf(id)
		if f == nil {
			c.xError(errFont, id, op, 0)
			return
		}
		chars := r.b
		if len(chars)%2 != 0 {
			chars = chars[:len(chars)-1]
		}
		if len(chars) >= 2 && c.oddLength(chars) {
			chars = chars[:len(chars)-2]
		}
		var width, left, right, asc, desc int
		first := true
		for i := 0; i+1 < len(chars); i += 2 {
			g := f.glyphOrDefault(chars[i], chars[i+1])
			if g < 0 {
				continue
			}
			m := f.metrics[g]
			if first {
				left, asc, desc, first = int(m.lsb), int(m.ascent), int(m.descent), false
			}
			right = max(right, width+int(m.rsb))
			asc, desc = max(asc, int(m.ascent)), max(desc, int(m.descent))
			width += int(m.width)
		}
		b := le.AppendUint16(nil, uint16(int16(f.ascent)))
		b = le.AppendUint16(b, uint16(int16(f.descent)))
		b = le.AppendUint16(b, uint16(int16(asc)))
		b = le.AppendUint16(b, uint16(int16(desc)))
		b = le.AppendUint32(b, uint32(int32(width)))
		b = le.AppendUint32(b, uint32(int32(left)))
		b = le.AppendUint32(b, uint32(int32(right)))
		c.reply(f.drawDirection, b)
	case xListFonts, xListFontsWithInfo:
		maxNames := int(r.u16())
		n := int(r.u16())
		pattern := r.str(n)
		if r.short {
			return
		}
		var names []string
		for _, name := range catalog().names {
			if len(names) >= maxNames {
				break
			}
			if matchFont(pattern, name) {
				names = append(names, name)
			}
		}
		if op == xListFonts {
			b := le.AppendUint16(nil, uint16(len(names)))
			b = append(b, make([]byte, 22)...)
			for _, name := range names {
				b = append(b, byte(len(name)))
				b = append(b, name...)
			}
			c.reply(0, b)
			return
		}
		for i, name := range names {
			f, err := openCoreFont(name)
			if err != nil {
				continue
			}
			b := c.fontInfo(f, len(names)-1-i)
			c.reply(byte(len(name)), append(b, name...))
		}
		c.reply(0, make([]byte, 52))
	}
}

// oddLength is QueryTextExtents' odd-length flag, which arrives in the
// header's data byte; handle keeps it for this request.
func (c *client) oddLength([]byte) bool { return c.curData != 0 }

// textRequest draws PolyText8/16 and ImageText8/16 with the server's
// core fonts. Each font's glyphs are uploaded once into an xfar glyph set
// (as the text first needs them) and drawn by code, so text costs two
// bytes a character on the link and looks exactly as on an X server. A
// glyph too large for a glyph set is drawn as rectangles instead (one per
// run of set pixels in a row).
func (c *client) textRequest(op, data byte, r *rd) {
	s := c.s
	d, _, g, ok := c.target(op, r)
	if !ok {
		return
	}
	x, y := int(r.i16()), int(r.i16())
	if r.short {
		return
	}
	f := s.fontOf(g.id)
	if f == nil {
		c.logOnce("text with no usable font")
		return
	}
	wide := op == xPolyText16 || op == xImageText16
	// glyphs resolves a string to glyph indices (the default character
	// for missing ones, which are skipped when there is none).
	glyphs := func(chars []byte) []int {
		step := 1
		if wide {
			step = 2
		}
		out := make([]int, 0, len(chars)/step)
		for i := 0; i+step <= len(chars); i += step {
			var b1, b2 uint8
			if wide {
				b1, b2 = chars[i], chars[i+1]
			} else {
				b2 = chars[i]
			}
			if gi := f.glyphOrDefault(b1, b2); gi >= 0 {
				out = append(out, gi)
			}
		}
		return out
	}
	gid := xclient.GC(g.xfar)
	if op == xImageText8 || op == xImageText16 {
		n := int(data)
		if wide {
			n *= 2
		}
		chars := r.n(n)
		if r.short || d == nil {
			return
		}
		if op == xImageText8 && s.imageText8(d, g, f, x, y, chars) {
			return
		}
		gs := glyphs(chars)
		w := 0
		for _, gi := range gs {
			w += int(f.metrics[gi].width)
		}
		// ImageText ignores the function and fill style: copy.
		fg, bg, fn := g.vals[gcForeground]&0xffffff, g.vals[gcBackground]&0xffffff, uint8(g.vals[gcFunction])
		s.xc.ChangeGC(gid, xclient.GCValues{Mask: protocol.GCForeground | protocol.GCFunction, Foreground: bg, Function: protocol.GXcopy})
		if w > 0 {
			s.xc.FillRectangle(d, gid, x, y-f.ascent, w, f.ascent+f.descent)
		}
		s.xc.ChangeGC(gid, xclient.GCValues{Mask: protocol.GCForeground, Foreground: fg})
		s.drawGlyphs(d, gid, f, x, y, gs)
		if fn != protocol.GXcopy {
			s.xc.ChangeGC(gid, xclient.GCValues{Mask: protocol.GCFunction, Function: fn})
		}
		return
	}
	// PolyText items: a length and a delta then the string, or 255 and a
	// font ID (most significant byte first) that changes the GC's font.
	for len(r.b) >= 2 {
		n := int(r.u8())
		if n == 255 {
			fb := r.n(4)
			fid := uint32(fb[0])<<24 | uint32(fb[1])<<16 | uint32(fb[2])<<8 | uint32(fb[3])
			nf := s.fontOf(fid)
			if nf == nil || s.gcs[fid] != nil {
				c.xError(errFont, fid, op, 0)
				return
			}
			g.vals[gcFont] = fid
			f = nf
			continue
		}
		if n == 0 {
			break // padding
		}
		x += int(int8(r.u8()))
		cn := n
		if wide {
			cn *= 2
		}
		chars := r.n(cn)
		if r.short {
			return
		}
		gs := glyphs(chars)
		if d != nil {
			c.styledGlyphs(d, g, f, x, y, gs) // fillshape.go
		}
		for _, gi := range gs {
			x += int(f.metrics[gi].width)
		}
	}
	r.b = nil
}

// fontGlyphs is a core font's xfar glyph sets and which glyphs they
// hold: set by glyph index (PolyGlyph), set8 by the string's byte
// (ImageGlyph8, text8.go).
type fontGlyphs struct {
	set   xclient.GlyphSet
	made  bool
	have  []bool
	set8  xclient.GlyphSet
	made8 bool
	have8 [256]bool
}

// drawGlyphs draws glyph indices of f with the pen at (x, y): through
// f's glyph set, uploading the glyphs it lacks first, or as rectangles
// when a glyph does not fit a glyph set's limits.
func (s *Server) drawGlyphs(d xclient.Drawable, gc xclient.GC, f *coreFont, x, y int, gs []int) {
	if len(gs) == 0 {
		return
	}
	fg := s.glyphSets[f]
	if fg == nil {
		fg = &fontGlyphs{have: make([]bool, len(f.metrics))}
		s.glyphSets[f] = fg
	}
	if !fg.made {
		set, err := s.xc.CreateGlyphSet()
		if err != nil {
			s.log.Warn("x11native: create glyph set", "err", err)
			return
		}
		fg.set, fg.made = set, true
	}
	var add []xclient.Glyph
	codes := make([]uint16, 0, len(gs))
	fits := true
	for _, gi := range gs {
		m := f.metrics[gi]
		w, h := int(m.rsb-m.lsb), int(m.ascent+m.descent)
		if w < 0 || h < 0 || w > protocol.MaxGlyphSize || h > protocol.MaxGlyphSize ||
			m.lsb < -128 || m.lsb > 127 || m.ascent < -127 || m.ascent > 128 || gi >= protocol.NoGlyph {
			fits = false
			break
		}
		if w == 0 || h == 0 {
			w, h = 0, 0
		}
		codes = append(codes, uint16(gi))
		if !fg.have[gi] {
			fg.have[gi] = true
			add = append(add, xclient.Glyph{Code: uint16(gi), W: uint8(w), H: uint8(h), X: int8(m.lsb),
				Y: int8(-m.ascent), Advance: m.width, Bits: f.bitmaps[gi]})
		}
	}
	if !fits {
		var rects []xclient.Rect
		for _, gi := range gs {
			m := f.metrics[gi]
			rects = appendGlyphRuns(rects, f.bitmaps[gi], f.strides[gi], int(m.rsb-m.lsb), x+int(m.lsb), y-int(m.ascent))
			x += int(m.width)
		}
		if len(rects) > 0 {
			if err := s.xc.FillRectangles(d, gc, rects); err != nil {
				s.log.Warn("x11native: text", "err", err)
			}
		}
		return
	}
	if len(add) > 0 {
		if err := s.xc.AddGlyphs(fg.set, add); err != nil {
			s.log.Warn("x11native: upload glyphs", "err", err)
			return
		}
	}
	if err := s.xc.PolyGlyph(d, gc, fg.set, x, y, codes); err != nil {
		s.log.Warn("x11native: text", "err", err)
	}
}

// appendGlyphRuns appends one rectangle per horizontal run of set bits
// of a glyph bitmap placed with its top-left corner at (x, y).
func appendGlyphRuns(rects []xclient.Rect, bits []byte, stride, w, x, y int) []xclient.Rect {
	if stride == 0 {
		return rects
	}
	for row := 0; row*stride < len(bits); row++ {
		line := bits[row*stride : (row+1)*stride]
		col := 0
		for col < w {
			if line[col/8]&(0x80>>(col%8)) == 0 {
				col++
				continue
			}
			start := col
			for col < w && line[col/8]&(0x80>>(col%8)) != 0 {
				col++
			}
			rects = append(rects, xclient.Rect{X: int16(x + start), Y: int16(y + row), W: uint16(col - start), H: 1})
		}
	}
	return rects
}
