package widgets

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Bar is one row of a WeightBars chart. A nil Color uses the theme's
// primary colour.
type Bar struct {
	Label string
	Value float64
	Color color.Color
}

// WeightBars is a compact horizontal bar chart: per row a label, a bar
// and the value with three decimals. Bars are scaled to the largest
// value (negative values draw an empty bar).
//
// Use from the UI goroutine only.
type WeightBars struct {
	widget.BaseWidget

	bars []Bar
	// Format formats a value; nil means "%.3f".
	Format func(v float64) string

	labels []*canvas.Text
	rows   []*ValueBar
}

// NewWeightBars returns an empty chart.
func NewWeightBars() *WeightBars {
	w := &WeightBars{}
	w.ExtendBaseWidget(w)
	return w
}

// SetBars replaces the rows.
func (w *WeightBars) SetBars(b []Bar) {
	w.bars = append(w.bars[:0], b...)
	w.Refresh()
}

// Bars returns the rows.
func (w *WeightBars) Bars() []Bar { return w.bars }

func (w *WeightBars) format(v float64) string {
	if w.Format != nil {
		return w.Format(v)
	}
	return FormatWeight(v)
}

// FormatWeight formats a softmax weight for a list: three decimals
// ("0.412"), or two significant digits in exponent form below 0.001
// ("3.5e-06"), so that the tiny, equal weights of a pixel whose weight is
// spread over thousands of patches do not all read "0.000".
func FormatWeight(v float64) string {
	if v != 0 && math.Abs(v) < 0.0005 {
		return strconv.FormatFloat(v, 'e', 1, 64)
	}
	return fmt.Sprintf("%.3f", v)
}

// CreateRenderer implements fyne.Widget.
func (w *WeightBars) CreateRenderer() fyne.WidgetRenderer {
	r := &weightBarsRenderer{w: w}
	r.Refresh()
	return r
}

type weightBarsRenderer struct {
	w       *WeightBars
	objects []fyne.CanvasObject
	labelW  float32
	valueW  float32
}

func (r *weightBarsRenderer) Destroy()                     {}
func (r *weightBarsRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *weightBarsRenderer) rowHeight() float32 {
	return fyne.MeasureText("Mg", theme.TextSize(), fyne.TextStyle{}).Height
}

func (r *weightBarsRenderer) MinSize() fyne.Size {
	n := len(r.w.rows)
	if n == 0 {
		return fyne.NewSize(0, r.rowHeight())
	}
	p := theme.Padding()
	barMin := theme.TextSize() * 6
	return fyne.NewSize(r.labelW+p+barMin+p+r.valueW, float32(n)*r.rowHeight()+float32(n-1)*p)
}

func (r *weightBarsRenderer) Layout(size fyne.Size) {
	p := theme.Padding()
	h := r.rowHeight()
	for i, l := range r.w.labels {
		y := float32(i) * (h + p)
		l.Move(fyne.NewPos(0, y))
		l.Resize(fyne.NewSize(r.labelW, h))
		b := r.w.rows[i]
		b.Move(fyne.NewPos(r.labelW+p, y))
		b.Resize(fyne.NewSize(max(size.Width-r.labelW-p, 0), h))
	}
}

func (r *weightBarsRenderer) Refresh() {
	w := r.w
	n := len(w.bars)
	for len(w.labels) < n {
		l := canvas.NewText("", theme.Color(theme.ColorNameForeground))
		w.labels = append(w.labels, l)
		w.rows = append(w.rows, NewValueBar(0, ""))
	}
	w.labels, w.rows = w.labels[:n], w.rows[:n]
	maxV := 0.0
	for _, b := range w.bars {
		if !math.IsNaN(b.Value) {
			maxV = math.Max(maxV, b.Value)
		}
	}
	r.labelW, r.valueW = 0, 0
	ts := theme.TextSize()
	texts := make([]string, n)
	for i, b := range w.bars {
		texts[i] = w.format(b.Value)
		r.valueW = max(r.valueW, fyne.MeasureText(texts[i], ts, fyne.TextStyle{Monospace: true}).Width)
		r.labelW = max(r.labelW, fyne.MeasureText(b.Label, ts, fyne.TextStyle{}).Width)
	}
	r.objects = r.objects[:0]
	for i, b := range w.bars {
		l := w.labels[i]
		l.Text = b.Label
		l.TextSize = ts
		l.Color = theme.Color(theme.ColorNameForeground)
		frac := 0.0
		if maxV > 0 {
			frac = b.Value / maxV
		}
		w.rows[i].TextWidth = r.valueW
		w.rows[i].Set(frac, texts[i], b.Color)
		r.objects = append(r.objects, l, w.rows[i])
	}
	r.Layout(w.Size())
	for _, l := range w.labels {
		l.Refresh()
	}
}

