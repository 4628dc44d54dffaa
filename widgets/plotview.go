package widgets

import (
	"image"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// PlotView shows a gonum/plot chart rendered (vgimg) at the widget's size
// in device pixels, so it is sharp at any canvas scale. It calls make
// again and re-renders on resize and on Refresh; between those nothing
// is rendered. Rendering happens on the UI goroutine: keep make cheap
// (build the plot from data computed elsewhere).
//
// One plot point is drawn as one Fyne unit, so a font of
// theme.TextSize() points matches the app's text; ThemePlot applies
// that and the theme's colours to a plot.
//
// Use from the UI goroutine only.
type PlotView struct {
	widget.BaseWidget

	make    func() *plot.Plot
	minSize fyne.Size
	img     *canvas.Image

	rendered fyne.Size // size of the last render (zero: none yet / dirty)
	scale    float32
}

// NewPlotView returns a PlotView that renders the plot returned by make.
func NewPlotView(make func() *plot.Plot) *PlotView {
	p := &PlotView{make: make, minSize: fyne.NewSize(240, 160)}
	p.img = newCrispImage()
	p.ExtendBaseWidget(p)
	return p
}

// SetMinSize sets the minimum size (default 240×160).
func (p *PlotView) SetMinSize(s fyne.Size) {
	p.minSize = s
	p.Refresh()
}

// SetMake replaces the plot builder and re-renders.
func (p *PlotView) SetMake(make func() *plot.Plot) {
	p.make = make
	p.Refresh()
}

// Refresh rebuilds and re-renders the plot.
func (p *PlotView) Refresh() {
	p.rendered = fyne.Size{}
	p.BaseWidget.Refresh()
}

// Image returns the last rendered image (nil before the first render).
func (p *PlotView) Image() image.Image { return p.img.Image }

func (p *PlotView) render(size fyne.Size) {
	scale := canvasScale(p)
	if size == p.rendered && scale == p.scale {
		return
	}
	p.rendered, p.scale = size, scale
	var pl *plot.Plot
	if p.make != nil {
		pl = p.make()
	}
	if pl == nil || size.Width < 1 || size.Height < 1 {
		p.img.Image = nil
		return
	}
	img, _ := renderPlot(pl, size, scale)
	p.img.Image = img
}

// CreateRenderer implements fyne.Widget.
func (p *PlotView) CreateRenderer() fyne.WidgetRenderer {
	return &plotViewRenderer{p: p}
}

type plotViewRenderer struct{ p *PlotView }

func (r *plotViewRenderer) Destroy()                     {}
func (r *plotViewRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.p.img} }
func (r *plotViewRenderer) MinSize() fyne.Size           { return r.p.minSize }

func (r *plotViewRenderer) Layout(size fyne.Size) {
	r.p.img.Resize(size)
	before := r.p.img.Image
	r.p.render(size)
	if r.p.img.Image != before {
		r.p.img.Refresh()
	}
}

func (r *plotViewRenderer) Refresh() {
	r.Layout(r.p.Size())
	r.p.img.Refresh()
}

// plotDPI is the DPI at which one plot point is one Fyne unit.
func plotDPI(scale float32) int {
	return max(int(math.Round(72*float64(scale))), 1)
}

// renderPlot draws pl into an image of size×scale device pixels and
// returns it with the data area in Fyne units (X right, Y down from the
// image's top-left).
func renderPlot(pl *plot.Plot, size fyne.Size, scale float32) (*image.RGBA, dataArea) {
	dpi := plotDPI(scale)
	wpx := max(int(math.Round(float64(size.Width*scale))), 1)
	hpx := max(int(math.Round(float64(size.Height*scale))), 1)
	ptPerPx := 72 / float64(dpi)
	c := vgimg.NewWith(
		vgimg.UseWH(vg.Length(float64(wpx)*ptPerPx), vg.Length(float64(hpx)*ptPerPx)),
		vgimg.UseDPI(dpi),
		vgimg.UseBackgroundColor(color.Transparent),
	)
	dc := draw.New(c)
	pl.Draw(dc)
	da := pl.DataCanvas(dc)
	xf, yf := pl.Transforms(&da)
	_, hpt := c.Size()
	// Points to Fyne units: a point is dpi/72 px and a unit is scale px.
	k := float32(float64(dpi) / 72 / float64(scale))
	area := dataArea{
		x: func(v float64) float32 { return float32(xf(v)) * k },
		y: func(v float64) float32 { return float32(hpt-yf(v)) * k },
	}
	if rgba, ok := c.Image().(*image.RGBA); ok {
		return rgba, area
	}
	b := c.Image().Bounds()
	rgba := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			rgba.Set(x, y, c.Image().At(x, y))
		}
	}
	return rgba, area
}

// dataArea maps data coordinates to Fyne units in a rendered plot.
type dataArea struct {
	x, y func(float64) float32
}

// ThemePlot styles a plot like the app: transparent background (the
// widget's background shows through), the theme's foreground colour for
// text, axes and ticks, a sans-serif font at the theme's text size
// (titles at the subheading size) for readability on a projector.
func ThemePlot(p *plot.Plot) {
	fg := theme.Color(theme.ColorNameForeground)
	sans := font.Font{Typeface: "Liberation", Variant: "Sans"}
	ts := vg.Length(theme.TextSize())
	p.BackgroundColor = color.Transparent
	p.Title.TextStyle.Color = fg
	p.Title.TextStyle.Font = font.From(sans, vg.Length(theme.TextSubHeadingSize()))
	p.Title.Padding = vg.Length(theme.Padding())
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Color = fg
		a.Width = 1
		a.Label.TextStyle.Color = fg
		a.Label.TextStyle.Font = font.From(sans, ts)
		a.Tick.Label.Color = fg
		a.Tick.Label.Font = font.From(sans, ts)
		a.Tick.Color = fg
		a.Tick.Width = 1
	}
	p.Legend.TextStyle.Color = fg
	p.Legend.TextStyle.Font = font.From(sans, ts)
}

// GridColor is the colour ThemePlot users can give plotter.Grid lines.
func GridColor() color.Color { return theme.Color(theme.ColorNameSeparator) }
