package widgets

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ScheduleEditor is a small gonum/plot chart of the patch size k (y)
// over time t_i = i/N (x) with one draggable point per step. Dragging
// vertically near a step's column sets its k, snapped to odd values in
// [1, MaxK], with a tooltip showing step, t and k while dragging (and
// while hovering over a point). The current step is marked by a
// vertical line. Entry 0 is not used by the sampler: it is drawn greyed
// and cannot be dragged.
//
// Keyboard: a click (or Tab) gives the editor the focus, shown by a ring.
// Then Up/Down (or + and -) move the current step's k one notch (2), and
// Left/Right ask to move the current step (OnCurrent): the chart can be
// edited without a pointer, and one key press is one notch.
//
// The plot is re-rendered only when the schedule, MaxK or the size
// change (during a drag: when the snapped value changes); the current
// step line and the tooltip are moved without re-rendering.
//
// Use from the UI goroutine only.
type ScheduleEditor struct {
	widget.BaseWidget

	// OnChanged is called when a drag ends with a changed value, or when
	// a key changes the current step's value: the new schedule (a copy)
	// and the step that changed.
	OnChanged func(k []int, step int)
	// OnCurrent, if set, is called when Left or Right asks to move the
	// current step (to step, within 1..N-1); the owner moves it with
	// SetCurrent.
	OnCurrent func(step int)

	k       []int
	maxK    int
	cur     int
	minSize fyne.Size

	img      *canvas.Image
	area     dataArea
	ymin     float64
	ymax     float64
	rendered fyne.Size
	scale    float32
	fg       color.Color // theme foreground of the last render (re-render on theme change)

	curLine *canvas.Line
	tipBg   *canvas.Rectangle
	tip     *canvas.Text
	ring    *canvas.Rectangle // the focus ring
	focused bool

	pressed   bool
	pressPos  fyne.Position
	dragging  bool
	dragStep  int // step being dragged, -1 none
	dragOrig  int
	hoverStep int // step whose tooltip shows on hover, -1 none
}

// DefaultMaxK is the initial MaxK of a ScheduleEditor.
const DefaultMaxK = 31

// NewScheduleEditor returns an empty editor with MaxK = DefaultMaxK.
func NewScheduleEditor() *ScheduleEditor {
	s := &ScheduleEditor{maxK: DefaultMaxK, cur: -1, dragStep: -1, hoverStep: -1, minSize: fyne.NewSize(320, 200)}
	s.img = newCrispImage()
	s.curLine = canvas.NewLine(theme.Color(theme.ColorNameWarning))
	s.curLine.StrokeWidth = 2
	s.tipBg = canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	s.tipBg.StrokeColor = theme.Color(theme.ColorNameForeground)
	s.tipBg.StrokeWidth = 1
	s.tipBg.CornerRadius = theme.InputRadiusSize()
	s.tip = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	s.tip.TextStyle.Bold = true
	s.tipBg.Hide()
	s.tip.Hide()
	s.ring = canvas.NewRectangle(color.Transparent)
	s.ring.StrokeWidth = 2
	s.ring.CornerRadius = theme.InputRadiusSize()
	s.ring.Hide()
	s.ExtendBaseWidget(s)
	return s
}

// FocusGained implements fyne.Focusable.
func (s *ScheduleEditor) FocusGained() { s.focused = true; s.Refresh() }

// FocusLost implements fyne.Focusable.
func (s *ScheduleEditor) FocusLost() { s.focused = false; s.Refresh() }

// Focused reports whether the editor has the keyboard focus.
func (s *ScheduleEditor) Focused() bool { return s.focused }

// TypedRune implements fyne.Focusable: + and - change the current step's k.
func (s *ScheduleEditor) TypedRune(r rune) {
	switch r {
	case '+', '=':
		s.nudge(2)
	case '-', '_':
		s.nudge(-2)
	}
}

// TypedKey implements fyne.Focusable: Up/Down change the current step's k,
// Left/Right ask to move the current step.
func (s *ScheduleEditor) TypedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyUp:
		s.nudge(2)
	case fyne.KeyDown:
		s.nudge(-2)
	case fyne.KeyLeft, fyne.KeyRight:
		if s.OnCurrent == nil || len(s.k) < 2 {
			return
		}
		i := s.cur
		if e.Name == fyne.KeyLeft {
			i--
		} else {
			i++
		}
		if i >= 1 && i < len(s.k) {
			s.OnCurrent(i)
		}
	}
}

// nudge moves the current step's k by d, within [1, MaxK], and reports it.
func (s *ScheduleEditor) nudge(d int) {
	i := s.cur
	if i < 1 || i >= len(s.k) || s.dragging {
		return
	}
	s.set(i, min(max(s.k[i]+d, 1), s.topOdd()))
}

