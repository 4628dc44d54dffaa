package app

import (
	"context"
	"image"
	"image/color"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"mosaic/app/trace"
	"mosaic/model/analysis"
	"mosaic/model/machine"
	"mosaic/model/sampler"
)

func TestControllerAdoptShowsATrajectoryWithoutRecomputing(t *testing.T) {
	lib := toyLibrary(nil)
	s := toySettings()
	m, data, err := lib.Machine(s)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := s.Schedule()
	d := m.Data()
	tr, err := sampler.Run(context.Background(), m, sampler.Noise(s.Seed, d.C, d.H, d.W), k, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, rec := newRecorded(lib)
	if err := c.Adopt(s, m, data, tr); err != nil {
		t.Fatal(err)
	}
	if len(rec.results) != 1 || !rec.results[0].Complete || rec.results[0].Traj.X[0][0] != tr.X[0][0] || c.Current() != rec.results[0] {
		t.Fatalf("adopted results %+v", rec.results)
	}
	if &rec.results[0].Traj.X[0][0] != &tr.X[0][0] {
		t.Error("the adopted trajectory was copied or recomputed")
	}
	// The same settings need no work; a schedule change branches from
	// the adopted trajectory.
	if kind, err := c.Request(s); kind != ChangeNone || err != nil {
		t.Errorf("same settings: %v %v", kind, err)
	}
	k2 := slices.Clone(k)
	k2[2] = 1
	if kind, _ := c.Request(s.WithCustom(k2)); kind != ChangeSchedule {
		t.Errorf("schedule change: %v", kind)
	}
	c.Wait()
	last := rec.results[len(rec.results)-1]
	if !last.Complete || last.From != 2 || &last.Traj.X[5][0] != &tr.X[5][0] {
		t.Errorf("branch from %d, complete %v", last.From, last.Complete)
	}
	// Refusals: another schedule, an incomplete trajectory.
	if err := c.Adopt(s.WithCustom(k2), m, data, tr); err == nil {
		t.Error("adopted a trajectory under another schedule")
	}
	half, _ := sampler.New(sampler.Noise(1, d.C, d.H, d.W), d.C, d.H, d.W, k)
	if err := c.Adopt(s, m, data, half); err == nil {
		t.Error("adopted an incomplete trajectory")
	}
}

func TestGalleryOpensWithTheAppsSettingsAndOpensASample(t *testing.T) {
	w := newTestWindow(t)
	w.openGallery()
	waitFor(t, "the gallery", func() bool { return w.tools.gallery != nil })
	g := w.tools.gallery
	t.Cleanup(func() { g.Cancel(); g.Wait(); ui.Drain() })
	o := g.Options()
	k, _ := w.settings().Schedule()
	spec, _ := w.settings().Spec()
	if o.Data != w.res.Machine.Data() || o.Spec != spec || !slices.Equal(o.Schedule, k) || o.Seed0 != w.settings().Seed || o.Count != GalleryCount {
		t.Fatalf("gallery options %+v", o)
	}
	if o.OnOpen == nil || w.tools.galleryWin == nil {
		t.Fatal("no OnOpen or no window")
	}
	waitFor(t, "the batch", func() bool { return !g.Running() && len(g.Samples()) == GalleryCount })

	seed := o.Seed0 + 5
	smp := g.Sample(seed)
	gen := w.res.Gen
	o.OnOpen(seed)
	if w.settings().Seed != seed || w.controls.seed.Text != strconv.FormatUint(seed, 10) {
		t.Fatalf("settings seed %d, control %q", w.settings().Seed, w.controls.seed.Text)
	}
	if w.res.Gen == gen || !w.res.Complete || w.state.Step() != 0 {
		t.Fatalf("main view: gen %d (was %d), complete %v, step %d", w.res.Gen, gen, w.res.Complete, w.state.Step())
	}
	if &w.res.Traj.X[0][0] != &smp.Trajectory.X[0][0] {
		t.Error("the sample's trajectory was not adopted")
	}
	if w.res.Settings.Seed != seed || w.res.Machine == nil {
		t.Errorf("result settings %+v", w.res.Settings)
	}
	// Nothing is recomputed afterwards, and the adopted trajectory is the
	// one the controller would have computed for that seed.
	time.Sleep(20 * time.Millisecond)
	ui.Drain()
	if !w.res.Complete || &w.res.Traj.X[0][0] != &smp.Trajectory.X[0][0] {
		t.Error("a recompute replaced the adopted trajectory")
	}
	c, rec := newRecorded(w.lib)
	if _, err := c.Request(w.settings()); err != nil {
		t.Fatal(err)
	}
	c.Wait()
	want := rec.results[len(rec.results)-1].Traj.X[0]
	if !slices.Equal(want, w.res.Traj.X[0]) {
		t.Error("the gallery's sample differs from the controller's run of the same seed")
	}
	if !strings.Contains(w.status.Text(), "seed") {
		t.Errorf("status %q", w.status.Text())
	}
}

func TestRegionDragTracesTheRegion(t *testing.T) {
	w := newTestWindow(t)
	t.Cleanup(func() {
		if w.tools.tracer != nil {
			w.tools.tracer.Cancel()
			w.tools.tracer.Wait()
		}
		ui.Drain()
	})
	at := func(r, c int) fyne.Position {
		p, s := w.image.image.PixelRect(r, c)
		return p.AddXY(s.Width/2, s.Height/2)
	}
	if _, s := w.image.image.PixelRect(0, 0); s.Width < 4 {
		t.Fatalf("image cell %v: not laid out", s)
	}
	start, end := at(1, 2), at(4, 5)
	w.image.image.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: start}, Button: desktop.MouseButtonPrimary})
	w.image.image.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: end}, Dragged: fyne.NewDelta(end.X-start.X, end.Y-start.Y)})
	w.image.image.DragEnd()
	rect := image.Rect(2, 1, 6, 5)
	if w.tools.tracer == nil || w.tools.traceWin == nil {
		t.Fatal("no trace panel after the drag")
	}
	waitFor(t, "the trace", func() bool { return !w.tools.tracer.Running() && w.tools.tracer.Result() != nil })
	rt, err := analysis.TraceRegion(context.Background(), w.res.Machine, w.res.Traj, rect, 24, trace.DefaultTolerance, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.tools.tracer.Result(); got.Rect != rect || len(got.Steps) != w.res.Traj.N-1 {
		t.Fatalf("traced %v with %d steps", got.Rect, len(got.Steps))
	}
	if w.tools.tracer.CommitStep() != rt.Commit || w.tools.tracer.Result().Commit != rt.Commit {
		t.Errorf("commit step %d, analysis.TraceRegion says %d", w.tools.tracer.CommitStep(), rt.Commit)
	}

	// "Trace latest-decided region" traces trace.LatestRegion.
	w.traceLatest()
	waitFor(t, "the latest region", func() bool { return !w.tools.tracer.Running() && w.tools.tracer.Result() != nil })
	com, _ := analysis.CommitmentMap(w.res.Traj, w.state.Tolerance())
	if want := trace.LatestRegion(com, 2); w.tools.tracer.Result().Rect != want || w.image.image.Region() != want {
		t.Errorf("latest region %v, image region %v, want %v", w.tools.tracer.Result().Rect, w.image.image.Region(), want)
	}

	// An incomplete trajectory is not traced: the status line says why.
	done := w.res
	half := *done
	half.Complete = false
	w.res = &half
	prev := w.tools.tracer.Result()
	w.traceRegion(rect)
	if !strings.Contains(w.status.Text(), "not complete") || w.tools.tracer.Running() || w.tools.tracer.Result() != prev {
		t.Errorf("incomplete: status %q, running %v", w.status.Text(), w.tools.tracer.Running())
	}
	w.res = done
}

