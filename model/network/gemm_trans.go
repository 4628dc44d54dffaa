package network

// sgemmT is sgemm with either operand transposed, for the gradients of the
// convolutions and linear layers: C += op(A) * op(B) where op(A) is m x k
// and op(B) is k x n. Without ta, A is stored m x k row-major (leading
// dimension lda); with ta it is stored k x m (A^T row-major), so that
// op(A)[i, p] = a[p*lda + i]. Likewise tb stores B as n x k:
// op(B)[p, j] = b[j*ldb + p].
//
// Only the packing differs from sgemm: the packed strips have the same
// layout, so the same micro-kernels (pure Go, AVX2, AVX-512) do the
// arithmetic and need no transposed twins. Each element of C sums its k
// products in the same order whatever ta and tb are.
func sgemmT(kr gemmKernel, ta, tb bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, w *gemmWork) {
	if m <= 0 || n <= 0 || k <= 0 {
		return
	}
	if !ta && !tb {
		sgemm(kr, m, n, k, a, lda, b, ldb, c, ldc, w)
		return
	}
	mr, nr := kr.mr, kr.nr
	mStrips := (m + mr - 1) / mr
	w.tile = grow(w.tile, mr*nr)
	for p0 := 0; p0 < k; p0 += kcBlock {
		kc := min(kcBlock, k-p0)
		w.pa = grow(w.pa, mStrips*kc*mr)
		for s := range mStrips {
			packA(w.pa[s*kc*mr:(s+1)*kc*mr], ta, a, lda, s*mr, min(mr, m-s*mr), mr, p0, kc)
		}
		w.pb = grow(w.pb, kc*nr)
		for j0 := 0; j0 < n; j0 += nr {
			nc := min(nr, n-j0)
			pb := w.pb
			packB(pb, tb, b, ldb, j0, nc, nr, p0, kc)
			multiplyStrips(kr, w, kc, pb, c, ldc, m, j0, nc)
		}
	}
}

// packA fills dst[p*mr + r] = op(A)[i0+r, p0+p] for r < rows and p < kc,
// with zeros for the rows rows <= r < mr.
func packA(dst []float32, ta bool, a []float32, lda, i0, rows, mr, p0, kc int) {
	if !ta {
		for r := range mr {
			if r >= rows {
				for p := range kc {
					dst[p*mr+r] = 0
				}
				continue
			}
			row := a[(i0+r)*lda+p0 : (i0+r)*lda+p0+kc]
			for p, v := range row {
				dst[p*mr+r] = v
			}
		}
		return
	}
	// op(A)[i, p] = a[p*lda + i]: the mr values of a packed column are
	// contiguous in a.
	for p := range kc {
		d := dst[p*mr : p*mr+mr]
		copy(d, a[(p0+p)*lda+i0:(p0+p)*lda+i0+rows])
		clear(d[rows:])
	}
}

// packB fills dst[p*nr + j] = op(B)[p0+p, j0+j] for j < nc and p < kc,
// with zeros for nc <= j < nr.
func packB(dst []float32, tb bool, b []float32, ldb, j0, nc, nr, p0, kc int) {
	if !tb {
		for p := range kc {
			d := dst[p*nr : p*nr+nr]
			copy(d, b[(p0+p)*ldb+j0:(p0+p)*ldb+j0+nc])
			clear(d[nc:])
		}
		return
	}
	// op(B)[p, j] = b[j*ldb + p]: each column j of the strip is a
	// contiguous run of b.
	for j := range nc {
		src := b[(j0+j)*ldb+p0 : (j0+j)*ldb+p0+kc]
		for p, v := range src {
			dst[p*nr+j] = v
		}
	}
	if nc < nr {
		for p := range kc {
			clear(dst[p*nr+nc : p*nr+nr])
		}
	}
}
