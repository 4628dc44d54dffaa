package network

import (
	"math"
	"math/rand/v2"
	"testing"
)

// eachKernel runs f once per GEMM kernel this CPU supports, with that
// kernel active, and says which ones it skips and why.
func eachKernel(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	prev := Kernel()
	defer func() {
		if err := SetKernel(prev); err != nil {
			t.Fatal(err)
		}
	}()
	for _, name := range []string{"go", "avx2", "avx512"} {
		t.Run(name, func(t *testing.T) {
			if err := SetKernel(name); err != nil {
				t.Skipf("kernel %s not run: %v", name, err)
			}
			f(t)
		})
	}
}

func randSlice(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = 2*rng.Float32() - 1
	}
	return v
}

// TestGEMMAgainstTripleLoop checks C += A*B on every kernel path against the
// plain triple loop (in float64) for shapes with ragged edges, k spanning
// several blocks, and leading dimensions larger than the matrices.
func TestGEMMAgainstTripleLoop(t *testing.T) {
	eachKernel(t, func(t *testing.T) {
		kr := activeKernel()
		rng := rand.New(rand.NewPCG(1, 2))
		var w gemmWork
		for _, sh := range [][3]int{{1, 1, 1}, {4, 24, 1}, {8, 32, 9}, {7, 5, 3}, {33, 70, 300}, {128, 100, 1152}, {3, 1024, 600}, {17, 33, 257}} {
			m, n, k := sh[0], sh[1], sh[2]
			lda, ldb, ldc := k+3, n+5, n+2
			a := randSlice(rng, m*lda)
			b := randSlice(rng, k*ldb)
			c := randSlice(rng, m*ldc)
			want := make([]float64, len(c))
			for i := range m {
				for j := range ldc {
					want[i*ldc+j] = float64(c[i*ldc+j])
					if j >= n {
						continue
					}
					for p := range k {
						want[i*ldc+j] += float64(a[i*lda+p]) * float64(b[p*ldb+j])
					}
				}
			}
			sgemm(kr, m, n, k, a, lda, b, ldb, c, ldc, &w)
			for i := range c {
				if d := math.Abs(float64(c[i]) - want[i]); d > 1e-5*math.Sqrt(float64(k))+1e-6 {
					t.Fatalf("%s m=%d n=%d k=%d: c[%d] = %v, want %v", kr.name, m, n, k, i, c[i], want[i])
				}
			}
		}
	})
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed+1)) }
