package app

import "testing"

// TestStateNotifiesOnlyChanges checks that every setter of the State is a
// no-op when the value does not change, and tells the observers once,
// with what changed, when it does.
func TestStateNotifiesOnlyChanges(t *testing.T) {
	st := NewState(toySettings(), 0.1)
	var got []Aspect
	st.Observe(func(a Aspect) { got = append(got, a) })
	s := st.Settings()
	s.Custom = append([]int(nil), s.Custom...) // an equal copy
	st.SetSettings(s)
	st.SetStep(0)
	st.SetView(ViewX)
	st.Select(NoPixel)
	st.Select(Pixel{-1, 3}) // not a pixel: no selection
	st.SetTolerance(0.1)
	st.SetTolerance(-1) // refused
	if len(got) != 0 {
		t.Fatalf("unchanged values notified %v", got)
	}
	st.SetSettings(s.WithCustom([]int{3, 3, 3, 7, 5, 5, 7, 7}))
	st.SetStep(3)
	st.SetView(ViewMosaic)
	st.Select(Pixel{2, 4})
	st.SetTolerance(0.5)
	want := []Aspect{AspectSettings, AspectStep, AspectView, AspectSelection, AspectTolerance}
	if len(got) != len(want) {
		t.Fatalf("notified %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("notified %v, want %v", got, want)
		}
	}
	if st.Step() != 3 || st.View() != ViewMosaic || st.Selected() != (Pixel{2, 4}) || st.Tolerance() != 0.5 || st.Settings().Custom[3] != 7 {
		t.Errorf("state %+v", st)
	}
	// A session restores everything with one notification.
	got = nil
	sess := st.Session()
	st.Restore(sess)
	if len(got) != 0 {
		t.Errorf("restoring the same session notified %v", got)
	}
	sess.Step, sess.Row = 5, -1
	st.Restore(sess)
	if len(got) != 1 || got[0] != AspectStep|AspectSelection || st.Selected().Ok() {
		t.Errorf("restore notified %v, selection %v", got, st.Selected())
	}
}

// TestResultsDoNotEchoIntoTheEditor checks the flow of a schedule edit:
// the schedule reaches the State and the editor once, and the results
// streaming in afterwards leave the editor alone (before, every snapshot
// pushed the schedule back into it, clearing its chart's render).
func TestResultsDoNotEchoIntoTheEditor(t *testing.T) {
	w := newTestWindow(t)
	ed := w.controls.editor
	var aspects []Aspect
	w.state.Observe(func(a Aspect) { aspects = append(aspects, a) })
	k, _ := w.settings().Schedule()
	k[3] = 7
	ed.OnChanged(k, 3)
	if w.settings().Mode != ScheduleCustom || w.settings().Custom[3] != 7 {
		t.Fatalf("settings after the edit: %+v", w.settings())
	}
	if got := ed.Schedule(); got[3] != 7 {
		t.Fatalf("editor shows %v", got)
	}
	waitFor(t, "the recompute", func() bool { return w.res.Complete && w.res.Traj.K[3] == 7 })
	n := 0
	for _, a := range aspects {
		if a&AspectSettings != 0 {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the settings changed %d times for one edit", n)
	}
}
