package newest

import "testing"

// TestSendKeepsNewest: a full channel loses its oldest values, keeps the
// newest, and the sender never blocks.
func TestSendKeepsNewest(t *testing.T) {
	ch := make(chan int, 2)
	for i := 1; i <= 5; i++ {
		Send(ch, i)
	}
	if a, b := <-ch, <-ch; a != 4 || b != 5 {
		t.Fatalf("got %d, %d; want 4, 5", a, b)
	}
}
