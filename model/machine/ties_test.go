package machine

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"mosaic/model/dataset"
	"mosaic/model/schedule"
)

// backgroundData returns m images that are background (-1 in every
// channel) except for a small random blob each; every third image is all
// background. Many training windows are then identical, and so are their
// logits: the ties that MNIST's background produces.
func backgroundData(rng *rand.Rand, m, ch, h, w int) *dataset.Dataset {
	d := &dataset.Dataset{Name: "background", M: m, C: ch, H: h, W: w}
	d.Pixels = make([]float64, m*ch*h*w)
	for i := range d.Pixels {
		d.Pixels[i] = -1
	}
	d.Labels = make([]int, m)
	for mu := range m {
		d.Labels[mu] = mu % 2
		if mu%3 == 2 {
			continue
		}
		r0, c0 := rng.IntN(h-1), rng.IntN(w-1)
		for r := r0; r < min(h, r0+2); r++ {
			for c := c0; c < min(w, c0+1+rng.IntN(2)); c++ {
				for cc := range ch {
					d.Pixels[((mu*ch+cc)*h+r)*w+c] = 2*rng.Float64() - 1
				}
			}
		}
	}
	return d
}

// TestBackgroundTiesMatchReference checks D, Effective and the heaviest
// candidate against the reference on data where most candidates tie: the
// query is a noiseless scaled training image (its background windows tie
// exactly with every background training window) or a noisy one.
func TestBackgroundTiesMatchReference(t *testing.T) {
	defer SetKernel(Kernels()[len(Kernels())-1])
	rng := rand.New(rand.NewPCG(5, 6))
	for _, ec := range engineCases() {
		worst := 0.0
		for _, sh := range []struct{ m, c, h, w int }{{13, 1, 7, 8}, {9, 2, 6, 6}, {20, 3, 5, 7}} {
			d := backgroundData(rng, sh.m, sh.c, sh.h, sh.w)
			for _, s := range allSpecs() {
				if s.Kind == IS {
					continue
				}
				m := mustMachine(t, d, s)
				ec.use(t, m)
				for _, k := range []int{1, 3, 5, 9} {
					if m.CheckPatch(k) != nil {
						continue
					}
					for _, tt := range []float64{0.05, 0.5} {
						for _, noisy := range []bool{false, true} {
							a, b := schedule.A(tt), schedule.B(tt)
							x := make([]float64, d.Size())
							for i := range x {
								x[i] = a * d.Pixels[d.Size()+i]
								if noisy {
									x[i] += b * rng.NormFloat64()
								}
							}
							name := fmt.Sprintf("%s/%v/%dx%dx%d/k=%d/t=%v/noisy=%v", ec.name, s, sh.c, sh.h, sh.w, k, tt, noisy)
							got, err := m.Step(context.Background(), x, tt, k)
							if err != nil {
								t.Fatalf("%s: %v", name, err)
							}
							want := refDenoise(d, s.Kind, s.Boundary, x, a, b, k)
							for i := range want {
								worst = max(worst, math.Abs(got.D[i]-want[i]))
								if math.Abs(got.D[i]-want[i]) > ec.tol {
									t.Fatalf("%s: D[%d] = %v, reference %v", name, i, got.D[i], want[i])
								}
							}
							for p := 0; p < d.H*d.W; p += 2 { // every other pixel, to keep the test quick
								ref := refWeights(d, s.Kind, s.Boundary, x, a, b, k, p/d.W, p%d.W)
								h, best := refEntropy(ref)
								if e := got.Effective[p]; math.Abs(e-math.Exp(h)) > ec.tol*math.Exp(h) {
									t.Fatalf("%s: pixel %d effective %v, reference %v", name, p, e, math.Exp(h))
								}
								hv := got.Heaviest[p]
								if math.Abs(hv.Weight-best.Weight) > ec.tol {
									t.Fatalf("%s: pixel %d heaviest %+v, reference %+v", name, p, hv, best)
								}
								// The heaviest is one of the candidates of
								// largest weight (ties may pick any of them).
								found := false
								for _, src := range ref {
									if src.Image == hv.Image && src.Row == hv.Row && src.Col == hv.Col {
										found = math.Abs(src.Weight-best.Weight) <= ec.tol
									}
								}
								if !found {
									t.Fatalf("%s: pixel %d heaviest %+v is not a heaviest candidate (%+v)", name, p, hv, best)
								}
							}
						}
					}
				}
			}
		}
		t.Logf("%s: largest |D - reference| = %.2g", ec.name, worst)
	}
}
