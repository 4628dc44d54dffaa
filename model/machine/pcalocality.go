package machine

import (
	"context"
	"fmt"
	"math"
	"sync"

	"mosaic/model/dataset"
	"mosaic/model/gaussian"
	"mosaic/model/internal/par"
	"mosaic/model/schedule"
)

// pcaEngine is the PCA-locality machine of SPEC.md (Lukoianov et al.
// 2025). For every output value p, the distance of training image i is
// summed over the neighbourhood N_t[., p] read off the Wiener filter, and
// D[p] is the softmax-weighted average of the training images' values at p
// (one global normalisation over all images per output value).
//
// Everything is float64. A step streams the training set in chunks of
// pcaChunk images: the squared residuals of a chunk are stored value-major
// (E[q][i]), so that summing a neighbourhood adds contiguous rows, and an
// online softmax per output value (running maximum, sums relative to it)
// folds each chunk in without storing any weight.
type pcaEngine struct {
	d         *dataset.Dataset
	tau, temp float64

	mu    sync.Mutex
	hoods []*hood // most recently used last
}

// pcaChunk is the number of training images per chunk of a step.
const pcaChunk = 256

// maxHoods bounds the neighbourhoods kept per machine (one per time t).
const maxHoods = 24

// hood is N_t for one time: for output value p, the values q with
// N_t[q, p] = 1 are q[start[p]:start[p+1]].
type hood struct {
	a, b  float64
	start []int32
	q     []int32
}

func newPCAEngine(d *dataset.Dataset, tau, temp float64) *pcaEngine {
	return &pcaEngine{d: d, tau: tau, temp: temp}
}

func (e *pcaEngine) prepare(ctx context.Context, progress func(float64)) error {
	_, err := gaussian.For(ctx, e.d, progress)
	return err
}

// neighbourhood returns N_t at signal scale a and noise scale b, computing
// it from the Wiener filter on first use.
func (e *pcaEngine) neighbourhood(ctx context.Context, a, b float64) (*hood, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, h := range e.hoods {
		if h.a == a && h.b == b {
			e.hoods = append(append(e.hoods[:i:i], e.hoods[i+1:]...), h)
			return h, nil
		}
	}
	st, err := gaussian.For(ctx, e.d, nil)
	if err != nil {
		return nil, err
	}
	h := buildHood(st.Filter(a, b), st.N, e.tau)
	h.a, h.b = a, b
	e.hoods = append(e.hoods, h)
	if len(e.hoods) > maxHoods {
		e.hoods = append([]*hood(nil), e.hoods[1:]...)
	}
	return h, nil
}

// buildHood applies SPEC.md's threshold to the Wiener filter f (n x n,
// row-major): G[q, p] = F[q, p] / F[q, q] (a diagonal entry below 1e-6 in
// magnitude counts as 1) and N[q, p] = 1 where |G[q, p]| >= tau * max|G|.
func buildHood(f []float64, n int, tau float64) *hood {
	gmax := 0.0
	for q := range n {
		dq := f[q*n+q]
		if math.Abs(dq) < 1e-6 {
			dq = 1
		}
		row := f[q*n : (q+1)*n]
		for p, v := range row {
			g := v / dq
			row[p] = g // f is ours: G replaces F in place
			gmax = max(gmax, math.Abs(g))
		}
	}
	thr := tau * gmax
	count := make([]int32, n+1)
	for q := range n {
		for p, g := range f[q*n : (q+1)*n] {
			if math.Abs(g) >= thr {
				count[p+1]++
			}
		}
	}
	for p := range n {
		count[p+1] += count[p]
	}
	h := &hood{start: count, q: make([]int32, count[n])}
	fill := append([]int32(nil), count[:n]...)
	for q := range n { // ascending q within every p
		for p, g := range f[q*n : (q+1)*n] {
			if math.Abs(g) >= thr {
				h.q[fill[p]] = int32(q)
				fill[p]++
			}
		}
	}
	return h
}

// of returns the neighbourhood of output value p.
func (h *hood) of(p int) []int32 { return h.q[h.start[p]:h.start[p+1]] }

// softmaxState is the online softmax of one output value over the
// training images seen so far.
type softmaxState struct {
	max, s0, s1, num float64
	best             int // image with the largest logit (first on ties)
}