// set gives step i the patch size k and, if that changed it, reports it.
func (s *ScheduleEditor) set(i, k int) {
	if k == s.k[i] {
		return
	}
	s.k[i] = k
	s.dirty()
	if s.OnChanged != nil {
		s.OnChanged(s.Schedule(), i)
	}
}

// Tapped implements fyne.Tappable: a tap in a step's column sets its k to
// the tapped height (snapped), as a drag there would. A tap or a press
// also gives the editor the keyboard focus.
func (s *ScheduleEditor) Tapped(e *fyne.PointEvent) {
	s.takeFocus()
	i := s.stepAt(e.Position.X)
	if i < 1 || s.dragging {
		return
	}
	s.set(i, s.kAt(e.Position.Y))
}

// SetSchedule sets k[i], the patch size at t_i = i/N for i = 0..N-1.
// Values are shown as given (the editor only snaps what the user drags).
// The schedule on show already (a drag's result coming back, say) is a
// no-op: nothing is re-rendered and a drag in progress goes on.
func (s *ScheduleEditor) SetSchedule(k []int) {
	if slices.Equal(k, s.k) && (len(k) > 0 || s.k != nil) {
		return
	}
	s.k = append(s.k[:0], k...)
	s.dragging, s.dragStep, s.hoverStep = false, -1, -1
	s.dirty()
}

// Schedule returns a copy of the schedule.
func (s *ScheduleEditor) Schedule() []int { return append([]int(nil), s.k...) }

// SetCurrent marks step with a vertical line; -1 (or out of range) hides it.
func (s *ScheduleEditor) SetCurrent(step int) {
	if step == s.cur {
		return
	}
	s.cur = step
	s.layoutOverlay()
	s.curLine.Refresh()
}

// SetMaxK sets the largest patch size a drag can reach (an even value
// allows up to MaxK-1, the largest odd value below it).
func (s *ScheduleEditor) SetMaxK(k int) {
	if max(k, 1) == s.maxK {
		return
	}
	s.maxK = max(k, 1)
	s.dirty()
}

// MaxK returns the largest patch size.
func (s *ScheduleEditor) MaxK() int { return s.maxK }

// SetMinSize sets the minimum size (default 320×200).
func (s *ScheduleEditor) SetMinSize(sz fyne.Size) {
	s.minSize = sz
	s.Refresh()
}

func (s *ScheduleEditor) dirty() {
	s.rendered = fyne.Size{}
	s.Refresh()
}

// topOdd is the largest odd value ≤ MaxK.
func (s *ScheduleEditor) topOdd() int {
	if s.maxK%2 == 0 {
		return s.maxK - 1
	}
	return s.maxK
}

// snap rounds v to the nearest odd integer in [1, topOdd].
func (s *ScheduleEditor) snap(v float64) int {
	k := 2*int(math.Round((v-1)/2)) + 1
	return clampInt(k, 1, s.topOdd())
}

func (s *ScheduleEditor) t(i int) float64 {
	if len(s.k) == 0 {
		return 0
	}
	return float64(i) / float64(len(s.k))
}

// PointPos returns where step i's point is drawn (Fyne units relative to
// the widget), valid after the widget was laid out.
func (s *ScheduleEditor) PointPos(i int) fyne.Position {
	if s.area.x == nil || i < 0 || i >= len(s.k) {
		return fyne.Position{}
	}
	return fyne.NewPos(s.area.x(s.t(i)), s.area.y(float64(s.k[i])))
}

// stepAt returns the draggable step (≥ 1) whose column is nearest to x.
func (s *ScheduleEditor) stepAt(x float32) int {
	if s.area.x == nil || len(s.k) < 2 {
		return -1
	}
	best, bestD := -1, float32(math.Inf(1))
	for i := 1; i < len(s.k); i++ {
		if d := float32(math.Abs(float64(s.area.x(s.t(i)) - x))); d < bestD {
			best, bestD = i, d
		}
	}
	// Not too far left of step 1 or right of the last step.
	spacing := s.area.x(s.t(1)) - s.area.x(0)
	if bestD > max(spacing, theme.Padding()*3) {
		return -1
	}
	return best
}

// kAt maps a y position to a snapped k.
func (s *ScheduleEditor) kAt(y float32) int {
	y0, y1 := s.area.y(s.ymin), s.area.y(s.ymax)
	if y1 == y0 {
		return 1
	}
	v := s.ymin + float64((y-y0)/(y1-y0))*(s.ymax-s.ymin)
	return s.snap(v)
}

// takeFocus gives the editor the keyboard focus of its canvas.
func (s *ScheduleEditor) takeFocus() {
	if a := fyne.CurrentApp(); a != nil {
		if c := a.Driver().CanvasForObject(s); c != nil && c.Focused() != s {
			c.Focus(s)
		}
	}
}

