package machine

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"mosaic/model/internal/par"
)

// pixelLogits holds the logit of every candidate of one pixel:
// lg[(b*S + j)*lanes + i] for chunk b, candidate centre j (row-major over
// rows x cols) and lane i (image b*lanes + i).
type pixelLogits struct {
	rows, cols []int
	lg         []float32
	smax       []float32 // max of each (chunk, centre) slot
	mx         float64   // overall max
}

func (e *fastEngine) logits(kn kernels, x []float64, a, b float64, k, r, c int) *pixelLogits {
	e.prepare()
	d := e.d
	L, ch := e.lanes, d.C
	m := k / 2
	pl := &pixelLogits{rows: AxisCandidates(r, d.H, m, e.rule.Candidates), cols: AxisCandidates(c, d.W, m, e.rule.Candidates)}
	S := len(pl.rows) * len(pl.cols)
	pl.lg = getBuf32(e.nb * S * L)
	dist := getBufI(e.nb * S * L) // scaled integer distances
	defer putBufI(dist)
	pl.smax = make([]float32, e.nb*S)
	// The query patch, padded and scaled (see kernels).
	sq, isc := e.scale(x, a, k)
	xs := make([]float32, ch*k*k)
	for cc := range ch {
		for i := range k {
			for j := range k {
				xs[(cc*k+i)*k+j] = e.xpad32(x, cc, r+i-m, c+j-m, sq)
			}
		}
	}
	s := float32(-1 / (2 * b * b * isc))
	af := float32(a * sq)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), e.nb) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			z32, zi := make([]float32, L), make([]int32, L)
			for {
				bi := int(next.Add(1)) - 1
				if bi >= e.nb {
					return
				}
				for jr, qr := range pl.rows {
					for jc, qc := range pl.cols {
						slot := bi*S + jr*len(pl.cols) + jc
						acc := dist[slot*L : (slot+1)*L]
						clear(acc) // pooled
						for cc := range ch {
							for i := range k {
								for j := range k {
									xv := xs[(cc*k+i)*k+j]
									pn := e.phiRow(bi, cc, qr+i-m, qc+j-m)
									if pn == nil {
										if xv == 0 {
											continue
										}
										pn = z32
									}
									kn.vadd(acc, pn, xv, af)
								}
							}
						}
						pl.smax[slot] = kn.hstep(pl.lg[slot*L:(slot+1)*L], acc, zi, zi, 0, s, e.biasOf(bi))
					}
				}
			}
		}()
	}
	wg.Wait()
	// Again relative to an exact integer distance of a best candidate, so
	// that the logits near the maximum are small and finely resolved.
	best := 0
	for slot, v := range pl.smax {
		if v > pl.smax[best] {
			best = slot
		}
	}
	off := int32(0)
	for i, v := range pl.lg[best*L : (best+1)*L] {
		if v == pl.smax[best] {
			off = dist[best*L+i]
			break
		}
	}
	par.Each(e.nb, func(bi int) {
		zi := make([]int32, L)
		for slot := bi * S; slot < (bi+1)*S; slot++ {
			pl.smax[slot] = kn.hstep(pl.lg[slot*L:(slot+1)*L], dist[slot*L:(slot+1)*L], zi, zi, off, s, e.biasOf(bi))
		}
	})
	pl.mx = math.Inf(-1)
	for _, v := range pl.smax {
		pl.mx = max(pl.mx, float64(v))
	}
	return pl
}

func (e *fastEngine) xpad32(x []float64, c, u, v int, sq float64) float32 {
	d := e.d
	r, col := PadIndex(u, d.H, e.rule.PadX), PadIndex(v, d.W, e.rule.PadX)
	if r < 0 || col < 0 {
		return 0
	}
	return float32(x[(c*d.H+r)*d.W+col] * sq)
}

func (e *fastEngine) pixel(x []float64, a, b float64, k, r, c int) ([]Source, []float64, error) {
	kn := activeKernels()
	pl := e.logits(kn, x, a, b, k, r, c)
	d := e.d
	L := e.lanes
	S := len(pl.rows) * len(pl.cols)
	src := make([]Source, 0, d.M*S)
	for mu := range d.M {
		bi, i := mu/L, mu%L
		for jr, qr := range pl.rows {
			for jc, qc := range pl.cols {
				src = append(src, Source{Image: mu, Row: qr, Col: qc, Weight: float64(pl.lg[(bi*S+jr*len(pl.cols)+jc)*L+i])})
			}
		}
	}
	normalise(src)
	hw := d.H * d.W
	val := make([]float64, d.C)
	for _, s := range src {
		if s.Weight == 0 {
			continue
		}
		phi := d.Image(s.Image)
		for cc := range val {
			val[cc] += s.Weight * phi[cc*hw+s.Row*d.W+s.Col]
		}
	}
	return src, val, nil
}

