package app

import (
	"runtime/debug"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// TestShowEarlyOpensTheSameWindow checks that a window shown early (the
// desktop start-up) ends as the usual window does: its widgets, made and
// laid out on another goroutine while the window is created and the
// trajectory requested (go test -race watches the two), replace the plain
// background, the trajectory requested before they existed is
// taken up (the status line says it is computing, the State holds its
// settings) and it completes with the launch settings, frame for frame
// the same as a window built the usual way.
func TestShowEarlyOpensTheSameWindow(t *testing.T) {
	open := func(early bool) *Window {
		a := test.NewTempApp(t)
		w := New(a, Options{Settings: toySettings(), Size: fyne.NewSize(1280, 800), library: toyLibrary(nil), dispatch: ui.Do, ShowEarly: early})
		stopAtCleanup(t, w)
		return w
	}
	w := open(true)
	if _, plain := w.win.Content().(*canvas.Rectangle); plain {
		t.Fatal("the window still shows the plain background after New")
	}
	if got := w.status.Text(); !strings.HasPrefix(got, "computing ") {
		t.Errorf("status %q right after New: the early request was not taken up", got)
	}
	if w.state.Settings().Seed != toySettings().Seed || w.state.Settings().Machine != toySettings().Machine {
		t.Errorf("state settings %+v", w.state.Settings())
	}
	waitFor(t, "the early trajectory", func() bool { return w.res != nil && w.res.Complete })
	if w.res.Settings.Seed != toySettings().Seed || w.res.Settings.Machine != toySettings().Machine {
		t.Errorf("trajectory of %+v", w.res.Settings)
	}
	if w.steps.timeline.Steps() != w.res.Traj.N || w.state.Step() != 0 {
		t.Errorf("timeline %d steps of %d, at step %d", w.steps.timeline.Steps(), w.res.Traj.N, w.state.Step())
	}
	u := open(false)
	waitFor(t, "the usual trajectory", func() bool { return u.res != nil && u.res.Complete })
	if u.res.Traj.N != w.res.Traj.N {
		t.Fatalf("%d frames early, %d usual", w.res.Traj.N, u.res.Traj.N)
	}
	for i := range u.res.Traj.X {
		for j, v := range u.res.Traj.X[i] {
			if w.res.Traj.X[i][j] != v {
				t.Fatalf("frame %d value %d: %v early, %v usual", i, j, w.res.Traj.X[i][j], v)
			}
		}
	}
}

// gcPercent reads the garbage collector's GOGC setting.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestGCOffUntilShown: with GCOffUntilShown the collector is off, under a
// memory limit, from New until the event loop reports its start, and then
// as it was; the first trajectory completes meanwhile. Without the option
// New changes neither.
func TestGCOffUntilShown(t *testing.T) {
	percent, limit := gcPercent(), debug.SetMemoryLimit(-1)
	if percent < 0 {
		t.Skip("GOGC=off already")
	}
	if tuneUntilShown(Options{}) != nil {
		t.Fatal("tuneUntilShown changes something when asked for nothing")
	}
	a := test.NewTempApp(t)
	w := New(a, Options{Settings: toySettings(), Size: fyne.NewSize(1280, 800), library: toyLibrary(nil), dispatch: ui.Do, GCOffUntilShown: true, OneCoreUntilShown: true})
	stopAtCleanup(t, w)
	if got := gcPercent(); got != -1 {
		t.Fatalf("GOGC %d after New, want -1 (off)", got)
	}
	if got, want := debug.SetMemoryLimit(-1), min(limit, startupHeapLimit); got != want {
		t.Fatalf("memory limit %d after New, want %d", got, want)
	}
	waitFor(t, "the first trajectory", func() bool { return w.res != nil && w.res.Complete })
	started := a.Lifecycle().(interface{ OnStarted() func() }).OnStarted()
	if started == nil {
		t.Fatal("New set no start hook")
	}
	started()
	if got := gcPercent(); got != percent {
		t.Fatalf("GOGC %d once the window is on screen, want %d as before", got, percent)
	}
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Fatalf("memory limit %d once the window is on screen, want %d as before", got, limit)
	}
}
