// Package compare measures how much of a trained network a theory explains
// (SPEC.md, "Trained networks and how well a theory explains them"): it
// runs the network's own DDIM trajectory from a noise, feeds the network's
// x_i at every step to each machine with that step's patch size, and
// scores the two denoised images by r^2. Over several noise seeds it
// reports the median and quartiles per step and the median over a whole
// trajectory; Calibrate picks, per step, the patch size that fits best.
package compare

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"mosaic/model/machine"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

// R2 returns SPEC.md's r^2 of a machine's denoised image against the
// network's: 1 - sum (net - mach)^2 / sum (net - mean(net))^2 over all
// values of one sample. A constant network image (zero variance) gives
// NaN.
func R2(net, mach []float64) float64 {
	if len(net) != len(mach) || len(net) == 0 {
		return math.NaN()
	}
	mean := 0.0
	for _, v := range net {
		mean += v
	}
	mean /= float64(len(net))
	var res, tot float64
	for i, v := range net {
		res += (v - mach[i]) * (v - mach[i])
		tot += (v - mean) * (v - mean)
	}
	if tot == 0 {
		return math.NaN()
	}
	return 1 - res/tot
}

// Progress reports that done of total machine evaluations have finished.
type Progress func(done, total int)

// Trajectories runs the network machine's own trajectory from each noise
// with N = len(k) steps (a network ignores k). They are the inputs every
// comparison evaluates the machines on.
func Trajectories(ctx context.Context, net *machine.Machine, noises [][]float64, n int) ([]*sampler.Trajectory, error) {
	if net.Spec().Kind != machine.Network {
		return nil, fmt.Errorf("compare: %v is not a trained network", net.Spec())
	}
	out := make([]*sampler.Trajectory, len(noises))
	for s, z := range noises {
		tr, err := sampler.Run(ctx, net, z, schedule.Constant(n, 1), nil)
		if err != nil {
			return nil, fmt.Errorf("the network's trajectory %d: %w", s, err)
		}
		out[s] = tr
	}
	return out, nil
}

// Scores holds r^2 of one machine: R2[s][i] for seed s and step i (NaN for
// i = 0, which has no denoiser).
type Scores struct {
	Machine *machine.Machine
	// K is the patch-size schedule the machine was evaluated with (nil for
	// machines without patches).
	K  schedule.Patch
	R2 [][]float64
}

// Evaluate scores machine m along the network trajectories trs with the
// patch-size schedule k (entry i at step i; ignored by machines without
// patches). progress (may be nil) counts evaluations across the call.
func Evaluate(ctx context.Context, trs []*sampler.Trajectory, m *machine.Machine, k schedule.Patch, progress Progress) (*Scores, error) {
	if len(trs) == 0 {
		return nil, errors.New("compare: no trajectories")
	}
	n := trs[0].N
	if len(k) != n {
		return nil, fmt.Errorf("compare: the schedule has %d entries for %d steps", len(k), n)
	}
	if err := m.CheckSchedule(k); err != nil {
		return nil, err
	}
	sc := &Scores{Machine: m, R2: make([][]float64, len(trs))}
	if m.Spec().Kind.HasPatch() {
		sc.K = append(schedule.Patch(nil), k...)
	}
	total, done := len(trs)*(n-1), 0
	for s, tr := range trs {
		sc.R2[s] = make([]float64, n)
		sc.R2[s][0] = math.NaN()
		for i := n - 1; i >= 1; i-- {
			st, err := m.Step(ctx, tr.X[i], tr.Time(i), k[i])
			if err != nil {
				return nil, fmt.Errorf("%v at step %d of seed %d: %w", m.Spec(), i, s, err)
			}
			sc.R2[s][i] = R2(tr.Steps[i].D, st.D)
			done++
			if progress != nil {
				progress(done, total)
			}
		}
	}
	return sc, nil
}

// Summary is the distribution of r^2 over seeds at one step.
type Summary struct {
	Q1, Median, Q3 float64
}

// PerStep returns the median and quartiles of r^2 over the seeds at every
// step (index i; entry 0 is NaN).
func (sc *Scores) PerStep() []Summary {
	n := len(sc.R2[0])
	out := make([]Summary, n)
	out[0] = Summary{math.NaN(), math.NaN(), math.NaN()}
	for i := 1; i < n; i++ {
		var v []float64
		for _, row := range sc.R2 {
			v = append(v, row[i])
		}
		out[i] = Summary{Quantile(v, 0.25), Quantile(v, 0.5), Quantile(v, 0.75)}
	}
	return out
}

// Overall returns the median of r^2 over every step (1..N-1) and seed.
func (sc *Scores) Overall() float64 {
	var v []float64
	for _, row := range sc.R2 {
		v = append(v, row[1:]...)
	}
	return Quantile(v, 0.5)
}

// Quantile returns the q-quantile of the values that are not NaN, by linear
// interpolation between order statistics (numpy's default), or NaN when
// none is left.
func Quantile(v []float64, q float64) float64 {
	s := make([]float64, 0, len(v))
	for _, x := range v {
		if !math.IsNaN(x) {
			s = append(s, x)
		}
	}
	if len(s) == 0 {
		return math.NaN()
	}
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	if lo+1 >= len(s) {
		return s[len(s)-1]
	}
	f := pos - float64(lo)
	return s[lo]*(1-f) + s[lo+1]*f
}
