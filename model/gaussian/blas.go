package gaussian

import (
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// gonum's LAPACK calls its BLAS through blas64.Implementation(), which a
// program may replace (blas64.Use). The tridiagonal reduction of the
// eigendecomposition (Dsytrd) spends three quarters of its time in one
// symmetric matrix-vector product (Dsymv) per column, which gonum runs on
// one core with a scalar loop (docs/engine.md has the profile).
// fastBLAS is gonum's BLAS with that one routine replaced by a version
// that splits the rows between the cores; every other routine is gonum's.
type fastBLAS struct{ gonum.Implementation }

func init() { blas64.Use(fastBLAS{}) }

// minParallelSymv is the order below which Dsymv stays gonum's.
const minParallelSymv = 256

// Dsymv computes y = alpha*A*x + beta*y for a symmetric n x n matrix A of
// which the upper triangle is stored (row-major, leading dimension lda).
// Strided x and y (Dlatrd passes columns of a matrix) are gathered into
// contiguous vectors first. The lower triangle, negative strides and small
// n go to gonum.
func (b fastBLAS) Dsymv(ul blas.Uplo, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	workers := runtime.GOMAXPROCS(0)
	if ul != blas.Upper || incX < 1 || incY < 1 || n < minParallelSymv || workers < 2 || lda < n ||
		len(a) < lda*(n-1)+n || len(x) < (n-1)*incX+1 || len(y) < (n-1)*incY+1 {
		b.Implementation.Dsymv(ul, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	if incX != 1 {
		xc := make([]float64, n)
		for i := range xc {
			xc[i] = x[i*incX]
		}
		x = xc
	}
	// Split the rows so that each part holds an equal share of the
	// triangle (row i has n - i entries); each part accumulates into its
	// own vector, summed at the end in a fixed order.
	parts := make([][]float64, workers)
	bounds := make([]int, workers+1)
	total := float64(n) * float64(n+1) / 2
	row, acc := 0, 0.0
	for w := 1; w < workers; w++ {
		for row < n && acc < total*float64(w)/float64(workers) {
			acc += float64(n - row)
			row++
		}
		bounds[w] = row
	}
	bounds[workers] = n
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := bounds[w], bounds[w+1]
		if lo >= hi {
			continue
		}
		parts[w] = make([]float64, n)
		wg.Add(1)
		go func(yp []float64) {
			defer wg.Done()
			symvRows(n, a, lda, x, yp, lo, hi)
		}(parts[w])
	}
	wg.Wait()
	for i := range n {
		s := 0.0
		for _, p := range parts {
			if p != nil {
				s += p[i]
			}
		}
		if beta == 0 {
			y[i*incY] = alpha * s
		} else {
			y[i*incY] = beta*y[i*incY] + alpha*s
		}
	}
}

// symvRows adds to yp the contribution of rows lo..hi-1 of the upper
// triangle: A[i][i] x_i and A[i][j] x_j to yp[i], A[i][j] x_i to yp[j],
// for j > i.
func symvRows(n int, a []float64, lda int, x, yp []float64, lo, hi int) {
	for i := lo; i < hi; i++ {
		xi := x[i]
		row := a[i*lda+i+1 : i*lda+n]
		xs := x[i+1 : n]
		ys := yp[i+1 : n]
		xs = xs[:len(row)]
		ys = ys[:len(row)]
		var s0, s1 float64
		j := 0
		for ; j+1 < len(row); j += 2 {
			v0, v1 := row[j], row[j+1]
			ys[j] += xi * v0
			ys[j+1] += xi * v1
			s0 += v0 * xs[j]
			s1 += v1 * xs[j+1]
		}
		if j < len(row) {
			ys[j] += xi * row[j]
			s0 += row[j] * xs[j]
		}
		yp[i] += a[i*lda+i]*xi + s0 + s1
	}
}
