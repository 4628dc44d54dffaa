// Package analysis derives the explanatory views of a trajectory: when each
// pixel committed to its final value, and which training images and patches
// carried a whole region of the image through the steps.
package analysis

import (
	"fmt"
	"math"

	"mosaic/model/sampler"
)

// Commitment says when each pixel was decided. The sampler walks the steps
// i = N-1 (pure noise) down to 1; Step[p] is the last step in that order, that
// is the smallest i, at which the denoised estimate D_i of pixel p was still
// more than Tol away from the final image x_0 in some channel. A pixel that
// was within tolerance at every step has Step[p] = N: it was fixed from the
// start. So Step[p]/N is the commitment time t: large means decided early at
// high noise, small means decided late, at small patch sizes.
type Commitment struct {
	// Step holds the commitment step per pixel, row-major (H*W entries).
	Step []int
	// N is the trajectory's step count; H, W the image size.
	N, H, W int
	// Tol is the tolerance in the units of [-1, 1] pixel values.
	Tol float64
}

// Time returns the commitment time t = Step[p]/N of pixel p.
func (c *Commitment) Time(p int) float64 { return float64(c.Step[p]) / float64(c.N) }

// CommitmentMap computes the commitment step of every pixel of a complete
// trajectory with tolerance tol (see Commitment).
func CommitmentMap(tr *sampler.Trajectory, tol float64) (*Commitment, error) {
	if !tr.Complete() {
		return nil, fmt.Errorf("the trajectory is not complete: its commitment map needs x_0")
	}
	if !(tol > 0) {
		return nil, fmt.Errorf("tolerance %v must be positive", tol)
	}
	hw := tr.H * tr.W
	out := &Commitment{Step: make([]int, hw), N: tr.N, H: tr.H, W: tr.W, Tol: tol}
	final := tr.X[0]
	for p := range hw {
		out.Step[p] = tr.N
	steps:
		for i := 1; i < tr.N; i++ {
			d := tr.D(i)
			for c := range tr.C {
				if math.Abs(d[c*hw+p]-final[c*hw+p]) > tol {
					out.Step[p] = i
					break steps
				}
			}
		}
	}
	return out, nil
}

// RegionStep returns the commitment step of a set of pixels as a whole: the
// latest decision among them (the smallest Step), since the region has its
// final shape only when every pixel in it has.
func (c *Commitment) RegionStep(pixels []int) int {
	s := c.N
	for _, p := range pixels {
		s = min(s, c.Step[p])
	}
	return s
}
