package app

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"mosaic/app/internal/uiqueue"
	"mosaic/model/npy"
)

// ui stands in for the UI goroutine (see uiqueue).
var ui = &uiqueue.Queue{}

// waitFor runs queued UI work on the test goroutine until cond holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ui.DrainUntil(t, what, cond, 20*time.Second)
}

func newTestWindow(t *testing.T) *Window {
	a := test.NewTempApp(t)
	w := New(a, Options{Settings: toySettings(), Size: fyne.NewSize(1280, 800), library: toyLibrary(nil), dispatch: ui.Do})
	w.win.Show()
	stopAtCleanup(t, w)
	waitFor(t, "the first trajectory", func() bool { return w.res != nil && w.res.Complete })
	return w
}

// stopAtCleanup cancels and waits for w's work when the test ends, and
// runs what it queued for the UI.
func stopAtCleanup(t *testing.T, w *Window) {
	t.Cleanup(func() {
		w.ctl.Cancel()
		w.cmp.ctl.Cancel()
		w.cmp.nvm.Cancel()
		w.insp.Clear()
		w.ctl.Wait()
		w.cmp.ctl.Wait()
		w.cmp.nvm.Wait()
		ui.Drain()
	})
}

func TestWindowOpensOnAComputedTrajectory(t *testing.T) {
	w := newTestWindow(t)
	if w.steps.timeline.Steps() != 8 || w.steps.film.Len() != 8 {
		t.Fatalf("timeline %d, filmstrip %d", w.steps.timeline.Steps(), w.steps.film.Len())
	}
	// A full run follows the newest frame: it ends on x_0.
	if w.state.Step() != 0 || w.steps.timeline.Current() != 7 {
		t.Errorf("step %d, timeline at %d", w.state.Step(), w.steps.timeline.Current())
	}
	if w.status.progress.Value != 1 {
		t.Errorf("progress %v", w.status.progress.Value)
	}
	// Keys from the canvas drive the timeline: home = pure noise.
	w.key(&fyne.KeyEvent{Name: fyne.KeyHome})
	if w.state.Step() != 7 {
		t.Errorf("home: step %d", w.state.Step())
	}
	w.key(&fyne.KeyEvent{Name: fyne.KeyRight})
	if w.state.Step() != 6 {
		t.Errorf("right: step %d", w.state.Step())
	}
	// Every view shows its rendering of the step, and the selector names
	// it; the mosaic has a legend.
	for _, v := range Views {
		w.setView(v)
		want := w.renders.get(w.res, w.state.Step(), v, w.state.Tolerance()).Image
		if got := w.image.image.Image(); got != want || w.image.viewSel.Selected != v.Title() {
			t.Errorf("view %s: image %p, rendered %p, selector %q", v.Title(), got, want, w.image.viewSel.Selected)
		}
	}
	w.setView(ViewMosaic)
	if !w.image.legendBox.Visible() {
		t.Error("mosaic view has no legend")
	}
	w.image.onHover(2, 3)
	if got := w.image.hover.Text; len(got) < 10 || got[:12] != "row 2, col 3" {
		t.Errorf("hover %q", got)
	}
}

func TestWindowSelectInspectsAndPatchChangeBranches(t *testing.T) {
	w := newTestWindow(t)
	w.setStep(4)
	w.selectPixel(Pixel{3, 4})
	waitFor(t, "the inspector", func() bool { return w.ins != nil && w.ins.Query.Col == 4 })
	if len(w.inspect.patches.Entries()) != w.settings().TopK {
		t.Errorf("%d patch entries", len(w.inspect.patches.Entries()))
	}
	// A schedule edit at step 2 keeps the steps above.
	before := w.res
	k, _ := w.settings().Schedule()
	k[2] = 1
	w.controls.editor.OnChanged(k, 2)
	waitFor(t, "the recompute", func() bool { return w.res.Gen != before.Gen && w.res.Complete })
	if w.res.From != 2 || &w.res.Traj.X[5][0] != &before.Traj.X[5][0] {
		t.Errorf("recompute from %d", w.res.From)
	}
	if w.state.Step() != 4 {
		t.Errorf("a schedule edit moved the view to step %d", w.state.Step())
	}
	// Session save and restore.
	p := filepath.Join(t.TempDir(), "s.json")
	if err := SaveSession(p, w.state.Session()); err != nil {
		t.Fatal(err)
	}
	s, err := LoadSession(p)
	if err != nil || s.Row != 3 || s.Col != 4 || s.Settings.Custom[2] != 1 {
		t.Errorf("session %+v %v", s, err)
	}
}

