package keyboard

// deadKeys holds, for each dead keysym, the pairs base→composed it makes
// with the common Latin letters, and what it types before a space (as X's
// Compose tables say).
var deadKeys = map[uint32]struct {
	pairs string
	space rune
}{
	0xfe50: {"aàeèiìoòuùAÀEÈIÌOÒUÙ", '`'},                      // dead_grave
	0xfe51: {"aáeéiíoóuúyýcćnńsśzźAÁEÉIÍOÓUÚYÝCĆNŃSŚZŹ", '\''}, // dead_acute
	0xfe52: {"aâeêiîoôuûAÂEÊIÎOÔUÛ", '^'},                      // dead_circumflex
	0xfe53: {"aãoõnñAÃOÕNÑ", '~'},                              // dead_tilde
	0xfe57: {"aäeëiïoöuüyÿAÄEËIÏOÖUÜ", '"'},                    // dead_diaeresis
	0xfe58: {"aåAÅ", '°'},                                      // dead_abovering
	0xfe5a: {"cčsšzžrřeěnňCČSŠZŽRŘEĚNŇ", 'ˇ'},                  // dead_caron
	0xfe5b: {"cçCÇ", '¸'},                                      // dead_cedilla
}

// IsDead reports whether sym is a dead key's keysym.
func IsDead(sym uint32) bool { return sym >= 0xfe50 && sym <= 0xfe8f }

// Compose returns what a dead key followed by character r types, for a
// viewer that composes itself (the desktop viewer reading X key events;
// browsers compose before the page sees the key). ok is false when the
// pair composes to nothing.
func Compose(dead uint32, r rune) (rune, bool) {
	d, ok := deadKeys[dead]
	if !ok {
		return 0, false
	}
	if r == ' ' {
		return d.space, true
	}
	rs := []rune(d.pairs)
	for i := 0; i+1 < len(rs); i += 2 {
		if rs[i] == r {
			return rs[i+1], true
		}
	}
	return 0, false
}
