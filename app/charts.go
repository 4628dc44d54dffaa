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

	"mosaic/internal/palette"
)

// chartColors are the line colours of the charts.
var (
	chartBlue   = palette.Blue
	chartOrange = palette.Orange
	chartRed    = palette.Red
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

// stepTicks labels every multiple of step on a linear axis ("-0.25", "0",
// "0.5"), with unlabelled minor ticks halfway.
type stepTicks struct{ step float64 }

// Ticks implements plot.Ticker.
func (s stepTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	half := s.step / 2
	for j := math.Ceil(lo / half); j*half <= hi+1e-9; j++ {
		v := j * half
		if math.Abs(v) < 1e-12 {
			v = 0
		}
		lbl := ""
		if int(j)%2 == 0 {
			lbl = strconv.FormatFloat(v, 'g', -1, 64)
		}
		out = append(out, plot.Tick{Value: v, Label: lbl})
	}
	return out
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

// r2Colors are the lines of the r^2 chart, one per machine in
// chartMachines order (IS, LS, ELS, Wiener, PCA-locality): each theory's
// colour of palette.Theory, as in mosaic-cli compare --plot.
var r2Colors = []color.Color{
	palette.Theory("ideal"),
	palette.Theory("ls"),
	palette.Theory("els"),
	palette.Theory("wiener"),
	palette.Theory("pca-locality"),
}

// r2Floor is the lowest r^2 the chart shows; lower values are drawn on it
// (r^2 has no lower bound: a machine can be far worse than the mean).
const r2Floor = -1.0

// R2Plot draws r^2 over t of every machine of ch evaluated along the
// network's trajectory, with the current step marked. A nil chart draws
// the empty axes with a note.
func R2Plot(ch *R2Chart, current int) *plot.Plot {
	p := plot.New()
	p.X.Label.Text = "t"
	p.Y.Label.Text = "r²"
	p.X.Min, p.X.Max = 0, 1
	if ch == nil || len(ch.R2) == 0 {
		p.Title.Text = "r² vs the network (Compare → Network vs machine)"
		p.Y.Min, p.Y.Max = 0, 1
		markStep(p, current, 0, 0, 1)
		p.Add(plotter.NewGrid())
		return p
	}
	n := len(ch.R2[0])
	lo, clipped := 0.0, false
	for _, row := range ch.R2 {
		for _, v := range row {
			if !math.IsNaN(v) {
				lo = min(lo, v)
			}
		}
	}
	if lo < r2Floor {
		lo, clipped = r2Floor, true
	}
	lo = math.Floor(lo*10) / 10
	p.Title.Text = fmt.Sprintf("r² vs the network, seed %d", ch.Seed)
	if clipped {
		p.Title.Text += " (below −1 drawn at −1)"
	}
	if !ch.Complete {
		p.Title.Text += fmt.Sprintf(": %d of %d", ch.Done, ch.Total)
	}
	for j, row := range ch.R2 {
		var pts plotter.XYs
		for i := 1; i < len(row); i++ {
			if !math.IsNaN(row[i]) {
				pts = append(pts, plotter.XY{X: schedule.Time(i, n), Y: max(row[i], lo)})
			}
		}
		col := r2Colors[j%len(r2Colors)]
		if len(pts) == 0 {
			continue
		}
		l, s, err := plotter.NewLinePoints(pts)
		if err != nil {
			continue
		}
		l.Color, l.Width, s.Color = col, vg.Points(2), col
		s.Shape = draw.CircleGlyph{}
		s.Radius = vg.Points(2)
		p.Add(l, s)
		p.Legend.Add(ch.Names[j], l, s)
	}
	p.Legend.Top, p.Legend.Left = true, false // r^2 falls as t grows: the top right is free
	p.Y.Min, p.Y.Max = lo, 1.02
	p.Y.Tick.Marker = stepTicks{step: 0.25}
	markStep(p, current, n, lo, 1.02)
	p.Add(plotter.NewGrid())
	return p
}