// handTrajectory is a 3-step, 1x3 trajectory built by hand: pixel 0 never
// moves (fixed from the start), pixel 1 is still off at step 1 (decided
// last), pixel 2 is off only at step 2.
func handTrajectory() *Result {
	tr := &sampler.Trajectory{N: 3, C: 1, H: 1, W: 3, K: []int{1, 1, 3},
		X:     [][]float64{{0, 0, 0}, {0, 0.1, 0}, {0.5, 0.5, 0.5}},
		Steps: []*machine.Step{nil, {D: []float64{0, 0.5, 0.05}}, {D: []float64{0.02, 0, 0.5}}},
		Eps:   [][]float64{nil, {0, 0, 0}, {0, 0, 0}}}
	return &Result{Traj: tr, Stale: make([]bool, 3), Done: 2, Total: 2, From: 2, Complete: true}
}

func TestCommitmentViewRendersTheCommitmentMap(t *testing.T) {
	res := handTrajectory()
	r := RenderCommitment(res, 0.1)
	if r.Image == nil || r.Commitment == nil {
		t.Fatalf("no image: %q", r.Note)
	}
	// inferno: dark for "fixed from the start", pale yellow for the last
	// step, the middle stop for step 2 of 3.
	want := []color.RGBA{{0, 0, 4, 255}, {252, 255, 164, 255}, {186, 54, 85, 255}}
	for c, wc := range want {
		if got := color.RGBAModel.Convert(r.Image.At(c, 0)).(color.RGBA); got != wc {
			t.Errorf("pixel %d: %v, want %v", c, got, wc)
		}
	}
	if !slices.Equal(r.Commitment.Step, []int{3, 1, 2}) {
		t.Errorf("steps %v", r.Commitment.Step)
	}
	if r.Legend.Colors == nil || r.Legend.Colors(0) != trace.CommitmentColor(1, 3) || r.Legend.Colors(1) != trace.CommitmentColor(3, 3) {
		t.Error("legend scale does not match the map")
	}
	// A looser tolerance fixes pixel 2 (0.5 off) no more, but pixel 1's
	// 0.5 too: everything is fixed from the start at 0.6.
	if r := RenderCommitment(res, 0.6); !slices.Equal(r.Commitment.Step, []int{3, 3, 3}) {
		t.Errorf("tol 0.6: %v", r.Commitment.Step)
	}
	half := *res
	half.Complete = false
	if r := RenderCommitment(&half, 0.1); r.Image != nil || r.Note != commitmentNote {
		t.Errorf("incomplete: %q", r.Note)
	}
}