// LegendEntry is one swatch and label of a Legend.
type LegendEntry struct {
	Color color.Color
	Label string
}

// Legend lists colour swatches with labels, one per row.
//
// Use from the UI goroutine only.
type Legend struct {
	widget.BaseWidget
	entries []LegendEntry
	swatch  []*canvas.Rectangle
	text    []*canvas.Text
}

// NewLegend returns an empty legend.
func NewLegend() *Legend {
	l := &Legend{}
	l.ExtendBaseWidget(l)
	return l
}

// SetEntries replaces the entries.
func (l *Legend) SetEntries(e []LegendEntry) {
	l.entries = append(l.entries[:0], e...)
	l.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (l *Legend) CreateRenderer() fyne.WidgetRenderer {
	r := &legendRenderer{l: l}
	r.Refresh()
	return r
}

type legendRenderer struct {
	l       *Legend
	objects []fyne.CanvasObject
}

func (r *legendRenderer) Destroy()                     {}
func (r *legendRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *legendRenderer) rowHeight() float32 {
	return fyne.MeasureText("Mg", theme.TextSize(), fyne.TextStyle{}).Height
}

func (r *legendRenderer) MinSize() fyne.Size {
	h := r.rowHeight()
	p := theme.Padding()
	var w float32
	for _, t := range r.l.text {
		w = max(w, t.MinSize().Width)
	}
	n := len(r.l.text)
	if n == 0 {
		return fyne.Size{}
	}
	return fyne.NewSize(h+p+w, float32(n)*h+float32(n-1)*p)
}

func (r *legendRenderer) Layout(fyne.Size) {
	h := r.rowHeight()
	p := theme.Padding()
	sw := h * 0.8
	for i, t := range r.l.text {
		y := float32(i) * (h + p)
		r.l.swatch[i].Move(fyne.NewPos((h-sw)/2, y+(h-sw)/2))
		r.l.swatch[i].Resize(fyne.NewSquareSize(sw))
		t.Move(fyne.NewPos(h+p, y))
		t.Resize(fyne.NewSize(t.MinSize().Width, h))
	}
}

func (r *legendRenderer) Refresh() {
	l := r.l
	n := len(l.entries)
	for len(l.text) < n {
		sw := canvas.NewRectangle(color.Transparent)
		sw.StrokeWidth = 1
		l.swatch = append(l.swatch, sw)
		l.text = append(l.text, canvas.NewText("", color.Black))
	}
	l.swatch, l.text = l.swatch[:n], l.text[:n]
	r.objects = r.objects[:0]
	for i, e := range l.entries {
		l.swatch[i].FillColor = e.Color
		l.swatch[i].StrokeColor = theme.Color(theme.ColorNameForeground)
		l.text[i].Text = e.Label
		l.text[i].TextSize = theme.TextSize()
		l.text[i].Color = theme.Color(theme.ColorNameForeground)
		r.objects = append(r.objects, l.swatch[i], l.text[i])
	}
	r.Layout(l.Size())
	for _, o := range r.objects {
		o.Refresh()
	}
}

// ColorBar shows a colour scale: a label above a horizontal gradient
// from min (left) to max (right), with the min, middle and max values
// written underneath.
//
// Use from the UI goroutine only.
type ColorBar struct {
	widget.BaseWidget

	colors   func(v float64) color.Color
	min, max float64
	label    string

	title       *canvas.Text
	lo, mid, hi *canvas.Text
	grad        *canvas.Raster
	frame       *canvas.Rectangle
}

// NewColorBar returns an empty colour bar (grey until Set).
func NewColorBar() *ColorBar {
	c := &ColorBar{min: 0, max: 1}
	c.title = canvas.NewText("", color.Black)
	c.lo = canvas.NewText("", color.Black)
	c.mid = canvas.NewText("", color.Black)
	c.mid.Alignment = fyne.TextAlignCenter
	c.hi = canvas.NewText("", color.Black)
	c.hi.Alignment = fyne.TextAlignTrailing
	c.grad = canvas.NewRasterWithPixels(func(x, _, w, _ int) color.Color {
		if c.colors == nil {
			return color.Gray{128}
		}
		f := 0.0
		if w > 1 {
			f = float64(x) / float64(w-1)
		}
		return c.colors(c.min + f*(c.max-c.min))
	})
	c.frame = newOutline(color.Black, 1)
	c.ExtendBaseWidget(c)
	return c
}

// Set sets the colour map (called with values in [min, max]), the range
// and the label.
func (c *ColorBar) Set(colors func(v float64) color.Color, min, max float64, label string) {
	c.colors, c.min, c.max, c.label = colors, min, max, label
	c.Refresh()
}

func formatValue(v float64) string {
	if v == 0 {
		return "0"
	}
	a := math.Abs(v)
	if a >= 1e4 || a < 1e-3 {
		return strconv.FormatFloat(v, 'e', 1, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// CreateRenderer implements fyne.Widget.
func (c *ColorBar) CreateRenderer() fyne.WidgetRenderer {
	r := &colorBarRenderer{c: c, objects: []fyne.CanvasObject{c.title, c.grad, c.frame, c.lo, c.mid, c.hi}}
	r.Refresh()
	return r
}

type colorBarRenderer struct {
	c       *ColorBar
	objects []fyne.CanvasObject
}

func (r *colorBarRenderer) Destroy()                     {}
func (r *colorBarRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *colorBarRenderer) textH() float32 {
	return fyne.MeasureText("Mg", theme.TextSize(), fyne.TextStyle{}).Height
}

func (r *colorBarRenderer) MinSize() fyne.Size {
	c := r.c
	th := r.textH()
	w := max(c.title.MinSize().Width, c.lo.MinSize().Width+c.mid.MinSize().Width+c.hi.MinSize().Width+4*theme.Padding(), theme.TextSize()*10)
	return fyne.NewSize(w, 2*th+th*0.9+2*theme.Padding())
}

func (r *colorBarRenderer) Layout(size fyne.Size) {
	c := r.c
	th := r.textH()
	p := theme.Padding()
	c.title.Move(fyne.Position{})
	c.title.Resize(fyne.NewSize(size.Width, th))
	gy := th + p/2
	gh := max(size.Height-2*th-p, th*0.6)
	c.grad.Move(fyne.NewPos(0, gy))
	c.grad.Resize(fyne.NewSize(size.Width, gh))
	c.frame.Move(fyne.NewPos(0, gy))
	c.frame.Resize(fyne.NewSize(size.Width, gh))
	ly := gy + gh + p/2
	for _, t := range []*canvas.Text{c.lo, c.mid, c.hi} {
		t.Move(fyne.NewPos(0, ly))
		t.Resize(fyne.NewSize(size.Width, th))
	}
}

func (r *colorBarRenderer) Refresh() {
	c := r.c
	fg := theme.Color(theme.ColorNameForeground)
	ts := theme.TextSize()
	c.title.Text = c.label
	c.title.TextStyle.Bold = true
	c.lo.Text = formatValue(c.min)
	c.mid.Text = formatValue((c.min + c.max) / 2)
	c.hi.Text = formatValue(c.max)
	for _, t := range []*canvas.Text{c.title, c.lo, c.mid, c.hi} {
		t.Color = fg
		t.TextSize = ts
	}
	c.frame.StrokeColor = theme.Color(theme.ColorNameSeparator)
	r.Layout(c.Size())
	for _, o := range r.objects {
		o.Refresh()
	}
}