func TestWindowCompareAndPresentation(t *testing.T) {
	w := newTestWindow(t)
	w.cmp.setOn(true)
	waitFor(t, "side B", func() bool { return w.cmp.res != nil && w.cmp.res.Complete })
	if w.cmp.res.Settings.Machine != "ideal" || w.cmp.res.Settings.Seed != w.settings().Seed {
		t.Errorf("side B settings %+v", w.cmp.res.Settings)
	}
	w.setStep(3)
	want := w.renders.get(w.cmp.res, 3, w.state.View(), w.state.Tolerance()).Image
	if got := w.cmp.image.Image(); got == nil || got != want || got == w.image.image.Image() {
		t.Fatalf("side B shows %p, want B's step 3 %p (A's is %p)", got, want, w.image.image.Image())
	}
	w.setPresenting(true)
	if !w.presenting || w.app.Settings().Theme().Size("text") < 20 {
		t.Error("presentation mode has small text")
	}
	w.key(&fyne.KeyEvent{Name: fyne.KeyF11})
	if w.presenting {
		t.Error("F11 did not leave presentation mode")
	}
	w.cmp.setOn(false)
}

func TestWindowMeasureScenario(t *testing.T) {
	a := test.NewTempApp(t)
	var log strings.Builder
	var mu sync.Mutex
	w := New(a, Options{Settings: toySettings(), Measure: true, Log: lockedWriter{&mu, &log}, library: toyLibrary(nil), dispatch: ui.Do})
	w.win.Show()
	t.Cleanup(func() { w.ctl.Wait(); ui.Drain() })
	text := func() string { mu.Lock(); defer mu.Unlock(); return log.String() }
	waitFor(t, "the measurements", func() bool { return strings.Contains(text(), "patch-size change at step 3") })
	for _, want := range []string{"launch to first streamed frame", "launch to first complete trajectory", "first updated frame on screen"} {
		if !strings.Contains(text(), want) {
			t.Errorf("measure log lacks %q:\n%s", want, text())
		}
	}
	if w.res.From != 3 || w.settings().Mode != ScheduleCustom {
		t.Errorf("the scenario recomputed from %d with mode %s", w.res.From, w.settings().Mode)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func TestWindowOpensADataFileAndKeepsStateOnError(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "toy.npy")
	d := toyData()
	if err := npy.WriteFileFloat32(good, []int{d.M, d.C, d.H, d.W}, d.Pixels); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.npy")
	os.WriteFile(bad, []byte("not an array"), 0o644)

	a := test.NewTempApp(t)
	s := toySettings()
	s.Dataset = good
	w := New(a, Options{Settings: s, library: NewLibrary(), dispatch: ui.Do})
	w.win.Show()
	t.Cleanup(func() { w.ctl.Wait(); ui.Drain() })
	waitFor(t, "the trajectory of the file", func() bool { return w.res != nil && w.res.Complete })
	if w.res.Machine.Data().M != 12 || !strings.HasPrefix(w.controls.dataset.Selected, "file: toy.npy") {
		t.Fatalf("data %d images, selector %q", w.res.Machine.Data().M, w.controls.dataset.Selected)
	}
	shown := w.res
	w.controls.openDataset(bad)
	waitFor(t, "the load error", func() bool { return strings.HasPrefix(w.status.Text(), "⚠") })
	if w.res != shown || w.settings().Dataset != good || !strings.HasPrefix(w.controls.dataset.Selected, "file: toy.npy") {
		t.Errorf("a failed load replaced the state: dataset %q, selector %q", w.settings().Dataset, w.controls.dataset.Selected)
	}
}

// TestWindowTypedSeedAppliesWhenLeft checks that a seed typed into its box
// is applied when the user clicks elsewhere, not only on Enter.
func TestWindowTypedSeedAppliesWhenLeft(t *testing.T) {
	w := newTestWindow(t)
	c := w.win.Canvas()
	c.Focus(w.controls.seed)
	w.controls.seed.SetText("")
	test.Type(w.controls.seed, "42")
	if w.settings().Seed == 42 {
		t.Fatal("the seed applied while still being typed")
	}
	c.Unfocus()
	if w.settings().Seed != 42 {
		t.Fatalf("seed %d after leaving the box, want 42", w.settings().Seed)
	}
	waitFor(t, "the new trajectory", func() bool { return w.res.Complete && w.res.Settings.Seed == 42 })
}
