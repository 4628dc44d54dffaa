package app

import (
	"fmt"
	"image"
	"path/filepath"

	"fyne.io/fyne/v2"

	"mosaic/model/machine"
	"mosaic/model/render"
)

// The hops of the window's data flow. A user's move reaches a panel's
// host method (apply, setStep, selectPixel, setView, setTolerance); apply
// first asks the Controller (which refuses invalid settings at once), then
// every move is set on the State, which tells onState what changed, and
// onState shows the new values in the panels. The Controller's results
// arrive in onResult, which shows them and, while a full run streams,
// moves the State's step along. Nothing flows back: panels are only shown
// values, so a value never echoes into the widget that produced it.

// settings returns the settings in use (controlsHost, compareHost).
func (w *Window) settings() Settings { return w.state.Settings() }

// apply asks the controller for the trajectory of s; when it accepts, s
// becomes the State's settings, otherwise the status line says why and
// the controls show the settings in use again.
func (w *Window) apply(s Settings) {
	if change, _ := Compare(w.state.Settings(), s); change == ChangeAll && !w.admit(s, func() { w.apply(s) }) {
		w.controls.show(w.state.Settings())
		return // refused, or waiting for the user to confirm a slow run
	}
	kind, err := w.ctl.Request(s)
	w.requested(s, kind, err)
}

// requested ends apply once the controller has answered the request for
// s: with kind when it accepted it, with err when it refused.
func (w *Window) requested(s Settings, kind Change, err error) {
	if err != nil {
		w.status.warn(err.Error())
		w.controls.show(w.state.Settings())
		return
	}
	w.state.SetSettings(s)
	switch kind {
	case ChangeNone:
		w.refreshInspector() // the top-K may have changed
	case ChangeSchedule:
		w.status.say("recomputing from the changed step down…")
	default:
		w.status.say("computing " + describe(s) + "…")
	}
}

// setStep moves to frame i (a user's move: the view stops following a
// running computation).
func (w *Window) setStep(i int) {
	if w.res == nil {
		return
	}
	w.follow = false
	w.state.SetStep(max(0, min(i, w.res.Traj.N-1)))
}

// selectPixel selects a pixel for the inspector.
func (w *Window) selectPixel(p Pixel) {
	w.state.Select(p)
	w.image.showReadout(p)
}

// setView switches the large image's view.
func (w *Window) setView(v View) { w.state.SetView(v) }

// setTolerance changes the commitment tolerance of the commitment view
// and of the trace panel.
func (w *Window) setTolerance(tol float64) { w.state.SetTolerance(tol) }

// onState shows what changed in the State.
func (w *Window) onState(a Aspect) {
	st := w.state
	if a&AspectSettings != 0 {
		w.controls.show(st.Settings())
		w.cmp.follow()
	}
	if a&AspectStep != 0 {
		w.steps.showStep(st.Step())
		w.controls.showStep(st.Step())
		w.ctl.ComputeAhead(st.Step())
		w.cmp.stepChanged(st.Step())
	}
	if a&AspectTolerance != 0 && w.tools.tracer != nil {
		w.tools.tracer.SetTolerance(st.Tolerance())
	}
	if a&(AspectStep|AspectSelection) != 0 {
		w.refreshInspector()
	}
	w.redraw()
}

// redraw shows the frame on screen in the image panels and the charts.
func (w *Window) redraw() {
	f := w.frame()
	w.image.show(f)
	w.cmp.show(f)
	in := chartInputOf(w.res, w.state)
	in.r2 = w.cmp.r2Chart()
	w.charts.show(in)
}

// frame is what the image panels show.
func (w *Window) frame() imageFrame {
	st := w.state
	return imageFrame{res: w.res, step: st.Step(), view: st.View(), sel: st.Selected(), tol: st.Tolerance(), hood: w.hoodOverlay()}
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
	step := w.state.Step()
	if w.follow {
		step = res.From - res.Done
	}
	step = max(0, min(step, n-1))
	if sel := w.state.Selected(); sel.Ok() && (sel.Row >= res.Traj.H || sel.Col >= res.Traj.W) {
		w.state.Select(NoPixel) // outside a new image size
	}
	w.steps.show(res, step, w.renders, w.state.Tolerance())
	w.status.showResult(res)
	if res.Complete {
		w.status.say(describe(res.Settings))
		w.controls.setClasses(res.Data, w.state.Settings().Class)
	}
	if step != w.state.Step() {
		w.state.SetStep(step)
	} else {
		w.refreshInspector()
		w.redraw()
	}
	if res.Complete {
		w.ctl.ComputeAhead(step) // idle: compute what a one-notch change needs
		w.cmp.follow()           // Network vs machine follows the network's new trajectory
	}
	if isNetworkResult(res) {
		w.controls.showNetwork(res.Machine)
	}
	if w.measure != nil {
		w.measure.result(res)
	}
	w.tourArrived()
}

// onPrepare shows the progress of a machine's one-time preparation.
func (w *Window) onPrepare(what string, frac float64) { w.status.showPreparing(what, frac) }