// attribute computes the Attribution of one pixel without listing every
// candidate: the top-K, the per-image sums, the effective number and the
// value come straight from the logits.
func (e *fastEngine) attribute(x []float64, a, b float64, k, r, c, topK int, labels []int) *Attribution {
	kn := activeKernels()
	pl := e.logits(kn, x, a, b, k, r, c)
	d := e.d
	L := e.lanes
	nc := len(pl.cols)
	S := len(pl.rows) * nc
	mx := float32(pl.mx)
	per := make([]float64, e.nb*L)
	// Per chunk: partial sums and its own top-K, merged in chunk order.
	type part struct {
		s0, s1 float64
		num    []float64
		top    []Source
	}
	parts := make([]part, e.nb)
	par.Each(e.nb, func(bi int) {
		pt := &parts[bi]
		pt.num = make([]float64, d.C)
		ex := make([]float32, L)
		acc := make([]float32, L)
		top := make([]Source, 0, topK+1)
		kth := math.Inf(-1)
		for j := range S {
			slot := bi*S + j
			if float64(pl.smax[slot]) < pl.mx-skipLogit {
				continue
			}
			lg := pl.lg[slot*L : (slot+1)*L]
			a0, a1 := kn.expacc(lg, mx, skipLogit, ex)
			pt.s0 += float64(a0)
			pt.s1 += float64(a1)
			qr, qc := pl.rows[j/nc], pl.cols[j%nc]
			for cc := range d.C {
				pt.num[cc] += float64(kn.dot(ex, e.row(bi, cc, qr*d.W+qc)))
			}
			for i, v := range ex {
				acc[i] += v
			}
			if float64(pl.smax[slot]) < kth {
				continue
			}
			for i, l := range lg {
				if float64(l) < kth || bi*L+i >= d.M {
					continue
				}
				top = insertTop(top, Source{Image: bi*L + i, Row: qr, Col: qc, Weight: float64(l)}, topK)
				if len(top) == topK {
					kth = top[topK-1].Weight
				}
			}
		}
		for i, v := range acc {
			per[bi*L+i] = float64(v)
		}
		pt.top = top
	})
	putBuf32(pl.lg)
	var s0, s1 float64
	num := make([]float64, d.C)
	var top []Source
	for _, pt := range parts {
		s0 += pt.s0
		s1 += pt.s1
		for cc := range num {
			num[cc] += pt.num[cc]
		}
		top = append(top, pt.top...)
	}
	slices.SortFunc(top, heavier)
	top = top[:min(topK, len(top))]
	// Normalise by the sum of the per-image weights (float64) so that they
	// add up to 1 to rounding.
	s0 = 0
	for _, v := range per[:d.M] {
		s0 += v
	}
	at := &Attribution{Row: r, Col: c, K: k, Candidates: d.M * S, Value: num}
	for cc := range num {
		num[cc] /= s0
	}
	for i := range top {
		top[i].Weight = math.Exp(top[i].Weight-pl.mx) / s0
	}
	at.Top = top
	hh := math.Log(s0) - s1/s0
	if hh < 0 {
		hh = 0
	}
	at.Effective = math.Exp(hh)
	for mu := range d.M {
		if per[mu] > 0 {
			l := -1
			if labels != nil {
				l = labels[mu]
			}
			at.PerImage = append(at.PerImage, ImageWeight{Image: mu, Label: l, Weight: per[mu] / s0})
		}
	}
	SortImageWeights(at.PerImage)
	return at
}

// Buffers of the attribution path (tens of MB at M = 5,000) are pooled:
// page-faulting fresh ones costs as much as the arithmetic.
var pool32, poolI sync.Pool

func getBuf32(n int) []float32 {
	if b, ok := pool32.Get().(*[]float32); ok && cap(*b) >= n {
		return (*b)[:n]
	}
	return make([]float32, n)
}

func putBuf32(b []float32) { pool32.Put(&b) }

func getBufI(n int) []int32 {
	if b, ok := poolI.Get().(*[]int32); ok && cap(*b) >= n {
		return (*b)[:n]
	}
	return make([]int32, n)
}

func putBufI(b []int32) { poolI.Put(&b) }
