package app

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"gonum.org/v1/plot"

	"mosaic/model/gaussian"
	"mosaic/model/render"
	"mosaic/model/schedule"
	"mosaic/widgets"
)

// frameOf maps a timeline position (0 = pure noise) to a frame index i.
func (w *Window) frameOf(j int) int {
	if w.res == nil {
		return 0
	}
	return w.res.Traj.N - 1 - j
}

// posOf maps a frame index to its timeline position.
func (w *Window) posOf(i int) int {
	if w.res == nil {
		return 0
	}
	return w.res.Traj.N - 1 - i
}

// request asks the controller for the trajectory of s and shows why if it
// is refused.
func (w *Window) request(s Settings) {
	kind, err := w.ctl.Request(s)
	if err != nil {
		w.status.SetText("⚠ " + err.Error())
		w.controls.sync(w.settings)
		return
	}
	w.settings = s
	if w.measure != nil {
		w.measure.requested(kind)
	}
	switch kind {
	case ChangeNone:
		w.refreshInspector()
	case ChangeSchedule:
		w.status.SetText("recomputing from the changed step down…")
	default:
		w.status.SetText("computing " + describe(s) + "…")
	}
	w.cmp.follow()
	w.refreshCharts()
}

// describe summarises settings for the status line.
func describe(s Settings) string {
	spec, _ := s.Spec()
	ds := s.Dataset
	if !IsBuiltin(ds) {
		ds = filepath.Base(ds)
	}
	class := "unconditional"
	if s.Class >= 0 {
		class = fmt.Sprintf("class %d", s.Class)
	}
	limit := fmt.Sprintf("%d images", s.Limit)
	if s.Limit == 0 {
		limit = "all images"
	}
	sched := ""
	switch s.Mode {
	case ScheduleConstant:
		sched = fmt.Sprintf("k = %d", s.Constant)
	case SchedulePreset:
		sched = s.Preset
	default:
		sched = "custom schedule"
	}
	if !spec.Kind.HasPatch() {
		sched = "no patch size"
	}
	ext := ""
	if spec.Extension() {
		ext = " [extension]"
	}
	return fmt.Sprintf("%s%s · %s, %s, %s · %s · %d steps · seed %d", spec, ext, ds, limit, class, sched, s.Steps, s.Seed)
}

// onResult shows a new snapshot from the controller.
func (w *Window) onResult(res *Result) {
	old := w.res
	w.res = res
	n := res.Traj.N
	if old == nil || old.Gen != res.Gen {
		// A full run follows the newest frame until the user moves
		// (unless a session has just put the view on a chosen step).
		w.follow = res.From == n-1 && !w.pinned
	}
	if res.Complete {
		w.pinned = false
	}
	if w.follow {
		w.step = res.From - res.Done
	}
	w.step = max(0, min(w.step, n-1))
	labels := make([]string, n)
	for j := range n {
		labels[j] = StepLabel(res, n-1-j)
	}
	w.timeline.SetSteps(labels)
	w.timeline.SetCurrent(w.posOf(w.step))
	if old == nil || old.Traj.H != res.Traj.H || old.Traj.W != res.Traj.W {
		w.clampSelection()
	}
	w.refreshFilm()
	w.refreshImage()
	w.progress.SetValue(float64(res.Done) / float64(max(res.Total, 1)))
	if res.Complete {
		w.ctl.ComputeAhead(w.step) // idle: compute what a one-notch change needs
		w.status.SetText(describe(res.Settings))
		w.controls.setClasses(res.Data)
	}
	w.refreshInspector()
	w.refreshCharts()
	if w.measure != nil {
		w.measure.result(res)
	}
}

// onPrepare shows the progress of a machine's one-time preparation.
func (w *Window) onPrepare(what string, frac float64) {
	w.status.SetText(fmt.Sprintf("%s… %.0f%%", what, 100*frac))
	w.progress.SetValue(frac)
}

