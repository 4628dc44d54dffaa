package trace

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// weightBar is a horizontal bar showing a share in [0, 1] on an absolute
// scale (a full bar is all of the region's weight), with the percentage
// written beside it in large type.
type weightBar struct {
	widget.BaseWidget
	value float64
	track *canvas.Rectangle
	fill  *canvas.Rectangle
	text  *canvas.Text
}

func newWeightBar(v float64) *weightBar {
	b := &weightBar{value: min(1, max(0, v))}
	b.track = canvas.NewRectangle(color.NRGBA{0x80, 0x80, 0x80, 0x50})
	b.fill = canvas.NewRectangle(PatchColor)
	b.text = canvas.NewText(formatShare(v), theme.Color(theme.ColorNameForeground))
	b.text.TextSize = theme.TextSize() * 1.15
	b.text.TextStyle.Bold = true
	b.ExtendBaseWidget(b)
	return b
}

// formatShare prints a weight share as a percentage.
func formatShare(v float64) string {
	if v < 0.01 {
		return fmt.Sprintf("%.1f%%", 100*v)
	}
	return fmt.Sprintf("%.0f%%", 100*v)
}

// CreateRenderer implements fyne.Widget.
func (b *weightBar) CreateRenderer() fyne.WidgetRenderer {
	return &weightBarRenderer{b: b, objects: []fyne.CanvasObject{b.track, b.fill, b.text}}
}

type weightBarRenderer struct {
	b       *weightBar
	objects []fyne.CanvasObject
}

func (r *weightBarRenderer) Destroy()                     {}
func (r *weightBarRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *weightBarRenderer) Refresh()                     { canvas.Refresh(r.b) }

func (r *weightBarRenderer) textWidth() float32 {
	return fyne.MeasureText("100%", r.b.text.TextSize, r.b.text.TextStyle).Width + theme.Padding()
}

func (r *weightBarRenderer) MinSize() fyne.Size {
	s := fyne.MeasureText("100%", r.b.text.TextSize, r.b.text.TextStyle)
	return fyne.NewSize(s.Width+theme.Padding()+40, s.Height)
}

func (r *weightBarRenderer) Layout(size fyne.Size) {
	tw := r.textWidth()
	bw := max(0, size.Width-tw)
	h := size.Height * 0.6
	y := (size.Height - h) / 2
	r.b.track.Move(fyne.NewPos(0, y))
	r.b.track.Resize(fyne.NewSize(bw, h))
	r.b.fill.Move(fyne.NewPos(0, y))
	r.b.fill.Resize(fyne.NewSize(max(2, bw*float32(r.b.value)), h))
	r.b.text.Move(fyne.NewPos(bw+theme.Padding(), 0))
	r.b.text.Resize(fyne.NewSize(tw, size.Height))
}
