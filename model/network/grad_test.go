package network

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The gradients of backward.go and resnet_train.go against central finite
// differences of float64 reference implementations written here from the
// layers' definitions (naive loops, no im2col). In float64 a step of 1e-5
// gives differences accurate to about 1e-9, far below the float32
// rounding of the gradients under test, and too small a step to cross a
// ReLU kink in practice.

const fdStep = 1e-5

// refConv is a 'same' convolution in float64: x [n, cin, h, w] plus
// add[i, ci] inside the image (nil for none), zero or circular padding.
func refConv(x, add, wt, b []float64, n, cin, cout, k, h, w int, circular bool) []float64 {
	p := (k - 1) / 2
	out := make([]float64, n*cout*h*w)
	for i := range n {
		for co := range cout {
			for y := range h {
				for xx := range w {
					s := 0.0
					if b != nil {
						s = b[co]
					}
					for ci := range cin {
						for dy := range k {
							for dx := range k {
								sy, sx := y+dy-p, xx+dx-p
								if sy < 0 || sy >= h || sx < 0 || sx >= w {
									if !circular {
										continue
									}
									sy, sx = mod(sy, h), mod(sx, w)
								}
								v := x[((i*cin+ci)*h+sy)*w+sx]
								if add != nil {
									v += add[i*cin+ci]
								}
								s += wt[((co*cin+ci)*k+dy)*k+dx] * v
							}
						}
					}
					out[((i*cout+co)*h+y)*w+xx] = s
				}
			}
		}
	}
	return out
}

// refGroupNorm is GroupNorm in float64 on x [n, c, hw] (w, b nil: not
// affine).
func refGroupNorm(x, wt, b []float64, n, c, groups, hw int, eps float64) []float64 {
	out := make([]float64, len(x))
	cpg := c / groups
	for i := range n {
		for g := range groups {
			v := x[(i*c+g*cpg)*hw : (i*c+(g+1)*cpg)*hw]
			mean, ss := 0.0, 0.0
			for _, a := range v {
				mean += a
			}
			mean /= float64(len(v))
			for _, a := range v {
				ss += (a - mean) * (a - mean)
			}
			inv := 1 / math.Sqrt(ss/float64(len(v))+eps)
			for j, a := range v {
				ch := g*cpg + j/hw
				y := (a - mean) * inv
				if wt != nil {
					y = y*wt[ch] + b[ch]
				}
				out[(i*c+g*cpg)*hw+j] = y
			}
		}
	}
	return out
}

func refLinear(x, wt, b []float64, n, in, out int) []float64 {
	y := make([]float64, n*out)
	for i := range n {
		for o := range out {
			s := 0.0
			if b != nil {
				s = b[o]
			}
			for j := range in {
				s += wt[o*in+j] * x[i*in+j]
			}
			y[i*out+o] = s
		}
	}
	return y
}

func refRelu(x []float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = max(v, 0)
	}
	return out
}

// refResNet is the MinimalResNet's forward pass in float64 from the
// tensors by name (nil entries: absent biases).
func refResNet(cfg Config, p map[string][]float64, x []float64, n, h, w int, t []float64, class []int) []float64 {
	e, C, hw := cfg.EmbDim, cfg.Channels, h*w
	circ := cfg.Mode == "circular"
	d := e / 2
	emb := make([]float64, n*e)
	for i := range n {
		for j := range d {
			arg := float64(float32(t[i]) / float32(math.Pow(10000, float64(float32(j)/float32(d-1)))))
			emb[i*e+j] = math.Sin(arg)
			emb[i*e+d+j] = math.Cos(arg)
		}
		if cfg.Conditional {
			for j := range e {
				emb[i*e+j] += p["embedding.class_embeddings.weight"][class[i]*e+j]
			}
		}
	}
	mlp := func(k int) []float64 {
		pre := fmt.Sprintf("embs.%d", k)
		v := refLinear(emb, p[pre+".0.weight"], p[pre+".0.bias"], n, e, e)
		return refRelu(refGroupNorm(v, p[pre+".1.weight"], p[pre+".1.bias"], n, e, 8, 1, 1e-5))
	}
	s := refConv(x, nil, p["up_projection.weight"], p["up_projection.bias"], n, C, e, cfg.KernelSize, h, w, circ)
	for l := range cfg.NumLayers {
		pre := fmt.Sprintf("convs.%d", l)
		z := refConv(s, mlp(l), p[pre+".0.weight"], p[pre+".0.bias"], n, e, e, cfg.KernelSize, h, w, circ)
		if cfg.Normalization != "" {
			z = refGroupNorm(z, p[pre+".1.weight"], p[pre+".1.bias"], n, e, 8, hw, 1e-5)
		}
		for j, v := range refRelu(z) {
			s[j] += v
		}
	}
	if cfg.addOne() {
		a := mlp(cfg.NumLayers)
		for j := range s {
			s[j] += a[j/hw]
		}
	} else {
		for j := range s {
			s[j] *= 2
		}
	}
	down := "down_projection"
	if cfg.Normalization != "" {
		s = refGroupNorm(s, p["down_projection.0.weight"], p["down_projection.0.bias"], n, e, 8, hw, 1e-5)
		down = "down_projection.1"
	}
	return refConv(s, nil, p[down+".weight"], p[down+".bias"], n, e, C, cfg.LastKSize, h, w, circ)
}

