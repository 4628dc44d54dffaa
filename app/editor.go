package app

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// scheduleEditor is a small bar chart of the patch-size schedule (one bar
// per step, t increasing to the right) whose bars are set by tapping or
// dragging vertically; the value snaps to odd sizes. It is a private
// stand-in for widgets.ScheduleEditor. OnChanged receives the new
// schedule and the step that changed.
type scheduleEditor struct {
	widget.BaseWidget
	k         []int
	maxK      int
	current   int
	OnChanged func(k []int, step int)

	bars  []*canvas.Rectangle
	marks *canvas.Rectangle
	axis  *canvas.Text
	hover *canvas.Text
	frame *canvas.Rectangle
}

func newScheduleEditor() *scheduleEditor {
	e := &scheduleEditor{maxK: 31, current: -1}
	e.marks = canvas.NewRectangle(color.RGBA{214, 39, 40, 90})
	e.axis = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	e.axis.TextSize = 11
	e.hover = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	e.hover.TextSize = 11
	e.frame = canvas.NewRectangle(color.Transparent)
	e.frame.StrokeWidth = 1
	e.frame.StrokeColor = theme.Color(theme.ColorNameSeparator)
	e.ExtendBaseWidget(e)
	return e
}

// SetSchedule replaces the schedule (entry 0 is shown but not editable).
func (e *scheduleEditor) SetSchedule(k []int) {
	e.k = append(e.k[:0], k...)
	e.Refresh()
}

// SetCurrent marks the step being viewed.
func (e *scheduleEditor) SetCurrent(i int) { e.current = i; e.Refresh() }

// SetMaxK sets the top of the scale.
func (e *scheduleEditor) SetMaxK(m int) { e.maxK = max(m, 3); e.Refresh() }

func (e *scheduleEditor) geometry() (x0, bw, y0, h float32) {
	s := e.Size()
	n := max(len(e.k), 1)
	x0, y0 = 2, 16
	return x0, (s.Width - 4) / float32(n), y0, s.Height - y0 - 2
}

// edit sets the bar under pos.
func (e *scheduleEditor) edit(pos fyne.Position) {
	if len(e.k) < 2 {
		return
	}
	x0, bw, y0, h := e.geometry()
	i := int((pos.X - x0) / bw)
	if i < 1 || i >= len(e.k) {
		return
	}
	f := 1 - (pos.Y-y0)/h
	k := int(f*float32(e.maxK) + 0.5)
	k = max(1, min(k, e.maxK))
	if k%2 == 0 {
		k--
	}
	if e.k[i] == k {
		return
	}
	e.k[i] = k
	e.hover.Text = fmt.Sprintf("step %d: k = %d", i, k)
	e.Refresh()
	if e.OnChanged != nil {
		e.OnChanged(append([]int(nil), e.k...), i)
	}
}

// Tapped sets a bar.
func (e *scheduleEditor) Tapped(ev *fyne.PointEvent) { e.edit(ev.Position) }

// Dragged sets bars along the drag.
func (e *scheduleEditor) Dragged(ev *fyne.DragEvent) { e.edit(ev.Position) }

// DragEnd ends a drag.
func (e *scheduleEditor) DragEnd() {}

func (e *scheduleEditor) MinSize() fyne.Size { return fyne.NewSize(200, 90) }

func (e *scheduleEditor) CreateRenderer() fyne.WidgetRenderer { return &editorRenderer{e} }

type editorRenderer struct{ e *scheduleEditor }

func (r *editorRenderer) Layout(fyne.Size)   { r.Refresh() }
func (r *editorRenderer) MinSize() fyne.Size { return r.e.MinSize() }
func (r *editorRenderer) Destroy()           {}
func (r *editorRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.e.frame, r.e.marks}
	for _, b := range r.e.bars {
		objs = append(objs, b)
	}
	return append(objs, r.e.axis, r.e.hover)
}

func (r *editorRenderer) Refresh() {
	e := r.e
	for len(e.bars) < len(e.k) {
		e.bars = append(e.bars, canvas.NewRectangle(theme.Color(theme.ColorNamePrimary)))
	}
	e.bars = e.bars[:len(e.k)]
	x0, bw, y0, h := e.geometry()
	e.frame.Move(fyne.NewPos(0, y0-2))
	e.frame.Resize(fyne.NewSize(e.Size().Width, h+4))
	for i, b := range e.bars {
		f := float32(e.k[i]) / float32(e.maxK)
		bh := max(2, f*h)
		b.FillColor = theme.Color(theme.ColorNamePrimary)
		if i == 0 {
			b.FillColor = theme.Color(theme.ColorNameDisabled)
		}
		b.Move(fyne.NewPos(x0+float32(i)*bw+1, y0+h-bh))
		b.Resize(fyne.NewSize(max(bw-2, 1), bh))
		b.Refresh()
	}
	if e.current >= 0 && e.current < len(e.k) {
		e.marks.Show()
		e.marks.Move(fyne.NewPos(x0+float32(e.current)*bw, y0))
		e.marks.Resize(fyne.NewSize(bw, h))
	} else {
		e.marks.Hide()
	}
	e.axis.Text = fmt.Sprintf("k ≤ %d · t →", e.maxK)
	e.axis.Color = theme.Color(theme.ColorNameForeground)
	e.axis.Move(fyne.NewPos(2, 0))
	e.hover.Color = theme.Color(theme.ColorNameForeground)
	e.hover.Move(fyne.NewPos(e.Size().Width-e.hover.MinSize().Width-2, 0))
	canvas.Refresh(e)
}
