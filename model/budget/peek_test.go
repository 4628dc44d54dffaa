package budget

import (
	"os"
	"path/filepath"
	"testing"

	"mosaic/model/builtin"
	"mosaic/model/npy"
)

// TestPeekBuiltinCountsWhatLoadingKeeps checks the shape told before
// loading against the set that loading keeps: the first 300 MNIST digits,
// the digits 7 among all of them, and the first 40 sevens.
func TestPeekBuiltinCountsWhatLoadingKeeps(t *testing.T) {
	for _, c := range []struct{ class, limit int }{{-1, 300}, {7, 0}, {7, 40}} {
		sh, ok := PeekBuiltin("mnist", 16, c.class, c.limit)
		if !ok {
			t.Fatalf("class %d limit %d: not told", c.class, c.limit)
		}
		d, err := builtin.LoadSubset("mnist", 16, c.class, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		if sh.M != d.M || sh.C != d.C || sh.H != 16 || sh.W != 16 {
			t.Errorf("class %d limit %d: peeked %+v, loaded %d images [%d,%d,%d]", c.class, c.limit, sh, d.M, d.C, d.H, d.W)
		}
		if want := int64(sh.M) * (28*28 + 2*16*16); sh.Load != want {
			t.Errorf("class %d limit %d: load %d, want %d", c.class, c.limit, sh.Load, want)
		}
	}
	if _, ok := PeekBuiltin("hands", 32, -1, 0); ok {
		t.Error("the procedural hands were told without generating them")
	}
	if _, ok := PeekBuiltin("mnist", 0, -1, 0); ok {
		t.Error("size 0 was told")
	}
}

// TestPeekFileReadsTheHeader checks a .npy file's shape, the limit, and
// that a file that is not there is left to the loader.
func TestPeekFileReadsTheHeader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.npy")
	if err := npy.WriteFileFloat32(path, []int{50, 3, 6, 5}, make([]float64, 50*3*6*5)); err != nil {
		t.Fatal(err)
	}
	sh, ok := PeekFile(path, 20)
	if !ok || sh.M != 20 || sh.C != 3 || sh.H != 6 || sh.W != 5 {
		t.Errorf("peeked %+v (ok %v), want 20 images [3,6,5]", sh, ok)
	}
	if want := LoadBytes(50*3*6*5, 4); sh.Load != want {
		t.Errorf("load %d, want %d (the whole file is read)", sh.Load, want)
	}
	if sh, _ := PeekFile(path, 0); sh.M != 50 {
		t.Errorf("no limit: %d images, want 50", sh.M)
	}
	if _, ok := PeekFile(filepath.Join(t.TempDir(), "missing.npy"), 0); ok {
		t.Error("a missing file was told")
	}
	_ = os.Remove(path)
}
