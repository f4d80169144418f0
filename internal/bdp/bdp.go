// Package bdp estimates a link's bandwidth-delay product from
// acknowledgements, the way BBR does: the round trip's recent minimum is
// the link's own delay, the recent maximum delivery rate its bandwidth.
// Senders that must not queue in the network (the X11 bridge towards the
// display, the display towards a browser) keep about a gain times that
// product in flight, and merge or skip what does not fit.
package bdp

import "time"

const (
	// rttWindow is how long a minimum round trip stays valid (routes
	// change; so does the load at the far end).
	rttWindow = 10 * time.Second
	// rateSamples is how many recent delivery-rate samples the maximum
	// is taken over.
	rateSamples = 16
)

// Params is a sender's policy on top of the measurements.
type Params struct {
	// Gain is how many bandwidth-delay products may be in flight.
	Gain float64
	// MinWindow is the window's floor.
	MinWindow int64
	// StartWindow is the window before the first rate sample.
	StartWindow int64
}

// Estimator holds one link's measurements. The zero value is ready; it is
// not safe for concurrent use.
type Estimator struct {
	minRTT   time.Duration
	minRTTAt time.Time
	rates    [rateSamples]float64 // bytes per second
	nrates   int
}

// Acked records the acknowledgement, at now, of what was sent at sent:
// end is the byte count sent up to and including it, delivered the bytes
// acknowledged when it was sent. Its delivery rate is what was in flight
// over its round trip: by Little's law the link's rate when the window
// limited the sender, and what the sender offered when it did not.
func (e *Estimator) Acked(sent, now time.Time, end, delivered int64) {
	rtt := now.Sub(sent)
	if e.minRTT == 0 || rtt <= e.minRTT || now.Sub(e.minRTTAt) > rttWindow {
		e.minRTT, e.minRTTAt = max(rtt, 100*time.Microsecond), now
	}
	if rtt > 0 && end > delivered {
		e.rates[e.nrates%rateSamples] = float64(end-delivered) / rtt.Seconds()
		e.nrates++
	}
}

// Window is how many bytes p lets be in flight now.
func (e *Estimator) Window(p Params) int64 {
	if e.nrates == 0 {
		return p.StartWindow
	}
	var rate float64
	for _, r := range e.rates[:min(e.nrates, rateSamples)] {
		rate = max(rate, r)
	}
	return max(p.MinWindow, int64(p.Gain*rate*e.minRTT.Seconds()))
}
