package widgets

import (
	"image"
	"image/color"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

func linePlot() *plot.Plot {
	p := plot.New()
	ThemePlot(p)
	p.Title.Text = "loss"
	p.X.Label.Text = "step"
	l, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 1}, {X: 1, Y: 3}, {X: 2, Y: 2}})
	l.Color = color.NRGBA{255, 0, 0, 255}
	l.Width = 3
	p.Add(l)
	return p
}

func countNonTransparent(img image.Image) (n int) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0 {
				n++
			}
		}
	}
	return n
}

func TestPlotViewRendersAtSize(t *testing.T) {
	test.NewTempApp(t)
	calls := 0
	pv := NewPlotView(func() *plot.Plot { calls++; return linePlot() })
	w := test.NewWindow(pv)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(300, 200))
	defer w.Close()

	img := pv.Image()
	if img == nil {
		t.Fatalf("no render")
	}
	if b := img.Bounds(); b.Dx() != 300 || b.Dy() != 200 {
		t.Fatalf("rendered %v, want 300×200 at scale 1", b)
	}
	if n := countNonTransparent(img); n < 500 {
		t.Fatalf("render nearly blank: %d drawn pixels", n)
	}
	// The red line reaches the screen.
	shot := w.Canvas().Capture()
	reds := 0
	b := shot.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(shot.At(x, y)).(color.NRGBA)
			if c.R > 200 && c.G < 60 && c.B < 60 {
				reds++
			}
		}
	}
	if reds < 100 {
		t.Fatalf("line not visible on screen: %d red pixels", reds)
	}
	// Re-render on resize and Refresh, not otherwise.
	before := calls
	pv.Refresh()
	w.Resize(fyne.NewSize(400, 250))
	if b := pv.Image().Bounds(); b.Dx() != 400 || b.Dy() != 250 {
		t.Fatalf("after resize rendered %v", b)
	}
	if calls != before+2 {
		t.Fatalf("make called %d times for Refresh+resize, want 2", calls-before)
	}
	w.Canvas().Capture()
	if calls != before+2 {
		t.Fatalf("re-rendered without a change")
	}
}

func showSchedule(t *testing.T, k []int) (*ScheduleEditor, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	s := NewScheduleEditor()
	s.SetMaxK(15)
	s.SetSchedule(k)
	w := test.NewWindow(s)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(500, 300))
	t.Cleanup(w.Close)
	return s, w
}

// dragSchedule sends the GLFW-like events for a drag from one point to
// another.
func dragSchedule(s *ScheduleEditor, from, to fyne.Position) {
	s.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: from}, Button: desktop.MouseButtonPrimary})
	mid := fyne.NewPos((from.X+to.X)/2, (from.Y+to.Y)/2)
	s.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: mid}, Dragged: fyne.NewDelta(mid.X-from.X, mid.Y-from.Y)})
	s.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: to}, Dragged: fyne.NewDelta(to.X-mid.X, to.Y-mid.Y)})
	s.DragEnd()
	s.MouseUp(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: to}, Button: desktop.MouseButtonPrimary})
}

func TestScheduleEditorDrag(t *testing.T) {
	orig := []int{3, 3, 5, 7, 9, 11, 13, 13}
	s, _ := showSchedule(t, orig)
	var calls int
	var gotK []int
	gotStep := -1
	s.OnChanged = func(k []int, step int) { calls++; gotK, gotStep = k, step }

	// Points are where the data says: higher k is higher up, later t
	// further right.
	p2, p3, p4 := s.PointPos(2), s.PointPos(3), s.PointPos(4)
	if !(p2.X < p3.X && p3.X < p4.X && p2.Y > p3.Y && p3.Y > p4.Y) {
		t.Fatalf("points misplaced: %v %v %v", p2, p3, p4)
	}
	// Drag step 3 from k=7 up by about two odd values (the spacing
	// between k=7 and k=11 is p3.Y - PointPos(5).Y).
	up := p3.Y - s.PointPos(5).Y
	dragSchedule(s, p3, p3.SubtractXY(3, up+2))
	if calls != 1 || gotStep != 3 {
		t.Fatalf("OnChanged calls %d step %d", calls, gotStep)
	}
	for i := range orig {
		want := orig[i]
		if i == 3 {
			want = 11
		}
		if gotK[i] != want || s.Schedule()[i] != want {
			t.Fatalf("after drag k = %v (Schedule %v), want step 3 = 11 and the rest unchanged", gotK, s.Schedule())
		}
	}
	// A drag far above snaps to MaxK (odd), far below to 1.
	dragSchedule(s, s.PointPos(6), s.PointPos(6).SubtractXY(0, 1000))
	if k := s.Schedule()[6]; k != 15 || gotStep != 6 {
		t.Fatalf("drag to the top: k %d step %d", k, gotStep)
	}
	dragSchedule(s, s.PointPos(6), s.PointPos(6).AddXY(0, 1000))
	if k := s.Schedule()[6]; k != 1 {
		t.Fatalf("drag to the bottom: k %d", k)
	}
	// Even MaxK: the top is the odd value below it.
	s.SetMaxK(12)
	dragSchedule(s, s.PointPos(1), s.PointPos(1).SubtractXY(0, 1000))
	if k := s.Schedule()[1]; k != 11 {
		t.Fatalf("MaxK 12: k %d", k)
	}
	// Step 0 is not draggable, and a drag that ends where it started
	// does not call OnChanged.
	calls = 0
	dragSchedule(s, s.PointPos(0).AddXY(-5, 0), s.PointPos(0).SubtractXY(0, 100))
	dragSchedule(s, s.PointPos(2), s.PointPos(2).SubtractXY(0, 2))
	if calls != 0 || s.Schedule()[0] != 3 {
		t.Fatalf("no-op drags: %d calls, k0 %d", calls, s.Schedule()[0])
	}
	// Every value is odd and within range.
	for i, k := range s.Schedule()[1:] {
		if k%2 != 1 || k < 1 || k > 15 {
			t.Fatalf("step %d: k %d", i+1, k)
		}
	}
}

