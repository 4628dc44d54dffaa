package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestSessionRestoresCompare: a session saved with the side-by-side view on
// (side B: LS, circular) reopens it, with B's machine and boundary; one
// saved with it off leaves it off; a session naming an unknown machine for
// B is refused with a message.
func TestSessionRestoresCompare(t *testing.T) {
	w := newTestWindow(t)
	showSelected(w.cmp.machine, "LS")
	showSelected(w.cmp.bound, "circular")
	w.cmp.setOn(true)
	p := filepath.Join(t.TempDir(), "s.json")
	if err := SaveSession(p, w.session()); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	if !strings.Contains(string(data), `"compare"`) {
		t.Fatalf("the session file has no compare entry:\n%s", data)
	}
	s, err := LoadSession(p)
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Compare; c == nil || !c.On || c.Versus || c.Machine != "ls" || c.Boundary != "circular" {
		t.Fatalf("compare state %+v", s.Compare)
	}
	w2 := newTestWindow(t)
	w2.restore(s)
	if !w2.cmp.on || w2.cmp.machine.Selected != "LS" || w2.cmp.bound.Selected != "circular" {
		t.Fatalf("restored compare: on %v, B %q %q", w2.cmp.on, w2.cmp.machine.Selected, w2.cmp.bound.Selected)
	}
	waitFor(t, "side B", func() bool {
		return w2.cmp.res != nil && w2.cmp.res.Complete && w2.cmp.res.Settings.Machine == "ls" && w2.cmp.res.Settings.Boundary == "circular"
	})
	// Saved with compare off: restoring turns it off.
	w2.cmp.setOn(false)
	s2 := w2.session()
	if s2.Compare != nil {
		t.Fatalf("compare off saved as %+v", s2.Compare)
	}
	w.restore(s2)
	if w.cmp.on {
		t.Error("restoring a session without compare left it on")
	}
	// An unknown machine for B is refused.
	bad := strings.Replace(string(data), `"machine": "ls"`, `"machine": "gan"`, 1)
	os.WriteFile(p, []byte(bad), 0o644)
	if _, err := LoadSession(p); err == nil || !strings.Contains(err.Error(), "side B") {
		t.Errorf("a session with side B %q: %v", "gan", err)
	}
}

// TestSessionAtStartKeepsItsView: a session opened at start-up (mosaic
// --session) shows the session's view, unless --view was given too.
func TestSessionAtStartKeepsItsView(t *testing.T) {
	p := filepath.Join(t.TempDir(), "s.json")
	if err := SaveSession(p, Session{Settings: toySettings(), Step: 2, Row: -1, View: ViewMosaic}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		set  bool
		want View
	}{{false, ViewMosaic}, {true, ViewD}} {
		a := test.NewTempApp(t)
		w := New(a, Options{Session: p, View: ViewD, ViewSet: c.set, Size: fyne.NewSize(1280, 800), library: toyLibrary(nil), dispatch: ui.Do})
		if got := w.state.View(); got != c.want {
			t.Errorf("--view given %v: view %v, want %v", c.set, got, c.want)
		}
		w.ctl.Cancel()
		w.ctl.Wait()
		ui.Drain()
	}
}
