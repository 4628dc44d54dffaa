package machine

import "math"

// accum is an online (streaming) softmax over a pixel's candidates. It keeps
// the running maximum logit and, relative to it, the sums needed for the
// weighted average, the entropy and the heaviest candidate, so that no
// candidate list is stored and no exponential overflows.
type accum struct {
	max  float64   // running maximum logit
	s0   float64   // sum of exp(l - max)
	s1   float64   // sum of exp(l - max) * (l - max)
	num  []float64 // per channel, sum of exp(l - max) * value
	best Source    // heaviest candidate so far (Weight holds its logit)
	n    int       // candidates seen
}

func (a *accum) reset(channels int) {
	a.max, a.s0, a.s1, a.n = math.Inf(-1), 0, 0, 0
	if cap(a.num) < channels {
		a.num = make([]float64, channels)
	}
	a.num = a.num[:channels]
	clear(a.num)
	a.best = Source{Image: -1, Weight: math.Inf(-1)}
}

// add folds in one candidate with logit l whose centre pixel has values
// val(ch) for ch in [0, channels).
func (a *accum) add(l float64, mu, row, col int, vals []float64) {
	a.n++
	if l > a.max {
		if a.s0 > 0 {
			d := a.max - l // < 0
			f := math.Exp(d)
			a.s1 = (a.s1 + d*a.s0) * f
			a.s0 *= f
			for i := range a.num {
				a.num[i] *= f
			}
		}
		a.max = l
	}
	d := l - a.max
	e := math.Exp(d)
	a.s0 += e
	a.s1 += e * d
	for i, v := range vals {
		a.num[i] += e * v
	}
	if l > a.best.Weight {
		a.best = Source{Image: mu, Row: row, Col: col, Weight: l}
	}
}

// finish writes the weighted average into d (one value per channel) and
// returns the heaviest source (with its normalised weight) and the
// effective number of candidates exp(entropy).
func (a *accum) finish(d []float64) (Source, float64) {
	for i := range d {
		d[i] = a.num[i] / a.s0
	}
	best := a.best
	best.Weight = math.Exp(best.Weight-a.max) / a.s0
	h := math.Log(a.s0) - a.s1/a.s0
	if h < 0 {
		h = 0 // rounding when one candidate holds all the weight
	}
	return best, math.Exp(h)
}

// normalise turns logits (stored in the Weight fields) into softmax weights
// with the log-sum-exp shift.
func normalise(src []Source) {
	mx := math.Inf(-1)
	for _, s := range src {
		mx = max(mx, s.Weight)
	}
	sum := 0.0
	for i := range src {
		e := math.Exp(src[i].Weight - mx)
		src[i].Weight = e
		sum += e
	}
	for i := range src {
		src[i].Weight /= sum
	}
}
