package app

import (
	"fmt"
	"math"
	"slices"

	"fyne.io/fyne/v2"
	"gonum.org/v1/plot"

	"mosaic/model/gaussian"
	"mosaic/model/schedule"
	"mosaic/widgets"
)

// chartInput is what the charts show.
type chartInput struct {
	k      []int     // the patch-size schedule
	steps  int       // N
	step   int       // the frame on screen
	sel    Pixel     // the selected pixel
	eff    []float64 // its effective number per step (nil: none selected)
	lambda []float64 // the training covariance's eigenvalues (nil: not computed)
	r2     *R2Chart  // r^2 of every machine along the network (nil: none)
}

// chartInputOf gathers the charts' input from a result (nil before the
// first) and the state.
func chartInputOf(res *Result, st *State) chartInput {
	s := st.Settings()
	in := chartInput{steps: s.Steps, step: st.Step(), sel: st.Selected()}
	in.k, _ = s.Schedule()
	if res == nil {
		return in
	}
	if res.Machine == nil || res.Machine.Spec().Kind.HasPatch() || in.k == nil {
		// A machine without patches ignores the schedule (in Network vs
		// machine the settings' schedule is side B's): show the settings'.
		in.k = res.Traj.K
	}
	if in.sel.Ok() {
		in.eff = EffectiveSeries(res, in.sel.Row, in.sel.Col)
	}
	if res.Machine != nil {
		if g := gaussian.Cached(res.Machine.Data()); g != nil {
			in.lambda = g.Eigen.Values
		}
	}
	return in
}

// The charts, in tab order.
const (
	chartSchedule = iota
	chartSignalNoise
	chartPixel
	chartSpectrum
	chartR2
	numCharts
)

// chartsPanel holds the five gonum/plot charts of the tabs under the
// inspector: the schedule, a(t) and b(t), the selected pixel's effective
// number, the eigen-spectrum of the Wiener and PCA-locality machines
// (shown once it is computed), and r^2 over t of every machine against a
// trained network (Network vs machine). A chart is redrawn only when what it shows
// changes.
type chartsPanel struct {
	in    chartInput
	views [numCharts]*widgets.PlotView
	stale [numCharts]bool // changed while hidden: redraw when shown
	// onTab reports whether chart i's tab is the one selected (nil: every
	// chart is). A chart inside a hidden tab's container is itself still
	// Visible, and keeps the size it had when last shown.
	onTab func(i int) bool
}

func newChartsPanel() *chartsPanel {
	p := &chartsPanel{}
	makers := [numCharts]func() *plot.Plot{p.schedulePlot, p.signalNoisePlot, p.pixelPlot, p.spectrumPlot, p.r2Plot}
	for i, mk := range makers {
		p.views[i] = widgets.NewPlotView(func() *plot.Plot {
			pl := mk()
			widgets.ThemePlot(pl)
			return pl
		})
		p.views[i].SetMinSize(fyne.NewSize(260, 170))
	}
	return p
}

func (p *chartsPanel) r2Plot() *plot.Plot { return R2Plot(p.in.r2, p.in.step) }

func (p *chartsPanel) schedulePlot() *plot.Plot { return SchedulePlot(p.in.k, p.in.step) }

func (p *chartsPanel) signalNoisePlot() *plot.Plot { return SignalNoisePlot(p.in.steps, p.in.step) }

func (p *chartsPanel) pixelPlot() *plot.Plot {
	if !p.in.sel.Ok() || p.in.eff == nil {
		return EffectivePlot(nil, p.in.step, "effective number at the selected pixel")
	}
	return EffectivePlot(p.in.eff, p.in.step, fmt.Sprintf("effective number at (%d, %d)", p.in.sel.Row, p.in.sel.Col))
}

func (p *chartsPanel) spectrumPlot() *plot.Plot {
	return SpectrumPlot(p.in.lambda, schedule.Time(StepOf(p.in.step), p.in.steps))
}

// show redraws the visible charts whose input changed.
func (p *chartsPanel) show(in chartInput) {
	old := p.in
	p.in = in
	changed := [numCharts]bool{
		chartSchedule:    !slices.Equal(old.k, in.k) || old.step != in.step,
		chartSignalNoise: old.steps != in.steps || old.step != in.step,
		chartPixel:       old.step != in.step || old.sel != in.sel || !sameSeries(old.eff, in.eff),
		chartSpectrum:    old.steps != in.steps || StepOf(old.step) != StepOf(in.step) || !sameSlice(old.lambda, in.lambda),
		chartR2:          old.r2 != in.r2 || old.step != in.step,
	}
	for i, ch := range changed {
		p.stale[i] = p.stale[i] || ch
	}
	p.redrawShown()
}

// redrawShown redraws the charts on show that are out of date (a tab
// that has just been selected, say).
func (p *chartsPanel) redrawShown() {
	for i, v := range p.views {
		if p.stale[i] && v.Visible() && (p.onTab == nil || p.onTab(i)) && v.Size().Width > 10 {
			p.stale[i] = false
			v.Refresh()
		}
	}
}

// sameSeries reports whether two series are equal (NaN equals NaN).
func sameSeries(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }) && (a == nil) == (b == nil)
}

// sameSlice reports whether a and b are the same slice (not a copy).
func sameSlice(a, b []float64) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
