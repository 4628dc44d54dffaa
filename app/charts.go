package app

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"mosaic/model/schedule"
)

// chartColors are the line colours of the charts.
var (
	chartBlue   = color.RGBA{31, 119, 180, 255}
	chartOrange = color.RGBA{255, 127, 14, 255}
	chartRed    = color.RGBA{214, 39, 40, 255}
)

// SchedulePlot draws the patch-size schedule k over t (steps 1..N-1) with
// the current step marked.
func SchedulePlot(k []int, current int) *plot.Plot {
	p := plot.New()
	p.Title.Text = "patch size k over t"
	p.X.Label.Text = "t"
	p.Y.Label.Text = "k"
	n := len(k)
	pts := make(plotter.XYs, 0, n)
	for i := 1; i < n; i++ {
		pts = append(pts, plotter.XY{X: schedule.Time(i, n), Y: float64(k[i])})
	}
	if l, s, err := plotter.NewLinePoints(pts); err == nil {
		l.Color, s.Color = chartBlue, chartBlue
		s.Shape = draw.CircleGlyph{}
		p.Add(l, s)
	}
	top := 1.0
	for _, v := range k[min(1, n):] {
		top = max(top, float64(v))
	}
	markStep(p, current, n, 0, top+2)
	p.Y.Min, p.Y.Max = 0, top+2
	p.X.Min, p.X.Max = 0, 1
	p.Add(plotter.NewGrid())
	return p
}

// SignalNoisePlot draws a(t) and b(t) with the current step marked.
func SignalNoisePlot(n, current int) *plot.Plot {
	p := plot.New()
	p.Title.Text = "signal a(t) and noise b(t)"
	p.X.Label.Text = "t"
	fa := plotter.NewFunction(schedule.A)
	fa.Color, fa.Width = chartBlue, vg.Points(2)
	fb := plotter.NewFunction(schedule.B)
	fb.Color, fb.Width = chartOrange, vg.Points(2)
	fb.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	p.Add(fa, fb, plotter.NewGrid())
	p.Legend.Add("a(t)", fa)
	p.Legend.Add("b(t)", fb)
	p.Legend.Top = false
	p.Legend.Left = true
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1.02
	markStep(p, current, n, 0, 1.02)
	return p
}

// EffectivePlot draws a pixel's effective number of patches over t (log
// scale), NaN entries skipped.
func EffectivePlot(series []float64, current int, title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "t"
	p.Y.Label.Text = "effective number"
	n := len(series)
	var pts plotter.XYs
	for i, v := range series {
		if !math.IsNaN(v) && v > 0 {
			pts = append(pts, plotter.XY{X: schedule.Time(i, n), Y: v})
		}
	}
	if len(pts) > 0 {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		if l, s, err := plotter.NewLinePoints(pts); err == nil {
			l.Color, s.Color = chartBlue, chartBlue
			p.Add(l, s)
		}
		lo, hi := pts[0].Y, pts[0].Y
		for _, q := range pts {
			lo, hi = min(lo, q.Y), max(hi, q.Y)
		}
		p.Y.Min, p.Y.Max = max(lo/1.5, 0.5), hi*1.5
		markStep(p, current, n, p.Y.Min, p.Y.Max)
	} else {
		p.Title.Text = title + " (select a pixel)"
		markStep(p, current, n, 0, 1)
	}
	p.X.Min, p.X.Max = 0, 1
	p.Add(plotter.NewGrid())
	return p
}

// markStep adds a vertical line at t_current from y0 to y1.
func markStep(p *plot.Plot, current, n int, y0, y1 float64) {
	if current < 0 || n < 2 {
		return
	}
	t := schedule.Time(current, n)
	l, err := plotter.NewLine(plotter.XYs{{X: t, Y: y0}, {X: t, Y: y1}})
	if err != nil {
		return
	}
	l.Color, l.Width = chartRed, vg.Points(1.5)
	p.Add(l)
}

// spectrumFloor is the smallest value the spectrum chart shows on its log
// scale; directions below it (zero variance, or shrunk to nothing) sit on
// the floor.
const spectrumFloor = 1e-6

// SpectrumPlot draws the training covariance's eigenvalues lambda_j
// (relative to the largest) and the Wiener shrinkage s_j(t) of every
// direction j at time t (SPEC.md, "Other theories"): which directions of
// the data survive the filter at this noise level. lambda nil (the
// eigendecomposition is not computed yet) draws an empty chart with a
// note in its title.
func SpectrumPlot(lambda []float64, t float64) *plot.Plot {
	p := plot.New()
	p.X.Label.Text = "direction j (by variance)"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = decadeTicks{}
	p.Y.Min, p.Y.Max = spectrumFloor, 1.5
	if len(lambda) == 0 || !(lambda[0] > 0) {
		p.Title.Text = "eigen-spectrum (Wiener and PCA-locality machines)"
		p.X.Min, p.X.Max = 0, 1
		return p
	}
	p.Title.Text = fmt.Sprintf("variance and shrinkage s_j at t = %.2f", t)
	a, b := schedule.A(t), schedule.B(t)
	lam := make(plotter.XYs, len(lambda))
	shr := make(plotter.XYs, len(lambda))
	for j, l := range lambda {
		lam[j] = plotter.XY{X: float64(j + 1), Y: max(l/lambda[0], spectrumFloor)}
		shr[j] = plotter.XY{X: float64(j + 1), Y: max(a*a*l/(b*b+a*a*l), spectrumFloor)}
	}
	ll, err1 := plotter.NewLine(lam)
	ls, err2 := plotter.NewLine(shr)
	if err1 == nil && err2 == nil {
		ll.Color, ll.Width = chartBlue, vg.Points(2)
		ls.Color, ls.Width = chartOrange, vg.Points(2)
		ls.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(ll, ls)
		p.Legend.Add("variance λ_j / λ_1", ll)
		p.Legend.Add("kept s_j(t)", ls)
		p.Legend.Top, p.Legend.Left = false, true // the curves fall to the right
	}
	p.X.Min, p.X.Max = 1, float64(len(lambda))
	p.Add(plotter.NewGrid())
	return p
}

// decadeTicks labels every power of ten of a log axis in its shortest form
// ("1e-05", "0.001", "1"); plot.LogTicks prints 9.999999999999999e-05.
type decadeTicks struct{}

// Ticks implements plot.Ticker.
func (decadeTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	if !(lo > 0) || !(hi > lo) {
		return out
	}
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		v, _ := strconv.ParseFloat(fmt.Sprintf("1e%d", int(e)), 64) // exact decimal
		if v >= lo*(1-1e-12) && v <= hi*(1+1e-12) {
			out = append(out, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)})
		}
	}
	return out
}
