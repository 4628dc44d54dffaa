package network

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// NewRandom builds a network with fresh weights drawn as PyTorch's default
// initialisation does: convolution and linear weights and biases uniform in
// +-1/sqrt(fan_in), GroupNorm scales 1 and shifts 0, class embeddings
// standard normal. The same cfg and seed give the same weights.
func NewRandom(cfg Config, seed uint64) (*Net, error) {
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	var params []Param
	probe := &Net{cfg: cfg}
	ps := &paramSet{record: &params}
	var err error
	if cfg.Arch == "resnet" {
		err = probe.buildResNet(ps)
	} else {
		err = probe.buildUNet(ps)
	}
	if err != nil {
		return nil, fmt.Errorf("new network: %w", err)
	}
	rng := rand.New(rand.NewPCG(seed, 0x6d6f73616963))
	// fan_in of the weight that shares each tensor's module.
	fanIn := map[string]int{}
	for _, p := range params {
		if strings.HasSuffix(p.Name, ".weight") && len(p.Shape) >= 2 {
			// torch's fan_in: dimensions 1 and beyond (for a
			// ConvTranspose2d weight [in, out, k, k] too).
			fanIn[strings.TrimSuffix(p.Name, ".weight")] = numel(p.Shape[1:])
		}
	}
	for _, p := range params {
		mod := p.Name[:strings.LastIndexByte(p.Name, '.')]
		switch {
		case p.Name == "embedding.class_embeddings.weight":
			for i := range p.Data {
				p.Data[i] = float32(rng.NormFloat64())
			}
		case len(p.Shape) == 1 && fanIn[mod] == 0: // GroupNorm
			if strings.HasSuffix(p.Name, ".weight") {
				fill(p.Data, 1)
			}
		default:
			bound := 1 / math.Sqrt(float64(max(1, fanIn[mod])))
			for i := range p.Data {
				p.Data[i] = float32((2*rng.Float64() - 1) * bound)
			}
		}
	}
	return New(cfg, params, "random")
}
