package sampler

import (
	"context"
	"math"
	"testing"

	"mosaic/model/dataset"
	"mosaic/model/machine"
	"mosaic/model/npy"
	"mosaic/model/schedule"
)

// TestTheoryTrajectoriesMatchNumpy runs whole trajectories of the Wiener and
// PCA-locality machines and compares every frame with an independent numpy
// implementation of SPEC.md (testdata/gen_theories.py, which uses numpy's
// own eigendecomposition).
func TestTheoryTrajectoriesMatchNumpy(t *testing.T) {
	read := func(name string) *npy.Array {
		t.Helper()
		a, err := npy.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	da := read("theories_data.npy")
	d := &dataset.Dataset{Name: "fixture", M: da.Shape[0], C: da.Shape[1], H: da.Shape[2], W: da.Shape[3], Pixels: da.Data}
	noise := read("theories_noise.npy").Data
	for _, kind := range []machine.Kind{machine.Wiener, machine.PCALocality} {
		want := read("theories_" + kind.String() + ".npy")
		n := want.Shape[0]
		m, err := machine.New(d, machine.Spec{Kind: kind})
		if err != nil {
			t.Fatal(err)
		}
		tr, err := Run(context.Background(), m, noise, schedule.Constant(n, 1), nil)
		if err != nil {
			t.Fatal(err)
		}
		size := d.Size()
		worst := 0.0
		for f := range n {
			i := n - 1 - f // frame f of the fixture is x_{N-1-f}
			for j, v := range tr.X[i] {
				worst = math.Max(worst, math.Abs(v-want.Data[f*size+j]))
			}
		}
		if worst > 1e-4 {
			t.Errorf("%v: the trajectory differs from numpy's by %g (allowed 1e-4)", kind, worst)
		}
		t.Logf("%v: largest difference from numpy over the trajectory %.2g", kind, worst)
	}
}
