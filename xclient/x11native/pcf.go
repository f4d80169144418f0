package x11native

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// coreFont is an X core font read from a PCF file: what QueryFont
// reports and the glyph bitmaps text is drawn from.
type coreFont struct {
	name                 string
	ascent, descent      int
	minBounds, maxBounds charInfo
	drawDirection        uint8
	minChar, maxChar     uint16 // byte2 range (the whole range for 1-byte fonts)
	minByte1, maxByte1   uint8
	defaultChar          uint16
	props                []fontProp
	index                []int32 // glyph per encoding slot, -1 for none
	metrics              []charInfo
	bitmaps              [][]byte // per glyph, rows of stride bytes, MSB first
	strides              []int
	allExist             bool
}

// charInfo is X's CHARINFO.
type charInfo struct {
	lsb, rsb, width, ascent, descent int16
	attrs                            uint16
}

// fontProp is a font property; str is set for atom-valued ones.
type fontProp struct {
	name  string
	value int32
	str   string
	isStr bool
}

// PCF table types.
const (
	pcfProperties      = 1 << 0
	pcfAccelerators    = 1 << 1
	pcfMetrics         = 1 << 2
	pcfBitmaps         = 1 << 3
	pcfBDFEncodings    = 1 << 5
	pcfBDFAccelerators = 1 << 8

	pcfByteMSB         = 1 << 2
	pcfBitMSB          = 1 << 3
	pcfCompressedMetrs = 0x100
)

// maxFontFile bounds a decompressed font file.
const maxFontFile = 32 << 20

// loadPCF reads a (gzipped) PCF font file.
func loadPCF(path string) (*coreFont, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("font %s: %w", path, err)
		}
		r = zr
	}
	data, err := io.ReadAll(io.LimitReader(r, maxFontFile+1))
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", path, err)
	}
	if len(data) > maxFontFile {
		return nil, fmt.Errorf("font %s: larger than %d bytes", path, maxFontFile)
	}
	cf, err := parsePCF(data)
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", path, err)
	}
	return cf, nil
}

var errPCF = errors.New("malformed PCF")

// pcfTable reads a table's fields in its byte order.
type pcfTable struct {
	b      []byte
	order  binary.ByteOrder
	format uint32
	bad    bool
}

func (t *pcfTable) take(n int) []byte {
	if n < 0 || len(t.b) < n {
		t.bad = true
		t.b = nil
		return make([]byte, max(n, 0))
	}
	v := t.b[:n]
	t.b = t.b[n:]
	return v
}
func (t *pcfTable) u8() uint8   { return t.take(1)[0] }
func (t *pcfTable) i16() int16  { return int16(t.order.Uint16(t.take(2))) }
func (t *pcfTable) u16() uint16 { return t.order.Uint16(t.take(2)) }
func (t *pcfTable) i32() int32  { return int32(t.order.Uint32(t.take(4))) }

func (t *pcfTable) metric(compressed bool) charInfo {
	if compressed {
		return charInfo{lsb: int16(t.u8()) - 0x80, rsb: int16(t.u8()) - 0x80, width: int16(t.u8()) - 0x80,
			ascent: int16(t.u8()) - 0x80, descent: int16(t.u8()) - 0x80}
	}
	return charInfo{lsb: t.i16(), rsb: t.i16(), width: t.i16(), ascent: t.i16(), descent: t.i16(), attrs: t.u16()}
}