// onError reports a failed request in a dialog; the previous trajectory
// and its settings stay.
func (w *Window) onError(err error) {
	if w.res != nil {
		w.settings = w.res.Settings
		w.controls.sync(w.settings)
	}
	w.status.SetText("⚠ " + err.Error())
	dialog.ShowError(err, w.win)
}

func (w *Window) onTiming(t Timing) {
	if w.measure != nil {
		w.measure.timing(t)
	}
}

// setStep moves to frame i (from the timeline or filmstrip).
func (w *Window) setStep(i int) {
	if w.res == nil {
		return
	}
	w.follow = false
	w.step = max(0, min(i, w.res.Traj.N-1))
	w.ctl.ComputeAhead(w.step)
	w.timeline.SetCurrent(w.posOf(w.step))
	w.film.SetCurrent(w.posOf(w.step))
	w.refreshImage()
	w.refreshInspector()
	w.refreshCharts()
	w.cmp.refresh()
}

// setView switches the large image's view.
func (w *Window) setView(v View) {
	w.view = v
	if w.tolBox != nil {
		if v == ViewCommitment {
			w.tolBox.Show()
		} else {
			w.tolBox.Hide()
		}
	}
	if w.viewSel.Selected != v.Title() {
		w.viewSel.SetSelected(v.Title())
	}
	w.refreshImage()
	w.cmp.refresh()
}

// rendered returns view v of frame i of res, cached by the immutable data
// it shows so that scrubbing never renders twice.
func (w *Window) rendered(res *Result, i int, v View) Rendered {
	tr := res.Traj
	if i < 0 || i >= tr.N || tr.X[i] == nil {
		return Rendered{Note: "not computed yet"}
	}
	if v == ViewCommitment {
		// One map for the whole trajectory, whatever the step.
		if !res.Complete || !tr.Complete() {
			return RenderCommitment(res, w.tol)
		}
		i = 0
	}
	key := renderKey{v: v, x: &tr.X[i][0], st: tr.Steps[StepOf(i)]}
	if v == ViewCommitment {
		key.tol = w.tol
	}
	if v == ViewChange && i+1 < tr.N && tr.X[i+1] != nil {
		key.prev = &tr.X[i+1][0]
	}
	if r, ok := w.cache[key]; ok {
		return r
	}
	if len(w.cache) > 4000 || w.overlays > 300 {
		clear(w.cache)
		w.overlays = 0
	}
	r := RenderView(res, i, v)
	if v == ViewCommitment {
		r = RenderCommitment(res, w.tol)
	}
	if r.Overlay != nil {
		w.overlays++ // larger than the images: cache fewer of them
	}
	w.cache[key] = r
	return r
}

// refreshImage shows the current view of the current step.
func (w *Window) refreshImage() {
	if w.res == nil {
		return
	}
	r := w.rendered(w.res, w.step, w.view)
	w.image.SetImage(r.Image)
	if hood := w.hoodOverlay(w.res); hood != nil && r.Image != nil {
		w.image.SetOverlay(hood)
	} else {
		w.image.SetOverlay(r.Overlay)
	}
	if w.hasSel {
		w.image.SetSelected(w.selR, w.selC)
	}
	w.setLegend(r)
	note := r.Note
	if w.res.Stale[w.step] {
		note = "previous settings (being recomputed)"
	}
	if note != "" {
		w.hover.SetText(note)
		w.noteShown = true
	} else if w.noteShown {
		w.hover.SetText(hoverHint)
		w.noteShown = false
	}
}