func TestWindowCommitmentView(t *testing.T) {
	w := newTestWindow(t)
	w.setView(ViewCommitment)
	if !w.image.tolBox.Visible() || !w.image.colorBar.Visible() {
		t.Error("no tolerance control or colour bar")
	}
	com, _ := analysis.CommitmentMap(w.res.Traj, trace.DefaultTolerance)
	want := trace.CommitmentImage(com).(*image.RGBA)
	got, ok := w.image.image.Image().(*image.RGBA)
	if !ok || !slices.Equal(got.Pix, want.Pix) {
		t.Fatal("the main image is not the commitment map")
	}
	// The map does not depend on the step; the hover line reads it.
	w.setStep(5)
	if g := w.image.image.Image().(*image.RGBA); !slices.Equal(g.Pix, want.Pix) {
		t.Error("the map changed with the step")
	}
	w.image.onHover(2, 3)
	if !strings.Contains(w.image.hover.Text, "row 2, col 3") || !(strings.Contains(w.image.hover.Text, "decided") || strings.Contains(w.image.hover.Text, "fixed")) {
		t.Errorf("hover %q", w.image.hover.Text)
	}
	// A tolerance change redraws it.
	w.image.tolSel.SetSelected("0.5")
	com5, _ := analysis.CommitmentMap(w.res.Traj, 0.5)
	if g := w.image.image.Image().(*image.RGBA); !slices.Equal(g.Pix, trace.CommitmentImage(com5).(*image.RGBA).Pix) || w.state.Tolerance() != 0.5 {
		t.Error("the tolerance change did not redraw the map")
	}
	// While a run is incomplete, a note instead of the map.
	done := w.res
	half := *done
	half.Complete = false
	w.res = &half
	w.redraw()
	if w.image.image.Image() != nil || w.image.hover.Text != commitmentNote {
		t.Errorf("incomplete: hover %q", w.image.hover.Text)
	}
	w.res = done
	w.setView(ViewX)
	if w.image.tolBox.Visible() {
		t.Error("tolerance control stays for the x_t view")
	}
}

func TestFocusedImageGivesUnusedKeysToTheApp(t *testing.T) {
	w := newTestWindow(t)
	w.win.Canvas().Focus(w.image.image)
	key := func(k fyne.KeyName) { w.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: k}) }
	key(fyne.KeyHome) // the timeline: pure noise
	if w.state.Step() != w.res.Traj.N-1 {
		t.Errorf("home with the image focused: step %d", w.state.Step())
	}
	key(fyne.KeyEnd)
	if w.state.Step() != 0 {
		t.Errorf("end with the image focused: step %d", w.state.Step())
	}
	key(fyne.KeyRight) // still the image's: moves the selected pixel
	if !w.state.Selected().Ok() {
		t.Error("arrow key did not select a pixel")
	}
	key(fyne.KeyF11)
	if !w.presenting {
		t.Error("F11 with the image focused did not start presentation mode")
	}
	w.setPresenting(false)
}
