package gaussian

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

func TestFastDsymvMatchesGonum(t *testing.T) {
	if _, ok := blas64.Implementation().(fastBLAS); !ok {
		t.Fatal("the eigendecomposition does not use fastBLAS")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		n, lda, incX, incY int
		alpha, beta        float64
	}{{300, 300, 1, 1, 1, 0}, {513, 520, 3, 1, -0.7, 0.3}, {1000, 1000, 1, 5, 2, 1}, {17, 17, 1, 1, 1, 0}, {400, 410, 410, 7, 1, 0}} {
		a := make([]float64, tc.lda*tc.n)
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		x := make([]float64, (tc.n-1)*tc.incX+1)
		y0 := make([]float64, (tc.n-1)*tc.incY+1)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		for i := range y0 {
			y0[i] = rng.NormFloat64()
		}
		want := append([]float64(nil), y0...)
		gonum.Implementation{}.Dsymv(blas.Upper, tc.n, tc.alpha, a, tc.lda, x, tc.incX, tc.beta, want, tc.incY)
		got := append([]float64(nil), y0...)
		fastBLAS{}.Dsymv(blas.Upper, tc.n, tc.alpha, a, tc.lda, x, tc.incX, tc.beta, got, tc.incY)
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-11*float64(tc.n) {
				t.Fatalf("n=%d: y[%d] = %v, gonum %v", tc.n, i, got[i], want[i])
			}
		}
	}
}
