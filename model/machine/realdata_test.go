package machine

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"mosaic/model/builtin"
	"mosaic/model/schedule"
)

// TestRealDataWithinBriefTolerance holds the fast engine, on every kernel
// path, to the brief's 1e-5 on real data: a 20-step DDIM trajectory of ELS
// on 60 MNIST digits at 16x16 from fixed noise, zeros and circular, with
// the mnist-resnet-zeros patch sizes. The trajectory follows the direct
// float64 engine, and at every step the fast engine denoises the same x_t.
//
// The random cases of TestProductionMatchesReference are held to 1e-4
// instead: their pixels are uniform in [-1, 1] in up to 3 channels and
// patches up to 9x9 on tiny images, so the integer resolution of the
// distances (the window's largest possible sum is scaled to 2^30, whatever
// the noise level) is coarser there, relative to the softmax temperature
// at t = 0.05, than on images; their worst is 2.7e-5 (docs/engine.md,
// "Exactness").
func TestRealDataWithinBriefTolerance(t *testing.T) {
	defer SetKernel(Kernels()[len(Kernels())-1])
	const tol = 1e-5
	d, err := builtin.LoadSubset("mnist", 16, -1, 60)
	if err != nil {
		t.Fatal(err)
	}
	preset, _ := schedule.Lookup("mnist-resnet-zeros")
	const n = 20
	for _, bd := range []Boundary{Zeros, Circular} {
		spec := Spec{Kind: ELS, Boundary: bd}
		ref := mustMachine(t, d, spec)
		ref.eng = newDirectEngine(ref.data, ref.rule)
		fast := map[string]*Machine{}
		for _, kn := range Kernels() {
			fast[kn] = mustMachine(t, d, spec)
			fast[kn].eng = newFastEngine(d, fast[kn].rule)
		}
		worst := map[string]float64{}
		rng := rand.New(rand.NewPCG(3, 4))
		x := make([]float64, d.Size())
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		for i := n - 1; i >= 1; i-- {
			tt, tp := schedule.Time(i, n), schedule.Time(i-1, n)
			k := min(preset.K[i], 15) // a 16x16 image takes patches up to 15
			want, err := ref.Step(context.Background(), x, tt, k)
			if err != nil {
				t.Fatal(err)
			}
			for _, kn := range Kernels() {
				if err := SetKernel(kn); err != nil {
					t.Fatal(err)
				}
				got, err := fast[kn].Step(context.Background(), x, tt, k)
				if err != nil {
					t.Fatal(err)
				}
				for j := range want.D {
					dev := math.Abs(got.D[j] - want.D[j])
					worst[kn] = max(worst[kn], dev)
					if dev > tol {
						t.Fatalf("%v, kernel %s, step %d (t = %.2f, k = %d): D[%d] = %v, direct engine %v", spec, kn, i, tt, k, j, got.D[j], want.D[j])
					}
				}
			}
			a, b := schedule.A(tt), schedule.B(tt)
			ap, bp := schedule.A(tp), schedule.B(tp)
			for j, xv := range x {
				eps := (xv - a*want.D[j]) / b
				x[j] = ap*want.D[j] + bp*eps
			}
		}
		t.Logf("%v: largest |D - direct| per kernel over the trajectory: %v", spec, worst)
	}
}
