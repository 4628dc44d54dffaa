package compare

import (
	"context"
	"errors"
	"fmt"
	"math"

	"mosaic/model/machine"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

// Calibration is a patch-size schedule fitted to a network (SPEC.md,
// "Calibration").
type Calibration struct {
	// K is the calibrated schedule: K[i] is the odd patch size with the
	// highest median r^2 over the seeds at step i (ties go to the smaller
	// k). K[0], never used by the sampler, repeats K[1] as in the presets.
	K schedule.Patch
	// Best[i] is the median r^2 of K[i] at step i (NaN at i = 0).
	Best []float64
	// Sizes are the patch sizes tried, ascending; Median[j][i] is the
	// median r^2 at step i with patch size Sizes[j].
	Sizes  []int
	Median [][]float64
}

// DefaultKMax returns the largest patch size calibration tries by default:
// the largest odd size that fits the image (min(H, W), made odd).
func DefaultKMax(h, w int) int {
	k := min(h, w)
	if k%2 == 0 {
		k--
	}
	return max(k, 1)
}

// Calibrate fits a patch-size schedule of machine m (LS or ELS) to the
// network trajectories trs: every odd k from 1 to kmax that m allows is
// evaluated at every step, and each step takes the k with the highest
// median r^2 over the seeds. progress counts evaluations.
func Calibrate(ctx context.Context, trs []*sampler.Trajectory, m *machine.Machine, kmax int, progress Progress) (*Calibration, error) {
	if !m.Spec().Kind.HasPatch() {
		return nil, fmt.Errorf("calibrate: %v has no patch size to calibrate", m.Spec())
	}
	if len(trs) == 0 {
		return nil, errors.New("calibrate: no trajectories")
	}
	n := trs[0].N
	var sizes []int
	for k := 1; k <= kmax; k += 2 {
		if m.CheckPatch(k) == nil {
			sizes = append(sizes, k)
		}
	}
	if len(sizes) == 0 {
		return nil, fmt.Errorf("calibrate: no odd patch size up to %d fits %v", kmax, m.Spec())
	}
	cal := &Calibration{Sizes: sizes, K: make(schedule.Patch, n), Best: make([]float64, n)}
	per := len(trs) * (n - 1)
	for j, k := range sizes {
		sc, err := Evaluate(ctx, trs, m, schedule.Constant(n, k), func(done, _ int) {
			if progress != nil {
				progress(j*per+done, len(sizes)*per)
			}
		})
		if err != nil {
			return nil, err
		}
		med := make([]float64, n)
		for i, s := range sc.PerStep() {
			med[i] = s.Median
		}
		cal.Median = append(cal.Median, med)
	}
	cal.Best[0] = math.NaN()
	for i := 1; i < n; i++ {
		best := -1
		for j := range sizes {
			v := cal.Median[j][i]
			if math.IsNaN(v) {
				continue
			}
			if best < 0 || v > cal.Median[best][i] { // strict: ties keep the smaller k
				best = j
			}
		}
		if best < 0 {
			return nil, fmt.Errorf("calibrate: no r^2 at step %d (the network's denoised images are constant)", i)
		}
		cal.K[i], cal.Best[i] = sizes[best], cal.Median[best][i]
	}
	cal.K[0] = cal.K[min(1, n-1)]
	return cal, nil
}
