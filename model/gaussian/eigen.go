package gaussian

import (
	"context"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack/gonum"

	"mosaic/model/internal/par"
)

// Eigen holds the eigendecomposition of a symmetric matrix A (n x n):
// A = sum_j Values[j] u_j u_j^T, with the eigenvalues in descending order.
type Eigen struct {
	// N is the order of the matrix.
	N int
	// Values are the eigenvalues, largest first.
	Values []float64
	// Vectors holds the orthonormal eigenvectors as rows: u_j is
	// Vectors[j*N : (j+1)*N], the eigenvector of Values[j].
	Vectors []float64
}

// Vector returns u_j (aliasing Vectors).
func (e *Eigen) Vector(j int) []float64 { return e.Vectors[j*e.N : (j+1)*e.N : (j+1)*e.N] }

// EigenSym computes the eigendecomposition of the symmetric n x n matrix
// held row-major in a (only the upper triangle is read; a is overwritten).
//
// It reduces a to tridiagonal form with gonum's LAPACK (Dsytrd, Dorgtr)
// and diagonalises the tridiagonal matrix with the implicit QL algorithm.
// gonum's Dsteqr does the same but applies its plane rotations to columns
// of a row-major matrix, a strided walk that took nearly all the time of
// mat.EigenSym (docs/engine.md has the timings); this version keeps the eigenvectors as
// rows, so that every rotation combines two contiguous rows, and applies
// each QL sweep's rotations on all cores. The tests check it against
// gonum's mat.EigenSym.
//
// progress, if not nil, is called with the fraction done (0 to 1).
func EigenSym(ctx context.Context, n int, a []float64, progress func(float64)) (*Eigen, error) {
	if n < 1 || len(a) < n*n {
		return nil, fmt.Errorf("eigendecomposition: need an %dx%d matrix, have %d values", n, n, len(a))
	}
	report := func(f float64) {
		if progress != nil {
			progress(f)
		}
	}
	if n == 1 {
		return &Eigen{N: 1, Values: []float64{a[0]}, Vectors: []float64{1}}, nil
	}
	var impl gonum.Implementation
	d := make([]float64, n)
	e := make([]float64, n) // e[n-1] = 0 is the QL sentinel
	tau := make([]float64, n-1)
	work := make([]float64, 1)
	impl.Dsytrd(blas.Upper, n, a, n, d, e[:n-1], tau, work, -1)
	work = make([]float64, int(work[0]))
	impl.Dsytrd(blas.Upper, n, a, n, d, e[:n-1], tau, work, len(work))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	report(0.25)
	impl.Dorgtr(blas.Upper, n, a, n, tau, work, -1)
	if int(work[0]) > len(work) {
		work = make([]float64, int(work[0]))
	}
	impl.Dorgtr(blas.Upper, n, a, n, tau, work, len(work))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	report(0.35)
	// a now holds Q (A = Q T Q^T). The eigenvectors of A are the columns of
	// Q Z; keep them as rows: zt = Q^T, to which each rotation applies.
	zt := make([]float64, n*n)
	for i := range n {
		for k := range n {
			zt[k*n+i] = a[i*n+k]
		}
	}
	if err := tridiagQL(ctx, d, e, zt, n, func(f float64) { report(0.35 + 0.6*f) }); err != nil {
		return nil, err
	}
	// Sort descending, moving the vectors with the values.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return d[order[i]] > d[order[j]] })
	out := &Eigen{N: n, Values: make([]float64, n), Vectors: make([]float64, n*n)}
	for j, o := range order {
		out.Values[j] = d[o]
		copy(out.Vectors[j*n:(j+1)*n], zt[o*n:(o+1)*n])
	}
	report(1)
	return out, nil
}

// rotation is one plane rotation of a QL sweep: rows i and i+1 of the
// eigenvector matrix become (c*z_i - s*z_{i+1}, s*z_i + c*z_{i+1}).
type rotation struct {
	i    int
	c, s float64
}

// tridiagQL diagonalises the symmetric tridiagonal matrix with diagonal d
// and off-diagonal e (e[i] couples d[i] and d[i+1]; e[n-1] must be 0) by
// the implicit QL algorithm with Wilkinson-like shifts (the tqli scheme of
// EISPACK's tql2), applying every rotation to the rows of zt. On return d
// holds the eigenvalues (unsorted) and row j of zt the eigenvector of d[j].
func tridiagQL(ctx context.Context, d, e, zt []float64, n int, progress func(float64)) error {
	const maxIter = 60
	eps := math.Nextafter(1, 2) - 1
	rots := make([]rotation, 0, n)
	for l := 0; l < n; l++ {
		if l%32 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			progress(float64(l) / float64(n))
		}
		for iter := 0; ; iter++ {
			m := l
			for ; m < n-1; m++ {
				dd := math.Abs(d[m]) + math.Abs(d[m+1])
				if math.Abs(e[m]) <= eps*dd {
					break
				}
			}
			if m == l {
				break
			}
			if iter == maxIter {
				return fmt.Errorf("eigendecomposition: the QL iteration did not converge for eigenvalue %d of %d", l, n)
			}
			g := (d[l+1] - d[l]) / (2 * e[l])
			r := math.Hypot(g, 1)
			g = d[m] - d[l] + e[l]/(g+math.Copysign(r, g))
			s, c, p := 1.0, 1.0, 0.0
			rots = rots[:0]
			i := m - 1
			for ; i >= l; i-- {
				f := s * e[i]
				b := c * e[i]
				r = math.Hypot(f, g)
				e[i+1] = r
				if r == 0 { // recover from underflow
					d[i+1] -= p
					e[m] = 0
					break
				}
				s, c = f/r, g/r
				g = d[i+1] - p
				r = (d[i]-g)*s + 2*c*b
				p = s * r
				d[i+1] = g + p
				g = c*r - b
				rots = append(rots, rotation{i: i, c: c, s: s})
			}
			applyRotations(zt, n, rots)
			if r == 0 && i >= l {
				continue
			}
			d[l] -= p
			e[l] = g
			e[m] = 0
		}
	}
	return nil
}

// applyRotations applies the rotations in order to the rows of zt (n x n),
// splitting the columns between the cores when the work is large enough to
// pay for it. Rotations act on whole rows, so column blocks are
// independent.
func applyRotations(zt []float64, n int, rots []rotation) {
	if len(rots) == 0 {
		return
	}
	par.Range(n, 2*len(rots), func(lo, hi int) { rotateCols(zt, n, rots, lo, hi) })
}

// rotateCols applies the rotations to columns [lo, hi) of zt, a block of
// rotBlock columns at a time: a sweep's rotations walk down consecutive
// rows, so a block of every row it touches stays in cache for the whole
// sweep instead of streaming whole rows once per rotation.
func rotateCols(zt []float64, n int, rots []rotation, lo, hi int) {
	for b0 := lo; b0 < hi; b0 += rotBlock {
		b1 := min(b0+rotBlock, hi)
		for _, rt := range rots {
			zi := zt[rt.i*n+b0 : rt.i*n+b1]
			zj := zt[(rt.i+1)*n+b0 : (rt.i+1)*n+b1]
			zj = zj[:len(zi)]
			c, s := rt.c, rt.s
			for k, v := range zi {
				f := zj[k]
				zj[k] = s*v + c*f
				zi[k] = c*v - s*f
			}
		}
	}
}

// rotBlock is the column block of rotateCols (2 KB of each row).
const rotBlock = 256
