package fonts

import (
	"testing"

	"golang.org/x/image/font"
)

// TestMeasureMatchesMeasureString checks that Measure, which walks the
// drawing Pen, gives exactly the width x/image's MeasureString gives for
// the same face, for every font, a range of sizes and text beyond ASCII.
func TestMeasureMatchesMeasureString(t *testing.T) {
	texts := []string{"The quick brown fox jumps over the lazy dog.", "AVAWTo Ty", "0123456789 !@#$%^&*()",
		"héllo wörld — ñ ¿? €λ", "iiiii WWWWW", ""}
	for id := ID(0); id < numIDs; id++ {
		for size := MinSize; size <= 40; size += 3 {
			for _, s := range texts {
				w, a, d := Measure(id, size, s)
				f := Face(id, size)
				m := f.Metrics()
				if want := font.MeasureString(f, s).Ceil(); w != want || a != m.Ascent.Ceil() || d != m.Descent.Ceil() {
					t.Fatalf("Measure(%v, %d, %q) = %d,%d,%d; MeasureString says %d,%d,%d",
						id, size, s, w, a, d, want, m.Ascent.Ceil(), m.Descent.Ceil())
				}
			}
		}
	}
}