func (e *pcaEngine) step(ctx context.Context, x []float64, a, b float64, _ int, out *Step) error {
	h, err := e.neighbourhood(ctx, a, b)
	if err != nil {
		return err
	}
	d := e.d
	n := d.Size()
	scale := -1 / (2 * b * b * e.temp)
	state := make([]softmaxState, n)
	for p := range state {
		state[p] = softmaxState{max: math.Inf(-1), best: -1}
	}
	res := make([]float64, n*pcaChunk)
	for lo := 0; lo < d.M; lo += pcaChunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		hi := min(lo+pcaChunk, d.M)
		L := hi - lo
		residuals(res, d, x, a, lo, hi)
		par.Range(n, L*len(h.q)/max(n, 1)+L, func(p0, p1 int) {
			dist := make([]float64, L)
			for p := p0; p < p1; p++ {
				clear(dist)
				for _, q := range h.of(p) {
					row := res[int(q)*L : int(q)*L+L]
					for i, v := range row {
						dist[i] += v
					}
				}
				st := &state[p]
				for i, dv := range dist {
					st.add(dv*scale, lo+i, d.Pixels[(lo+i)*n+p])
				}
			}
		})
	}
	hw := d.H * d.W
	for p := range hw {
		out.Heaviest[p] = Source{Image: -1, Row: p / d.W, Col: p % d.W}
		out.Effective[p] = 0
	}
	for v := range n {
		st := &state[v]
		out.D[v] = st.num / st.s0
		p := v % hw
		w := 1 / st.s0 // the heaviest image has logit = max, so weight 1/s0
		if w > out.Heaviest[p].Weight {
			out.Heaviest[p] = Source{Image: st.best, Row: p / d.W, Col: p % d.W, Weight: w}
		}
		// exp(entropy) = s0 exp(-s1/s0); averaged over the channels.
		out.Effective[p] += st.s0 * math.Exp(-st.s1/st.s0) / float64(d.C)
	}
	return nil
}

// add folds in image mu with logit l and value v at this output value.
func (s *softmaxState) add(l float64, mu int, v float64) {
	if l > s.max {
		if s.s0 > 0 {
			dl := s.max - l
			f := math.Exp(dl)
			s.s1 = (s.s1 + dl*s.s0) * f
			s.s0 *= f
			s.num *= f
		}
		s.max, s.best = l, mu
	}
	dl := l - s.max
	w := math.Exp(dl)
	s.s0 += w
	s.s1 += w * dl
	s.num += w * v
}

// residuals fills res[q*L + i] = (x[q] - a phi^(lo+i)[q])^2 for the images
// lo..hi-1 (L = hi - lo), value-major.
func residuals(res []float64, d *dataset.Dataset, x []float64, a float64, lo, hi int) {
	n := d.Size()
	L := hi - lo
	par.Range(L, n, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			phi := d.Pixels[(lo+i)*n : (lo+i+1)*n]
			for q, xv := range x {
				r := xv - a*phi[q]
				res[q*L+i] = r * r
			}
		}
	})
}

// weightsAt returns the normalised weight of every training image for the
// output value p, and the denoised value.
func (e *pcaEngine) weightsAt(h *hood, x []float64, a, b float64, p int) ([]float64, float64) {
	d := e.d
	n := d.Size()
	scale := -1 / (2 * b * b * e.temp)
	w := make([]float64, d.M)
	mx := math.Inf(-1)
	nb := h.of(p)
	for mu := range w {
		phi := d.Pixels[mu*n : (mu+1)*n]
		s := 0.0
		for _, q := range nb {
			r := x[q] - a*phi[q]
			s += r * r
		}
		w[mu] = s * scale
		mx = max(mx, w[mu])
	}
	sum := 0.0
	for mu, l := range w {
		w[mu] = math.Exp(l - mx)
		sum += w[mu]
	}
	val := 0.0
	for mu := range w {
		w[mu] /= sum
		val += w[mu] * d.Pixels[mu*n+p]
	}
	return w, val
}

// pixel returns one source per training image, at the pixel itself, whose
// weight is the pixel's per-image weight averaged over its channels (each
// channel is its own softmax; for one channel this is w_p(i) exactly).
func (e *pcaEngine) pixel(x []float64, a, b float64, _ int, r, c int) ([]Source, []float64, error) {
	h, err := e.neighbourhood(context.Background(), a, b)
	if err != nil {
		return nil, nil, err
	}
	d := e.d
	src := make([]Source, d.M)
	for mu := range src {
		src[mu] = Source{Image: mu, Row: r, Col: c}
	}
	val := make([]float64, d.C)
	for ch := range d.C {
		p := (ch*d.H+r)*d.W + c
		w, v := e.weightsAt(h, x, a, b, p)
		val[ch] = v
		for mu, wm := range w {
			src[mu].Weight += wm / float64(d.C)
		}
	}
	return src, val, nil
}

// Neighbourhood returns N_t[., p] of the PCA-locality machine for the
// value p = (ch, r, c): a mask over the C*H*W values of the image, true
// where the value is in the neighbourhood that p "sees" at time t. It uses
// the machine's tau; other kinds answer with an error.
func (m *Machine) Neighbourhood(ctx context.Context, t float64, ch, r, c int) ([]bool, error) {
	e, ok := m.eng.(*pcaEngine)
	if !ok {
		return nil, fmt.Errorf("%v has no neighbourhoods: only the PCA-locality machine reads them off the Wiener filter", m.spec)
	}
	p, err := m.valueIndex(ch, r, c)
	if err != nil {
		return nil, err
	}
	if !(t > 0 && t <= 1) {
		return nil, fmt.Errorf("time t = %v is outside (0, 1]", t)
	}
	h, err := e.neighbourhood(ctx, schedule.A(t), schedule.B(t))
	if err != nil {
		return nil, err
	}
	mask := make([]bool, m.data.Size())
	for _, q := range h.of(p) {
		mask[q] = true
	}
	return mask, nil
}
