package analysis

import (
	"context"
	"fmt"
	"image"

	"mosaic/model/machine"
	"mosaic/model/sampler"
)

// RegionStep is the aggregated attribution of a region at one step.
type RegionStep struct {
	// Step is the step index i; T its time; K its patch size.
	Step, K int
	T       float64
	// PerImage is the weight per training image summed over the region's
	// pixels and divided by their number (so it sums to 1), heaviest first.
	PerImage []machine.ImageWeight
	// Top holds the heaviest individual patches over the region, each with
	// its weight divided by the number of pixels, heaviest first.
	Top []machine.Source
	// Effective is the mean effective number of patches over the region.
	Effective float64
}

// RegionTrace is the aggregated attribution of a rectangle of pixels over
// every step of a trajectory.
type RegionTrace struct {
	Rect image.Rectangle
	// Steps holds one entry per step, from step N-1 down to 1.
	Steps []RegionStep
	// Commit is the step at which the region committed to its final shape
	// (Commitment.RegionStep), with the tolerance used.
	Commit int
	Tol    float64
}

// TraceRegion aggregates the attribution of every pixel of rect (in pixel
// coordinates, clipped to the image) over every step of a complete
// trajectory, keeping the topK patches per step. It reports progress per step
// and stops when ctx is cancelled.
func TraceRegion(ctx context.Context, m *machine.Machine, tr *sampler.Trajectory, rect image.Rectangle, topK int, tol float64, progress func(done, total int)) (*RegionTrace, error) {
	rect = rect.Intersect(image.Rect(0, 0, tr.W, tr.H))
	if rect.Empty() {
		return nil, fmt.Errorf("the region is empty or outside the %dx%d image", tr.W, tr.H)
	}
	com, err := CommitmentMap(tr, tol)
	if err != nil {
		return nil, err
	}
	var pixels []int
	for r := rect.Min.Y; r < rect.Max.Y; r++ {
		for c := rect.Min.X; c < rect.Max.X; c++ {
			pixels = append(pixels, r*tr.W+c)
		}
	}
	out := &RegionTrace{Rect: rect, Commit: com.RegionStep(pixels), Tol: tol}
	n := float64(len(pixels))
	labels := m.Data().Labels
	for i := tr.N - 1; i >= 1; i-- {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rs := RegionStep{Step: i, K: tr.K[i], T: tr.Time(i)}
		per := map[int]float64{}
		type key struct{ mu, r, c int }
		patches := map[key]float64{}
		for _, p := range pixels {
			at, err := m.Attribute(tr.X[i], rs.T, rs.K, p/tr.W, p%tr.W, topK)
			if err != nil {
				return nil, fmt.Errorf("step %d: %w", i, err)
			}
			for _, iw := range at.PerImage {
				per[iw.Image] += iw.Weight / n
			}
			for _, s := range at.Top {
				patches[key{s.Image, s.Row, s.Col}] += s.Weight / n
			}
			rs.Effective += at.Effective / n
		}
		for mu, w := range per {
			l := -1
			if labels != nil {
				l = labels[mu]
			}
			rs.PerImage = append(rs.PerImage, machine.ImageWeight{Image: mu, Label: l, Weight: w})
		}
		machine.SortImageWeights(rs.PerImage)
		for k, w := range patches {
			rs.Top = append(rs.Top, machine.Source{Image: k.mu, Row: k.r, Col: k.c, Weight: w})
		}
		machine.SortSources(rs.Top)
		if len(rs.Top) > topK {
			rs.Top = rs.Top[:topK]
		}
		out.Steps = append(out.Steps, rs)
		if progress != nil {
			progress(tr.N-i, tr.N-1)
		}
	}
	return out, nil
}
