//go:build amd64 && !purego

package machine

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// The AVX2+FMA kernels of kernel_amd64.s. Slice lengths must be multiples
// of 8 and the slices passed together must have the same length.

//go:noescape
func vupdAVX2(v []int32, pn, po []float32, xn, xo, a float32)

//go:noescape
func hstepAVX2(dst []float32, dsum, vin, vout []int32, off int32, s float32, bias []float32) float32

//go:noescape
func expaccAVX2(l []float32, mx, skip float32, e []float32) (s0, s1 float32)

//go:noescape
func dotAVX2(e, v []float32) float32

//go:noescape
func vaddAVX2(v []int32, pn []float32, xn, a float32)

//go:noescape
func vsumAVX2(dsum, v []int32, n int)

//go:noescape
func expdotAVX2(l []float32, mx, skip float32, v []float32) (s0, s1, n float32)

//go:noescape
func vupdRowAVX2(v []int32, pn, po, xn, xo []float32, a float32, L int)

//go:noescape
func vaddRowAVX2(v []int32, pn, xn []float32, a float32, L int)

//go:noescape
func hexpAVX2(dst []float32, dsum, vin, vout []int32, off int32, s float32, bias []float32, mx, skip float32, v []float32) (lmax, s0, s1, n float32)

//go:noescape
func indexAVX2(l []float32, v float32) int

// hexpRowArgs are the operands of the row kernels (hexpRow2, hexpRow512),
// read by offset in the assembly (the offsets are listed at hexpRow512 and
// checked by TestHexpRowArgsLayout): pointers to the first pixel's data,
// which the kernel advances pixel by pixel.
type hexpRowArgs struct {
	dst, dsum, vin, zero unsafe.Pointer
	off, mx, best, v     unsafe.Pointer
	bias, out            unsafe.Pointer
	n, nvec, lb, klb     int
	s, skip              float32
	i                    int
	// The fused update of the columns the pixels [f0, f1) take in: their
	// training rows in and out, their query values, from pn, po, xn and xo
	// on, and a (hexpRow512 only).
	f0, f1         int
	pn, po, xn, xo unsafe.Pointer
	a              float32
}

// newRowArgs checks the lengths of op, a row of at least one pixel, and
// returns its operands for a row kernel with vectors of width lanes (no
// fused update set).
func newRowArgs(op *hexpRowOp, width int) hexpRowArgs {
	n, L, k := len(op.out), len(op.dsum), op.k
	if L == 0 || L%width != 0 || len(op.dst) < L || len(op.zero) < L || len(op.bias) < L || len(op.vv) < (n+k-1)*L ||
		len(op.v) < n*L || len(op.off) < n || len(op.mx) < n || len(op.best) < n || k < 1 {
		panic("machine: row kernel operands of the wrong length")
	}
	if f := op.f1 - op.f0; f > 0 && (op.f0 < 0 || op.f1 > n || len(op.pn) < f*L || len(op.po) < f*L || len(op.xn) < f || len(op.xo) < f) {
		panic("machine: row kernel fused operands of the wrong length")
	}
	return hexpRowArgs{
		dst: unsafe.Pointer(&op.dst[0]), dsum: unsafe.Pointer(&op.dsum[0]),
		vin: unsafe.Pointer(&op.vv[(k-1)*L]), zero: unsafe.Pointer(&op.zero[0]),
		off: unsafe.Pointer(&op.off[0]), mx: unsafe.Pointer(&op.mx[0]), best: unsafe.Pointer(&op.best[0]),
		v: unsafe.Pointer(&op.v[0]), bias: unsafe.Pointer(&op.bias[0]), out: unsafe.Pointer(&op.out[0]),
		n: n, nvec: L / width, lb: 4 * L, klb: 4 * k * L, s: op.s, skip: op.skip,
	}
}

//go:noescape
func hexpRow2(a *hexpRowArgs)

// hexpRowAVX2 runs hexpRow2 on op. The row kernel has no fused update:
// the fused columns are brought up to date first, in one vupdRowAVX2 call
// (each column is updated before any pixel reads it either way, so the
// integers are the same).
func hexpRowAVX2(op *hexpRowOp) {
	if len(op.out) == 0 {
		return
	}
	a := newRowArgs(op, 8)
	if f := op.f1 - op.f0; f > 0 {
		L, j := len(op.dsum), op.f0+op.k-1
		vupdRowAVX2(op.vv[j*L:(j+f)*L], op.pn[:f*L], op.po[:f*L], op.xn[:f], op.xo[:f], op.a, L)
	}
	hexpRow2(&a)
}

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		avx2Kernels = &kernels{name: "avx2", vupd: vupdAVX2, hstep: hstepAVX2, expacc: expaccAVX2, dot: dotAVX2,
			vadd: vaddAVX2, vsum: vsumAVX2, expdot: expdotAVX2,
			vupdRow: vupdRowAVX2, vaddRow: vaddRowAVX2, hexp: hexpAVX2, index: indexAVX2, hexpRow: hexpRowAVX2}
	}
}
