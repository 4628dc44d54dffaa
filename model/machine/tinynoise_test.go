package machine

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"mosaic/model/dataset"
	"mosaic/model/schedule"
)

// TestTinyNoiseMatchesReference evaluates ELS at t = 1e-5, where the noise
// scale b is 1.6e-5 and logits reach 1e11 in magnitude, on an input that
// is far from every training patch, and at t = 0.5 on that input scaled by
// 10 (twice the largest value of a noise image), on every engine and kernel
// path. (At 100 times, the float32 engine drifts to about 1e-4 from the
// reference: the int32 distances then have a coarser unit.) The
// AVX-512 exponential once formed t = l*log2e - round(mx*log2e) in one
// FMA, which at such logits turned the maximum's own weight into 2^16000
// and the result into NaN; every path must instead give the reference's
// answer.
func TestTinyNoiseMatchesReference(t *testing.T) {
	defer SetKernel(Kernels()[len(Kernels())-1])
	rng := rand.New(rand.NewPCG(4, 4))
	d := randomData(rng, 30, 1, 9, 9, 2)
	x := make([]float64, d.Size())
	for i := range x {
		x[i] = d.Image(3)[i] + 0.3*rng.NormFloat64()
	}
	huge := make([]float64, len(x))
	for i, v := range x {
		huge[i] = 10 * v
	}
	for _, c := range []struct {
		tt float64
		x  []float64
	}{{1e-5, x}, {0.5, huge}} {
		testLargeLogits(t, d, c.x, c.tt)
	}
}

// testLargeLogits compares ELS at time tt on x with the reference on every
// engine and kernel path.
func testLargeLogits(t *testing.T, d *dataset.Dataset, x []float64, tt float64) {
	t.Helper()
	a, b := schedule.A(tt), schedule.B(tt)
	for _, spec := range []Spec{{Kind: ELS, Boundary: Circular}, {Kind: ELS, Boundary: Zeros}} {
		for _, k := range []int{3, 7} {
			want := refDenoise(d, spec.Kind, spec.Boundary, x, a, b, k)
			for _, ec := range engineCases() {
				m, err := New(d, spec)
				if err != nil {
					t.Fatal(err)
				}
				ec.use(t, m)
				st, err := m.Step(context.Background(), x, tt, k)
				if err != nil {
					t.Fatal(err)
				}
				for i, v := range st.D {
					if math.IsNaN(v) || math.Abs(v-want[i]) > ec.tol {
						t.Fatalf("t=%g %v k=%d %s: D[%d] = %v, reference %v", tt, spec, k, ec.name, i, v, want[i])
					}
				}
			}
		}
	}
}
