package machine

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"mosaic/model/dataset"
	"mosaic/model/schedule"
)

// This file checks the Wiener and PCA-locality machines against a plain
// float64 reference of SPEC.md ("Other theories") that never
// eigendecomposes: the Wiener filter is F_t = a^2 Sigma (a^2 Sigma +
// b^2 I)^-1, computed by Gauss-Jordan elimination.

// refMeanCov returns mu and Sigma (n x n, row-major) of the data set.
func refMeanCov(d *dataset.Dataset) ([]float64, []float64) {
	n := d.Size()
	mu := make([]float64, n)
	for i := range d.M {
		for p, v := range d.Image(i) {
			mu[p] += v / float64(d.M)
		}
	}
	cov := make([]float64, n*n)
	for i := range d.M {
		img := d.Image(i)
		for p := range n {
			for q := range n {
				cov[p*n+q] += (img[p] - mu[p]) * (img[q] - mu[q]) / float64(d.M)
			}
		}
	}
	return mu, cov
}

// refInverse inverts a well-conditioned n x n matrix by Gauss-Jordan
// elimination with partial pivoting.
func refInverse(a []float64, n int) []float64 {
	m := make([]float64, n*2*n)
	for i := range n {
		copy(m[i*2*n:], a[i*n:(i+1)*n])
		m[i*2*n+n+i] = 1
	}
	for col := range n {
		piv := col
		for r := col + 1; r < n; r++ {
			if math.Abs(m[r*2*n+col]) > math.Abs(m[piv*2*n+col]) {
				piv = r
			}
		}
		for j := range 2 * n {
			m[col*2*n+j], m[piv*2*n+j] = m[piv*2*n+j], m[col*2*n+j]
		}
		pv := m[col*2*n+col]
		for j := range 2 * n {
			m[col*2*n+j] /= pv
		}
		for r := range n {
			if r == col {
				continue
			}
			f := m[r*2*n+col]
			for j := range 2 * n {
				m[r*2*n+j] -= f * m[col*2*n+j]
			}
		}
	}
	inv := make([]float64, n*n)
	for i := range n {
		copy(inv[i*n:(i+1)*n], m[i*2*n+n:(i+1)*2*n])
	}
	return inv
}

// refNoisyInverse returns (a^2 Sigma + b^2 I)^-1, the inverse covariance
// of x_t under the Gaussian.
func refNoisyInverse(cov []float64, n int, a, b float64) []float64 {
	s := make([]float64, n*n)
	for i := range s {
		s[i] = a * a * cov[i]
	}
	for i := range n {
		s[i*n+i] += b * b
	}
	return refInverse(s, n)
}

// refWienerFilter returns F_t = a^2 Sigma (a^2 Sigma + b^2 I)^-1.
func refWienerFilter(cov []float64, n int, a, b float64) []float64 {
	inv := refNoisyInverse(cov, n, a, b)
	f := make([]float64, n*n)
	for i := range n {
		for j := range n {
			for k := range n {
				f[i*n+j] += a * a * cov[i*n+k] * inv[k*n+j]
			}
		}
	}
	return f
}

// refWiener is the closed-form posterior mean of SPEC.md's Gaussian:
// mu + Sigma a (a^2 Sigma + b^2 I)^-1 (x - a mu).
func refWiener(d *dataset.Dataset, x []float64, t float64) []float64 {
	a, b := schedule.A(t), schedule.B(t)
	n := d.Size()
	mu, cov := refMeanCov(d)
	inv := refNoisyInverse(cov, n, a, b)
	r := make([]float64, n)
	for i := range n {
		for j := range n {
			r[i] += inv[i*n+j] * (x[j] - a*mu[j])
		}
	}
	out := append([]float64(nil), mu...)
	for i := range n {
		for j := range n {
			out[i] += a * cov[i*n+j] * r[j]
		}
	}
	return out
}

// refPCAWeights returns, for every output value p, the normalised weights
// w_p(i) of the PCA-locality machine, straight from SPEC.md's formulas.
func refPCAWeights(d *dataset.Dataset, x []float64, t, tau, temp float64) [][]float64 {
	a, b := schedule.A(t), schedule.B(t)
	n := d.Size()
	_, cov := refMeanCov(d)
	f := refWienerFilter(cov, n, a, b)
	g := make([]float64, n*n)
	gmax := 0.0
	for q := range n {
		dq := f[q*n+q]
		if math.Abs(dq) < 1e-6 {
			dq = 1
		}
		for p := range n {
			g[q*n+p] = f[q*n+p] / dq
			gmax = math.Max(gmax, math.Abs(g[q*n+p]))
		}
	}
	w := make([][]float64, n)
	for p := range n {
		logits := make([]float64, d.M)
		for i := range d.M {
			phi := d.Image(i)
			s := 0.0
			for q := range n {
				if math.Abs(g[q*n+p]) >= tau*gmax {
					s += (x[q] - a*phi[q]) * (x[q] - a*phi[q])
				}
			}
			logits[i] = -s / (2 * b * b * temp)
		}
		w[p] = refSoftmax(logits)
	}
	return w
}

