package network

// The blocked single-precision GEMM behind every convolution, transposed
// convolution and linear layer: C += A * B with row-major A (m x k, leading
// dimension lda), B (k x n, ldb) and C (m x n, ldc). It follows the usual
// GotoBLAS scheme: for each block of kcBlock rows of B, A's block is packed
// into strips of mr rows (k-major, so that the micro-kernel reads it
// sequentially), then each strip of nr columns of B is packed once and
// multiplied with every strip of A while it sits in L1. Ragged edges are
// packed with zeros and their tiles go through a small scratch tile, so the
// micro-kernel only ever sees full mr x nr tiles.

// kcBlock is the depth of one packed block: a packed B strip of kcBlock x nr
// float32 (32 KiB for the AVX-512 kernel's nr = 32) stays in L1.
const kcBlock = 256

// gemmWork holds one worker's packing buffers; it is reused across calls.
type gemmWork struct {
	pa, pb []float32
	tile   []float32
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// sgemm computes C += A * B on one goroutine with kernel kr.
func sgemm(kr gemmKernel, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, w *gemmWork) {
	if m <= 0 || n <= 0 || k <= 0 {
		return
	}
	mr, nr := kr.mr, kr.nr
	mStrips := (m + mr - 1) / mr
	w.tile = grow(w.tile, mr*nr)
	for p0 := 0; p0 < k; p0 += kcBlock {
		kc := min(kcBlock, k-p0)
		// Pack A[:, p0:p0+kc] into strips of mr rows: strip s holds
		// pa[s*kc*mr + p*mr + r] = A[s*mr+r, p0+p] (0 beyond m).
		w.pa = grow(w.pa, mStrips*kc*mr)
		for s := range mStrips {
			dst := w.pa[s*kc*mr : (s+1)*kc*mr]
			for r := range mr {
				i := s*mr + r
				if i >= m {
					for p := range kc {
						dst[p*mr+r] = 0
					}
					continue
				}
				row := a[i*lda+p0 : i*lda+p0+kc]
				for p, v := range row {
					dst[p*mr+r] = v
				}
			}
		}
		w.pb = grow(w.pb, kc*nr)
		for j0 := 0; j0 < n; j0 += nr {
			nc := min(nr, n-j0)
			// Pack B[p0:p0+kc, j0:j0+nc] into pb[p*nr + j] (0 beyond n).
			pb := w.pb
			for p := range kc {
				src := b[(p0+p)*ldb+j0 : (p0+p)*ldb+j0+nc]
				dst := pb[p*nr : p*nr+nr]
				copy(dst, src)
				clear(dst[nc:])
			}
			multiplyStrips(kr, w, kc, pb, c, ldc, m, j0, nc)
		}
	}
}

// multiplyStrips adds to C's columns j0..j0+nc-1 the product of every
// packed strip of A (w.pa, kc deep) with the packed panel pb of B: the
// micro-kernel writes whole tiles straight into C and ragged ones (at the
// bottom or right edge) into the scratch tile, whose valid part is then
// added to C. sgemm and sgemmT share it.
func multiplyStrips(kr gemmKernel, w *gemmWork, kc int, pb, c []float32, ldc, m, j0, nc int) {
	mr, nr := kr.mr, kr.nr
	for s := range (m + mr - 1) / mr {
		i0 := s * mr
		pa := w.pa[s*kc*mr : (s+1)*kc*mr]
		if i0+mr <= m && nc == nr {
			kr.fn(kc, pa, pb, c[i0*ldc+j0:], ldc)
			continue
		}
		t := w.tile
		clear(t)
		kr.fn(kc, pa, pb, t, nr)
		for r := range min(mr, m-i0) {
			row := c[(i0+r)*ldc+j0 : (i0+r)*ldc+j0+nc]
			for j := range row {
				row[j] += t[r*nr+j]
			}
		}
	}
}
