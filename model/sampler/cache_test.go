package sampler

import (
	"context"
	"slices"
	"testing"

	"mosaic/model/machine"
	"mosaic/model/schedule"
)

// sameTrajectory reports the first frame or step where a and b differ
// bit for bit, or -1.
func sameTrajectory(a, b *Trajectory) int {
	for i := range a.N {
		if !slices.Equal(a.X[i], b.X[i]) {
			return i
		}
		if i > 0 && (a.Steps[i] == nil) != (b.Steps[i] == nil) {
			return i
		}
		if i > 0 && a.Steps[i] != nil && (!slices.Equal(a.Steps[i].D, b.Steps[i].D) || !slices.Equal(a.Eps[i], b.Eps[i])) {
			return i
		}
	}
	return -1
}

// TestCachedRunIsTheSameRun checks that a run through the cache gives the
// plain run bit for bit, and that a second run takes every step from it.
func TestCachedRunIsTheSameRun(t *testing.T) {
	d := smallData()
	m, _ := machine.New(d, machine.Spec{Kind: machine.ELS, Boundary: machine.Zeros})
	k := schedule.Patch{3, 3, 5, 5, 3, 5}
	noise := Noise(3, 1, 6, 6)
	plain, err := Run(context.Background(), m, noise, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := NewStepCache(16)
	for run := range 2 {
		tr, _ := New(noise, 1, 6, 6, k)
		if err := tr.ResumeCached(context.Background(), m, tr.N-1, nil, c); err != nil {
			t.Fatal(err)
		}
		if i := sameTrajectory(plain, tr); i >= 0 {
			t.Fatalf("run %d differs from the plain run at step %d", run, i)
		}
		if want := run * (len(k) - 1); c.Hits() != want {
			t.Fatalf("after run %d: %d cache hits, want %d", run, c.Hits(), want)
		}
	}
	if c.Len() != len(k)-1 {
		t.Fatalf("the cache holds %d steps, want %d", c.Len(), len(k)-1)
	}
}

// TestCacheKeys checks that an entry is found only for its own machine,
// image content, time and patch size, and that the oldest entry goes first.
func TestCacheKeys(t *testing.T) {
	d := smallData()
	m1, _ := machine.New(d, machine.Spec{Kind: machine.ELS, Boundary: machine.Zeros})
	m2, _ := machine.New(d, machine.Spec{Kind: machine.ELS, Boundary: machine.Circular})
	x := Noise(5, 1, 6, 6)
	c := NewStepCache(2)
	s, cached, err := c.Step(context.Background(), m1, x, 0.5, 3)
	if err != nil || cached {
		t.Fatalf("first lookup: cached %v, err %v", cached, err)
	}
	if g := c.Get(m1, slices.Clone(x), 0.5, 3); g != s {
		t.Fatal("an equal copy of x must find the entry")
	}
	y := slices.Clone(x)
	y[17] += 1e-12
	for name, miss := range map[string]*machine.Step{
		"other image": c.Get(m1, y, 0.5, 3), "other time": c.Get(m1, x, 0.55, 3),
		"other k": c.Get(m1, x, 0.5, 5), "other machine": c.Get(m2, x, 0.5, 3),
	} {
		if miss != nil {
			t.Errorf("%s: found an entry", name)
		}
	}
	// The cache keeps its own copy of x.
	x[0] = 99
	if c.Get(m1, x, 0.5, 3) != nil || c.Get(m1, Noise(5, 1, 6, 6), 0.5, 3) != s {
		t.Fatal("changing the caller's x changed the cache")
	}
	x = Noise(5, 1, 6, 6)
	c.Put(m1, x, 0.5, 5, &machine.Step{})
	c.Get(m1, x, 0.5, 3) // now the most recent
	c.Put(m1, x, 0.5, 7, &machine.Step{})
	if c.Len() != 2 || c.Get(m1, x, 0.5, 5) != nil || c.Get(m1, x, 0.5, 3) != s {
		t.Fatalf("least recently used entry not evicted first (len %d)", c.Len())
	}
	// Retain keeps only the entries of the machines named.
	c.Put(m2, x, 0.5, 3, &machine.Step{})
	c.Retain(m2)
	if c.Len() != 1 || c.Get(m2, x, 0.5, 3) == nil || c.Get(m1, x, 0.5, 3) != nil {
		t.Fatalf("Retain(m2) left %d entries", c.Len())
	}
}

// TestBranchUsesStepComputedAhead checks the use the app makes of the cache: a
// step evaluated ahead with another patch size is taken when a branch asks
// for it, and the branch equals a plain run with the new schedule.
func TestBranchUsesStepComputedAhead(t *testing.T) {
	d := smallData()
	m, _ := machine.New(d, machine.Spec{Kind: machine.ELS, Boundary: machine.Zeros})
	k := schedule.Patch{3, 3, 3, 3, 3, 3}
	noise := Noise(9, 1, 6, 6)
	c := NewStepCache(16)
	tr, _ := New(noise, 1, 6, 6, k)
	if err := tr.ResumeCached(context.Background(), m, tr.N-1, nil, c); err != nil {
		t.Fatal(err)
	}
	const at = 3
	if _, cached, err := c.Step(context.Background(), m, tr.X[at], tr.Time(at), 5); err != nil || cached {
		t.Fatalf("ahead: cached %v, err %v", cached, err)
	}
	k2 := slices.Clone(k)
	k2[at] = 5
	br, err := tr.Branch(at, k2)
	if err != nil {
		t.Fatal(err)
	}
	hits := c.Hits()
	if err := br.ResumeCached(context.Background(), m, at, nil, c); err != nil {
		t.Fatal(err)
	}
	if c.Hits() != hits+1 {
		t.Fatalf("%d hits for the branch, want 1 (the prefetched step)", c.Hits()-hits)
	}
	plain, _ := Run(context.Background(), m, noise, k2, nil)
	if i := sameTrajectory(plain, br); i >= 0 {
		t.Fatalf("branch differs from the plain run at step %d", i)
	}
}
