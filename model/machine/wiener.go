package machine

import (
	"context"
	"fmt"

	"mosaic/model/dataset"
	"mosaic/model/gaussian"
	"mosaic/model/schedule"
)

// wienerEngine is the Wiener (Gaussian) machine of SPEC.md:
// D(x, t) = mu + F_t (x/a - mu). It is a linear filter of x, so it has no
// training-image weights: Heaviest holds Image -1 and Effective 0.
type wienerEngine struct {
	d *dataset.Dataset
}

func newWienerEngine(d *dataset.Dataset) *wienerEngine { return &wienerEngine{d: d} }

func (e *wienerEngine) prepare(ctx context.Context, progress func(float64)) error {
	_, err := gaussian.For(ctx, e.d, progress)
	return err
}

func (e *wienerEngine) step(ctx context.Context, x []float64, a, b float64, _ int, out *Step) error {
	st, err := gaussian.For(ctx, e.d, nil)
	if err != nil {
		return err
	}
	copy(out.D, st.Denoise(x, a, b))
	for p := range out.Heaviest {
		out.Heaviest[p] = Source{Image: -1, Row: p / e.d.W, Col: p % e.d.W}
		out.Effective[p] = 0
	}
	return nil
}

func (e *wienerEngine) pixel(x []float64, a, b float64, _ int, r, c int) ([]Source, []float64, error) {
	st, err := gaussian.For(context.Background(), e.d, nil)
	if err != nil {
		return nil, nil, err
	}
	d := st.Denoise(x, a, b)
	hw := e.d.H * e.d.W
	val := make([]float64, e.d.C)
	for ch := range val {
		val[ch] = d[ch*hw+r*e.d.W+c]
	}
	return nil, val, nil
}

// Stats returns the training set's mean and eigendecomposed covariance,
// computing them on first use (SPEC.md, "Other theories"). Every machine
// on the same data set shares them.
func (m *Machine) Stats(ctx context.Context) (*gaussian.Stats, error) {
	return gaussian.For(ctx, m.data, nil)
}

// FilterRow returns row p of the Wiener filter F_t for the value p =
// (ch, r, c): the weight with which every value of x/a - mu moves D[p].
// Any machine can answer it; the Wiener and PCA-locality machines are the
// ones built on it.
func (m *Machine) FilterRow(ctx context.Context, t float64, ch, r, c int) ([]float64, error) {
	p, err := m.valueIndex(ch, r, c)
	if err != nil {
		return nil, err
	}
	if !(t > 0 && t <= 1) {
		return nil, fmt.Errorf("time t = %v is outside (0, 1]", t)
	}
	st, err := m.Stats(ctx)
	if err != nil {
		return nil, err
	}
	return st.FilterRow(p, schedule.A(t), schedule.B(t)), nil
}

// valueIndex returns the index of value (ch, r, c) in an image, or an error
// naming what is out of range.
func (m *Machine) valueIndex(ch, r, c int) (int, error) {
	d := m.data
	if ch < 0 || ch >= d.C {
		return 0, fmt.Errorf("channel %d is outside the image's %d channels", ch, d.C)
	}
	if r < 0 || r >= d.H || c < 0 || c >= d.W {
		return 0, fmt.Errorf("pixel (%d, %d) is outside the %dx%d image", r, c, d.H, d.W)
	}
	return (ch*d.H+r)*d.W + c, nil
}
