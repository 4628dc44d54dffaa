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

// BenchmarkHexpRow times the row kernel of every path on one row of 32
// pixels with 512 lanes and k = 3, every vector skipped (the window pass
// alone), without and with the fused vertical update; ns/vec is per
// vector of 16 lanes.
func BenchmarkHexpRow(b *testing.B) {
	const n, L, k = 32, 512, 3
	rng := rand.New(rand.NewPCG(23, 24))
	for _, name := range Kernels() {
		kn, _ := lookupKernel(name)
		for _, fused := range []bool{false, true} {
			b.Run(fmt.Sprintf("kernel=%s/fused=%v", name, fused), func(b *testing.B) {
				vv := make([]int32, (n+k-1)*L)
				for i := range vv {
					vv[i] = rng.Int32N(1 << 20)
				}
				pn, po := make([]float32, n*L), make([]float32, n*L)
				for i := range pn {
					pn[i], po[i] = rng.Float32(), rng.Float32()
				}
				op := &hexpRowOp{dst: make([]float32, L), dsum: make([]int32, L), vv: vv,
					zero: make([]int32, L), off: make([]int32, n), mx: make([]float32, n), best: make([]float32, n),
					v: make([]float32, n*L), bias: make([]float32, L), out: make([]rowOut, n), k: k, s: -1, skip: skipLogit,
					pn: pn, po: po, xn: make([]float32, n), xo: make([]float32, n)}
				for i := range n {
					op.mx[i], op.best[i] = 1e30, 1e30 // every vector below the threshold
				}
				if fused {
					op.f0, op.f1 = 0, n
				}
				for b.Loop() {
					kn.runHexpRow(op)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n*L/16), "ns/vec")
			})
		}
	}
}
