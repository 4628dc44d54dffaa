//go:build amd64 && !purego

package machine

import "golang.org/x/sys/cpu"

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

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		avx2Kernels = &kernels{name: "avx2", vupd: vupdAVX2, hstep: hstepAVX2, expacc: expaccAVX2, dot: dotAVX2,
			vadd: vaddAVX2, vsum: vsumAVX2, expdot: expdotAVX2,
			vupdRow: vupdRowAVX2, vaddRow: vaddRowAVX2, hexp: hexpAVX2, index: indexAVX2}
	}
}
