package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"time"

	"mosaic/model/dataset"
	"mosaic/model/gaussian"
	"mosaic/model/machine"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

// Targets of issue 11 ("More theories side by side"), in seconds.
const (
	eigenGrayTarget = 2    // eigendecomposition, 32x32 gray (n = 1024)
	eigenRGBTarget  = 60   // eigendecomposition, 32x32 RGB (n = 3072)
	wienerTarget    = 5e-3 // one Wiener step at 32x32
	pcaTarget       = 1    // one PCA-locality step, M = 5,000 MNIST
)

// Theories measures the Wiener and PCA-locality machines against their
// targets and writes a table to w: the one-time covariance and
// eigendecomposition (gray MNIST, and random RGB images unless quick), one
// Wiener step and one PCA-locality step. Quick uses M = 500 and skips RGB.
func Theories(ctx context.Context, w io.Writer, quick bool) error {
	m := 5000
	if quick {
		m = 500
	}
	full, err := trainingSet(m, false)
	if err != nil {
		return err
	}
	d := subset(full, m)
	fmt.Fprintf(w, "\nother theories (SPEC.md): Wiener and PCA-locality, float64, %s\n", full.Name)
	const format = "%-58s %6v %9v %8v %8v %4v\n"
	fmt.Fprintf(w, format, "configuration", "M", "seconds", "cpu s", "target s", "met")
	row := func(name string, m int, wall, cpu, target float64) {
		met := "-"
		if target > 0 {
			met = map[bool]string{true: "yes", false: "NO"}[wall <= target]
		}
		fmt.Fprintf(w, format, name, m, fmtSeconds(wall), fmt.Sprintf("%.2f", cpu), fmtTarget(target), met)
	}
	if err := eigenRows(ctx, row, "32x32 gray (MNIST)", d, eigenGrayTarget); err != nil {
		return err
	}
	if !quick {
		if err := eigenRows(ctx, row, "32x32 RGB (random)", randomRGB(2000), eigenRGBTarget); err != nil {
			return err
		}
	}
	return stepRows(ctx, row, d)
}

// rowFunc writes one row of a table: a configuration, its M, wall and CPU
// seconds and its target (0: none).
type rowFunc func(name string, m int, wall, cpu, target float64)

// eigenRows times the statistics of d: the eigendecomposition alone
// (against target) and mean, covariance and eigendecomposition together.
func eigenRows(ctx context.Context, row rowFunc, name string, d *dataset.Dataset, target float64) error {
	c0, t0 := cpuTime(), time.Now()
	st, err := gaussian.Compute(ctx, d.Pixels, d.M, d.Size(), nil)
	if err != nil {
		return err
	}
	allWall, allCPU := time.Since(t0).Seconds(), cpuTime()-c0
	// The eigendecomposition alone, timed again on Sigma rebuilt from the
	// eigenpairs.
	sigma := covariance(st)
	c1, t1 := cpuTime(), time.Now()
	if _, err := gaussian.EigenSym(ctx, st.N, sigma, nil); err != nil {
		return err
	}
	row(fmt.Sprintf("%s: eigendecomposition, n = %d", name, st.N), d.M, time.Since(t1).Seconds(), cpuTime()-c1, target)
	row(fmt.Sprintf("%s: mean, covariance and eigendecomposition", name), d.M, allWall, allCPU, 0)
	return nil
}

// stepRows times one Wiener and one PCA-locality step on d (the median of
// five, the statistics and the neighbourhood of t cached), and a
// PCA-locality step at a new t.
func stepRows(ctx context.Context, row rowFunc, d *dataset.Dataset) error {
	x := sampler.Noise(1, d.C, d.H, d.W)
	tt := 0.5
	for _, kind := range []machine.Kind{machine.Wiener, machine.PCALocality} {
		mc, err := machine.New(d, machine.Spec{Kind: kind})
		if err != nil {
			return err
		}
		if err := mc.Prepare(ctx, nil); err != nil { // cached: not timed
			return err
		}
		if _, err := mc.Step(ctx, x, tt, 0); err != nil { // warm (PCA: the neighbourhood of t)
			return err
		}
		const reps = 5
		times := make([]float64, reps)
		c0 := cpuTime()
		for i := range times {
			t0 := time.Now()
			if _, err := mc.Step(ctx, x, tt, 0); err != nil {
				return err
			}
			times[i] = time.Since(t0).Seconds()
		}
		target := float64(wienerTarget)
		if kind == machine.PCALocality {
			target = pcaTarget
		}
		row(fmt.Sprintf("one %v step, t=%.2f, median of %d", kind.Title(), tt, reps), d.M, median(times), (cpuTime()-c0)/reps, target)
	}
	// PCA-locality's first step at a new t also reads the neighbourhood
	// off F_t (an n x n x rank product and the threshold).
	mc, err := machine.New(d, machine.Spec{Kind: machine.PCALocality})
	if err != nil {
		return err
	}
	c0, t0 := cpuTime(), time.Now()
	if _, err := mc.Step(ctx, x, schedule.Time(7, 20), 0); err != nil {
		return err
	}
	row("one PCA-locality step at a new t (with F_t and N_t)", d.M, time.Since(t0).Seconds(), cpuTime()-c0, 0)
	return nil
}

// covariance rebuilds Sigma = U diag(lambda) U^T from the statistics.
func covariance(st *gaussian.Stats) []float64 {
	n := st.N
	a := make([]float64, n*n)
	for j, l := range st.Eigen.Values {
		if l == 0 {
			continue
		}
		u := st.Eigen.Vector(j)
		for p := range n {
			f := l * u[p]
			row := a[p*n : (p+1)*n]
			for q, v := range u {
				row[q] += f * v
			}
		}
	}
	return a
}

// randomRGB returns m random 3x32x32 images with some correlation between
// neighbouring values (a running mean of uniform noise).
func randomRGB(m int) *dataset.Dataset {
	rng := rand.New(rand.NewPCG(3, 3))
	const c, h, w = 3, 32, 32
	d := &dataset.Dataset{Name: "random RGB", M: m, C: c, H: h, W: w, Pixels: make([]float64, m*c*h*w)}
	for i := range d.Pixels {
		v := 2*rng.Float64() - 1
		if i > 0 {
			v = 0.5*v + 0.5*d.Pixels[i-1]
		}
		d.Pixels[i] = v
	}
	return d
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// fmtSeconds prints a time with three significant digits.
func fmtSeconds(s float64) string { return fmt.Sprintf("%.3g", s) }
