// Package palette numbers the colours of an image of at most 256 of them:
// what both the protocol's palette image format and the web viewer's
// paletted PNGs need, per pixel, so it is a hash table, not a search.
package palette

// Set collects up to 256 distinct colours and numbers them: an
// open-addressing hash table, since a linear search per pixel run costs
// more than the encoding it serves on antialiased text. The zero value is
// an empty set.
type Set struct {
	keys [512]uint32
	vals [512]uint8
	used [512]bool
	// Colours lists the colours in the order they were numbered.
	Colours []uint32
}

func slot(c uint32) int { return int((c * 2654435761) >> 23) } // 9 bits

// Add puts c in the set; false when it would be the 257th colour.
func (s *Set) Add(c uint32) bool {
	for i := slot(c); ; i = (i + 1) & 511 {
		if !s.used[i] {
			if len(s.Colours) == 256 {
				return false
			}
			s.used[i], s.keys[i], s.vals[i] = true, c, uint8(len(s.Colours))
			s.Colours = append(s.Colours, c)
			return true
		}
		if s.keys[i] == c {
			return true
		}
	}
}

// Index returns c's number; c must be in the set.
func (s *Set) Index(c uint32) uint8 {
	for i := slot(c); ; i = (i + 1) & 511 {
		if s.keys[i] == c && s.used[i] {
			return s.vals[i]
		}
	}
}

// Collect adds every pixel; false if there are more than 256 colours.
func (s *Set) Collect(pix []uint32) bool {
	last := ^uint32(0)
	for _, p := range pix {
		if p == last {
			continue // runs are the common case in text and flat areas
		}
		last = p
		if !s.Add(p) {
			return false
		}
	}
	return true
}
