package machine

import (
	"context"
	"math"

	"mosaic/model/dataset"
)

// idealEngine is the ideal score machine: one weight per training image
// from the distance over all C*H*W values.
type idealEngine struct{ d *dataset.Dataset }

func newIdealEngine(d *dataset.Dataset) *idealEngine { return &idealEngine{d} }

// weights returns the normalised weight of every training image.
func (e *idealEngine) weights(ctx context.Context, x []float64, a, b float64) ([]float64, error) {
	T := 2 * b * b
	w := make([]float64, e.d.M)
	for mu := range w {
		if mu%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		phi := e.d.Image(mu)
		s := 0.0
		for i, v := range x {
			diff := v - a*phi[i]
			s += diff * diff
		}
		w[mu] = -s / T
	}
	mx := math.Inf(-1)
	for _, l := range w {
		mx = max(mx, l)
	}
	sum := 0.0
	for i, l := range w {
		w[i] = math.Exp(l - mx)
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	return w, nil
}

func (e *idealEngine) step(ctx context.Context, x []float64, a, b float64, _ int, out *Step) error {
	w, err := e.weights(ctx, x, a, b)
	if err != nil {
		return err
	}
	clear(out.D)
	best, h := 0, 0.0
	for mu, wm := range w {
		if wm == 0 {
			continue
		}
		phi := e.d.Image(mu)
		for i, v := range phi {
			out.D[i] += wm * v
		}
		if wm > w[best] {
			best = mu
		}
		h -= wm * math.Log(wm)
	}
	eff := math.Exp(h)
	for p := range out.Heaviest {
		out.Heaviest[p] = Source{Image: best, Row: p / e.d.W, Col: p % e.d.W, Weight: w[best]}
		out.Effective[p] = eff
	}
	return nil
}

func (e *idealEngine) pixel(x []float64, a, b float64, _ int, r, c int) ([]Source, []float64, error) {
	w, err := e.weights(context.Background(), x, a, b)
	if err != nil {
		return nil, nil, err
	}
	hw := e.d.H * e.d.W
	src := make([]Source, len(w))
	val := make([]float64, e.d.C)
	for mu, wm := range w {
		src[mu] = Source{Image: mu, Row: r, Col: c, Weight: wm}
		phi := e.d.Image(mu)
		for ch := range val {
			val[ch] += wm * phi[ch*hw+r*e.d.W+c]
		}
	}
	return src, val, nil
}
