package app

import "testing"

// TestHiddenChartsAreNotRedrawn: the charts are rendered only on their
// tab. A chart shown once and then hidden keeps its size and is itself
// still Visible inside its hidden tab, so scrubbing must not re-render it;
// it is redrawn, once up to date, when its tab is chosen again. The r²
// chart sits in a container of its own on its tab, the schedule chart is
// the tab's page itself.
func TestHiddenChartsAreNotRedrawn(t *testing.T) {
	w := newTestWindow(t)
	w.win.Resize(w.opts.Size)
	for _, c := range []struct {
		key   string
		chart int
	}{{"r2", chartR2}, {"schedule", chartSchedule}} {
		v := w.charts.views[c.chart]
		w.chartTabs.SelectIndex(chartIndex(c.key))
		if v.Size().Width <= 10 || v.Image() == nil {
			t.Fatalf("%s: chart %v, image %v on its tab", c.key, v.Size(), v.Image() != nil)
		}
		w.chartTabs.SelectIndex(chartIndex("per-image"))
		before := v.Image()
		for i := range w.res.Traj.N {
			w.setStep(i)
		}
		if v.Image() != before {
			t.Fatalf("%s: the chart was rendered again while its tab was hidden", c.key)
		}
		w.chartTabs.SelectIndex(chartIndex(c.key))
		if v.Image() == before {
			t.Fatalf("%s: the chart was not redrawn for the new step when its tab was chosen", c.key)
		}
	}
}
