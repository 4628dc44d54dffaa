package machine_test

import (
	"context"
	"testing"

	"mosaic/model/builtin"
	"mosaic/model/machine"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

// benchTrajectory times one 20-step trajectory of ELS on the first m
// built-in MNIST digits with the mnist-resnet-zeros schedule (the
// configuration of issue 4; mosaic-cli bench reports the same).
func benchTrajectory(b *testing.B, bd machine.Boundary, m int) {
	full, err := builtin.Load("mnist", 32)
	if err != nil {
		b.Skip(err)
	}
	d := *full
	d.M = min(m, full.M)
	d.Pixels = full.Pixels[:d.M*d.Size()]
	if full.Labels != nil {
		d.Labels = full.Labels[:d.M]
	}
	preset, err := schedule.Lookup("mnist-resnet-zeros")
	if err != nil {
		b.Fatal(err)
	}
	mc, err := machine.New(&d, machine.Spec{Kind: machine.ELS, Boundary: bd})
	if err != nil {
		b.Fatal(err)
	}
	noise := sampler.Noise(1, 1, d.H, d.W)
	if _, err := mc.Step(context.Background(), noise, 0.5, 3); err != nil { // builds the transposed copy
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := sampler.Run(context.Background(), mc, noise, preset.K, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTrajectoryMNIST500Zeros(b *testing.B)    { benchTrajectory(b, machine.Zeros, 500) }
func BenchmarkTrajectoryMNIST500Circular(b *testing.B) { benchTrajectory(b, machine.Circular, 500) }
func BenchmarkTrajectoryMNIST5000Zeros(b *testing.B)   { benchTrajectory(b, machine.Zeros, 5000) }
