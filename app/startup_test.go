package app

import (
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
