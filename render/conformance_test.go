package render_test

import (
	"testing"

	"github.com/xfar/xfar/render/rendertest"
)

// TestConformanceXvfb draws the conformance scene on a real Xvfb and with
// render and compares them group by group.
func TestConformanceXvfb(t *testing.T) {
	conn := rendertest.StartXvfb(t)
	scene := rendertest.Conformance()
	xt, err := rendertest.NewXTarget(conn, scene.W, scene.H)
	if err != nil {
		t.Fatal(err)
	}
	xt.PlayScene(scene)
	want, err := xt.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	got := rendertest.PlayRender(scene)
	for _, g := range scene.Groups {
		d := rendertest.Compare(want, got, g.Region)
		t.Logf("conformance: %s %s", g.Name, d)
		if g.Exact {
			if d.Same != d.Total {
				p := rendertest.WriteDiffPNG(t, g.Name, want, got, g.Region)
				t.Errorf("%s: not pixel exact, first difference at %v (X %06x, render %06x); diff in %s",
					g.Name, d.First, want.At32(d.First.X, d.First.Y), got.At32(d.First.X, d.First.Y), p)
			}
			continue
		}
		if d.InkShare() < g.MinShare {
			p := rendertest.WriteDiffPNG(t, g.Name, want, got, g.Region)
			t.Errorf("%s: %.2f%% of drawn pixels identical, below the %.2f%% floor; diff in %s", g.Name, 100*d.InkShare(), 100*g.MinShare, p)
		}
	}
}
