package analysis

import (
	"context"
	"image"
	"math"
	"testing"

	"mosaic/model/dataset"
	"mosaic/model/machine"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

// handTrajectory builds a 4-step trajectory of a 1x3 image by hand:
// pixel 0 is final from the start, pixel 1 changes at step 2 and is final
// from step 1, pixel 2 changes at the very last step.
func handTrajectory() *sampler.Trajectory {
	tr, _ := sampler.New([]float64{0, 0, 0}, 1, 1, 3, schedule.Constant(4, 1))
	final := []float64{0.5, -0.5, 1}
	ds := map[int][]float64{
		3: {0.5, 0.9, 0.0},
		2: {0.52, 0.2, 0.1},
		1: {0.5, -0.45, 0.7},
	}
	for i, d := range ds {
		tr.Steps[i] = &machine.Step{D: d}
		tr.X[i-1] = []float64{9, 9, 9}
	}
	tr.X[0] = final
	return tr
}

func TestCommitmentMapByHand(t *testing.T) {
	tr := handTrajectory()
	c, err := CommitmentMap(tr, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	// pixel 0: |0.5-0.5|, |0.52-0.5|, |0.5-0.5| all <= 0.1 -> N = 4
	// pixel 1: step 1 diff 0.05, step 2 diff 0.7 -> 2
	// pixel 2: step 1 diff 0.3 -> 1
	want := []int{4, 2, 1}
	for p, w := range want {
		if c.Step[p] != w {
			t.Errorf("pixel %d: commitment step %d, want %d", p, c.Step[p], w)
		}
	}
	if c.Time(1) != 0.5 {
		t.Errorf("time of pixel 1 = %v", c.Time(1))
	}
	if c.RegionStep([]int{0, 1}) != 2 || c.RegionStep([]int{0}) != 4 {
		t.Error("region step should be the latest decision in the region")
	}
	// A looser tolerance commits pixel 2 earlier... 0.31 makes step 1 close
	// but step 2 (diff 0.9) still far.
	c, _ = CommitmentMap(tr, 0.31)
	if c.Step[2] != 2 {
		t.Errorf("tol 0.31: pixel 2 step %d, want 2", c.Step[2])
	}
	if _, err := CommitmentMap(tr, 0); err == nil {
		t.Error("zero tolerance accepted")
	}
	tr.X[0] = nil
	if _, err := CommitmentMap(tr, 0.1); err == nil {
		t.Error("incomplete trajectory accepted")
	}
}

func TestTraceRegionAggregatesPixelAttributions(t *testing.T) {
	d := &dataset.Dataset{Name: "t", M: 3, C: 1, H: 4, W: 4, Labels: []int{0, 1, 0}}
	d.Pixels = make([]float64, 3*16)
	for i := range d.Pixels {
		d.Pixels[i] = math.Sin(float64(i) * 0.7)
	}
	m, _ := machine.New(d, machine.Spec{Kind: machine.ELS, Boundary: machine.Zeros})
	tr, err := sampler.Run(context.Background(), m, sampler.Noise(5, 1, 4, 4), schedule.Constant(5, 3), nil)
	if err != nil {
		t.Fatal(err)
	}
	rect := image.Rect(1, 1, 3, 2) // pixels (1,1) and (1,2)
	rt, err := TraceRegion(context.Background(), m, tr, rect, 5, 0.05, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rt.Steps) != 4 || rt.Steps[0].Step != 4 || rt.Steps[3].Step != 1 {
		t.Fatalf("steps %+v", rt.Steps)
	}
	for _, s := range rt.Steps {
		// Mean over the two pixels of their per-image weights.
		want := map[int]float64{}
		for _, p := range [][2]int{{1, 1}, {1, 2}} {
			at, _ := m.Attribute(tr.X[s.Step], s.T, s.K, p[0], p[1], 5)
			for _, iw := range at.PerImage {
				want[iw.Image] += iw.Weight / 2
			}
		}
		sum := 0.0
		for _, iw := range s.PerImage {
			sum += iw.Weight
			if math.Abs(iw.Weight-want[iw.Image]) > 1e-12 {
				t.Errorf("step %d image %d: %v, want %v", s.Step, iw.Image, iw.Weight, want[iw.Image])
			}
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("step %d: region weights sum to %v", s.Step, sum)
		}
		for j := 1; j < len(s.Top); j++ {
			if s.Top[j].Weight > s.Top[j-1].Weight {
				t.Errorf("top patches not sorted")
			}
		}
	}
	if _, err := TraceRegion(context.Background(), m, tr, image.Rect(10, 10, 12, 12), 5, 0.05, nil); err == nil {
		t.Error("region outside the image accepted")
	}
}