func to64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, a := range v {
		out[i] = float64(a)
	}
	return out
}

func dot64(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// fdCheck compares the gradient got (float32, from a backward pass) with
// central differences of f at the sampled entries of v (a float64 copy of
// the tensor that f reads). The tolerance is relative to the largest
// finite difference of the tensor: |got - fd| <= tol * (|fd| + 0.01*scale).
func fdCheck(t *testing.T, name string, v []float64, got []float32, f func() float64, rng *rand.Rand, samples int, tol float64) {
	t.Helper()
	idx := make([]int, 0, samples)
	if len(v) <= samples {
		for i := range v {
			idx = append(idx, i)
		}
	} else {
		for range samples {
			idx = append(idx, rng.IntN(len(v)))
		}
	}
	fd := make([]float64, len(idx))
	scale := 0.0
	for j, i := range idx {
		old := v[i]
		v[i] = old + fdStep
		fp := f()
		v[i] = old - fdStep
		fm := f()
		v[i] = old
		fd[j] = (fp - fm) / (2 * fdStep)
		scale = max(scale, math.Abs(fd[j]))
	}
	for j, i := range idx {
		g := float64(got[i])
		if d := math.Abs(g - fd[j]); d > tol*(math.Abs(fd[j])+0.01*scale)+1e-9 {
			t.Errorf("%s[%d]: gradient %.8g, finite difference %.8g (difference %.3g, tensor scale %.3g)", name, i, g, fd[j], d, scale)
		}
	}
}

// TestConvGradient checks a convolution's weight, bias, input and add
// gradients for both paddings, odd and even kernels, the direct 1x1 path and
// images large enough to be worked in several bands, on every kernel path.
func TestConvGradient(t *testing.T) {
	type tc struct {
		cin, cout, k, h, w int
		add, bias          bool
	}
	cases := []tc{
		{1, 4, 3, 5, 6, false, true},   // up-projection
		{4, 4, 3, 6, 5, true, true},    // hidden layer
		{5, 3, 5, 4, 7, true, false},   // kernel larger than the image rows' half
		{4, 2, 1, 5, 5, false, true},   // direct 1x1
		{3, 2, 1, 4, 4, true, true},    // 1x1 with an add: im2col path
		{2, 3, 2, 5, 4, true, true},    // even kernel: padding (k-1)/2 before
		{16, 4, 3, 20, 40, true, true}, // several bands of rows
	}
	eachKernel(t, func(t *testing.T) {
		for _, circ := range []bool{false, true} {
			for ci, c := range cases {
				name := fmt.Sprintf("case%d/circular=%v", ci, circ)
				rng := newRand(uint64(10 + ci))
				n := 3
				cv := &conv2d{cout: c.cout, cin: c.cin, k: c.k, circular: circ, w: randSlice(rng, c.cout*c.cin*c.k*c.k)}
				if c.bias {
					cv.b = randSlice(rng, c.cout)
				}
				x := randSlice(rng, n*c.cin*c.h*c.w)
				var add []float32
				if c.add {
					add = randSlice(rng, n*c.cin)
				}
				R := randSlice(rng, n*c.cout*c.h*c.w)
				// Backward pass in float32.
				r := newRun()
				gw := make([]float32, len(cv.w))
				gb := make([]float32, c.cout)
				dx := make([]float32, len(x))
				dadd := make([]float32, n*c.cin)
				cv.backward(r, newTrainScratch(r), x, add, R, n, c.h, c.w, gw, gb, dx, dadd)
				r.release()
				// The forward pass itself agrees with the reference.
				r = newRun()
				out := cv.forward(r, x, n, c.h, c.w, convOpt{add: add})
				r.release()
				w64, x64, b64, add64, R64 := to64(cv.w), to64(x), []float64(nil), []float64(nil), to64(R)
				if cv.b != nil {
					b64 = to64(cv.b)
				}
				if add != nil {
					add64 = to64(add)
				}
				ref := refConv(x64, add64, w64, b64, n, c.cin, c.cout, c.k, c.h, c.w, circ)
				for i := range ref {
					if math.Abs(float64(out[i])-ref[i]) > 1e-5*(1+math.Abs(ref[i])) {
						t.Fatalf("%s: forward[%d] = %v, reference %v", name, i, out[i], ref[i])
					}
				}
				f := func() float64 {
					return dot64(refConv(x64, add64, w64, b64, n, c.cin, c.cout, c.k, c.h, c.w, circ), R64)
				}
				samples := 40
				if c.h*c.w > 100 {
					samples = 10 // the reference is slow on the banded case
				}
				fdCheck(t, name+"/weight", w64, gw, f, rng, samples, 1e-4)
				if b64 != nil {
					fdCheck(t, name+"/bias", b64, gb, f, rng, samples, 1e-4)
				}
				// The input gradient is with respect to x + add, which is
				// the gradient with respect to x.
				fdCheck(t, name+"/input", x64, dx, f, rng, samples, 1e-4)
				if add64 != nil {
					fdCheck(t, name+"/add", add64, dadd, f, rng, samples, 1e-4)
				}
			}
		}
	})
}

// TestGroupNormGradient checks GroupNorm's input, scale and shift
// gradients, on images and on vectors (the embedding MLPs' hw = 1).
func TestGroupNormGradient(t *testing.T) {
	for _, c := range []struct{ ch, groups, hw int }{{16, 8, 12}, {8, 8, 5}, {32, 8, 1}, {16, 8, 1}} {
		name := fmt.Sprintf("C%d/G%d/hw%d", c.ch, c.groups, c.hw)
		rng := newRand(uint64(c.ch*100 + c.hw))
		n := 3
		g := &groupNorm{groups: c.groups, channels: c.ch, eps: 1e-5, w: randSlice(rng, c.ch), b: randSlice(rng, c.ch)}
		x := randSlice(rng, n*c.ch*c.hw)
		R := randSlice(rng, len(x))
		gw, gb := make([]float32, c.ch), make([]float32, c.ch)
		r := newRun()
		dx := g.backward(r, x, R, n, c.hw, gw, gb)
		out := append([]float32(nil), x...)
		g.forward(r, out, n, c.hw)
		r.release()
		x64, w64, b64, R64 := to64(x), to64(g.w), to64(g.b), to64(R)
		ref := refGroupNorm(x64, w64, b64, n, c.ch, c.groups, c.hw, 1e-5)
		for i := range ref {
			if math.Abs(float64(out[i])-ref[i]) > 1e-5*(1+math.Abs(ref[i])) {
				t.Fatalf("%s: forward[%d] = %v, reference %v", name, i, out[i], ref[i])
			}
		}
		f := func() float64 { return dot64(refGroupNorm(x64, w64, b64, n, c.ch, c.groups, c.hw, 1e-5), R64) }
		fdCheck(t, name+"/input", x64, dx, f, rng, 60, 1e-4)
		fdCheck(t, name+"/weight", w64, gw, f, rng, 60, 1e-4)
		fdCheck(t, name+"/bias", b64, gb, f, rng, 60, 1e-4)
	}
}

// TestLinearGradient checks the Linear's input, weight and bias gradients.
func TestLinearGradient(t *testing.T) {
	rng := newRand(7)
	n, in, out := 4, 12, 8
	l := &linear{out: out, in: in, w: randSlice(rng, out*in), b: randSlice(rng, out)}
	x := randSlice(rng, n*in)
	R := randSlice(rng, n*out)
	gw, gb := make([]float32, out*in), make([]float32, out)
	dx := l.backward(x, R, n, gw, gb)
	x64, w64, b64, R64 := to64(x), to64(l.w), to64(l.b), to64(R)
	f := func() float64 { return dot64(refLinear(x64, w64, b64, n, in, out), R64) }
	fdCheck(t, "input", x64, dx, f, rng, 100, 1e-4)
	fdCheck(t, "weight", w64, gw, f, rng, 100, 1e-4)
	fdCheck(t, "bias", b64, gb, f, rng, 100, 1e-4)
}

// tinyConfigs are the whole-network gradient checks: both paddings,
// conditional and not, with and without GroupNorm, with and without
// add_one, a 3x3 last kernel.
func tinyConfigs() []Config {
	no := false
	return []Config{
		{Arch: "resnet", Channels: 1, EmbDim: 16, NumLayers: 2, Mode: "zeros"},
		{Arch: "resnet", Channels: 1, EmbDim: 16, NumLayers: 2, Mode: "circular"},
		{Arch: "resnet", Channels: 2, EmbDim: 16, NumLayers: 2, Mode: "zeros", Normalization: "GroupNorm", Conditional: true, NumClasses: 3},
		{Arch: "resnet", Channels: 1, EmbDim: 16, NumLayers: 3, Mode: "circular", Normalization: "GroupNorm", Conditional: true, NumClasses: 2, LastKSize: 3},
		{Arch: "resnet", Channels: 1, EmbDim: 8, NumLayers: 1, Mode: "zeros", AddOne: &no, KernelSize: 5},
	}
}

func cfgName(c Config) string {
	s := fmt.Sprintf("E%d_L%d_%s", c.EmbDim, c.NumLayers, c.Mode)
	if c.Normalization != "" {
		s += "_gn"
	}
	if c.Conditional {
		s += "_cond"
	}
	if !c.addOne() {
		s += "_noaddone"
	}
	return s
}

// randomizeNet perturbs every tensor (GroupNorm scales and shifts too, so
// that their gradients are exercised away from 1 and 0).
func randomizeNet(n *Net, rng *rand.Rand) {
	for _, p := range n.params {
		if len(p.Shape) == 1 {
			for i := range p.Data {
				p.Data[i] += 0.3 * (2*rng.Float32() - 1)
			}
		}
	}
}

// TestResNetGradient checks the gradient of sum(R * eps(x)) with respect to
// every tensor of tiny ResNets against finite differences of the float64
// reference network, and that the forward pass with caching equals Eps
// exactly.
func TestResNetGradient(t *testing.T) {
	eachKernel(t, func(t *testing.T) {
		for ci, cfg := range tinyConfigs() {
			t.Run(cfgName(cfg), func(t *testing.T) {
				net, err := NewRandom(cfg, uint64(ci+1))
				if err != nil {
					t.Fatal(err)
				}
				rng := newRand(uint64(100 + ci))
				randomizeNet(net, rng)
				nImg, h, w := 3, 6, 5
				C := net.cfg.Channels
				x := randSlice(rng, nImg*C*h*w)
				ts := []float64{0.1, 0.5, 0.93}
				var class []int
				if cfg.Conditional {
					class = []int{1, 0, cfg.NumClasses - 1}
				}
				R := randSlice(rng, len(x))
				e, err := net.embed(nImg, ts, class)
				if err != nil {
					t.Fatal(err)
				}
				r := newRun()
				c := net.resnetForwardCache(r, x, e, nImg, h, w)
				c.class = class
				g, err := net.zeroLike()
				if err != nil {
					t.Fatal(err)
				}
				net.resnetBackward(r, newTrainScratch(r), c, R, g)
				r.release()

				eps, err := net.Eps(context.Background(), x, nImg, h, w, ts, class)
				if err != nil {
					t.Fatal(err)
				}
				for i := range eps {
					if eps[i] != c.out[i] {
						t.Fatalf("forward with caching [%d] = %v, Eps %v", i, c.out[i], eps[i])
					}
				}
				p64 := map[string][]float64{}
				for _, p := range net.params {
					p64[p.Name] = to64(p.Data)
				}
				x64, R64 := to64(x), to64(R)
				ref := refResNet(net.cfg, p64, x64, nImg, h, w, ts, class)
				for i := range ref {
					if math.Abs(float64(eps[i])-ref[i]) > 1e-4*(1+math.Abs(ref[i])) {
						t.Fatalf("Eps[%d] = %v, float64 reference %v", i, eps[i], ref[i])
					}
				}
				f := func() float64 { return dot64(refResNet(net.cfg, p64, x64, nImg, h, w, ts, class), R64) }
				for i, p := range net.params {
					fdCheck(t, p.Name, p64[p.Name], g.params[i].Data, f, rng, 6, 2e-3)
				}
			})
		}
	})
}
