//go:build amd64 && !purego

package machine

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// The AVX-512 kernels of kernel_avx512_amd64.s (16 lanes per vector). Slice
// lengths (and L) must be multiples of 16 and the slices passed together
// must have the same length; the engine pads its chunks to 16 lanes.

//go:noescape
func vupd512(v []int32, pn, po []float32, xn, xo, a float32)

//go:noescape
func vadd512(v []int32, pn []float32, xn, a float32)

//go:noescape
func vsum512(dsum, v []int32, n int)

//go:noescape
func hstep512(dst []float32, dsum, vin, vout []int32, off int32, s float32, bias []float32) float32

//go:noescape
func dot512(e, v []float32) float32

//go:noescape
func expacc512(l []float32, mx, skip float32, e []float32) (s0, s1 float32)

//go:noescape
func expdot512(l []float32, mx, skip float32, v []float32) (s0, s1, n float32)

//go:noescape
func vupdRow512(v []int32, pn, po, xn, xo []float32, a float32, L int)

//go:noescape
func vaddRow512(v []int32, pn, xn []float32, a float32, L int)

//go:noescape
func hexp512(dst []float32, dsum, vin, vout []int32, off int32, s float32, bias []float32, mx, skip float32, v []float32) (lmax, s0, s1, n float32)

//go:noescape
func index512(l []float32, v float32) int

// hexpRowArgs are hexpRow512's operands, read by offset in the assembly
// (the offsets are listed there and checked by TestHexpRowArgsLayout):
// pointers to the first pixel's data, which the kernel advances pixel by
// pixel.
type hexpRowArgs struct {
	dst, dsum, vin, zero unsafe.Pointer
	off, mx, best, v     unsafe.Pointer
	bias, out            unsafe.Pointer
	n, nvec, lb, klb     int
	s, skip              float32
	i                    int
	// The fused update of the columns the pixels [f0, f1) take in: their
	// training rows in and out, their query values, from pn, po, xn and xo
	// on, and a.
	f0, f1         int
	pn, po, xn, xo unsafe.Pointer
	a              float32
}

//go:noescape
func hexpRow512(a *hexpRowArgs)

// hexpRowAVX512 checks op's lengths and runs hexpRow512.
func hexpRowAVX512(op *hexpRowOp) {
	n, L, k := len(op.out), len(op.dsum), op.k
	if n == 0 {
		return
	}
	if L%16 != 0 || L > 1008 || len(op.dst) < L || len(op.zero) < L || len(op.bias) < L || len(op.vv) < (n+k-1)*L ||
		len(op.v) < n*L || len(op.off) < n || len(op.mx) < n || len(op.best) < n || k < 1 {
		panic("machine: hexpRow512 operands of the wrong length")
	}
	a := hexpRowArgs{
		dst: unsafe.Pointer(&op.dst[0]), dsum: unsafe.Pointer(&op.dsum[0]),
		vin: unsafe.Pointer(&op.vv[(k-1)*L]), zero: unsafe.Pointer(&op.zero[0]),
		off: unsafe.Pointer(&op.off[0]), mx: unsafe.Pointer(&op.mx[0]), best: unsafe.Pointer(&op.best[0]),
		v: unsafe.Pointer(&op.v[0]), bias: unsafe.Pointer(&op.bias[0]), out: unsafe.Pointer(&op.out[0]),
		n: n, nvec: L / 16, lb: 4 * L, klb: 4 * k * L, s: op.s, skip: op.skip,
	}
	if f := op.f1 - op.f0; f > 0 {
		if op.f0 < 0 || op.f1 > n || len(op.pn) < f*L || len(op.po) < f*L || len(op.xn) < f || len(op.xo) < f {
			panic("machine: hexpRow512 fused operands of the wrong length")
		}
		a.f0, a.f1, a.a = op.f0, op.f1, op.a
		a.pn, a.po = unsafe.Pointer(&op.pn[0]), unsafe.Pointer(&op.po[0])
		a.xn, a.xo = unsafe.Pointer(&op.xn[0]), unsafe.Pointer(&op.xo[0])
	}
	hexpRow512(&a)
}

func init() {
	// AVX-512 F for the Z registers, VL for the EVEX forms of 128/256-bit
	// instructions on registers 16-31, DQ and BW as the prototype's
	// baseline (every CPU with F+VL since Skylake-SP has them).
	x := cpu.X86
	if x.HasAVX512F && x.HasAVX512BW && x.HasAVX512DQ && x.HasAVX512VL && x.HasAVX2 && x.HasFMA {
		avx512Kernels = &kernels{name: "avx512", vupd: vupd512, hstep: hstep512, expacc: expacc512, dot: dot512,
			vadd: vadd512, vsum: vsum512, expdot: expdot512,
			vupdRow: vupdRow512, vaddRow: vaddRow512, hexp: hexp512, index: index512, hexpRow: hexpRowAVX512}
	}
}
