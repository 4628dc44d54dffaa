package app

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"mosaic/model/budget"
)

// bigHeader writes a .npy file whose header declares m float32 images of
// 1 x h x w and holds no data: enough for the estimate, which reads only
// the header.
func bigHeader(t *testing.T, m, h, w int) string {
	t.Helper()
	dict := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, 1, %d, %d), }", m, h, w)
	for (10+len(dict)+1)%64 != 0 {
		dict += " "
	}
	dict += "\n"
	head := append([]byte("\x93NUMPY\x01\x00"), byte(len(dict)), byte(len(dict)>>8))
	path := filepath.Join(t.TempDir(), "big.npy")
	if err := os.WriteFile(path, append(head, dict...), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAppRefusesARunThatCannotFit (issue 9, item 2): a data set that would
// not fit in memory is refused in a dialog before anything is loaded, and
// the settings on screen stay.
func TestAppRefusesARunThatCannotFit(t *testing.T) {
	w := newTestWindow(t)
	old := budget.MemAvailable
	t.Cleanup(func() { budget.MemAvailable = old })
	budget.MemAvailable = func() (int64, bool) { return 1 << 30, true } // 1 GiB
	before := w.state.Settings()
	s := before
	s.Dataset, s.Size, s.Limit = bigHeader(t, 60000, 64, 64), 64, 0
	w.apply(s)
	if w.state.Settings().Dataset != before.Dataset {
		t.Fatalf("the settings changed to %q", w.state.Settings().Dataset)
	}
	top := w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog says why the run was refused")
	}
}

// TestAppAsksBeforeASlowRun: a run estimated to take minutes asks first,
// and starts nothing until confirmed.
func TestAppAsksBeforeASlowRun(t *testing.T) {
	w := newTestWindow(t)
	old := budget.MemAvailable
	t.Cleanup(func() { budget.MemAvailable = old })
	budget.MemAvailable = func() (int64, bool) { return 1 << 50, true }
	s := w.state.Settings()
	s.Dataset, s.Size, s.Limit = bigHeader(t, 60000, 32, 32), 32, 0
	e, ok := estimate(s)
	if !ok || budget.Warning(e) == "" {
		t.Fatalf("estimate %+v (ok %v) gives no warning", e, ok)
	}
	w.apply(s)
	if w.state.Settings().Dataset == s.Dataset {
		t.Fatal("a slow run started without asking")
	}
	if w.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no confirmation dialog")
	}
	// Once confirmed, the same settings start without asking again.
	w.confirmed = s.key()
	w.apply(s)
	if w.state.Settings().Dataset != s.Dataset {
		t.Fatal("confirmed settings did not start")
	}
}
