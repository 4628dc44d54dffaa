package app

import (
	"fmt"
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mosaic/app/tour"
	"mosaic/app/trace"
)

// tourPlayer is the window's lecture tour: the tour being presented or
// authored (tour.Tour, the file form, so that an edit is saved as made),
// and the state of presenting it. Presenting: Tour → Start tour enters
// presentation mode on scene 1; PageDown, Right and Space go forward,
// PageUp and Left back, Home and End to the first and last scene, C hides
// or shows the caption and Escape (or F11) leaves the tour. A scene is
// shown by restoring its session; its region trace and playback wait for
// the complete trajectory (pending), and the scenes after it are computed
// ahead while it is shown (Controller.PrepareAhead).
type tourPlayer struct {
	t    *tour.Tour
	path string // the file the tour was opened from or saved to ("" for none)

	on     bool // presenting
	i      int  // the scene on screen (or last shown)
	hidden bool // the caption is hidden (key C)
	side   sceneSide
	// pending is the scene whose arrival (region trace, playback) waits
	// for its complete trajectory.
	pending *Scene

	band   *captionBand
	trace  *trace.Panel // the region trace shown beside a scene with a region
	editor *tourEditor
}

// sceneSide is what a scene shows right of the image in presentation mode.
type sceneSide int

const (
	sideInspector sceneSide = iota // the pixel inspector (as presentation mode)
	sideCharts                     // the inspector above the chart tabs
	sideTrace                      // the region trace
)

// tourAhead is how many scenes after the one on screen are computed ahead.
const tourAhead = 2

// currentTour returns the window's tour, opening the built-in one when
// there is none.
func (w *Window) currentTour() (*tour.Tour, error) {
	if w.tour.t == nil {
		t, err := BuiltinTour()
		if err != nil {
			return nil, err
		}
		w.tour.t, w.tour.path = t, ""
	}
	return w.tour.t, nil
}

// startTour enters presentation mode on scene i of the tour (the built-in
// tour when none is open).
func (w *Window) startTour(i int) {
	t, err := w.currentTour()
	if err != nil {
		w.dialogs.showError(err)
		return
	}
	if len(t.Scenes) == 0 {
		w.warn("the tour has no scenes: add the current view with Tour → Add current view as scene")
		return
	}
	tp := &w.tour
	if tp.band == nil {
		tp.band = newCaptionBand()
		// A click on the image, the timeline, the view or the tolerance
		// would keep the keyboard focus and with it the clicker's keys
		// (a focused select opens on Down, a check box toggles on Space):
		// in a tour it is given back after any change has been handled.
		w.state.Observe(func(a Aspect) {
			if w.tour.on && a != 0 {
				w.opts.dispatch(func() { w.win.Canvas().Unfocus() })
			}
		})
	}
	tp.on, tp.hidden, tp.side = true, false, sideInspector
	w.setPresenting(true) // lays the window out with the caption
	w.showScene(i)
}

// leaveTour stops presenting the tour and leaves presentation mode.
func (w *Window) leaveTour() {
	if w.tour.on {
		w.setPresenting(false) // calls stopTour
	}
}

// stopTour stops presenting the tour (leaving presentation mode does it):
// no arrival waits, no scene is computed ahead, the keys drive the
// timeline again.
func (w *Window) stopTour() {
	tp := &w.tour
	if !tp.on {
		return
	}
	tp.on, tp.pending = false, nil
	if tp.trace != nil {
		tp.trace.Cancel()
	}
	w.ctl.PrepareAhead()
	w.cmp.ctl.PrepareAhead()
	w.status.say(fmt.Sprintf("left the tour at scene %d of %d", tp.i+1, len(tp.t.Scenes)))
}

