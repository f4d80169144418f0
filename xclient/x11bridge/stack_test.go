package x11bridge

import (
	"math/rand"
	"testing"
)

// TestRestackPlan: the moves restackPlan returns, applied in order, turn
// every permutation into the wanted order, and an order that is already
// right needs no move.
func TestRestackPlan(t *testing.T) {
	ws := make([]*xwin, 6)
	for i := range ws {
		ws[i] = &xwin{id: 1}
	}
	rng := rand.New(rand.NewSource(1))
	for n := 0; n <= len(ws); n++ {
		for trial := 0; trial < 50; trial++ {
			want := append([]*xwin(nil), ws[:n]...)
			rng.Shuffle(n, func(i, j int) { want[i], want[j] = want[j], want[i] })
			cur := append([]*xwin(nil), ws[:n]...)
			rng.Shuffle(n, func(i, j int) { cur[i], cur[j] = cur[j], cur[i] })
			moves := restackPlan(cur, want)
			for _, i := range moves {
				w, below := want[i], want[i-1]
				cur = remove(cur, w)
				at := index(cur, below) + 1
				cur = append(cur[:at], append([]*xwin{w}, cur[at:]...)...)
			}
			for i := range want {
				if cur[i] != want[i] {
					t.Fatalf("n=%d: after %v the order differs at %d", n, moves, i)
				}
			}
			if again := restackPlan(cur, want); len(again) != 0 {
				t.Fatalf("n=%d: equal orders still need moves %v", n, again)
			}
		}
	}
}

func remove(ws []*xwin, w *xwin) []*xwin {
	i := index(ws, w)
	return append(ws[:i:i], ws[i+1:]...)
}

func index(ws []*xwin, w *xwin) int {
	for i, v := range ws {
		if v == w {
			return i
		}
	}
	return -1
}
