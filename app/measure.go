package app

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// measurer runs the --measure scenario: it reports the time from launch
// to the first complete trajectory on screen (with a constant patch size,
// --k, it then moves that size one notch once the controller has computed
// the new trajectory ahead, and reports that too), then changes the patch size
// at step 3 three times and reports the time to the first updated frame of
// each: at once (nothing computed ahead: the cold case), after the
// controller has computed that step's neighbours ahead (a one-notch
// change, as dragging the step's bar makes), and back to the original
// (every step is in the cache). Then it quits. With --vs it times Network
// vs machine instead (see along). Times are taken when the
// result is handed to the UI goroutine (the frame is painted on the next
// vsync, within ~16 ms).
type measurer struct {
	w     *Window
	start time.Time
	phase int   // 0: launching; -1: the constant-size slider; 1, 2, 3: the three changes
	orig  []int // the schedule of the first trajectory

	versusAt time.Time     // when the --vs scenario chose Network vs machine
	versusB  time.Duration // to side B's last step
}

func (m *measurer) logf(format string, args ...any) {
	fmt.Fprintf(m.w.opts.Log, "measure: "+format+"\n", args...)
}

// shown reports when the window was created and shown, in its background
// colour only (Options.ShowEarly): its widgets follow.
func (m *measurer) shown() {
	m.logf("launch to the window created (background only, the widgets follow): %v", time.Since(m.start).Round(time.Millisecond))
}

// started reports when the app's event loop has started with the window
// shown: Fyne's "started" event comes after ShowAndRun has painted the
// window's first frame with its widgets and swapped it onto the screen.
func (m *measurer) started() {
	m.logf("launch to the window on screen: %v", time.Since(m.start).Round(time.Millisecond))
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
	if w.opts.Versus != "" {
		// --vs: time Network vs machine instead, from the moment it is
		// chosen on the complete network trajectory.
		m.phase, m.versusAt = versusFirst, time.Now()
		w.startVersus(w.opts.Versus, w.opts.VersusBoundary)
		return
	}
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
	if res.Settings.Mode == ScheduleConstant {
		// A constant patch size: first move the slider one notch, once
		// the controller has computed that trajectory ahead.
		m.phase = -1
		go func() {
			w.ctl.Wait()
			w.ctl.WaitAhead()
			w.opts.dispatch(func() {
				s := w.settings()
				s.Constant += 2
				w.apply(s)
			})
		}()
		return
	}
	m.startChanges(res)
}

// The phases of the --vs scenario.
const (
	versusFirst = 10 + iota // waiting for the first r^2
	versusAll               // waiting for side B and the r^2 chart to complete
	versusDone
)

// along follows Network vs machine in the --vs scenario: it reports the
// time from choosing it to the first r^2 on screen (the step shown), and
// to side B's last step and the complete r^2 chart; then it quits.
func (m *measurer) along() {
	w := m.w
	a := w.cmp.alongResult()
	if a == nil || (m.phase != versusFirst && m.phase != versusAll) {
		return
	}
	if m.phase == versusFirst {
		if math.IsNaN(a.R2[StepOf(w.state.Step())]) {
			return
		}
		m.logf("Network vs machine (%v, %d training images): choosing it to the first r² on screen %v (r² = %.3f at step %d)",
			a.Machine.Spec(), a.Machine.Data().M, time.Since(m.versusAt).Round(time.Millisecond), a.R2[StepOf(w.state.Step())], StepOf(w.state.Step()))
		m.phase = versusAll
	}
	if a.Complete && m.versusB == 0 {
		m.versusB = time.Since(m.versusAt)
		m.logf("side B along the network, all %d steps: %v", a.Total, m.versusB.Round(time.Millisecond))
	}
	if ch := w.cmp.r2Chart(); ch != nil && ch.Complete && m.versusB > 0 {
		m.logf("r² chart of %d machines (%d evaluations, those of side B from the cache): %v", len(ch.Names), ch.Total, time.Since(m.versusAt).Round(time.Millisecond))
		m.logf("%s", chartSummary(ch))
		m.phase = versusDone
		go func() {
			time.Sleep(500 * time.Millisecond)
			w.opts.dispatch(w.app.Quit)
		}()
	}
}

// startChanges begins the three changes of step measureAt's patch size.
func (m *measurer) startChanges(res *Result) {
	m.phase = 0
	m.orig = slices.Clone([]int(res.Traj.K))
	m.w.setStep(measureAt)
	m.change(m.orig[measureAt] + 2)
}

// measureAt is the step whose patch size the scenario changes.
const measureAt = 3

// change sets the patch size of step measureAt to k and requests the run.
func (m *measurer) change(k int) {
	m.phase++
	w := m.w
	ks := slices.Clone(m.orig)
	ks[measureAt] = k
	w.apply(w.settings().WithCustom(ks))
}

func (m *measurer) timing(t Timing) {
	if m.phase == -1 && t.Kind == ChangeSchedule {
		m.logf("constant patch size %d -> %d (the whole trajectory computed ahead while idle): first updated frame on screen %v; whole trajectory (%d steps) %v",
			m.w.settings().Constant-2, m.w.settings().Constant, t.FirstFrame.Round(time.Millisecond), t.From, t.Complete.Round(time.Millisecond))
		m.startChanges(m.w.res)
		return
	}
	if m.phase < 1 || t.Kind != ChangeSchedule {
		return
	}
	what := [...]string{"", "nothing computed ahead", "its neighbour computed ahead while idle", "back to the original (every step cached)"}[m.phase]
	m.logf("patch-size change at step %d of %d, %s: first updated frame on screen %v; whole recompute (%d steps) %v",
		t.From, m.w.settings().Steps-1, what, t.FirstFrame.Round(time.Millisecond), t.From, t.Complete.Round(time.Millisecond))
	w := m.w
	switch m.phase {
	case 1:
		// Let the controller compute step 3's neighbours (k-2 is the
		// original, already cached; k+2 is new), then take one notch more.
		go func() {
			w.ctl.Wait() // the controller starts the prefetch as it goes idle
			w.ctl.WaitAhead()
			w.opts.dispatch(func() { m.change(m.orig[measureAt] + 4) })
		}()
	case 2:
		m.change(m.orig[measureAt])
	default:
		m.logf("steps taken from the cache of evaluations: %d", w.ctl.CacheHits())
		go func() {
			time.Sleep(500 * time.Millisecond)
			w.opts.dispatch(w.app.Quit)
		}()
	}
}
