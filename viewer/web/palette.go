package web

// colourSet collects up to 256 distinct colours and numbers them: an
// open-addressing hash table, since a linear search per pixel run costs
// more than the encoding it serves on antialiased text.
type colourSet struct {
	keys [512]uint32
	vals [512]uint8
	used [512]bool
	cols []uint32
}

func slot(c uint32) int { return int((c * 2654435761) >> 23) } // 9 bits

// add puts c in the set; false when it would be the 257th colour.
func (s *colourSet) add(c uint32) bool {
	for i := slot(c); ; i = (i + 1) & 511 {
		if !s.used[i] {
			if len(s.cols) == 256 {
				return false
			}
			s.used[i], s.keys[i], s.vals[i] = true, c, uint8(len(s.cols))
			s.cols = append(s.cols, c)
			return true
		}
		if s.keys[i] == c {
			return true
		}
	}
}

// index returns c's number; c must be in the set.
func (s *colourSet) index(c uint32) uint8 {
	for i := slot(c); ; i = (i + 1) & 511 {
		if s.keys[i] == c && s.used[i] {
			return s.vals[i]
		}
	}
}

// collect adds every pixel; false if there are more than 256 colours.
func (s *colourSet) collect(pix []uint32) bool {
	last := ^uint32(0)
	for _, p := range pix {
		if p == last {
			continue // runs are the common case in text and flat areas
		}
		last = p
		if !s.add(p) {
			return false
		}
	}
	return true
}
