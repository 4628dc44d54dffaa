//go:build amd64 && !purego

package machine

import "golang.org/x/sys/cpu"

// The AVX2+FMA kernels of kernel_amd64.s. Slice lengths must be multiples
// of 8 and the slices passed together must have the same length.

//go:noescape
func vupdAVX2(v []float64, pn, po []float32, xn, xo, a float32)

//go:noescape
func hstepAVX2(dst []float32, dsum, vin, vout []float64, s float64) float32

//go:noescape
func expaccAVX2(l []float32, mx, skip float32, e []float32) (s0, s1 float32)

//go:noescape
func dotAVX2(e, v []float32) float32

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		avx2Kernels = &kernels{name: "avx2", vupd: vupdAVX2, hstep: hstepAVX2, expacc: expaccAVX2, dot: dotAVX2}
	}
}
