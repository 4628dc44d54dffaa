package machine

import (
	"context"
	"errors"
	"fmt"

	"mosaic/model/dataset"
)

// Denoiser is a trained network as a machine sees it: it predicts the
// clean image D(x, t) of a noisy image x ([C, H, W]) at time t, for a
// class label (-1 when unconditional). model/network's Net implements it.
type Denoiser interface {
	Denoise(ctx context.Context, x []float64, c, h, w int, t float64, class int) ([]float64, error)
	// Check reports whether the network can take images of this shape.
	Check(c, h, w int) error
}

// ErrNoWeights is returned when the weights of a machine that has none (a
// network) are asked for.
var ErrNoWeights = errors.New("a trained network has no patch weights: it is what the machines explain, not a machine of copies")

// networkEngine runs a trained network's denoiser at every step.
type networkEngine struct {
	net     Denoiser
	c, h, w int
	class   int
}

func (e *networkEngine) step(ctx context.Context, x []float64, t float64, out *Step) error {
	d, err := e.net.Denoise(ctx, x, e.c, e.h, e.w, t, e.class)
	if err != nil {
		return err
	}
	if len(d) != len(out.D) {
		return fmt.Errorf("the network returned %d values for a [%d,%d,%d] image", len(d), e.c, e.h, e.w)
	}
	copy(out.D, d)
	for p := range out.Heaviest {
		out.Heaviest[p] = Source{Image: -1, Row: p / e.w, Col: p % e.w}
		out.Effective[p] = 0
	}
	return nil
}

// NewNetwork returns a machine that runs a trained network: Step is the
// network's denoiser, so that it goes through the same sampler, cache and
// views as the theories. data gives the image shape and, when it holds
// images, the training set for nearest-image readouts (it may hold none:
// M = 0 with C, H and W set). spec.Net names the network for display. A
// conditional network is given its class label (-1 for none).
func NewNetwork(net Denoiser, data *dataset.Dataset, spec Spec, class int) (*Machine, error) {
	spec.Kind = Network
	spec = spec.Normalized()
	if net == nil {
		return nil, errors.New("no network given")
	}
	if data == nil || data.C < 1 || data.H < 1 || data.W < 1 {
		return nil, errors.New("a network machine needs an image shape [C,H,W]")
	}
	if len(data.Pixels) != data.M*data.Size() {
		return nil, fmt.Errorf("machine %v: training set %q has %d values for shape [%d,%d,%d,%d]", spec, data.Name, len(data.Pixels), data.M, data.C, data.H, data.W)
	}
	if err := net.Check(data.C, data.H, data.W); err != nil {
		return nil, fmt.Errorf("%v on %s images [%d,%d,%d]: %w", spec, data.Name, data.C, data.H, data.W, err)
	}
	return &Machine{spec: spec, data: data, net: &networkEngine{net: net, c: data.C, h: data.H, w: data.W, class: class}}, nil
}

// Network returns the network a Network machine runs, or nil.
func (m *Machine) Network() Denoiser {
	if m.net == nil {
		return nil
	}
	return m.net.net
}
