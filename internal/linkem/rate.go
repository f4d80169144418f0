package linkem

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseRate parses a bandwidth: a number followed by bit, kbit, mbit or
// gbit (bits per second, powers of 1000) or B, KB, MB (bytes per second,
// powers of 1000), such as "1mbit" or "500KB". "" and "0" mean no cap.
// It returns bytes per second.
func ParseRate(s string) (int64, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" || s == "0" {
		return 0, nil
	}
	units := []struct {
		suffix string
		mul    float64 // bytes per second per unit
	}{
		{"gbit", 1e9 / 8}, {"mbit", 1e6 / 8}, {"kbit", 1e3 / 8}, {"bit", 1.0 / 8},
		{"mb", 1e6}, {"kb", 1e3}, {"b", 1},
	}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("bad rate %q", s)
			}
			r := int64(v * u.mul)
			if r == 0 && v > 0 {
				r = 1
			}
			return r, nil
		}
	}
	return 0, fmt.Errorf("bad rate %q: want a number and bit, kbit, mbit, gbit, B, KB or MB", s)
}
