// Package schedule holds the time axis of the sampler: the paper's cosine noise
// schedule (SPEC.md, "Noise schedule") and the per-step patch-size schedules,
// including the paper's ten calibrated presets.
package schedule

import "math"

// DefaultSteps is the number of sampler steps N the paper uses.
const DefaultSteps = 20

// Beta returns the total noise variance at time t in [0, 1]:
// beta(t) = 1 - cos^2((t/1.008) * pi/2).
func Beta(t float64) float64 {
	c := math.Cos(t / 1.008 * math.Pi / 2)
	return 1 - c*c
}

// A returns the signal scale a(t) = sqrt(1 - beta(t)).
func A(t float64) float64 { return math.Sqrt(1 - Beta(t)) }

// B returns the noise scale b(t) = sqrt(beta(t)).
func B(t float64) float64 { return math.Sqrt(Beta(t)) }

// Time returns t_i = i/n, the time of step i of an n-step sampler.
func Time(i, n int) float64 { return float64(i) / float64(n) }
