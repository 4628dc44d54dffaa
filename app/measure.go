package app

import (
	"fmt"
	"slices"
	"time"
)

// measurer runs the --measure scenario: it reports the time from launch
// to the first complete trajectory on screen, then changes the patch size
// at step 3 and reports the time to the first updated frame, and quits.
// Times are taken when the result is handed to the UI goroutine (the
// frame is painted on the next vsync, within ~16 ms).
type measurer struct {
	w     *Window
	start time.Time
	phase int
}

func (m *measurer) requested(Change) {}

func (m *measurer) logf(format string, args ...any) {
	fmt.Fprintf(m.w.opts.Log, "measure: "+format+"\n", args...)
}

func (m *measurer) result(res *Result) {
	if m.phase != 0 {
		return
	}
	if res.Done == 1 {
		m.logf("launch to first streamed frame on screen: %v", time.Since(m.start).Round(time.Millisecond))
	}
	if !res.Complete {
		return
	}
	m.logf("launch to first complete trajectory on screen: %v (%d steps, %s)", time.Since(m.start).Round(time.Millisecond), res.Total, describe(res.Settings))
	w := m.w
	// Scrub through every frame, as a timeline drag would, and time the
	// UI work of each move (rendering is cached, nothing is recomputed).
	var worst, total time.Duration
	for pass := range 2 {
		for i := res.Traj.N - 1; i >= 0; i-- {
			t0 := time.Now()
			w.setStep(i)
			d := time.Since(t0)
			if pass == 1 {
				worst, total = max(worst, d), total+d
			}
		}
	}
	m.logf("scrubbing a computed trajectory: %v per step on average, %v at worst (UI goroutine work, second pass)",
		(total / time.Duration(res.Traj.N)).Round(time.Microsecond), worst.Round(time.Microsecond))
	m.phase = 1
	k := slices.Clone([]int(res.Traj.K))
	const at = 3
	k[at] += 2
	w.setStep(at)
	s := w.settings.WithCustom(k)
	w.controls.sync(s)
	w.request(s)
}

func (m *measurer) timing(t Timing) {
	if m.phase != 1 || t.Kind != ChangeSchedule {
		return
	}
	m.phase = 2
	m.logf("patch-size change at step %d of %d to its first updated frame on screen: %v; whole recompute (%d steps): %v",
		t.From, m.w.settings.Steps-1, t.FirstFrame.Round(time.Millisecond), t.From, t.Complete.Round(time.Millisecond))
	go func() {
		time.Sleep(500 * time.Millisecond)
		m.w.opts.dispatch(m.w.app.Quit)
	}()
}
