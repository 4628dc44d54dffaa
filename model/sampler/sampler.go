// Package sampler runs the deterministic DDIM sampler of SPEC.md over a score
// machine, producing the whole trajectory: every frame x_i, every denoised
// estimate D_i with its per-pixel attribution by-products, the predicted
// noise, and the patch-size schedule. It can resume from any step so that a
// change at step i re-runs only the steps from i down.
package sampler

import (
	"context"
	"fmt"
	"math/rand/v2"

	"mosaic/model/machine"
	"mosaic/model/schedule"
)

// Trajectory is one run of the sampler. Index i is the step index: x_i is
// the frame at time t_i = i/N, for i = N-1 (pure noise) down to 0 (the final
// image); D_i and Eps_i exist for i = N-1 down to 1.
type Trajectory struct {
	// N is the number of steps; C, H, W the image shape.
	N, C, H, W int
	// K is the patch-size schedule, one entry per step (entry 0 unused).
	K schedule.Patch
	// X[i] is x_i, or nil if not yet computed.
	X [][]float64
	// Steps[i] is the machine's output at step i (D_i, mosaic map,
	// effective numbers), or nil for i = 0 and steps not yet computed.
	Steps []*machine.Step
	// Eps[i] is the predicted noise (x_i - a(t_i) D_i) / b(t_i).
	Eps [][]float64
}

// Progress reports that step i has just been computed; done of total steps
// of this run are finished. The trajectory already holds x_{i-1} and D_i.
type Progress func(i, done, total int, tr *Trajectory)

// Time returns t_i.
func (tr *Trajectory) Time(i int) float64 { return schedule.Time(i, tr.N) }

// Final returns x_0, or nil if the trajectory is incomplete.
func (tr *Trajectory) Final() []float64 { return tr.X[0] }

// Complete reports whether every step has been computed.
func (tr *Trajectory) Complete() bool { return tr.X[0] != nil }

// D returns D_i, or nil when step i has no denoised estimate (yet).
func (tr *Trajectory) D(i int) []float64 {
	if i < 1 || i >= tr.N || tr.Steps[i] == nil {
		return nil
	}
	return tr.Steps[i].D
}

// Noise returns a standard normal image of shape [C, H, W] drawn from a PCG
// generator seeded with seed; the same seed always gives the same noise.
func Noise(seed uint64, c, h, w int) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0x6d6f73616963)) // "mosaic"
	z := make([]float64, c*h*w)
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	return z
}

// New returns a trajectory of n steps that holds only the initial noise
// x_{N-1}.
func New(noise []float64, c, h, w int, k schedule.Patch) (*Trajectory, error) {
	n := len(k)
	if n < 2 {
		return nil, fmt.Errorf("a trajectory needs at least 2 steps, the schedule has %d", n)
	}
	if len(noise) != c*h*w {
		return nil, fmt.Errorf("the noise has %d values but the images are [%d,%d,%d] (%d values)", len(noise), c, h, w, c*h*w)
	}
	tr := &Trajectory{N: n, C: c, H: h, W: w, K: append(schedule.Patch(nil), k...),
		X: make([][]float64, n), Steps: make([]*machine.Step, n), Eps: make([][]float64, n)}
	tr.X[n-1] = append([]float64(nil), noise...)
	return tr, nil
}

// Run samples a whole trajectory from the given noise with machine m and
// schedule k (one entry per step; len(k) = N).
func Run(ctx context.Context, m *machine.Machine, noise []float64, k schedule.Patch, progress Progress) (*Trajectory, error) {
	d := m.Data()
	tr, err := New(noise, d.C, d.H, d.W, k)
	if err != nil {
		return nil, err
	}
	return tr, tr.Resume(ctx, m, tr.N-1, progress)
}

// Branch returns a copy of tr that keeps the frames and steps above step
// `from` and the frame x_from, and takes the schedule k from step `from`
// down (entries above `from` keep tr's). It is the start of a re-run after
// a change that affects steps from..1; the copy shares the kept slices with
// tr, which callers treat as immutable.
func (tr *Trajectory) Branch(from int, k schedule.Patch) (*Trajectory, error) {
	if from < 1 || from >= tr.N {
		return nil, fmt.Errorf("cannot resume from step %d of a %d-step trajectory", from, tr.N)
	}
	if len(k) != tr.N {
		return nil, fmt.Errorf("the schedule has %d entries for a %d-step trajectory", len(k), tr.N)
	}
	if tr.X[from] == nil {
		return nil, fmt.Errorf("cannot resume from step %d: x_%d has not been computed", from, from)
	}
	nt := &Trajectory{N: tr.N, C: tr.C, H: tr.H, W: tr.W, K: append(schedule.Patch(nil), tr.K...),
		X: make([][]float64, tr.N), Steps: make([]*machine.Step, tr.N), Eps: make([][]float64, tr.N)}
	copy(nt.K[:from+1], k[:from+1])
	for i := from; i < tr.N; i++ {
		nt.X[i] = tr.X[i]
		if i > from {
			nt.Steps[i], nt.Eps[i] = tr.Steps[i], tr.Eps[i]
		}
	}
	return nt, nil
}

// Resume computes steps from, from-1, ..., 1 of the trajectory in place,
// starting from x_from, which must be present. It reports progress after
// every step and stops with ctx.Err() when cancelled, leaving the steps
// computed so far in place.
func (tr *Trajectory) Resume(ctx context.Context, m *machine.Machine, from int, progress Progress) error {
	return tr.ResumeCached(ctx, m, from, progress, nil)
}

// ResumeCached is Resume with a cache of machine evaluations: a step whose
// evaluation is in cache is taken from it instead of being computed, and
// every step computed is stored in it. A nil cache computes every step.
func (tr *Trajectory) ResumeCached(ctx context.Context, m *machine.Machine, from int, progress Progress, cache *StepCache) error {
	if from < 1 || from >= tr.N || tr.X[from] == nil {
		return fmt.Errorf("cannot resume from step %d", from)
	}
	if err := m.CheckSchedule(tr.K); err != nil {
		return err
	}
	for j := 0; j < from; j++ { // everything below x_from is now stale
		tr.X[j], tr.Steps[j+1], tr.Eps[j+1] = nil, nil, nil
	}
	for i := from; i >= 1; i-- {
		if err := ctx.Err(); err != nil {
			return err
		}
		t, tp := tr.Time(i), tr.Time(i-1)
		step, _, err := cache.Step(ctx, m, tr.X[i], t, tr.K[i])
		if err != nil {
			return fmt.Errorf("step %d (t = %.2f, k = %d): %w", i, t, tr.K[i], err)
		}
		a, b := schedule.A(t), schedule.B(t)
		ap, bp := schedule.A(tp), schedule.B(tp)
		x := tr.X[i]
		eps := make([]float64, len(x))
		next := make([]float64, len(x))
		for j, xv := range x {
			eps[j] = (xv - a*step.D[j]) / b
			next[j] = ap*step.D[j] + bp*eps[j]
		}
		if i == 1 {
			copy(next, step.D) // b(0) = 0: x_0 = D_1 exactly
		}
		tr.Steps[i], tr.Eps[i], tr.X[i-1] = step, eps, next
		if progress != nil {
			progress(i, from-i+1, from, tr)
		}
	}
	return nil
}