// setLegend shows the view's colours: a colour bar under the image for
// scales, the mosaic's sources beside it.
func (w *Window) setLegend(r Rendered) {
	lg := r.Legend
	if lg.Colors != nil {
		if w.view == ViewEffective {
			// The map is coloured on a log scale: label the bar in log10
			// so that its middle value is honest.
			w.colorBar.Set(func(v float64) color.Color { return lg.Colors(math.Pow(10, v)) },
				math.Log10(lg.Min), math.Log10(lg.Max), "log10 of the effective number of patches")
		} else {
			w.colorBar.Set(lg.Colors, lg.Min, lg.Max, lg.Title)
		}
		w.colorBar.Show()
	} else {
		w.colorBar.Hide()
	}
	var entries []widgets.LegendEntry
	for _, e := range lg.Entries {
		entries = append(entries, widgets.LegendEntry{Color: e.Color, Label: e.Label})
	}
	w.legendSide.SetEntries(entries)
	if len(entries) > 0 {
		w.legendBox.Show()
	} else {
		w.legendBox.Hide()
	}
}

// refreshFilm (re)fills the filmstrip with x_t (top) and D_t (bottom).
func (w *Window) refreshFilm() {
	res := w.res
	n := res.Traj.N
	top := make([]image.Image, n)
	bottom := make([]image.Image, n)
	caps := make([]string, n)
	for j := range n {
		i := n - 1 - j
		// Stale rows keep their old thumbnails until recomputed.
		top[j] = w.rendered(res, i, ViewX).Image
		bottom[j] = w.rendered(res, i, ViewD).Image
		caps[j] = fmt.Sprintf("%.2f", res.Traj.Time(i))
	}
	if w.film.Len() != n {
		w.film.SetFrames(top, bottom, caps)
	} else {
		for j := range n {
			w.film.SetFrame(j, top[j], bottom[j])
		}
	}
	w.film.SetCurrent(w.posOf(w.step))
}

// hoverHint is the readout line when no pixel is hovered.
const hoverHint = "hover a pixel to read it; click to inspect it"

// onHover shows the readout of the pixel under the pointer.
func (w *Window) onHover(r, c int) {
	if w.res == nil || r < 0 {
		w.hover.SetText(hoverHint)
		return
	}
	w.hover.SetText(w.readout(r, c))
}

// readout is the hover line of pixel (r, c) in the current view.
func (w *Window) readout(r, c int) string {
	if w.view == ViewCommitment {
		rd := w.rendered(w.res, w.step, ViewCommitment)
		if rd.Commitment == nil {
			return rd.Note
		}
		return CommitmentReadout(rd.Commitment, w.res.Traj.K, r, c)
	}
	return Readout(w.res, w.step, w.view, r, c)
}

// onSelect selects a pixel for the inspector.
func (w *Window) onSelect(r, c int) {
	w.selR, w.selC, w.hasSel = r, c, true
	w.cmp.image.SetSelected(r, c)
	w.refreshInspector()
	w.refreshCharts()
	if w.res != nil {
		w.hover.SetText(w.readout(r, c))
	}
}

// clampSelection drops a selection outside a new image size.
func (w *Window) clampSelection() {
	if w.res == nil || !w.hasSel {
		return
	}
	if w.selR >= w.res.Traj.H || w.selC >= w.res.Traj.W {
		w.hasSel = false
		w.selR, w.selC = -1, -1
		w.image.SetSelected(-1, -1)
	}
}

// refreshInspector asks for the attribution of the selected pixel at the
// current step.
func (w *Window) refreshInspector() {
	if !w.hasSel || w.res == nil || w.res.Machine == nil {
		return
	}
	if w.res.Traj.X[StepOf(w.step)] == nil {
		return
	}
	w.insp.Request(Query{Res: w.res, Step: w.step, Row: w.selR, Col: w.selC, TopK: w.settings.TopK})
}

func (w *Window) onInspection(ins *Inspection) {
	w.ins = ins
	w.inspect.show(ins)
	if ins.Hood != nil {
		w.refreshImage() // outline the neighbourhood
	}
}

