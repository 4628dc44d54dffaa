package network

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchNets are the configurations of issue 12's speed targets: a small
// ResNet (emb_dim 32, 6 layers, the size of Mosaic's built-in MNIST
// networks) and the paper's MinimalResNet (emb_dim 128, 6 layers), on
// 32x32 single-channel images.
var benchNets = []struct {
	name  string
	cfg   Config
	batch int
}{
	{"resnet32x6/batch1", Config{Arch: "resnet", Channels: 1, EmbDim: 32, NumLayers: 6, Mode: "zeros"}, 1},
	{"resnet32x6/batch64", Config{Arch: "resnet", Channels: 1, EmbDim: 32, NumLayers: 6, Mode: "zeros"}, 64},
	{"resnet128x6/batch1", Config{Arch: "resnet", Channels: 1, EmbDim: 128, NumLayers: 6, Mode: "zeros"}, 1},
}

// convFLOPs counts the multiply-adds of a network's convolutions (2 FLOPs
// each) for one h x w image.
func convFLOPs(n *Net, h, w int) float64 {
	f := 0.0
	add := func(c *conv2d) { f += 2 * float64(c.cout*c.cin*c.k*c.k*h*w) }
	if n.up != nil {
		add(n.up)
		for _, c := range n.convs {
			add(c)
		}
		add(n.down)
	}
	return f
}

// BenchmarkForward times Eps on every kernel path and reports ms per call
// and the GFLOP/s the convolutions reach.
func BenchmarkForward(b *testing.B) {
	prev := Kernel()
	defer SetKernel(prev)
	for _, kn := range Kernels() {
		for _, bn := range benchNets {
			b.Run(fmt.Sprintf("%s/%s", kn, bn.name), func(b *testing.B) {
				if err := SetKernel(kn); err != nil {
					b.Skip(err)
				}
				net, err := NewRandom(bn.cfg, 1)
				if err != nil {
					b.Fatal(err)
				}
				rng := rand.New(rand.NewPCG(3, 4))
				x := make([]float32, bn.batch*32*32)
				for i := range x {
					x[i] = float32(rng.NormFloat64())
				}
				ts := make([]float64, bn.batch)
				for i := range ts {
					ts[i] = 0.5
				}
				b.ResetTimer()
				for b.Loop() {
					if _, err := net.Eps(context.Background(), x, bn.batch, 32, 32, ts, nil); err != nil {
						b.Fatal(err)
					}
				}
				sec := b.Elapsed().Seconds() / float64(b.N)
				b.ReportMetric(sec*1e3, "ms/op")
				b.ReportMetric(convFLOPs(net, 32, 32)*float64(bn.batch)/sec/1e9, "GFLOP/s")
			})
		}
	}
}