func TestScheduleEditorCurrentAndTooltip(t *testing.T) {
	s, w := showSchedule(t, []int{1, 3, 5, 7, 9})
	s.SetCurrent(2)
	if !s.curLine.Visible() || s.curLine.Position1.X != s.PointPos(2).X {
		t.Fatalf("current line at %v, want x %v", s.curLine.Position1, s.PointPos(2).X)
	}
	s.SetCurrent(-1)
	if s.curLine.Visible() {
		t.Fatalf("current line not hidden")
	}
	// Hovering a point shows its tooltip; moving away hides it.
	test.MoveMouse(w.Canvas(), s.PointPos(3))
	if !s.tip.Visible() || s.tip.Text != "step 3 · t=0.60 · k=7" {
		t.Fatalf("tooltip %v %q", s.tip.Visible(), s.tip.Text)
	}
	test.MoveMouse(w.Canvas(), s.PointPos(3).AddXY(0, 80))
	if s.tip.Visible() {
		t.Fatalf("tooltip still visible")
	}
	if img := s.img.Image; img == nil || countNonTransparent(img) < 500 {
		t.Fatalf("schedule plot not rendered")
	}
}

func TestWeightBarsLegendColorBar(t *testing.T) {
	test.NewTempApp(t)
	wb := NewWeightBars()
	wb.SetBars([]Bar{{Label: "img 12", Value: 0.6}, {Label: "img 7", Value: 0.3, Color: color.NRGBA{0, 200, 0, 255}}, {Label: "img 3", Value: 0}})
	lg := NewLegend()
	lg.SetEntries([]LegendEntry{{Color: color.NRGBA{255, 0, 0, 255}, Label: "class 0"}, {Color: color.NRGBA{0, 0, 255, 255}, Label: "class 1"}})
	cb := NewColorBar()
	cb.Set(func(v float64) color.Color { return color.Gray{uint8(v * 255)} }, 0, 1, "weight")
	w := test.NewWindow(container.NewVBox(wb, lg, cb))
	w.Resize(fyne.NewSize(400, 400))
	defer w.Close()

	if len(wb.rows) != 3 || wb.rows[0].frac != 1 || wb.rows[1].frac != 0.5 || wb.rows[2].frac != 0 || wb.rows[1].text != "0.300" {
		t.Fatalf("bars: %d rows", len(wb.rows))
	}
	if h := wb.MinSize().Height; h < 3*theme.TextSize() {
		t.Fatalf("bars too small to read: %v", h)
	}
	shot := w.Canvas().Capture()
	var green, red, blue bool
	b := shot.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			switch color.NRGBAModel.Convert(shot.At(x, y)).(color.NRGBA) {
			case color.NRGBA{0, 200, 0, 255}:
				green = true
			case color.NRGBA{255, 0, 0, 255}:
				red = true
			case color.NRGBA{0, 0, 255, 255}:
				blue = true
			}
		}
	}
	if !green || !red || !blue {
		t.Fatalf("colours on screen: bar %v legend %v %v", green, red, blue)
	}
	if cb.lo.Text != "0" || cb.mid.Text != "0.5" || cb.hi.Text != "1" || cb.title.Text != "weight" {
		t.Fatalf("colour bar labels %q %q %q %q", cb.lo.Text, cb.mid.Text, cb.hi.Text, cb.title.Text)
	}
	wb.SetBars(nil)
	if len(wb.rows) != 0 {
		t.Fatalf("bars not cleared")
	}
}

