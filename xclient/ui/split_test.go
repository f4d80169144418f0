package ui

import "testing"

func TestParseSplit(t *testing.T) {
	t.Setenv(EnvSplit, "widgets")
	for in, want := range map[string]Split{"": Widgets, "draw": Draw, "PIXELS": Pixels, " widgets ": Widgets} {
		if got, err := ParseSplit(in); err != nil || got != want {
			t.Errorf("ParseSplit(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	t.Setenv(EnvSplit, "")
	if got, err := ParseSplit(""); err != nil || got != Draw {
		t.Errorf("default split %v, %v", got, err)
	}
	if _, err := ParseSplit("vnc"); err == nil {
		t.Error("unknown split accepted")
	}
	if Pixels.String() != "pixels" || Split(9).String() != "Split(9)" {
		t.Error("split names")
	}
}
