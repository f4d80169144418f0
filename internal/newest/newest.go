// Package newest sends on a channel whose reader wants the latest values
// and may fall behind: a full channel drops its oldest value for the new
// one, and the sender never waits.
package newest

// Send puts v on ch, dropping the oldest queued values while ch is full.
// ch must have room for at least one value, and Send must be its only
// sender at a time.
func Send[T any](ch chan T, v T) {
	for {
		select {
		case ch <- v:
			return
		default:
		}
		select {
		case <-ch:
		default:
		}
	}
}
