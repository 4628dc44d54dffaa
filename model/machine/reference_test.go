package machine

import (
	"math"
	"math/rand/v2"

	"mosaic/model/dataset"
)

// This file is the plain, obviously-correct reference of SPEC.md that every
// production engine is checked against. It pads whole images explicitly,
// enumerates the candidate set by testing every position against the table of
// SPEC.md, keeps every logit, and applies a textbook log-sum-exp softmax.

// refPad returns the image padded by m on every side, [C][H+2m][W+2m].
func refPad(img []float64, ch, h, w, m int, mode string) [][][]float64 {
	out := make([][][]float64, ch)
	for c := range ch {
		out[c] = make([][]float64, h+2*m)
		for i := range out[c] {
			out[c][i] = make([]float64, w+2*m)
			for j := range out[c][i] {
				r, col := i-m, j-m
				switch mode {
				case "circular":
					r, col = ((r%h)+h)%h, ((col%w)+w)%w
				case "reflect":
					r, col = refReflect(r, h), refReflect(col, w)
				}
				if r >= 0 && r < h && col >= 0 && col < w {
					out[c][i][j] = img[c*h*w+r*w+col]
				}
			}
		}
	}
	return out
}

// refReflect mirrors an index the way numpy.pad(mode="reflect") does, by
// bouncing off the edges one step at a time.
func refReflect(i, n int) int {
	if n == 1 {
		return 0
	}
	for i < 0 || i >= n {
		if i < 0 {
			i = -i
		}
		if i >= n {
			i = 2*(n-1) - i
		}
	}
	return i
}

func refClass(i, n, m int) int {
	if i < m || i >= n-m {
		return i
	}
	return -1
}

// refInCandidates is SPEC.md's candidate table.
func refInCandidates(kind Kind, boundary Boundary, h, w, m, pr, pc, qr, qc int) bool {
	switch {
	case kind == LS:
		return pr == qr && pc == qc
	case kind == ELS && boundary == Circular:
		return qr-m >= 0 && qr+m < h && qc-m >= 0 && qc+m < w
	default: // boundary-broken ELS (zeros, and the reflect extension)
		return refClass(pr, h, m) == refClass(qr, h, m) && refClass(pc, w, m) == refClass(qc, w, m)
	}
}

// refPadModes returns the padding of x and of the training images.
func refPadModes(kind Kind, boundary Boundary) (string, string) {
	if kind == ELS && boundary == Circular {
		return "circular", "zeros" // phi is never padded: q is interior
	}
	return boundary.String(), boundary.String()
}

// refWeights returns every candidate of pixel (pr, pc) with its normalised
// weight, in (mu, qr, qc) order.
func refWeights(d *dataset.Dataset, kind Kind, boundary Boundary, x []float64, a, b float64, k, pr, pc int) []Source {
	T := 2 * b * b
	m := k / 2
	var out []Source
	if kind == IS {
		for mu := 0; mu < d.M; mu++ {
			s := 0.0
			for i, v := range x {
				s += (v - a*d.Image(mu)[i]) * (v - a*d.Image(mu)[i])
			}
			out = append(out, Source{mu, pr, pc, -s / T})
		}
	} else {
		px, pphi := refPadModes(kind, boundary)
		X := refPad(x, d.C, d.H, d.W, m, px)
		for mu := 0; mu < d.M; mu++ {
			P := refPad(d.Image(mu), d.C, d.H, d.W, m, pphi)
			for qr := 0; qr < d.H; qr++ {
				for qc := 0; qc < d.W; qc++ {
					if !refInCandidates(kind, boundary, d.H, d.W, m, pr, pc, qr, qc) {
						continue
					}
					s := 0.0
					for c := 0; c < d.C; c++ {
						for i := -m; i <= m; i++ {
							for j := -m; j <= m; j++ {
								diff := X[c][pr+m+i][pc+m+j] - a*P[c][qr+m+i][qc+m+j]
								s += diff * diff
							}
						}
					}
					out = append(out, Source{mu, qr, qc, -s / T})
				}
			}
		}
	}
	mx := math.Inf(-1)
	for _, s := range out {
		mx = math.Max(mx, s.Weight)
	}
	z := 0.0
	for _, s := range out {
		z += math.Exp(s.Weight - mx)
	}
	for i := range out {
		out[i].Weight = math.Exp(out[i].Weight-mx) / z
	}
	return out
}

// refDenoise returns D(x) computed pixel by pixel from refWeights.
func refDenoise(d *dataset.Dataset, kind Kind, boundary Boundary, x []float64, a, b float64, k int) []float64 {
	D := make([]float64, len(x))
	hw := d.H * d.W
	for pr := 0; pr < d.H; pr++ {
		for pc := 0; pc < d.W; pc++ {
			for _, s := range refWeights(d, kind, boundary, x, a, b, k, pr, pc) {
				for c := 0; c < d.C; c++ {
					D[c*hw+pr*d.W+pc] += s.Weight * d.Image(s.Image)[c*hw+s.Row*d.W+s.Col]
				}
			}
		}
	}
	return D
}

// randomData returns m random images in [-1, 1] with labels 0..classes-1.
func randomData(rng *rand.Rand, m, ch, h, w, classes int) *dataset.Dataset {
	d := &dataset.Dataset{Name: "random", M: m, C: ch, H: h, W: w}
	d.Pixels = make([]float64, m*ch*h*w)
	for i := range d.Pixels {
		d.Pixels[i] = 2*rng.Float64() - 1
	}
	d.Labels = make([]int, m)
	for i := range d.Labels {
		d.Labels[i] = i % classes
	}
	return d
}

func randomImage(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// refEntropy returns the entropy h of reference weights (the effective
// number of patches is e^h) and the first heaviest source.
func refEntropy(ref []Source) (h float64, best Source) {
	best = ref[0]
	for _, src := range ref {
		if src.Weight > 0 {
			h -= src.Weight * math.Log(src.Weight)
		}
		if src.Weight > best.Weight {
			best = src
		}
	}
	return h, best
}