// showScene shows scene i (clamped to the tour): its settings, step, view,
// pixel and side-by-side view at once, its caption, and, once its
// trajectory is complete, its region trace and playback.
func (w *Window) showScene(i int) {
	tp := &w.tour
	n := len(tp.t.Scenes)
	i = max(0, min(i, n-1))
	tp.i = i
	ts := &tp.t.Scenes[i]
	sc, field, err := DecodeScene(ts)
	if err != nil {
		tp.band.show(ts.Title, "This scene cannot be shown: "+(&tour.FieldError{Scene: i + 1, Field: field, Err: err}).Error(), i, n)
		w.warn(fmt.Sprintf("scene %d: %v", i+1, err))
		return
	}
	w.steps.timeline.Pause()
	w.win.Canvas().Unfocus() // the clicker's arrow keys reach the tour, not the image
	w.image.image.SetRegion(image.Rectangle{})
	if ci := chartIndex(sc.Chart); ci >= 0 {
		w.chartTabs.SelectIndex(ci)
	}
	side := sideInspector
	switch {
	case !sc.Region.Empty():
		side = sideTrace
	case sc.Chart != "":
		side = sideCharts
	}
	if side == sideTrace && tp.trace == nil {
		tp.trace = trace.NewPanel()
		tp.trace.Dispatch = w.opts.dispatch
	}
	tp.pending = &sc
	w.restore(sc.Session)
	tp.band.show(sc.Title, sc.Caption, i, n)
	if side != tp.side {
		tp.side = side
		w.layout()
		w.redraw()
	}
	w.tourArrived()
	w.prepareScenes(i)
}

// tourArrived finishes the arrival of the pending scene once its
// trajectory is complete on screen: it traces the scene's region and
// starts playback. The Window calls it after every result.
func (w *Window) tourArrived() {
	tp := &w.tour
	sc, res := tp.pending, w.res
	if sc == nil || !tp.on || res == nil || !res.Complete || !res.Traj.Complete() {
		return
	}
	if change, _ := Compare(res.Settings, sc.Session.Settings); change != ChangeNone {
		return // the scene's trajectory has not arrived yet
	}
	tp.pending = nil
	if r := sc.Region; !r.Empty() && res.Machine != nil {
		w.image.image.SetRegion(r)
		tp.trace.SetTolerance(w.state.Tolerance())
		tp.trace.Run(res.Machine, res.Traj, r)
	}
	if sc.Play {
		w.steps.timeline.Play()
	}
}

// prepareScenes asks the controllers to compute the tourAhead scenes
// after scene i while it is shown (side B too, for a side-by-side scene).
func (w *Window) prepareScenes(i int) {
	var a, b []Settings
	for j := i + 1; j <= i+tourAhead && j < len(w.tour.t.Scenes); j++ {
		sc, _, err := DecodeScene(&w.tour.t.Scenes[j])
		if err != nil {
			continue
		}
		a = append(a, sc.Session.Settings)
		if c := sc.Session.Compare; c != nil && c.On && !c.Versus {
			s := sc.Session.Settings
			s.Machine = machineName(c.Machine)
			if c.Boundary != "" {
				s.Boundary = boundaryName(c.Boundary)
			}
			b = append(b, s)
		}
	}
	w.ctl.PrepareAhead(a...)
	w.ctl.ComputeAhead(w.state.Step())
	w.cmp.ctl.PrepareAhead(b...)
	if len(b) > 0 && !w.cmp.ctl.req.Busy() {
		w.cmp.ctl.ComputeAhead(0)
	}
}

// tourKey handles a key while a tour is presented (what presenter
// clickers send) and reports whether it was the tour's.
func (w *Window) tourKey(k fyne.KeyName) bool {
	tp := &w.tour
	if !tp.on {
		return false
	}
	switch k {
	case fyne.KeyPageDown, fyne.KeyRight, fyne.KeySpace, fyne.KeyDown:
		if tp.i+1 < len(tp.t.Scenes) {
			w.showScene(tp.i + 1)
		} else {
			w.status.say("this is the last scene: Escape leaves the tour")
		}
	case fyne.KeyPageUp, fyne.KeyLeft, fyne.KeyUp:
		if tp.i > 0 {
			w.showScene(tp.i - 1)
		}
	case fyne.KeyHome:
		w.showScene(0)
	case fyne.KeyEnd:
		w.showScene(len(tp.t.Scenes) - 1)
	case fyne.KeyC:
		tp.hidden = !tp.hidden
		w.layout()
		w.redraw()
	case fyne.KeyEscape, fyne.KeyF11:
		w.leaveTour()
	default:
		return false
	}
	return true
}

