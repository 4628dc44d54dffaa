package widgets

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ValueBar is a horizontal bar (a track with a filled part) followed by
// a number, e.g. "0.412". Use from the UI goroutine only.
type ValueBar struct {
	widget.BaseWidget

	frac  float64
	text  string
	color color.Color // nil = theme primary

	// TextWidth reserves room for the number so bars in a column line
	// up; 0 measures the text itself.
	TextWidth float32
}

// NewValueBar returns a bar filled to frac (clamped to [0, 1]) with text
// shown to its right.
func NewValueBar(frac float64, text string) *ValueBar {
	b := &ValueBar{}
	b.ExtendBaseWidget(b)
	b.Set(frac, text, nil)
	return b
}

// Set updates the fill fraction, the text and the colour (nil = theme
// primary).
func (b *ValueBar) Set(frac float64, text string, c color.Color) {
	if math.IsNaN(frac) {
		frac = 0
	}
	b.frac = math.Min(math.Max(frac, 0), 1)
	b.text = text
	b.color = c
	b.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (b *ValueBar) CreateRenderer() fyne.WidgetRenderer {
	r := &valueBarRenderer{
		b:     b,
		track: canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)),
		fill:  canvas.NewRectangle(theme.Color(theme.ColorNamePrimary)),
		label: canvas.NewText("", theme.Color(theme.ColorNameForeground)),
	}
	r.label.Alignment = fyne.TextAlignTrailing
	r.label.TextStyle.Monospace = true
	r.objects = []fyne.CanvasObject{r.track, r.fill, r.label}
	r.Refresh()
	return r
}

type valueBarRenderer struct {
	b           *ValueBar
	track, fill *canvas.Rectangle
	label       *canvas.Text
	objects     []fyne.CanvasObject
}

func (r *valueBarRenderer) Destroy()                     {}
func (r *valueBarRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *valueBarRenderer) textWidth() float32 {
	w := fyne.MeasureText(r.label.Text, r.label.TextSize, r.label.TextStyle).Width
	return max(w, r.b.TextWidth)
}

func (r *valueBarRenderer) MinSize() fyne.Size {
	h := fyne.MeasureText("0", r.label.TextSize, r.label.TextStyle).Height
	return fyne.NewSize(theme.TextSize()*4+theme.Padding()+r.textWidth(), h)
}

func (r *valueBarRenderer) Layout(size fyne.Size) {
	tw := r.textWidth()
	barW := max(size.Width-tw-theme.Padding(), 0)
	bh := float32(math.Round(float64(size.Height * 0.6)))
	y := (size.Height - bh) / 2
	r.track.Move(fyne.NewPos(0, y))
	r.track.Resize(fyne.NewSize(barW, bh))
	r.fill.Move(fyne.NewPos(0, y))
	r.fill.Resize(fyne.NewSize(barW*float32(r.b.frac), bh))
	r.label.Move(fyne.NewPos(size.Width-tw, 0))
	r.label.Resize(fyne.NewSize(tw, size.Height))
}

func (r *valueBarRenderer) Refresh() {
	r.track.FillColor = theme.Color(theme.ColorNameInputBackground)
	if r.b.color != nil {
		r.fill.FillColor = r.b.color
	} else {
		r.fill.FillColor = theme.Color(theme.ColorNamePrimary)
	}
	r.label.Text = r.b.text
	r.label.TextSize = theme.TextSize()
	r.label.Color = theme.Color(theme.ColorNameForeground)
	r.Layout(r.b.Size())
	for _, o := range r.objects {
		o.Refresh()
	}
}
