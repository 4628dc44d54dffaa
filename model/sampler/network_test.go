package sampler

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"mosaic/model/dataset"
	"mosaic/model/machine"
	"mosaic/model/network"
	"mosaic/model/schedule"
)

// TestNetworkTrajectoryIsTheNetworksDDIM runs a (random-weight) trained
// network through the sampler as a machine and checks every frame against
// SPEC.md's DDIM update computed here from the network's own Denoise.
func TestNetworkTrajectoryIsTheNetworksDDIM(t *testing.T) {
	net, err := network.NewRandom(network.Config{Arch: "resnet", Channels: 1, EmbDim: 16, Mode: "zeros", KernelSize: 3, LastKSize: 1, NumLayers: 2}, 4)
	if err != nil {
		t.Fatal(err)
	}
	shape := &dataset.Dataset{Name: "shape only", C: 1, H: 8, W: 8}
	m, err := machine.NewNetwork(net, shape, machine.Spec{Net: "toy.safetensors"}, -1)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Spec().String(); got != "Network (toy.safetensors)" {
		t.Errorf("spec %q", got)
	}
	const n = 6
	noise := Noise(3, 1, 8, 8)
	tr, err := Run(context.Background(), m, noise, schedule.Constant(n, 3), nil)
	if err != nil {
		t.Fatal(err)
	}
	x := append([]float64(nil), noise...)
	for i := n - 1; i >= 1; i-- {
		tt, tp := schedule.Time(i, n), schedule.Time(i-1, n)
		d, err := net.Denoise(context.Background(), x, 1, 8, 8, tt, -1)
		if err != nil {
			t.Fatal(err)
		}
		for j, v := range d {
			if math.Abs(tr.Steps[i].D[j]-v) > 1e-12 {
				t.Fatalf("step %d: D[%d] = %v, network %v", i, j, tr.Steps[i].D[j], v)
			}
		}
		next := make([]float64, len(x))
		for j := range x {
			eps := (x[j] - schedule.A(tt)*d[j]) / schedule.B(tt)
			next[j] = schedule.A(tp)*d[j] + schedule.B(tp)*eps
			if i == 1 {
				next[j] = d[j]
			}
		}
		x = next
	}
	for j, v := range x {
		if math.Abs(tr.X[0][j]-v) > 1e-9 {
			t.Fatalf("x_0[%d] = %v, want %v", j, tr.X[0][j], v)
		}
	}
	// A network has no weights to attribute, and says so.
	if _, err := m.Attribute(noise, 0.5, 3, 1, 1, 4); !errors.Is(err, machine.ErrNoWeights) {
		t.Errorf("Attribute on a network: %v", err)
	}
	// A shape the network cannot take is refused with a message.
	unet, err := network.NewRandom(network.Config{Arch: "unet", Channels: 1, EmbDim: 16, Mode: "zeros", KernelSize: 3, LastKSize: 1, FSizes: []int{8, 16, 32}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	odd := &dataset.Dataset{Name: "ten", C: 1, H: 10, W: 10}
	if _, err := machine.NewNetwork(unet, odd, machine.Spec{Net: "u"}, -1); err == nil || !strings.Contains(err.Error(), "ten images") {
		t.Errorf("a 10x10 image for a 3-level UNet: %v", err)
	}
	three := &dataset.Dataset{Name: "rgb", C: 3, H: 8, W: 8}
	if _, err := machine.NewNetwork(net, three, machine.Spec{}, -1); err == nil {
		t.Error("a 1-channel network accepted 3-channel images")
	}
}