// hoodOverlay returns the outline of the PCA-locality neighbourhood of the
// selected pixel at the current step, when the last inspection holds it
// for this result, or nil.
func (w *Window) hoodOverlay(res *Result) image.Image {
	ins := w.ins
	if ins == nil || ins.Hood == nil || !w.hasSel || ins.Query.Res == nil || res == nil ||
		ins.Query.Res.Machine != res.Machine || ins.MachineStep != StepOf(w.step) ||
		ins.Query.Row != w.selR || ins.Query.Col != w.selC {
		return nil
	}
	return render.MaskOutline(ins.Hood, res.Traj.H, res.Traj.W, edgeScale)
}

// makeCharts builds the four gonum/plot charts: the schedule, a(t) and
// b(t), the selected pixel's effective number, and the eigen-spectrum of
// the Wiener and PCA-locality machines (shown once it is computed).
func (w *Window) makeCharts() []*widgets.PlotView {
	themed := func(p *plot.Plot) *plot.Plot {
		widgets.ThemePlot(p)
		return p
	}
	sched := widgets.NewPlotView(func() *plot.Plot {
		k, _ := w.settings.Schedule()
		if w.res != nil {
			k = w.res.Traj.K
		}
		return themed(SchedulePlot(k, w.step))
	})
	ab := widgets.NewPlotView(func() *plot.Plot { return themed(SignalNoisePlot(w.settings.Steps, w.step)) })
	eff := widgets.NewPlotView(func() *plot.Plot {
		title := "effective number at the selected pixel"
		if w.res == nil || !w.hasSel {
			return themed(EffectivePlot(nil, w.step, title))
		}
		return themed(EffectivePlot(EffectiveSeries(w.res, w.selR, w.selC), w.step, fmt.Sprintf("effective number at (%d, %d)", w.selR, w.selC)))
	})
	spec := widgets.NewPlotView(func() *plot.Plot {
		var lambda []float64
		if w.res != nil && w.res.Machine != nil {
			if st := gaussian.Cached(w.res.Machine.Data()); st != nil {
				lambda = st.Eigen.Values
			}
		}
		return themed(SpectrumPlot(lambda, schedule.Time(StepOf(w.step), w.settings.Steps)))
	})
	for _, c := range []*widgets.PlotView{sched, ab, eff, spec} {
		c.SetMinSize(fyne.NewSize(260, 170))
	}
	return []*widgets.PlotView{sched, ab, eff, spec}
}

// refreshCharts redraws the visible charts.
func (w *Window) refreshCharts() {
	for _, c := range w.charts {
		if c.Visible() && c.Size().Width > 10 {
			c.Refresh()
		}
	}
	w.controls.refreshEditor()
}

// onKey handles keys typed outside any focused widget.
func (w *Window) onKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyF11:
		w.setPresenting(!w.presenting)
		return
	case fyne.KeyEscape:
		if w.presenting {
			w.setPresenting(false)
		}
		return
	}
	w.timeline.HandleKey(e.Name)
}

// setPresenting switches presentation mode: full screen, the larger
// high-contrast theme and only the essential controls.
func (w *Window) setPresenting(on bool) {
	w.presenting = on
	if on {
		w.app.Settings().SetTheme(PresentationTheme())
		w.film.SetThumbSize(72)
	} else {
		w.app.Settings().SetTheme(nil)
		w.film.SetThumbSize(52)
	}
	w.win.SetFullScreen(on)
	w.layout()
	w.refreshImage()
}

// restore applies a session.
func (w *Window) restore(s Session) {
	w.settings = s.Settings
	w.controls.sync(s.Settings)
	w.view = s.View
	w.viewSel.SetSelected(s.View.Title())
	w.step = s.Step
	w.pinned = true
	if s.Row >= 0 && s.Col >= 0 {
		w.selR, w.selC, w.hasSel = s.Row, s.Col, true
		w.image.SetSelected(s.Row, s.Col)
	}
}

// session captures the current state for saving.
func (w *Window) session() Session {
	s := Session{Settings: w.settings, Step: w.step, Row: -1, Col: -1, View: w.view}
	if w.hasSel {
		s.Row, s.Col = w.selR, w.selC
	}
	return s
}
