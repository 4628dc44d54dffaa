package machine

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"mosaic/model/schedule"
)

// TestTinyNoiseMatchesReference evaluates ELS at t = 1e-5, where the noise
// scale b is 1.6e-5 and logits reach 1e11 in magnitude, on an input that
// is far from every training patch, on every engine and kernel path. The
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
	const tt = 1e-5
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
						t.Fatalf("%v k=%d %s: D[%d] = %v, reference %v", spec, k, ec.name, i, v, want[i])
					}
				}
			}
		}
	}
}