// refSoftmax is the textbook log-sum-exp softmax.
func refSoftmax(l []float64) []float64 {
	mx := math.Inf(-1)
	for _, v := range l {
		mx = math.Max(mx, v)
	}
	sum := 0.0
	out := make([]float64, len(l))
	for i, v := range l {
		out[i] = math.Exp(v - mx)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// refPCA returns D of the PCA-locality machine.
func refPCA(d *dataset.Dataset, x []float64, t, tau, temp float64) []float64 {
	w := refPCAWeights(d, x, t, tau, temp)
	out := make([]float64, d.Size())
	for p := range out {
		for i, wi := range w[p] {
			out[p] += wi * d.Image(i)[p]
		}
	}
	return out
}

// smoothData returns m images of shape [c, h, w] that look a little like
// real ones: a few random blobs each, so that neighbouring pixels are
// correlated and the Wiener filter is local, plus a constant border that
// never varies (zero variance, as MNIST's).
func smoothData(m, c, h, w int, seed uint64) *dataset.Dataset {
	rng := rand.New(rand.NewPCG(seed, 7))
	d := &dataset.Dataset{Name: "smooth", M: m, C: c, H: h, W: w, Pixels: make([]float64, m*c*h*w), Labels: make([]int, m)}
	for i := range m {
		img := d.Image(i)
		for range 3 {
			cr, cc := 1+rng.Float64()*float64(h-2), 1+rng.Float64()*float64(w-2)
			amp := rng.Float64()*2 - 0.5
			for ch := range c {
				for r := 1; r < h-1; r++ {
					for col := 1; col < w-1; col++ {
						dr, dc := float64(r)-cr, float64(col)-cc
						img[(ch*h+r)*w+col] += amp * math.Exp(-(dr*dr+dc*dc)/3) * (1 - 0.3*float64(ch))
					}
				}
			}
		}
		for p := range img {
			img[p] = math.Max(-1, math.Min(1, img[p]-0.8))
			if r, col := (p/w)%h, p%w; r == 0 || col == 0 || r == h-1 || col == w-1 {
				img[p] = -1
			}
		}
		d.Labels[i] = i % 3
	}
	return d
}

func maxAbsDiff(a, b []float64) float64 {
	m := 0.0
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

func TestWienerMatchesClosedFormPosteriorMean(t *testing.T) {
	for _, tc := range []struct {
		name    string
		m, c, h int
	}{{"gray 6x6, M > n", 60, 1, 6}, {"gray 6x6, M < n", 12, 1, 6}, {"rgb 4x4", 40, 3, 4}} {
		d := smoothData(tc.m, tc.c, tc.h, tc.h, 3)
		m, err := New(d, Spec{Kind: Wiener})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(5, 5))
		for _, tt := range []float64{0.05, 0.3, 0.7, 0.95} {
			x := make([]float64, d.Size())
			for i := range x {
				x[i] = schedule.A(tt)*d.Image(1)[i] + schedule.B(tt)*rng.NormFloat64()
			}
			st, err := m.Step(context.Background(), x, tt, 0)
			if err != nil {
				t.Fatal(err)
			}
			if diff := maxAbsDiff(st.D, refWiener(d, x, tt)); diff > 1e-9 {
				t.Errorf("%s t=%v: Wiener differs from the closed form by %g", tc.name, tt, diff)
			}
		}
	}
}

func TestWienerScoreIsTheGaussianScore(t *testing.T) {
	// For Gaussian data N(mu, Sigma), x_t ~ N(a mu, a^2 Sigma + b^2 I) and its
	// exact score is -(a^2 Sigma + b^2 I)^-1 (x - a mu). SPEC.md's score of
	// the Wiener machine, -(x - a D)/b^2, must equal it.
	d := smoothData(50, 1, 5, 5, 11)
	m, _ := New(d, Spec{Kind: Wiener})
	mu, cov := refMeanCov(d)
	n := d.Size()
	for _, tt := range []float64{0.1, 0.5, 0.9} {
		a, b := schedule.A(tt), schedule.B(tt)
		x := make([]float64, n)
		for i := range x {
			x[i] = math.Sin(float64(i)) * 0.7
		}
		inv := refNoisyInverse(cov, n, a, b)
		st, err := m.Step(context.Background(), x, tt, 0)
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			want := 0.0
			for j := range n {
				want -= inv[i*n+j] * (x[j] - a*mu[j])
			}
			got := -(x[i] - a*st.D[i]) / (b * b)
			if math.Abs(got-want) > 1e-8*math.Max(1, math.Abs(want)) {
				t.Fatalf("t=%v value %d: score %v, Gaussian score %v", tt, i, got, want)
			}
		}
	}
}

func TestPCALocalityMatchesReference(t *testing.T) {
	for _, tc := range []struct {
		name      string
		m, c, h   int
		tau, temp float64
	}{
		{"gray 6x6 defaults", 50, 1, 6, 0, 0},
		{"gray 7x7 tau 0.1 temp 0.5", 30, 1, 7, 0.1, 0.5},
		{"rgb 4x4", 25, 3, 4, 0.05, 2},
		{"more images than a chunk", 300, 1, 5, 0, 0},
	} {
		d := smoothData(tc.m, tc.c, tc.h, tc.h, 21)
		m, err := New(d, Spec{Kind: PCALocality, Tau: tc.tau, Temperature: tc.temp})
		if err != nil {
			t.Fatal(err)
		}
		tau, temp := m.Spec().Tau, m.Spec().Temperature
		rng := rand.New(rand.NewPCG(9, 9))
		for _, tt := range []float64{0.05, 0.4, 0.9} {
			x := make([]float64, d.Size())
			for i := range x {
				x[i] = schedule.A(tt)*d.Image(2)[i] + schedule.B(tt)*rng.NormFloat64()
			}
			st, err := m.Step(context.Background(), x, tt, 0)
			if err != nil {
				t.Fatal(err)
			}
			if diff := maxAbsDiff(st.D, refPCA(d, x, tt, tau, temp)); diff > 1e-9 {
				t.Errorf("%s t=%v: PCA-locality differs from the reference by %g", tc.name, tt, diff)
			}
			// The weights of every output value sum to 1 and reproduce D.
			ref := refPCAWeights(d, x, tt, tau, temp)
			hw := d.H * d.W
			for _, p := range []int{0, hw / 2, hw - 1} {
				r, c := p/d.W, p%d.W
				src, val, err := m.Weights(x, tt, 0, r, c)
				if err != nil {
					t.Fatal(err)
				}
				sum := 0.0
				for i, s := range src {
					sum += s.Weight
					if s.Image != i || s.Row != r || s.Col != c {
						t.Fatalf("source %d is %+v", i, s)
					}
					want := 0.0
					for ch := range d.C {
						want += ref[ch*hw+p][i] / float64(d.C)
					}
					if math.Abs(s.Weight-want) > 1e-12 {
						t.Fatalf("%s pixel %d image %d: weight %v, reference %v", tc.name, p, i, s.Weight, want)
					}
				}
				if math.Abs(sum-1) > 1e-12 {
					t.Errorf("%s t=%v pixel %d: weights sum to %v", tc.name, tt, p, sum)
				}
				for ch := range d.C {
					if math.Abs(val[ch]-st.D[ch*hw+p]) > 1e-12 {
						t.Errorf("%s pixel %d channel %d: Weights value %v, Step %v", tc.name, p, ch, val[ch], st.D[ch*hw+p])
					}
				}
			}
			// The mosaic map names the heaviest image of each pixel.
			for p := range hw {
				h := st.Heaviest[p]
				best, bw := -1, -1.0
				for ch := range d.C {
					for i, w := range ref[ch*hw+p] {
						if w > bw+1e-12 {
							best, bw = i, w
						}
					}
				}
				if h.Image != best || math.Abs(h.Weight-bw) > 1e-9 {
					t.Fatalf("%s t=%v pixel %d: heaviest %+v, reference image %d weight %v", tc.name, tt, p, h, best, bw)
				}
			}
		}
	}
}

func TestPCALocalityNeighbourhoodGrowsWithNoise(t *testing.T) {
	d := smoothData(80, 1, 8, 8, 4)
	m, _ := New(d, Spec{Kind: PCALocality})
	count := func(tt float64) int {
		mask, err := m.Neighbourhood(context.Background(), tt, 0, 4, 4)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, in := range mask {
			if in {
				n++
			}
		}
		return n
	}
	early, late := count(0.05), count(0.95)
	if !(late > early) || early < 1 {
		t.Fatalf("the neighbourhood of the centre has %d values at t=0.05 and %d at t=0.95; it should grow with noise", early, late)
	}
	if _, err := m.Neighbourhood(context.Background(), 0.5, 0, 8, 0); err == nil {
		t.Fatal("a pixel outside the image was accepted")
	}
	w, _ := New(d, Spec{Kind: Wiener})
	if _, err := w.Neighbourhood(context.Background(), 0.5, 0, 1, 1); err == nil || !strings.Contains(err.Error(), "only the PCA-locality") {
		t.Fatalf("the Wiener machine answered a neighbourhood request with %v", err)
	}
}

func TestTheoriesApproachIdentityAsTGoesToZero(t *testing.T) {
	d := smoothData(40, 1, 6, 6, 8)
	for _, kind := range []Kind{Wiener, PCALocality} {
		m, _ := New(d, Spec{Kind: kind})
		tt := 1e-4
		x := make([]float64, d.Size())
		for i := range x {
			x[i] = schedule.A(tt) * d.Image(5)[i]
		}
		st, err := m.Step(context.Background(), x, tt, 0)
		if err != nil {
			t.Fatal(err)
		}
		if diff := maxAbsDiff(st.D, d.Image(5)); diff > 1e-3 {
			t.Errorf("%v at t=%v on a training image: D differs from it by %g", kind, tt, diff)
		}
	}
}

func TestFilterRowIsTheWienerFilter(t *testing.T) {
	d := smoothData(30, 2, 4, 4, 2)
	m, _ := New(d, Spec{Kind: Wiener})
	_, cov := refMeanCov(d)
	n := d.Size()
	tt := 0.35
	f := refWienerFilter(cov, n, schedule.A(tt), schedule.B(tt))
	row, err := m.FilterRow(context.Background(), tt, 1, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	p := (1*4+2)*4 + 3
	if diff := maxAbsDiff(row, f[p*n:(p+1)*n]); diff > 1e-10 {
		t.Fatalf("FilterRow differs from F_t by %g", diff)
	}
}

func TestTheoriesOnDegenerateData(t *testing.T) {
	one := smoothData(1, 1, 5, 5, 1)
	constant := smoothData(4, 1, 5, 5, 1)
	for i := 1; i < 4; i++ {
		copy(constant.Image(i), constant.Image(0))
	}
	x := make([]float64, 25)
	for i := range x {
		x[i] = math.Cos(float64(i))
	}
	for _, d := range []*dataset.Dataset{one, constant} {
		for _, kind := range []Kind{Wiener, PCALocality} {
			m, err := New(d, Spec{Kind: kind})
			if err != nil {
				t.Fatal(err)
			}
			st, err := m.Step(context.Background(), x, 0.5, 0)
			if err != nil {
				t.Fatalf("%v on %d identical images: %v", kind, d.M, err)
			}
			// Zero covariance: the Wiener machine answers the mean, and any
			// average of identical images is that image.
			if diff := maxAbsDiff(st.D, d.Image(0)); diff > 1e-12 {
				t.Errorf("%v on %d identical images: D differs from the image by %g", kind, d.M, diff)
			}
		}
	}
}

func TestSpecParametersAreChecked(t *testing.T) {
	d := smoothData(5, 1, 4, 4, 1)
	for _, s := range []Spec{{Kind: PCALocality, Tau: -0.1}, {Kind: PCALocality, Tau: 1.5}, {Kind: PCALocality, Temperature: -1}, {Kind: PCALocality, Temperature: math.Inf(1)}} {
		if _, err := New(d, s); err == nil {
			t.Errorf("spec %+v was accepted", s)
		}
	}
	m, err := New(d, Spec{Kind: PCALocality, Boundary: Circular})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Spec(); got.Tau != DefaultTau || got.Temperature != DefaultTemperature || got.Boundary != Zeros {
		t.Fatalf("normalised spec %+v", got)
	}
	if got := (Spec{Kind: PCALocality, Tau: 0.05}).String(); got != "PCA-locality (tau 0.05)" {
		t.Fatalf("String() = %q", got)
	}
	for _, name := range []string{"wiener", "pca-locality", "PCA"} {
		if _, err := ParseKind(name); err != nil {
			t.Errorf("ParseKind(%q): %v", name, err)
		}
	}
}
