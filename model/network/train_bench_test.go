package network

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkTrainStep times one training step (forward with caching,
// backward, Adam) of the built-in configuration (MinimalResNet, emb_dim 32,
// 6 layers, zero padding, 32x32 single-channel images, batch 64) and of a
// wider one, on every kernel path, and reports samples per second.
func BenchmarkTrainStep(b *testing.B) {
	prev := Kernel()
	defer SetKernel(prev)
	const s, m = 32, 256
	x, _ := toyData(m, s, 1)
	for _, kn := range Kernels() {
		for _, bc := range []struct {
			width, batch int
		}{{32, 64}, {64, 64}} {
			b.Run(fmt.Sprintf("%s/resnet%dx6/batch%d", kn, bc.width, bc.batch), func(b *testing.B) {
				if err := SetKernel(kn); err != nil {
					b.Skip(err)
				}
				net, err := NewRandom(Config{Arch: "resnet", Channels: 1, EmbDim: bc.width, NumLayers: 6, Mode: "zeros"}, 1)
				if err != nil {
					b.Fatal(err)
				}
				tr, err := NewTrainer(net, x, m, s, s, nil, TrainOptions{Batch: bc.batch, Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if _, err := tr.Step(context.Background()); err != nil {
						b.Fatal(err)
					}
				}
				sec := b.Elapsed().Seconds() / float64(b.N)
				b.ReportMetric(sec*1e3, "ms/step")
				b.ReportMetric(float64(bc.batch)/sec, "samples/s")
				// Training does three times the forward convolutions' work
				// (forward, input gradient, weight gradient).
				b.ReportMetric(3*convFLOPs(net, s, s)*float64(bc.batch)/sec/1e9, "GFLOP/s")
			})
		}
	}
}
