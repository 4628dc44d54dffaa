package network

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGEMMTransposedAgainstTripleLoop checks C += op(A)*op(B) for the four
// combinations of transposed operands on every kernel path against a
// float64 triple loop, with ragged edges, k over several blocks and leading
// dimensions larger than the matrices.
func TestGEMMTransposedAgainstTripleLoop(t *testing.T) {
	eachKernel(t, func(t *testing.T) {
		kr := activeKernel()
		rng := rand.New(rand.NewPCG(5, 6))
		var w gemmWork
		for _, sh := range [][3]int{{1, 1, 1}, {8, 32, 9}, {7, 5, 3}, {33, 70, 300}, {32, 288, 256}, {288, 256, 32}, {17, 33, 600}} {
			m, n, k := sh[0], sh[1], sh[2]
			for _, ta := range []bool{false, true} {
				for _, tb := range []bool{false, true} {
					// Stored shapes: A is m x k (k x m with ta), B is k x n
					// (n x k with tb).
					ar, ac := m, k
					if ta {
						ar, ac = k, m
					}
					br, bc := k, n
					if tb {
						br, bc = n, k
					}
					lda, ldb, ldc := ac+3, bc+5, n+2
					a := randSlice(rng, ar*lda)
					b := randSlice(rng, br*ldb)
					c := randSlice(rng, m*ldc)
					opA := func(i, p int) float32 {
						if ta {
							return a[p*lda+i]
						}
						return a[i*lda+p]
					}
					opB := func(p, j int) float32 {
						if tb {
							return b[j*ldb+p]
						}
						return b[p*ldb+j]
					}
					want := make([]float64, len(c))
					for i := range m {
						for j := range ldc {
							want[i*ldc+j] = float64(c[i*ldc+j])
							if j >= n {
								continue
							}
							for p := range k {
								want[i*ldc+j] += float64(opA(i, p)) * float64(opB(p, j))
							}
						}
					}
					sgemmT(kr, ta, tb, m, n, k, a, lda, b, ldb, c, ldc, &w)
					for i := range c {
						if d := math.Abs(float64(c[i]) - want[i]); d > 1e-5*math.Sqrt(float64(k))+1e-6 {
							t.Fatalf("%s ta=%v tb=%v m=%d n=%d k=%d: c[%d] = %v, want %v", kr.name, ta, tb, m, n, k, i, c[i], want[i])
						}
					}
				}
			}
		}
	})
}