// MouseDown implements desktop.Mouseable.
func (s *ScheduleEditor) MouseDown(e *desktop.MouseEvent) {
	s.takeFocus()
	s.pressed = true
	s.pressPos = e.Position
}

// MouseUp implements desktop.Mouseable.
func (s *ScheduleEditor) MouseUp(*desktop.MouseEvent) { s.pressed = false }

// Dragged implements fyne.Draggable.
func (s *ScheduleEditor) Dragged(e *fyne.DragEvent) {
	if !s.dragging {
		s.dragging = true
		start := e.Position.Subtract(e.Dragged)
		if s.pressed {
			start = s.pressPos
		}
		s.dragStep = s.stepAt(start.X)
		if s.dragStep >= 0 {
			s.dragOrig = s.k[s.dragStep]
		}
		s.hoverStep = -1
	}
	i := s.dragStep
	if i < 0 {
		return
	}
	if k := s.kAt(e.Position.Y); k != s.k[i] {
		s.k[i] = k
		s.rendered = fyne.Size{}
	}
	s.Refresh()
}

// DragEnd implements fyne.Draggable.
func (s *ScheduleEditor) DragEnd() {
	if !s.dragging {
		return
	}
	i := s.dragStep
	s.dragging, s.dragStep, s.pressed = false, -1, false
	s.rendered = fyne.Size{}
	s.Refresh()
	if i >= 0 && s.k[i] != s.dragOrig && s.OnChanged != nil {
		s.OnChanged(s.Schedule(), i)
	}
}

// MouseIn implements desktop.Hoverable.
func (s *ScheduleEditor) MouseIn(e *desktop.MouseEvent) { s.MouseMoved(e) }

// MouseMoved shows the tooltip of the point under the pointer.
func (s *ScheduleEditor) MouseMoved(e *desktop.MouseEvent) {
	if s.dragging {
		return
	}
	h := -1
	if i := s.stepAt(e.Position.X); i >= 0 {
		p := s.PointPos(i)
		if math.Abs(float64(p.Y-e.Position.Y)) < float64(theme.TextSize()) {
			h = i
		}
	}
	if h != s.hoverStep {
		s.hoverStep = h
		s.layoutOverlay()
		s.tip.Refresh()
		s.tipBg.Refresh()
	}
}

// MouseOut implements desktop.Hoverable.
func (s *ScheduleEditor) MouseOut() {
	if s.hoverStep >= 0 {
		s.hoverStep = -1
		s.layoutOverlay()
	}
}

// buildPlot makes the chart for the current schedule.
func (s *ScheduleEditor) buildPlot(size fyne.Size) *plot.Plot {
	p := plot.New()
	ThemePlot(p)
	p.X.Label.Text = "t"
	p.Y.Label.Text = "patch size k"
	p.X.Min, p.X.Max = 0, 1
	top := max(s.topOdd(), 1)
	for _, k := range s.k {
		top = max(top, k)
	}
	s.ymin, s.ymax = 0, float64(top+1)
	p.Y.Min, p.Y.Max = s.ymin, s.ymax
	p.Y.Tick.Marker = oddTicks{}
	p.X.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick {
		var ts []plot.Tick
		for v := 0.0; v <= 1.0001; v += 0.25 {
			ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', 3, 64)})
		}
		return ts
	})

	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	grid.Horizontal.Color = GridColor()
	grid.Horizontal.Width = 1
	p.Add(grid)

	n := len(s.k)
	if n == 0 {
		return p
	}
	primary := theme.Color(theme.ColorNamePrimary)
	// Glyph radius: smaller when steps are dense.
	spacing := float64(size.Width) * 0.8 / float64(n)
	radius := vg.Length(math.Max(2.5, math.Min(5, spacing/3)))

	if n > 1 {
		pts := make(plotter.XYs, 0, n-1)
		for i := 1; i < n; i++ {
			pts = append(pts, plotter.XY{X: s.t(i), Y: float64(s.k[i])})
		}
		if line, err := plotter.NewLine(pts); err == nil {
			line.Color = primary
			line.Width = 2
			p.Add(line)
		}
		if sc, err := plotter.NewScatter(pts); err == nil {
			sc.GlyphStyle = draw.GlyphStyle{Color: primary, Radius: radius, Shape: draw.CircleGlyph{}}
			p.Add(sc)
		}
	}
	// Entry 0: unused by the sampler, greyed ring.
	if sc, err := plotter.NewScatter(plotter.XYs{{X: 0, Y: float64(s.k[0])}}); err == nil {
		sc.GlyphStyle = draw.GlyphStyle{Color: theme.Color(theme.ColorNameDisabled), Radius: radius, Shape: draw.RingGlyph{}}
		p.Add(sc)
	}
	if i := s.dragStep; i >= 1 && i < n {
		if sc, err := plotter.NewScatter(plotter.XYs{{X: s.t(i), Y: float64(s.k[i])}}); err == nil {
			sc.GlyphStyle = draw.GlyphStyle{Color: theme.Color(theme.ColorNameForeground), Radius: radius * 1.6, Shape: draw.RingGlyph{}}
			p.Add(sc)
		}
	}
	return p
}

