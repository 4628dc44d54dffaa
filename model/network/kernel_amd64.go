//go:build amd64 && !purego

package network

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// The assembly micro-kernels of kernel_amd64.s. They compute exactly what
// kernelGo computes for their tile shapes (4 x 24 for AVX2, 8 x 32 for
// AVX-512), up to float32 rounding (they use fused multiply-adds); kc >= 1.

//go:noescape
func sgemmAVX2(kc int, a, b, c unsafe.Pointer, ldc int)

//go:noescape
func sgemmAVX512(kc int, a, b, c unsafe.Pointer, ldc int)

func kernelAVX2(kc int, a, b, c []float32, ldc int) {
	_ = a[4*kc-1]
	_ = b[24*kc-1]
	_ = c[3*ldc+23]
	sgemmAVX2(kc, unsafe.Pointer(&a[0]), unsafe.Pointer(&b[0]), unsafe.Pointer(&c[0]), ldc)
}

func kernelAVX512(kc int, a, b, c []float32, ldc int) {
	_ = a[8*kc-1]
	_ = b[32*kc-1]
	_ = c[7*ldc+31]
	sgemmAVX512(kc, unsafe.Pointer(&a[0]), unsafe.Pointer(&b[0]), unsafe.Pointer(&c[0]), ldc)
}

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		asmKernels = append(asmKernels, gemmKernel{name: "avx2", mr: 4, nr: 24, fn: kernelAVX2})
	}
	if cpu.X86.HasAVX512F {
		asmKernels = append(asmKernels, gemmKernel{name: "avx512", mr: 8, nr: 32, fn: kernelAVX512})
	}
}