// tourSide returns what presentation mode shows right of the image
// (inspector, by default) and the split's offset.
func (w *Window) tourSide(inspector fyne.CanvasObject) (fyne.CanvasObject, float64) {
	tp := &w.tour
	if !tp.on {
		return inspector, 0.62
	}
	switch tp.side {
	case sideTrace:
		if tp.trace != nil {
			// The trace panel is wider than half a screen: scrolled, it
			// cannot push the caption off the window.
			return container.NewScroll(tp.trace.Content()), 0.3
		}
	case sideCharts:
		split := container.NewVSplit(inspector, w.chartTabs)
		split.SetOffset(0.4) // the chart is what the scene is about
		return split, 0.62
	}
	return inspector, 0.62
}

// presentBar returns what presentation mode shows under the image: the
// timeline and the essential controls, or in a tour only the timeline
// (the scenes set the controls; Escape brings them back), which leaves
// the image more room above the caption.
func (w *Window) presentBar() fyne.CanvasObject {
	if w.tour.on {
		return w.steps.timeline
	}
	return container.NewVBox(w.steps.timeline, w.controls.essential())
}

// tourFooter returns the bottom of the window in presentation mode: the
// caption (when a tour is presented and the caption is not hidden) above
// the status line.
func (w *Window) tourFooter(status fyne.CanvasObject) fyne.CanvasObject {
	tp := &w.tour
	if !tp.on || tp.hidden || tp.band == nil {
		return status
	}
	return container.NewVBox(tp.band.obj, status)
}

// captionBand is a scene's caption as a lower third: the title and one
// or two sentences in large type, and "3 / 8" on the right.
type captionBand struct {
	title *canvas.Text
	text  *widget.Label
	count *canvas.Text
	obj   fyne.CanvasObject
}

// Caption sizes (Fyne units): on a 1920x1080 projector the caption is
// about as large as slide text.
const (
	captionTitleSize = 40
	captionTextSize  = 30
	captionCountSize = 36
)

var (
	captionYellow = color.RGBA{255, 214, 0, 255}
	captionGrey   = color.RGBA{200, 200, 200, 255}
	captionBack   = color.RGBA{28, 28, 28, 255}
)

func newCaptionBand() *captionBand {
	b := &captionBand{title: canvas.NewText("", captionYellow), text: widget.NewLabel(""), count: canvas.NewText("", captionGrey)}
	b.title.TextSize, b.title.TextStyle.Bold = captionTitleSize, true
	b.count.TextSize = captionCountSize
	b.text.Wrapping = fyne.TextWrapWord
	text := container.NewThemeOverride(b.text, captionTheme{PresentationTheme()})
	rule := canvas.NewRectangle(captionYellow)
	rule.SetMinSize(fyne.NewSize(1, 4))
	body := container.NewBorder(container.NewPadded(b.title), nil, nil, container.NewPadded(b.count), text)
	b.obj = container.NewStack(canvas.NewRectangle(captionBack), container.NewBorder(rule, nil, nil, nil, container.NewPadded(body)))
	return b
}

// show shows scene i of n.
func (b *captionBand) show(title, caption string, i, n int) {
	b.title.Text = title
	b.title.Refresh()
	b.text.SetText(caption)
	b.count.Text = fmt.Sprintf("%d / %d", i+1, n)
	b.count.Refresh()
}

// captionTheme is the presentation theme with the caption's large body
// text.
type captionTheme struct{ fyne.Theme }

// Size enlarges the body text to captionTextSize.
func (t captionTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameText {
		return captionTextSize
	}
	return t.Theme.Size(n)
}