func parsePCF(data []byte) (*coreFont, error) {
	if len(data) < 8 || !bytes.Equal(data[:4], []byte{1, 'f', 'c', 'p'}) {
		return nil, errPCF
	}
	n := int(binary.LittleEndian.Uint32(data[4:]))
	if n <= 0 || n > 64 || len(data) < 8+16*n {
		return nil, errPCF
	}
	tables := map[uint32]*pcfTable{}
	for i := 0; i < n; i++ {
		e := data[8+16*i:]
		typ, size, off := binary.LittleEndian.Uint32(e), binary.LittleEndian.Uint32(e[8:]), binary.LittleEndian.Uint32(e[12:])
		// The last table's size may count padding past the end.
		if uint64(off)+uint64(size) > uint64(len(data)) {
			size = uint32(max(len(data)-int(min(off, uint32(len(data)))), 0))
		}
		if size < 4 {
			return nil, errPCF
		}
		b := data[off : off+size]
		format := binary.LittleEndian.Uint32(b)
		var order binary.ByteOrder = binary.LittleEndian
		if format&pcfByteMSB != 0 {
			order = binary.BigEndian
		}
		tables[typ] = &pcfTable{b: b[4:], order: order, format: format}
	}
	cf := &coreFont{}
	// Metrics.
	t := tables[pcfMetrics]
	if t == nil {
		return nil, fmt.Errorf("%w: no metrics", errPCF)
	}
	comp := t.format&pcfCompressedMetrs != 0
	var count int
	if comp {
		count = int(t.i16())
	} else {
		count = int(t.i32())
	}
	if count < 0 || count > 1<<16 {
		return nil, errPCF
	}
	cf.metrics = make([]charInfo, count)
	for i := range cf.metrics {
		cf.metrics[i] = t.metric(comp)
	}
	if t.bad {
		return nil, fmt.Errorf("%w: metrics", errPCF)
	}
	// Bitmaps, converted to MSB-first bytes, rows padded to whole bytes.
	t = tables[pcfBitmaps]
	if t == nil {
		return nil, fmt.Errorf("%w: no bitmaps", errPCF)
	}
	if int(t.i32()) != count {
		return nil, fmt.Errorf("%w: bitmap count", errPCF)
	}
	offs := make([]int, count)
	for i := range offs {
		offs[i] = int(t.i32())
	}
	var sizes [4]int
	for i := range sizes {
		sizes[i] = int(t.i32())
	}
	pad := 1 << (t.format & 3)
	unit := 1 << ((t.format >> 4) & 3)
	bits := t.take(sizes[t.format&3])
	if t.bad {
		return nil, fmt.Errorf("%w: bitmaps", errPCF)
	}
	lsbBit := t.format&pcfBitMSB == 0
	swap := (t.format&pcfByteMSB != 0) != (t.format&pcfBitMSB != 0) && unit > 1
	cf.bitmaps = make([][]byte, count)
	cf.strides = make([]int, count)
	for i, m := range cf.metrics {
		w, h := int(m.rsb-m.lsb), int(m.ascent+m.descent)
		if w <= 0 || h <= 0 {
			continue
		}
		src := (w + 8*pad - 1) / (8 * pad) * pad
		dst := (w + 7) / 8
		if offs[i] < 0 || offs[i]+src*h > len(bits) {
			return nil, fmt.Errorf("%w: glyph %d bitmap", errPCF, i)
		}
		out := make([]byte, dst*h)
		for row := 0; row < h; row++ {
			line := bits[offs[i]+row*src : offs[i]+(row+1)*src]
			for col := 0; col < dst; col++ {
				j := col
				if swap {
					j = col - col%unit + (unit - 1 - col%unit)
				}
				v := line[j]
				if lsbBit {
					v = reverseBits(v)
				}
				out[row*dst+col] = v
			}
		}
		cf.bitmaps[i], cf.strides[i] = out, dst
	}
	// Encodings.
	t = tables[pcfBDFEncodings]
	if t == nil {
		return nil, fmt.Errorf("%w: no encodings", errPCF)
	}
	min2, max2, min1, max1, def := t.i16(), t.i16(), t.i16(), t.i16(), t.i16()
	if min2 < 0 || max2 < min2 || max2 > 255 || min1 < 0 || max1 < min1 || max1 > 255 {
		return nil, fmt.Errorf("%w: encoding ranges", errPCF)
	}
	cf.minChar, cf.maxChar, cf.minByte1, cf.maxByte1, cf.defaultChar = uint16(min2), uint16(max2), uint8(min1), uint8(max1), uint16(def)
	slots := int(max2-min2+1) * int(max1-min1+1)
	cf.index = make([]int32, slots)
	cf.allExist = true
	for i := range cf.index {
		g := int(t.u16())
		if g == 0xffff || g >= count {
			cf.index[i] = -1
			cf.allExist = false
		} else {
			cf.index[i] = int32(g)
		}
	}
	if t.bad {
		return nil, fmt.Errorf("%w: encodings", errPCF)
	}
	// Accelerators: ascent, descent, bounds.
	t = tables[pcfBDFAccelerators]
	if t == nil {
		t = tables[pcfAccelerators]
	}
	if t == nil {
		return nil, fmt.Errorf("%w: no accelerators", errPCF)
	}
	t.take(6)
	cf.drawDirection = t.u8()
	t.take(1)
	cf.ascent, cf.descent = int(t.i32()), int(t.i32())
	t.i32()
	cf.minBounds, cf.maxBounds = t.metric(false), t.metric(false)
	if t.bad {
		return nil, fmt.Errorf("%w: accelerators", errPCF)
	}
	// Properties.
	if t = tables[pcfProperties]; t != nil {
		np := int(t.i32())
		if np < 0 || np > 1024 {
			return nil, errPCF
		}
		type raw struct {
			name  int32
			isStr bool
			value int32
		}
		rs := make([]raw, np)
		for i := range rs {
			rs[i] = raw{name: t.i32(), isStr: t.u8() != 0, value: t.i32()}
		}
		if np&3 != 0 {
			t.take(4 - np&3)
		}
		strs := t.take(int(t.i32()))
		str := func(off int32) string {
			if off < 0 || int(off) >= len(strs) {
				return ""
			}
			s := strs[off:]
			if i := bytes.IndexByte(s, 0); i >= 0 {
				s = s[:i]
			}
			return string(s)
		}
		if !t.bad {
			for _, r := range rs {
				p := fontProp{name: str(r.name), value: r.value, isStr: r.isStr}
				if r.isStr {
					p.str = str(r.value)
				}
				if p.name == "FONT" {
					cf.name = p.str
				}
				cf.props = append(cf.props, p)
			}
		}
	}
	return cf, nil
}

func reverseBits(v byte) byte {
	v = v>>4 | v<<4
	v = (v&0xcc)>>2 | (v&0x33)<<2
	return (v&0xaa)>>1 | (v&0x55)<<1
}

// glyph returns the glyph index of a character (byte1, byte2), or -1.
func (f *coreFont) glyph(b1, b2 uint8) int {
	if uint16(b2) < f.minChar || uint16(b2) > f.maxChar || b1 < f.minByte1 || b1 > f.maxByte1 {
		return -1
	}
	i := int(b1-f.minByte1)*int(f.maxChar-f.minChar+1) + int(uint16(b2)-f.minChar)
	return int(f.index[i])
}

// glyphOrDefault is glyph, falling back to the default character as X
// does for characters the font lacks.
func (f *coreFont) glyphOrDefault(b1, b2 uint8) int {
	if g := f.glyph(b1, b2); g >= 0 {
		return g
	}
	return f.glyph(uint8(f.defaultChar>>8), uint8(f.defaultChar))
}
