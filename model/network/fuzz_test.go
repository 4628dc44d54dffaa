package network

import (
	"context"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds corrupt checkpoints to the loaders: they must return a
// network or an error, never panic or allocate without bound, and a network
// they return must run. State dicts and safetensors without their own
// hyper-parameters get those of resnet_tiny, so that mutated tensors reach
// the network builder. Seeds: the smallest fixture (resnet_tiny) in the two
// PyTorch formats, and tiny safetensors files of both architectures (the
// fuzzer minimises every input that finds new code, which takes long on
// large ones).
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"resnet_tiny.module.pt", "resnet_tiny.state.pt"} {
		f.Add(readFile(f, filepath.Join("testdata", name)))
	}
	for _, cfg := range []Config{
		{Arch: "resnet", Channels: 1, EmbDim: 8, NumLayers: 1, Mode: "zeros", KernelSize: 1},
		{Arch: "unet", Channels: 1, EmbDim: 4, FSizes: []int{1, 2}, Mode: "circular", KernelSize: 1, Normalization: "GroupNorm", LastNorm: true},
	} {
		net, err := NewRandom(cfg, 1)
		if err != nil {
			f.Fatal(err)
		}
		p := filepath.Join(f.TempDir(), "seed.safetensors")
		if err := SaveSafetensors(p, net); err != nil {
			f.Fatal(err)
		}
		f.Add(readFile(f, p))
	}
	cfg, err := readConfigFile(filepath.Join("testdata", "resnet_tiny.json"))
	if err != nil {
		f.Fatal(err)
	}
	side := func() (*Config, error) { c := cfg; return &c, nil }
	f.Fuzz(func(t *testing.T, data []byte) {
		net, err := loadBytes(data, "fuzz", side)
		if err != nil {
			if net != nil {
				t.Fatal("network and error")
			}
			return
		}
		info := net.Info()
		if net.Check(info.Channels, 8, 8) != nil {
			return
		}
		x := make([]float32, info.Channels*64)
		if _, err := net.Eps(context.Background(), x, 1, 8, 8, []float64{0.5}, []int{0}); err != nil && !info.Conditional {
			t.Fatalf("loaded network does not run: %v", err)
		}
	})
}
