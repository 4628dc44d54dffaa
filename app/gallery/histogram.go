package gallery

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"mosaic/internal/palette"
)

// Colours of the two histogram series and of the badges.
var (
	// SampleColor is the colour of the generated samples' bars.
	SampleColor = palette.Sample
	// TrainingColor is the colour of the training set's bars.
	TrainingColor = palette.Training
	// NetworkColor is the colour of the network column's bars.
	NetworkColor = palette.Network
)

// Categories returns the histogram's categories: "?" (unreadable) first,
// then every digit count from min(3, lowest seen) to max(7, highest seen),
// so that a batch of perfect hands still shows where the errors would go.
// keys[i] is the digit count of label i, -1 for "?".
func Categories(ts ...Tally) (labels []string, keys []int) {
	lo, hi := 3, 7
	for _, t := range ts {
		for _, k := range t.Counts() {
			lo, hi = min(lo, k), max(hi, k)
		}
	}
	labels, keys = []string{"?"}, []int{-1}
	for k := lo; k <= hi; k++ {
		labels = append(labels, fmt.Sprint(k))
		keys = append(keys, k)
	}
	return labels, keys
}

// shares returns, per category key, the percentage of t's images.
func shares(t Tally, keys []int) plotter.Values {
	v := make(plotter.Values, len(keys))
	if t.Total == 0 {
		return v
	}
	for i, k := range keys {
		n := t.Unknown
		if k >= 0 {
			n = t.Fingers[k]
		}
		v[i] = 100 * float64(n) / float64(t.Total)
	}
	return v
}

// HistogramPlot returns the bar chart of the batch's finger counts beside
// the training set's, as percentages of each set so that 24 samples and
// 2000 training hands share one axis. It is what widgets.PlotView shows.
// With a network tally (the gallery's network column) its bars stand
// beside the machine's.
func HistogramPlot(batch, training Tally, network ...Tally) *plot.Plot {
	p := plot.New()
	p.Title.Text = "Digits per hand"
	p.Title.TextStyle.Font = sans(18)
	p.X.Label.Text = "digits counted (? = cannot tell)"
	p.Y.Label.Text = "% of hands"
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = sans(15)
		ax.Tick.Label.Font = sans(15)
	}
	p.Legend.TextStyle.Font = sans(14)
	p.Legend.Top = true
	p.Y.Min, p.Y.Max = 0, 100

	grid := plotter.NewGrid()
	grid.Vertical.Width = 0
	p.Add(grid)
	labels, keys := Categories(append([]Tally{batch, training}, network...)...)
	w := vg.Points(14)
	type bars struct {
		name string
		t    Tally
		c    color.Color
		off  vg.Length
	}
	series := []bars{
		{fmt.Sprintf("samples (%d)", batch.Total), batch, SampleColor, -w / 2},
		{fmt.Sprintf("training (%d)", training.Total), training, TrainingColor, w / 2},
	}
	if len(network) > 0 {
		w = vg.Points(11)
		series = []bars{
			{fmt.Sprintf("machine (%d)", batch.Total), batch, SampleColor, -w},
			{fmt.Sprintf("network (%d)", network[0].Total), network[0], NetworkColor, 0},
			{fmt.Sprintf("training (%d)", training.Total), training, TrainingColor, w},
		}
	}
	for _, s := range series {
		bc, err := plotter.NewBarChart(shares(s.t, keys), w)
		if err != nil { // only for NaN or infinite values, which shares never makes
			continue
		}
		bc.Color = s.c
		bc.LineStyle.Width = 0
		bc.Offset = s.off
		p.Add(bc)
		p.Legend.Add(s.name, bc)
	}
	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.7, float64(len(labels)-1)+0.7
	p.Y.Max = 100
	return p
}

// sans returns the plot's sans-serif font at the given size in points:
// easier to read than the default serif at a distance.
func sans(size float64) font.Font {
	return font.Font{Typeface: plot.DefaultFont.Typeface, Variant: "Sans", Size: vg.Points(size)}
}
