package main

import (
	"fmt"
	"image/color"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"mosaic/model/outfile"
	"mosaic/model/schedule"
)

// writeSweepPlot charts the not-five rate (and the wrong rate among the
// samples the counter could tell) against the late patch size, with the
// base schedule as a dashed line, and writes it as PNG.
func writeSweepPlot(outs *outfile.Set, path string, stats []fingerStats, nLate, n int) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Finger counts vs patch size of the last %d steps (t <= %.2f), %d samples each",
		nLate, schedule.Time(nLate, n), stats[0].samples)
	p.X.Label.Text = "late patch size k"
	p.Y.Label.Text = "fraction of samples"
	// Headroom above 1 keeps the legend (top right) clear of the data.
	p.Y.Min, p.Y.Max = 0, 1.4
	p.Y.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 0.25, Label: "0.25"},
		{Value: 0.5, Label: "0.5"}, {Value: 0.75, Label: "0.75"}, {Value: 1, Label: "1"}})
	p.Add(plotter.NewGrid())

	var notFive, wrong plotter.XYs
	minK, maxK := stats[len(stats)-1].cfg.lateK, 0
	for _, s := range stats[1:] {
		k := float64(s.cfg.lateK)
		minK, maxK = min(minK, s.cfg.lateK), max(maxK, s.cfg.lateK)
		notFive = append(notFive, plotter.XY{X: k, Y: s.notFive()})
		if r := s.wrongRate(); r == r {
			wrong = append(wrong, plotter.XY{X: k, Y: r})
		}
	}
	sortXYs(notFive)
	sortXYs(wrong)
	add := func(xys plotter.XYs, c color.Color, shape draw.GlyphDrawer, name string) error {
		if len(xys) == 0 {
			return nil
		}
		l, s, err := plotter.NewLinePoints(xys)
		if err != nil {
			return err
		}
		l.Color, l.Width = c, vg.Points(1.5)
		s.Color, s.Shape, s.Radius = c, shape, vg.Points(3)
		p.Add(l, s)
		p.Legend.Add(name, l, s)
		return nil
	}
	if err := add(notFive, color.RGBA{200, 0, 0, 255}, draw.CircleGlyph{}, "not five (wrong or cannot tell)"); err != nil {
		return err
	}
	if err := add(wrong, color.RGBA{0, 80, 200, 255}, draw.SquareGlyph{}, "wrong count, of those counted"); err != nil {
		return err
	}
	lo, hi := float64(minK)-1, float64(maxK)+1
	base, err := plotter.NewLine(plotter.XYs{{X: lo, Y: stats[0].notFive()}, {X: hi, Y: stats[0].notFive()}})
	if err != nil {
		return err
	}
	base.Color, base.Dashes, base.Width = color.Gray{90}, []vg.Length{vg.Points(4), vg.Points(3)}, vg.Points(1)
	p.Add(base)
	p.Legend.Add("not five, base schedule", base)
	p.Legend.Top = true
	p.X.Min, p.X.Max = lo, hi
	var ticks []plot.Tick
	for _, s := range stats[1:] {
		ticks = append(ticks, plot.Tick{Value: float64(s.cfg.lateK), Label: fmt.Sprint(s.cfg.lateK)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)

	c := vgimg.New(vg.Points(560), vg.Points(360))
	p.Draw(draw.New(c))
	outs.Put(path, func(w io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
		return err
	})
	return nil
}

func sortXYs(xys plotter.XYs) {
	for i := 1; i < len(xys); i++ {
		for j := i; j > 0 && xys[j].X < xys[j-1].X; j-- {
			xys[j], xys[j-1] = xys[j-1], xys[j]
		}
	}
}
