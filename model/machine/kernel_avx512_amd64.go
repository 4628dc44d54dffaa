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

//go:noescape
func hexpRow512(a *hexpRowArgs)

// hexpRowAVX512 checks op's lengths and runs hexpRow512.
func hexpRowAVX512(op *hexpRowOp) {
	if len(op.out) == 0 {
		return
	}
	if len(op.dsum) > 1008 { // the bit mask of the exponential loop
		panic("machine: hexpRow512 takes at most 1,008 lanes")
	}
	a := newRowArgs(op, 16)
	if f := op.f1 - op.f0; f > 0 {
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
