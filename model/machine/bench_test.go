package machine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"mosaic/model/schedule"
)

// benchStep times one denoising step at 32x32 with 1,000 random training
// images at t = 0.5, once per kernel path for the local machines.
func benchStep(b *testing.B, s Spec, k int) {
	rng := rand.New(rand.NewPCG(21, 22))
	d := randomData(rng, 1000, 1, 32, 32, 10)
	tt := 0.5
	x := randomImage(rng, d.Size())
	for i := range x {
		x[i] = schedule.A(tt)*d.Pixels[i] + schedule.B(tt)*x[i]
	}
	kernels := Kernels()
	if s.Kind == IS {
		kernels = kernels[len(kernels)-1:]
	}
	defer SetKernel(Kernels()[len(Kernels())-1])
	for _, kn := range kernels {
		b.Run(fmt.Sprintf("kernel=%s/k=%d", kn, k), func(b *testing.B) {
			if err := SetKernel(kn); err != nil {
				b.Fatal(err)
			}
			m, err := New(d, s)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := m.Step(context.Background(), x, tt, k); err != nil { // builds the transposed copy
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := m.Step(context.Background(), x, tt, k); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkStepIS(b *testing.B)          { benchStep(b, Spec{Kind: IS, Boundary: Zeros}, 1) }
func BenchmarkStepLS(b *testing.B)          { benchStep(b, Spec{Kind: LS, Boundary: Zeros}, 9) }
func BenchmarkStepELSZeros(b *testing.B)    { benchStep(b, Spec{Kind: ELS, Boundary: Zeros}, 9) }
func BenchmarkStepELSCircular(b *testing.B) { benchStep(b, Spec{Kind: ELS, Boundary: Circular}, 9) }
