// Package gaussian holds the second-order statistics of a training set and
// the linear denoiser they define (SPEC.md, "Other theories"): the mean mu
// and covariance Sigma over all n = C*H*W values, the eigendecomposition
// Sigma = U diag(lambda) U^T, the shrinkage s_j(t) and the Wiener filter
// F_t = U diag(s(t)) U^T. Everything is float64.
//
// The eigendecomposition depends only on the training set; For computes it
// once per data set and keeps it in a small in-memory cache, so that every
// step of every trajectory reuses it.
package gaussian

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"mosaic/model/internal/par"
)

// Stats are the mean and the eigendecomposed covariance of a training set.
type Stats struct {
	// M is the number of training images, N = C*H*W the values per image.
	M, N int
	// Mean is mu, an N-vector.
	Mean []float64
	// Eigen is Sigma's eigendecomposition, eigenvalues descending. Values
	// that rounding left below zero are set to zero (Sigma is positive
	// semi-definite).
	Eigen *Eigen
	// rank is the number of eigenvalues above 1e-13 * the largest: the
	// directions the filters sum over. The others contribute less than
	// 1e-13 relative to any entry of F_t and are skipped.
	rank int
}

// Compute returns the statistics of m images of n values each, stored
// image after image in pixels. progress, if not nil, receives the fraction
// done; it is called from the calling goroutine.
func Compute(ctx context.Context, pixels []float64, m, n int, progress func(float64)) (*Stats, error) {
	if m < 1 || n < 1 {
		return nil, fmt.Errorf("covariance: the training set is empty (%d images of %d values)", m, n)
	}
	if len(pixels) != m*n {
		return nil, fmt.Errorf("covariance: %d values for %d images of %d values", len(pixels), m, n)
	}
	report := func(f float64) {
		if progress != nil {
			progress(f)
		}
	}
	mean := make([]float64, n)
	for i := range m {
		for j, v := range pixels[i*n : (i+1)*n] {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(m)
	}
	// Sigma = (1/M) sum (phi - mu)(phi - mu)^T, accumulated a block of
	// images at a time (a rank-k update of the upper triangle).
	sigma := blas64.Symmetric{Uplo: blas.Upper, N: n, Stride: n, Data: make([]float64, n*n)}
	const block = 512
	centred := make([]float64, block*n)
	covShare := 0.5 // of the progress bar, against the eigendecomposition
	if float64(m) < float64(n)/4 {
		covShare = 0.1
	}
	for lo := 0; lo < m; lo += block {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(lo+block, m)
		rows := hi - lo
		c := centred[:rows*n]
		for i := range rows {
			for j, v := range pixels[(lo+i)*n : (lo+i+1)*n] {
				c[i*n+j] = v - mean[j]
			}
		}
		blas64.Syrk(blas.Trans, 1/float64(m), blas64.General{Rows: rows, Cols: n, Stride: n, Data: c}, 1, sigma)
		report(covShare * float64(hi) / float64(m))
	}
	// Dsytrd reads the upper triangle; fill the lower one too for clarity.
	for i := range n {
		for j := i + 1; j < n; j++ {
			sigma.Data[j*n+i] = sigma.Data[i*n+j]
		}
	}
	eig, err := EigenSym(ctx, n, sigma.Data, func(f float64) { report(covShare + (1-covShare)*f) })
	if err != nil {
		return nil, fmt.Errorf("covariance of %d images of %d values: %w", m, n, err)
	}
	rank := 0
	top := max(eig.Values[0], 0)
	for j, l := range eig.Values {
		if l < 0 || math.IsNaN(l) {
			eig.Values[j] = 0
		}
		if eig.Values[j] > 1e-13*top {
			rank = j + 1
		}
	}
	return &Stats{M: m, N: n, Mean: mean, Eigen: eig, rank: rank}, nil
}

// Rank returns the number of directions with a non-negligible variance
// (eigenvalue above 1e-13 of the largest). Zero means every training image
// is the same.
func (s *Stats) Rank() int { return s.rank }

// Shrinkage returns s_j = a^2 lambda_j / (b^2 + a^2 lambda_j) for every
// direction j (eigenvalues descending): how much of direction j survives
// the Wiener filter at signal scale a and noise scale b.
func (s *Stats) Shrinkage(a, b float64) []float64 {
	out := make([]float64, s.N)
	for j, l := range s.Eigen.Values {
		out[j] = a * a * l / (b*b + a*a*l)
	}
	return out
}

// Denoise returns the Wiener machine's estimate D = mu + F_t (x/a - mu) for
// the noisy values x at signal scale a and noise scale b, computed as two
// products with U (never forming F_t): O(n * rank).
func (s *Stats) Denoise(x []float64, a, b float64) []float64 {
	n := s.N
	r := s.rank
	y := make([]float64, n)
	for i, v := range x {
		y[i] = v/a - s.Mean[i]
	}
	// coef_j = s_j * u_j . y
	coef := make([]float64, r)
	par.Range(r, n, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			u := s.Eigen.Vector(j)
			dot := 0.0
			for i, v := range y {
				dot += u[i] * v
			}
			l := s.Eigen.Values[j]
			coef[j] = a * a * l / (b*b + a*a*l) * dot
		}
	})
	out := append([]float64(nil), s.Mean...)
	for j, cj := range coef {
		if cj == 0 {
			continue
		}
		for i, u := range s.Eigen.Vector(j) {
			out[i] += cj * u
		}
	}
	return out
}

// FilterRow returns row p of the Wiener filter F_t: how every value of
// x/a - mu moves the denoised value p (F_t is symmetric, so it is also the
// column).
func (s *Stats) FilterRow(p int, a, b float64) []float64 {
	row := make([]float64, s.N)
	for j := range s.rank {
		u := s.Eigen.Vector(j)
		l := s.Eigen.Values[j]
		f := a * a * l / (b*b + a*a*l) * u[p]
		if f == 0 {
			continue
		}
		for i, v := range u {
			row[i] += f * v
		}
	}
	return row
}

// Filter returns the whole Wiener filter F_t = U diag(s) U^T as a dense
// row-major n x n matrix. It is one matrix product of O(n^2 * rank).
func (s *Stats) Filter(a, b float64) []float64 {
	n, r := s.N, s.rank
	f := make([]float64, n*n)
	if r == 0 {
		return f
	}
	// F = W W^T with W = U_r diag(sqrt(s)), whose transpose (rows = scaled
	// eigenvectors) is what Eigen stores.
	wt := make([]float64, r*n)
	for j := range r {
		l := s.Eigen.Values[j]
		sq := math.Sqrt(a * a * l / (b*b + a*a*l))
		for i, u := range s.Eigen.Vector(j) {
			wt[j*n+i] = sq * u
		}
	}
	w := mat.NewDense(r, n, wt)
	out := mat.NewDense(n, n, f)
	out.Mul(w.T(), w)
	return f
}
