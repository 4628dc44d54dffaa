package gaussian

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// randomSym returns a random symmetric n x n matrix of rank r (r = n for
// full rank) with some repeated and zero eigenvalues when r < n.
func randomSym(n, r int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, r*n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	a := make([]float64, n*n)
	for i := range n {
		for j := range n {
			s := 0.0
			for k := range r {
				s += x[k*n+i] * x[k*n+j]
			}
			a[i*n+j] = s / float64(r)
		}
	}
	return a
}

func TestEigenSymAgreesWithGonum(t *testing.T) {
	for _, tc := range []struct{ n, r int }{{1, 1}, {2, 2}, {7, 7}, {30, 30}, {40, 5}, {64, 1}, {90, 60}} {
		a := randomSym(tc.n, tc.r, uint64(tc.n*100+tc.r))
		var ref mat.EigenSym
		if !ref.Factorize(mat.NewSymDense(tc.n, append([]float64(nil), a...)), true) {
			t.Fatal("gonum failed")
		}
		want := ref.Values(nil) // ascending
		got, err := EigenSym(context.Background(), tc.n, append([]float64(nil), a...), nil)
		if err != nil {
			t.Fatal(err)
		}
		scale := math.Abs(want[len(want)-1]) + 1e-300
		for j := range tc.n {
			if d := math.Abs(got.Values[j] - want[tc.n-1-j]); d > 1e-12*scale*float64(tc.n) {
				t.Errorf("n=%d r=%d: eigenvalue %d = %v, gonum %v", tc.n, tc.r, j, got.Values[j], want[tc.n-1-j])
			}
		}
		// A u_j = lambda_j u_j and U^T U = I.
		for j := range tc.n {
			u := got.Vector(j)
			for i := range tc.n {
				s := 0.0
				for k := range tc.n {
					s += a[i*tc.n+k] * u[k]
				}
				if d := math.Abs(s - got.Values[j]*u[i]); d > 1e-11*scale*float64(tc.n) {
					t.Fatalf("n=%d r=%d: (A u_%d)[%d] = %v, lambda u = %v", tc.n, tc.r, j, i, s, got.Values[j]*u[i])
				}
			}
			for k := j; k < tc.n; k++ {
				dot := 0.0
				for i, v := range u {
					dot += v * got.Vector(k)[i]
				}
				want := 0.0
				if k == j {
					want = 1
				}
				if math.Abs(dot-want) > 1e-11 {
					t.Fatalf("n=%d r=%d: u_%d . u_%d = %v, want %v", tc.n, tc.r, j, k, dot, want)
				}
			}
		}
	}
}

func TestEigenSymHandCase(t *testing.T) {
	// [[2, 1], [1, 2]] has eigenvalues 3 and 1 with vectors (1,1)/sqrt2 and (1,-1)/sqrt2.
	e, err := EigenSym(context.Background(), 2, []float64{2, 1, 1, 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(e.Values[0]-3) > 1e-14 || math.Abs(e.Values[1]-1) > 1e-14 {
		t.Fatalf("eigenvalues %v, want [3 1]", e.Values)
	}
	u := e.Vector(0)
	if math.Abs(math.Abs(u[0])-math.Sqrt2/2) > 1e-14 || u[0]*u[1] <= 0 {
		t.Fatalf("first eigenvector %v, want ±(1,1)/sqrt2", u)
	}
}

func TestEigenSymCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := EigenSym(ctx, 50, randomSym(50, 50, 3), nil); err == nil {
		t.Fatal("a cancelled decomposition returned no error")
	}
}

func BenchmarkEigenSym1024(b *testing.B) {
	a := randomSym(1024, 200, 9)
	for b.Loop() {
		if _, err := EigenSym(context.Background(), 1024, append([]float64(nil), a...), nil); err != nil {
			b.Fatal(err)
		}
	}
}