// TestScheduleEditorKeyboardAndTap checks editing without dragging: a tap
// sets the tapped step's k and gives the focus (shown by the ring), the
// arrow keys and +/- move the current step's k one notch within [1, MaxK],
// and Left/Right ask to move the current step.
func TestScheduleEditorKeyboardAndTap(t *testing.T) {
	s, w := showSchedule(t, []int{3, 3, 5, 7, 9})
	var changes [][2]int // (step, k)
	s.OnChanged = func(k []int, step int) { changes = append(changes, [2]int{step, k[step]}) }
	var moves []int
	s.OnCurrent = func(i int) { moves = append(moves, i) }

	// A tap at step 2's column, at the height of k = 9 (step 4's point).
	test.Tap(s) // the centre: focuses, and sets that step to the value there
	if !s.Focused() || !s.ring.Visible() {
		t.Fatal("a tap does not give the editor the focus ring")
	}
	changes = nil
	s.Tapped(&fyne.PointEvent{Position: fyne.NewPos(s.PointPos(2).X, s.PointPos(4).Y)})
	if len(changes) != 1 || changes[0] != [2]int{2, 9} {
		t.Fatalf("tap: changes %v, want step 2 -> 9", changes)
	}
	// Keys act on the current step.
	changes = nil
	s.SetCurrent(3)
	s.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
	s.TypedRune('+')
	s.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if want := [][2]int{{3, 9}, {3, 11}, {3, 9}}; !slices.Equal(changes, want) {
		t.Fatalf("keys: changes %v, want %v", changes, want)
	}
	for range 10 {
		s.TypedRune('-')
	}
	if k := s.Schedule()[3]; k != 1 || changes[len(changes)-1] != [2]int{3, 1} {
		t.Fatalf("down to the bottom: k %d, last change %v", k, changes[len(changes)-1])
	}
	n := len(changes)
	s.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown}) // already 1: no change
	if len(changes) != n {
		t.Fatal("a key that changes nothing reported a change")
	}
	s.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	s.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	s.SetCurrent(4)
	s.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight}) // past the last step: nothing
	s.SetCurrent(1)
	s.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft}) // step 0 is not a sampler step
	if !slices.Equal(moves, []int{2, 4}) {
		t.Fatalf("moves %v, want [2 4]", moves)
	}
	w.Canvas().Unfocus()
	if s.Focused() || s.ring.Visible() {
		t.Fatal("focus ring still shown after the focus left")
	}
}

// TestScheduleEditorTabFocus checks that Tab reaches the chart (without a
// click, which would also set a value).
func TestScheduleEditorTabFocus(t *testing.T) {
	test.NewTempApp(t)
	s := NewScheduleEditor()
	s.SetSchedule([]int{3, 3, 5})
	e := widget.NewEntry()
	w := test.NewWindow(container.NewVBox(e, s))
	defer w.Close()
	c := w.Canvas()
	c.Focus(e)
	test.FocusNext(c)
	if c.Focused() != s || !s.ring.Visible() {
		t.Fatalf("Tab from the entry focused %v, want the schedule editor with its ring", c.Focused())
	}
}

// TestScheduleEditorSettersAreNoOps checks that giving the editor the
// schedule, current step and MaxK it already shows renders nothing and
// leaves a drag in progress alone (the app shows the schedule again after
// every edit).
func TestScheduleEditorSettersAreNoOps(t *testing.T) {
	k := []int{3, 3, 5, 7, 9}
	s, _ := showSchedule(t, k)
	s.SetCurrent(2)
	img := s.img.Image
	if img == nil {
		t.Fatal("not rendered")
	}
	s.SetSchedule(append([]int(nil), k...))
	s.SetCurrent(2)
	s.SetMaxK(15)
	s.Refresh()
	if s.img.Image != img {
		t.Error("an unchanged schedule was rendered again")
	}
	p := s.PointPos(3)
	s.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: p}, Button: desktop.MouseButtonPrimary})
	s.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: p.SubtractXY(0, 40)}, Dragged: fyne.NewDelta(0, -40)})
	s.SetSchedule(s.Schedule()) // what the drag shows: no-op
	if !s.dragging || s.Schedule()[3] == 7 {
		t.Fatalf("the schedule on show ended the drag (dragging %v, k %v)", s.dragging, s.Schedule())
	}
	s.SetSchedule(k) // another schedule: shown, and the drag ends
	if s.dragging || s.Schedule()[3] != 7 {
		t.Errorf("a new schedule: dragging %v, k %v", s.dragging, s.Schedule())
	}
	s.DragEnd()
}
