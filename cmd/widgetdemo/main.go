// Command widgetdemo shows every widget of package widgets with fake
// data, for looking at them by eye (e.g. under Xvfb with a screenshot).
// It is a development tool, not part of the app.
//
//	go run ./cmd/widgetdemo [-w 1560 -h 960]
//
// The size is in Fyne units: with FYNE_SCALE=2, pass half the screen size.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"mosaic/widgets"
)

const size = 32

// fakeImage draws a soft blob picture whose shape depends on seed and
// whose sharpness grows with s (0 = noise, 1 = clean).
func fakeImage(seed int, s float64) *image.NRGBA {
	r := rand.New(rand.NewPCG(uint64(seed), 7))
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	cx, cy := 10+r.Float64()*12, 10+r.Float64()*12
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			d := math.Hypot(float64(x)-cx, float64(y)-cy)
			v := 1 / (1 + math.Exp((d-8)/1.5))
			n := r.Float64()
			g := s*v + (1-s)*n
			img.SetNRGBA(x, y, color.NRGBA{uint8(255 * g), uint8(200*g + 30*(1-g)), uint8(255 * (1 - g)), 255})
		}
	}
	return img
}

func overlay() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			if (x/8+y/8)%2 == 0 {
				img.SetNRGBA(x, y, color.NRGBA{255, 255, 0, 60})
			}
		}
	}
	return img
}

func main() {
	width := flag.Float64("w", 1560, "window width (Fyne units)")
	height := flag.Float64("h", 960, "window height (Fyne units)")
	flag.Parse()
	a := app.New()
	w := a.NewWindow("Mosaic widgets")

	const steps = 20
	status := widget.NewLabel("hover or click the image")

	iv := widgets.NewImageView()
	iv.SetImage(fakeImage(1, 1))
	iv.SetOverlay(overlay())
	iv.SetSelected(12, 9)
	iv.SetRegion(image.Rect(4, 4, 10, 8))
	iv.OnHover = func(r, c int) { status.SetText(fmt.Sprintf("hover (%d,%d)", r, c)) }
	iv.OnSelect = func(r, c int) { status.SetText(fmt.Sprintf("selected (%d,%d)", r, c)) }
	iv.OnRegion = func(rect image.Rectangle) { status.SetText(fmt.Sprintf("region %v", rect)) }

	sched := widgets.NewScheduleEditor()
	k := make([]int, steps)
	for i := range k {
		k[i] = 2*int(float64(i)*12/steps) + 3
	}
	sched.SetSchedule(k)
	sched.SetMaxK(31)
	sched.SetCurrent(steps - 1)

	labels := make([]string, steps)
	top := make([]image.Image, steps)
	bottom := make([]image.Image, steps)
	caps := make([]string, steps)
	for i := range labels {
		t := 1 - float64(i)/steps
		labels[i] = fmt.Sprintf("t=%.2f · k=%d", t, k[steps-1-i])
		caps[i] = fmt.Sprintf("t=%.2f", t)
		if i < 14 {
			top[i] = fakeImage(1, float64(i)/steps)
			bottom[i] = fakeImage(1, math.Min(1, 0.3+float64(i)/steps))
		}
	}
	film := widgets.NewFilmstrip()
	film.SetFrames(top, bottom, caps)
	tl := widgets.NewTimeline()
	tl.SetSteps(labels)
	tl.OnChange = func(i int) {
		film.SetCurrent(i)
		sched.SetCurrent(steps - 1 - i)
		iv.SetImage(fakeImage(1, float64(i+1)/steps))
	}
	film.OnSelect = func(i int) { tl.SetCurrent(i); tl.OnChange(i) }
	tl.SetCurrent(5)
	film.SetCurrent(5)

	pl := widgets.NewPatchList()
	var entries []widgets.PatchEntry
	for i := 0; i < 6; i++ {
		src := fakeImage(10+i, 1)
		rect := image.Rect(3*i, 2*i, 3*i+7, 2*i+7)
		entries = append(entries, widgets.PatchEntry{
			Patch:   src.SubImage(rect),
			Source:  src,
			Outline: rect,
			Title:   fmt.Sprintf("#%d · label %d · at (%d,%d)", 1200+37*i, i%10, rect.Min.Y, rect.Min.X),
			Weight:  0.41 / float64(i+1),
		})
	}
	pl.SetEntries(entries)

	wb := widgets.NewWeightBars()
	wb.SetBars([]widgets.Bar{
		{Label: "image #1234", Value: 0.412},
		{Label: "image #77", Value: 0.203},
		{Label: "image #5", Value: 0.09, Color: color.NRGBA{230, 120, 0, 255}},
		{Label: "other", Value: 0.011},
	})
	lg := widgets.NewLegend()
	lg.SetEntries([]widgets.LegendEntry{
		{Color: color.NRGBA{230, 60, 60, 255}, Label: "image #1234"},
		{Color: color.NRGBA{60, 120, 230, 255}, Label: "image #77"},
		{Color: color.NRGBA{80, 200, 90, 255}, Label: "other"},
	})
	cb := widgets.NewColorBar()
	cb.Set(func(v float64) color.Color {
		return color.NRGBA{uint8(255 * v), uint8(255 * v * v), uint8(255 * (1 - v)), 255}
	}, 0, 0.42, "attribution weight")

	pv := widgets.NewPlotView(func() *plot.Plot {
		p := plot.New()
		widgets.ThemePlot(p)
		p.Title.Text = "Patch-size schedule vs. error"
		p.X.Label.Text = "t"
		p.Y.Label.Text = "MSE"
		pts := make(plotter.XYs, 50)
		for i := range pts {
			x := float64(i) / 49
			pts[i] = plotter.XY{X: x, Y: 0.2 + 0.5*x*x + 0.05*math.Sin(12*x)}
		}
		l, _ := plotter.NewLine(pts)
		l.Color = color.NRGBA{230, 120, 0, 255}
		l.Width = 2
		p.Add(l)
		return p
	})

	left := container.NewBorder(nil, status, nil, nil, iv)
	right := container.NewVBox(
		widget.NewCard("", "Weights", wb),
		container.NewGridWithColumns(2, lg, cb),
	)
	charts := container.NewGridWithColumns(2, sched, pv)
	top3 := container.NewGridWithColumns(3, left, container.NewBorder(widget.NewLabel("Top patches"), nil, nil, nil, pl), container.NewBorder(nil, nil, nil, nil, container.NewVScroll(right)))
	content := container.NewBorder(nil, container.NewVBox(film, tl), nil, nil, container.NewVSplit(top3, charts))
	w.SetContent(content)
	w.Canvas().SetOnTypedKey(func(e *fyne.KeyEvent) { tl.HandleKey(e.Name) })
	w.Resize(fyne.NewSize(float32(*width), float32(*height)))
	w.ShowAndRun()
}