// onError reports a failed request in a dialog; the previous trajectory
// and its settings stay.
func (w *Window) onError(err error) {
	if w.res != nil {
		w.state.SetSettings(w.res.Settings)
	}
	w.status.warn(err.Error())
	w.dialogs.showError(err)
}

func (w *Window) onTiming(t Timing) {
	if w.measure != nil {
		w.measure.timing(t)
	}
}

// refreshInspector asks for the attribution of the selected pixel at the
// current step: of A's machine, or in Network vs machine of B's machine at
// the network's x_t (which training patches explain the network's pixel).
func (w *Window) refreshInspector() {
	sel := w.state.Selected()
	res := w.res
	if a := w.cmp.alongResult(); a != nil {
		res = a
	}
	if !sel.Ok() || res == nil || res.Machine == nil {
		return
	}
	step := w.state.Step()
	if res.Traj.X[StepOf(step)] == nil {
		return
	}
	w.insp.Request(Query{Res: res, Step: step, Row: sel.Row, Col: sel.Col, TopK: w.state.Settings().TopK})
}

// netResult returns the result on screen when it is a trained network's
// complete trajectory (compareHost).
func (w *Window) netResult() *Result {
	if isNetworkResult(w.res) {
		return w.res
	}
	return nil
}

// step returns the frame on screen (compareHost).
func (w *Window) step() int { return w.state.Step() }

// sayStatus puts a message on the status line (compareHost).
func (w *Window) sayStatus(text string) { w.status.say(text) }

// scheduleFor keeps the schedule controls on for side B's machine
// (compareHost).
func (w *Window) scheduleFor(machine string) {
	if w.controls != nil {
		w.controls.setScheduleFor(machine)
	}
}

// alongChanged shows a new result of compare's side B along the network:
// the inspector answers for it, the charts show its r^2 (compareHost).
func (w *Window) alongChanged() {
	w.refreshInspector()
	w.redraw()
	if w.measure != nil {
		w.measure.along()
	}
}

func (w *Window) onInspection(ins *Inspection) {
	w.ins = ins
	w.inspect.show(ins)
	if ins.Hood != nil {
		w.redraw() // outline the neighbourhood
	}
}

// hoodOverlay returns the outline of the PCA-locality neighbourhood of the
// selected pixel at the current step, when the last inspection holds it
// for the result on screen, or nil.
func (w *Window) hoodOverlay() image.Image {
	ins, res, sel := w.ins, w.res, w.state.Selected()
	if ins == nil || ins.Hood == nil || !sel.Ok() || ins.Query.Res == nil || res == nil ||
		ins.Query.Res.Machine != res.Machine || ins.MachineStep != StepOf(w.state.Step()) ||
		ins.Query.Row != sel.Row || ins.Query.Col != sel.Col {
		return nil
	}
	if ins.hoodOutline == nil {
		ins.hoodOutline = render.MaskOutline(ins.Hood, res.Traj.H, res.Traj.W, edgeScale)
	}
	return ins.hoodOutline
}

// key handles keys typed outside any focused widget (and those the
// focused image does not use).
func (w *Window) key(e *fyne.KeyEvent) {
	if w.tourKey(e.Name) {
		return
	}
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
	w.steps.key(e.Name)
}

// warn reports a problem in the status line.
func (w *Window) warn(msg string) { w.status.warn(msg) }

// say puts text on the readout line under the images.
func (w *Window) say(text string) { w.image.say(text) }

// toggled lays the window out again when compare's side B is shown or
// hidden.
func (w *Window) toggled(bool) {
	w.layout()
	w.redraw()
}

// pickFile asks for a file to open (controlsHost).
func (w *Window) pickFile(exts []string, then func(path string), cancelled func()) {
	w.dialogs.pickFile(exts, then, cancelled)
}

// pickFolder asks for a folder (controlsHost).
func (w *Window) pickFolder(then func(path string)) { w.dialogs.pickFolder(then) }

// restore applies a session: its settings are requested, the view is put
// on its step, view and pixel, and the side-by-side view is restored.
func (w *Window) restore(s Session) {
	w.pinned = true
	w.state.Restore(s)
	w.apply(s.Settings)
	c := s.Compare
	switch {
	case c == nil || !c.On:
		w.cmp.setOn(false)
	case c.Versus:
		w.startVersus(c.Machine, c.Boundary)
	default:
		if k, err := machine.ParseKind(c.Machine); err == nil {
			showSelected(w.cmp.machine, k.Title())
		}
		if b, err := machine.ParseBoundary(c.Boundary); err == nil {
			showSelected(w.cmp.bound, b.Title())
		}
		w.cmp.setOn(true)
	}
}

// session captures what a session file saves: the state and the
// side-by-side view.
func (w *Window) session() Session {
	s := w.state.Session()
	if w.cmp.on {
		s.Compare = &CompareState{On: true, Versus: w.cmp.vsNet,
			Machine: machineName(w.cmp.machine.Selected), Boundary: boundaryName(w.cmp.bound.Selected)}
	}
	return s
}
