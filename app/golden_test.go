package app

import (
	"image"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"mosaic/internal/golden"
	"mosaic/widgets"
)

// The golden tests compare what the app draws with the files in
// testdata/: the charts as PNGs (with a tolerance, gonum/plot rasters)
// and the pixel inspector as Fyne markup. Rewrite them with
// `go test ./app/ -run Golden -update` after a deliberate change of the
// look, and look at the diff.

// renderChart draws a themed plot at 480x300 points, as the chart tabs do,
// on the theme's background (the tabs draw it transparent over it).
func renderChart(p *plot.Plot) image.Image {
	widgets.ThemePlot(p)
	p.BackgroundColor = theme.Color(theme.ColorNameBackground)
	c := vgimg.NewWith(vgimg.UseWH(480, 300), vgimg.UseDPI(72))
	p.Draw(draw.New(c))
	return c.Image()
}

func TestGoldenCharts(t *testing.T) {
	test.NewTempApp(t) // the test theme's colours and sizes
	k := []int{3, 3, 5, 5, 5, 7, 7, 7, 9, 9, 11, 11, 11, 11, 13, 15, 15, 15, 15, 15}
	eff := make([]float64, 20)
	for i := range eff {
		eff[i] = math.NaN()
		if i >= 1 {
			eff[i] = math.Pow(1.6, float64(i))
		}
	}
	lambda := make([]float64, 64)
	for j := range lambda {
		lambda[j] = math.Pow(0.8, float64(j))
	}
	lambda[63] = 0 // a direction without variance sits on the floor
	for name, p := range map[string]*plot.Plot{
		"chart-schedule.png":  SchedulePlot(k, 6),
		"chart-ab.png":        SignalNoisePlot(20, 6),
		"chart-effective.png": EffectivePlot(eff, 6, "effective number at (3, 4)"),
		"chart-spectrum.png":  SpectrumPlot(lambda, 0.5),
	} {
		golden.Plot(t, name, renderChart(p), 16, 0.002)
	}
}

// toyResult is the complete trajectory of toySettings.
func toyResult(t *testing.T) *Result {
	t.Helper()
	c, rec := newRecorded(toyLibrary(nil))
	if _, err := c.Request(toySettings()); err != nil {
		t.Fatal(err)
	}
	c.Wait()
	return rec.results[len(rec.results)-1]
}

func TestGoldenInspector(t *testing.T) {
	test.NewTempApp(t)
	res := toyResult(t)
	ins, err := Inspect(Query{Res: res, Step: 4, Row: 3, Col: 4, TopK: 3})
	if err != nil {
		t.Fatal(err)
	}
	p := newInspectorPanel()
	p.show(ins)
	box := p.panel()
	box.Resize(fyne.NewSize(360, 420))
	golden.ObjectMarkup(t, "inspector.xml", box)
	per := p.perImage()
	per.Resize(fyne.NewSize(360, 200))
	golden.ObjectMarkup(t, "inspector-per-image.xml", per)
}