// oddTicks labels odd values, thinned so that about eight are labelled.
type oddTicks struct{}

func (oddTicks) Ticks(lo, hi float64) []plot.Tick {
	top := int(hi)
	stride := 1 // in odd values
	for (top/2+1)/stride > 8 {
		stride *= 2
	}
	var ts []plot.Tick
	for k, j := 1, 0; float64(k) <= hi; k, j = k+2, j+1 {
		t := plot.Tick{Value: float64(k)}
		if j%stride == 0 {
			t.Label = strconv.Itoa(k)
		}
		ts = append(ts, t)
	}
	return ts
}

func (s *ScheduleEditor) render(size fyne.Size) {
	scale := canvasScale(s)
	fg := theme.Color(theme.ColorNameForeground)
	if size == s.rendered && scale == s.scale && fg == s.fg {
		return
	}
	s.rendered, s.scale, s.fg = size, scale, fg
	if size.Width < 1 || size.Height < 1 {
		s.img.Image = nil
		s.area = dataArea{}
		return
	}
	img, area := renderPlot(s.buildPlot(size), size, scale)
	s.img.Image = img
	s.area = area
	s.img.Refresh()
}

// layoutOverlay positions the current-step line and the tooltip.
func (s *ScheduleEditor) layoutOverlay() {
	if s.area.x == nil || s.cur < 0 || s.cur >= len(s.k) {
		s.curLine.Hide()
	} else {
		x := s.area.x(s.t(s.cur))
		s.curLine.Position1 = fyne.NewPos(x, s.area.y(s.ymax))
		s.curLine.Position2 = fyne.NewPos(x, s.area.y(s.ymin))
		s.curLine.Show()
	}
	i := s.dragStep
	if i < 0 {
		i = s.hoverStep
	}
	if s.area.x == nil || i < 0 || i >= len(s.k) {
		s.tip.Hide()
		s.tipBg.Hide()
		return
	}
	s.tip.Text = fmt.Sprintf("step %d · t=%.2f · k=%d", i, s.t(i), s.k[i])
	s.tip.TextSize = theme.TextSize()
	ts := s.tip.MinSize()
	pad := theme.Padding()
	p := s.PointPos(i)
	size := s.Size()
	x := min(max(p.X-ts.Width/2, 0), size.Width-ts.Width-2*pad)
	y := p.Y - ts.Height - 3*pad
	if y < 0 {
		y = p.Y + 2*pad
	}
	s.tipBg.Move(fyne.NewPos(x, y))
	s.tipBg.Resize(ts.AddWidthHeight(2*pad, pad))
	s.tip.Move(fyne.NewPos(x+pad, y+pad/2))
	s.tip.Resize(ts)
	s.tip.Show()
	s.tipBg.Show()
}

// CreateRenderer implements fyne.Widget.
func (s *ScheduleEditor) CreateRenderer() fyne.WidgetRenderer {
	return &scheduleRenderer{s: s, objects: []fyne.CanvasObject{s.img, s.curLine, s.tipBg, s.tip, s.ring}}
}

type scheduleRenderer struct {
	s       *ScheduleEditor
	objects []fyne.CanvasObject
}

func (r *scheduleRenderer) Destroy()                     {}
func (r *scheduleRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *scheduleRenderer) MinSize() fyne.Size           { return r.s.minSize }

func (r *scheduleRenderer) Layout(size fyne.Size) {
	r.s.img.Resize(size)
	r.s.ring.Move(fyne.NewPos(0, 0))
	r.s.ring.Resize(size)
	if r.s.focused {
		r.s.ring.Show()
	} else {
		r.s.ring.Hide()
	}
	r.s.render(size)
	r.s.layoutOverlay()
}

func (r *scheduleRenderer) Refresh() {
	s := r.s
	s.curLine.StrokeColor = theme.Color(theme.ColorNameWarning)
	s.tipBg.FillColor = theme.Color(theme.ColorNameOverlayBackground)
	s.tipBg.StrokeColor = theme.Color(theme.ColorNameForeground)
	s.tip.Color = theme.Color(theme.ColorNameForeground)
	s.ring.StrokeColor = theme.Color(theme.ColorNamePrimary)
	r.Layout(s.Size())
	for _, o := range r.objects[1:] {
		o.Refresh()
	}
}
