package network

import (
	"fmt"
	"os"
	"strings"
	"sync"
)

// A gemmKernel is the micro-kernel of the blocked GEMM (gemm.go): it adds
// the product of a packed mr x kc strip of A and a packed kc x nr strip of B
// to an mr x nr tile of C:
//
//	c[r*ldc+j] += sum over p < kc of a[p*mr+r] * b[p*nr+j]
//
// Each exists in pure Go (every CPU) and, on amd64, in assembly for AVX2+FMA
// and for AVX-512 (kernel_amd64.s). The choice is made once at start-up from
// the CPU features, like the ELS kernels of model/machine, and can be forced
// with the environment variable MOSAIC_KERNEL=go|avx2|avx512 or with
// SetKernel, so that tests exercise every path on one machine.
type gemmKernel struct {
	name   string
	mr, nr int
	fn     func(kc int, a, b, c []float32, ldc int)
}

var goKernel = gemmKernel{name: "go", mr: 4, nr: 4, fn: kernelGo}

// asmKernels are set by kernel_amd64.go, slowest first, when the CPU
// supports them.
var asmKernels []gemmKernel

var (
	kernelMu  sync.Mutex
	kern      = goKernel
	kernelSet bool
)

// activeKernel returns the kernel in use, choosing it on first use.
func activeKernel() gemmKernel {
	kernelMu.Lock()
	defer kernelMu.Unlock()
	if !kernelSet {
		kernelSet = true
		kern = goKernel
		if len(asmKernels) > 0 {
			kern = asmKernels[len(asmKernels)-1]
		}
		if env := strings.TrimSpace(os.Getenv("MOSAIC_KERNEL")); env != "" {
			if k, err := lookupKernel(env); err == nil {
				kern = k
			} else {
				fmt.Fprintf(os.Stderr, "mosaic: network: MOSAIC_KERNEL=%q ignored: %v\n", env, err)
			}
		}
	}
	return kern
}

func lookupKernel(name string) (gemmKernel, error) {
	name = strings.ToLower(name)
	if name == "go" {
		return goKernel, nil
	}
	for _, k := range asmKernels {
		if k.name == name {
			return k, nil
		}
	}
	switch name {
	case "avx2", "avx512":
		return gemmKernel{}, fmt.Errorf("this CPU or build has no %s kernel (available: %s)", name, strings.Join(Kernels(), ", "))
	}
	return gemmKernel{}, fmt.Errorf("unknown kernel %q: use go, avx2 or avx512", name)
}

// Kernel returns the name of the GEMM kernel the forward passes use ("go",
// "avx2" or "avx512").
func Kernel() string { return activeKernel().name }

// Kernels lists the GEMM kernels available on this CPU, the fastest last.
func Kernels() []string {
	out := []string{goKernel.name}
	for _, k := range asmKernels {
		out = append(out, k.name)
	}
	return out
}

// SetKernel forces the GEMM kernel ("go", "avx2" or "avx512") for forward
// passes that start from now on. It is meant for tests and benchmarks.
func SetKernel(name string) error {
	k, err := lookupKernel(name)
	if err != nil {
		return err
	}
	activeKernel()
	kernelMu.Lock()
	kern = k
	kernelMu.Unlock()
	return nil
}

// kernelGo is the pure-Go micro-kernel, a 4 x 4 tile held in sixteen local
// accumulators (the compiler keeps them in registers).
func kernelGo(kc int, a, b, c []float32, ldc int) {
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	var c20, c21, c22, c23, c30, c31, c32, c33 float32
	a = a[:4*kc]
	b = b[:4*kc]
	for p := 0; p < kc; p++ {
		ap := a[4*p : 4*p+4 : 4*p+4]
		bp := b[4*p : 4*p+4 : 4*p+4]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		a0 := ap[0]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		a1 := ap[1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a2 := ap[2]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		a3 := ap[3]
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	r := c[0:4:4]
	r[0] += c00
	r[1] += c01
	r[2] += c02
	r[3] += c03
	r = c[ldc : ldc+4 : ldc+4]
	r[0] += c10
	r[1] += c11
	r[2] += c12
	r[3] += c13
	r = c[2*ldc : 2*ldc+4 : 2*ldc+4]
	r[0] += c20
	r[1] += c21
	r[2] += c22
	r[3] += c23
	r = c[3*ldc : 3*ldc+4 : 3*ldc+4]
	r[0] += c30
	r[1] += c31
	r[2] += c32
	r[3] += c33
}
