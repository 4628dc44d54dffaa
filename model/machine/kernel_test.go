package machine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestKernelsAgree checks every kernel path against the pure-Go kernels on
// random vectors, including lanes far below the skip threshold. Lengths are
// multiples of 8 for AVX2 and of 16 (kernelLanes, what the engine uses) for
// every path.
func TestKernelsAgree(t *testing.T) {
	reportKernels(t)
	rng := rand.New(rand.NewPCG(31, 32))
	f32 := func(n int, scale float32) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = scale * (2*rng.Float32() - 1)
		}
		return v
	}
	close32 := func(a, b, tol float32) bool { return math.Abs(float64(a-b)) <= float64(tol)*(1+math.Abs(float64(b))) }
	for _, name := range Kernels()[1:] {
		k, _ := lookupKernel(name)
		g := goKernels
		sizes := []int{16, 48, 64, 256, 512 + 48, 1024 + 48}
		if name == "avx2" {
			sizes = append(sizes, 8, 24)
		}
		for _, n := range sizes {
			i32 := func(n int) []int32 {
				v := make([]int32, n)
				for i := range v {
					v[i] = rng.Int32N(1 << 28)
				}
				return v
			}
			// Squares of scaled differences up to ~2^26: the float32
			// rounding of FMA versus multiply-then-subtract may move the
			// integer by a few units.
			pn, po := f32(n, 1), f32(n, 1)
			v1 := i32(n)
			v2 := append([]int32(nil), v1...)
			g.vupd(v1, pn, po, 3000, -7000, 900)
			k.vupd(v2, pn, po, 3000, -7000, 900)
			g.vadd(v1, pn, 1100, 5000)
			k.vadd(v2, pn, 1100, 5000)
			for i := range v1 {
				if d := v1[i] - v2[i]; d > 64 || d < -64 {
					t.Fatalf("%s vupd/vadd n=%d: lane %d %v vs %v", name, n, i, v2[i], v1[i])
				}
			}
			// The row kernels compute exactly what one call per column does.
			for _, kk := range []kernels{g, k} {
				nc := 3
				rp, ro := f32(nc*n, 1), f32(nc*n, 1)
				xn, xo := f32(nc, 3000), f32(nc, 3000)
				r1 := i32(nc * n)
				r2 := append([]int32(nil), r1...)
				kk.vupdRow(r1, rp, ro, xn, xo, 900, n)
				kk.vaddRow(r1, ro, xo, 900, n)
				for j := range nc {
					s := j * n
					kk.vupd(r2[s:s+n], rp[s:s+n], ro[s:s+n], xn[j], xo[j], 900)
					kk.vadd(r2[s:s+n], ro[s:s+n], xo[j], 900)
				}
				for i := range r1 {
					if r1[i] != r2[i] {
						t.Fatalf("%s vupdRow/vaddRow n=%d: lane %d %v vs %v", kk.name, n, i, r1[i], r2[i])
					}
				}
			}
			vs := i32(5 * n)
			d1, d2 := make([]int32, n), make([]int32, n)
			g.vsum(d1, vs, 5)
			k.vsum(d2, vs, 5)
			for i := range d1 {
				if d1[i] != d2[i] {
					t.Fatalf("%s vsum: %v vs %v", name, d2[i], d1[i])
				}
			}
			ds1, vin, vout := i32(n), i32(n), i32(n)
			ds2 := append([]int32(nil), ds1...)
			bias := make([]float32, n)
			bias[n-1] = padLogit
			l1, l2 := make([]float32, n), make([]float32, n)
			m1 := g.hstep(l1, ds1, vin, vout, 12345, -3.7e-6, bias)
			m2 := k.hstep(l2, ds2, vin, vout, 12345, -3.7e-6, bias)
			if m1 != m2 {
				t.Fatalf("%s hstep max %v vs %v", name, m2, m1)
			}
			for i := range l1 {
				if l1[i] != l2[i] || ds1[i] != ds2[i] {
					t.Fatalf("%s hstep lane %d: %v vs %v", name, i, l2[i], l1[i])
				}
			}
			// Logits spread over [-80, 0] so that some blocks are skipped.
			l := f32(n, 40)
			for i := range l {
				l[i] -= 40
				if i/8%3 == 1 {
					l[i] -= 100
				}
				if i%11 == 5 {
					l[i] = padLogit
				}
			}
			// expacc also takes -Inf (expdot and hexp take finite logits).
			lInf := append([]float32(nil), l...)
			for i := range lInf {
				if i%11 == 5 {
					lInf[i] = float32(math.Inf(-1))
				}
			}
			v := f32(n, 1)
			e1, e2 := make([]float32, n), make([]float32, n)
			a0, a1 := g.expacc(lInf, 0, skipLogit, e1)
			b0, b1 := k.expacc(lInf, 0, skipLogit, e2)
			if !close32(a0, b0, 1e-6) || !close32(a1, b1, 1e-6) {
				t.Fatalf("%s expacc: (%v, %v) vs (%v, %v)", name, b0, b1, a0, a1)
			}
			for i := range e1 {
				if !close32(e1[i], e2[i], 1e-6) {
					t.Fatalf("%s expacc lane %d (l=%v): %v vs %v", name, i, l[i], e2[i], e1[i])
				}
				// The lanes below the threshold are zeroed exactly (away
				// from the threshold itself, where rounding may differ).
				if (e1[i] == 0) != (e2[i] == 0) && math.Abs(float64(l[i]+skipLogit)) > 1e-4 {
					t.Fatalf("%s expacc lane %d (l=%v): %v vs %v (one zeroed)", name, i, l[i], e2[i], e1[i])
				}
			}
			if !close32(g.dot(e1, v), k.dot(e1, v), 1e-6) {
				t.Fatalf("%s dot", name)
			}
			// index finds the first equal lane (a repeated value, the
			// last lane, -0 for 0) or reports -1.
			iv := f32(n, 1)
			iv[n-1], iv[n/2], iv[n/3] = 0.25, 0.25, float32(math.Copysign(0, -1))
			for _, x := range []float32{iv[0], iv[7], 0.25, 0, iv[n-2], 7} {
				if a, b := g.index(iv, x), k.index(iv, x); a != b {
					t.Fatalf("%s index(%v) = %d, want %d", name, x, b, a)
				}
			}
			if i := k.index(iv, 0.25); i != n/3 && i != n/2 {
				t.Fatalf("%s index(0.25) = %d, want the first of %d and %d", name, i, n/3, n/2)
			}
			// hexp is hstep followed by expdot at max(mx, lmax), or
			// nothing below the threshold.
			// The second case has every third vector of 16 lanes about 55
			// below the others: skipped by the mask at mx = 0.5, and
			// tested again (and skipped) after the raise from mx = -20.
			far := make([]int32, n)
			for i := range far {
				far[i] = rng.Int32N(1 << 24)
				if i/16%3 == 1 {
					far[i] += 1 << 28
				}
			}
			zin := make([]int32, n)
			for _, hc := range []struct {
				ds, in, out []int32
				s           float32
				mxs         []float32
			}{{ds1, vin, vout, -1e-7, []float32{-60, 0.5, 30, 80}}, {far, zin, zin, -2e-7, []float32{-20, 0.5}}} {
				for _, mx := range hc.mxs {
					for _, kk := range []kernels{g, k} {
						dsA := append([]int32(nil), hc.ds...)
						dsB := append([]int32(nil), hc.ds...)
						lA, lB := make([]float32, n), make([]float32, n)
						ht := kk.hstep(lA, dsA, hc.in, hc.out, 12345, hc.s, bias)
						hm, h0, h1, h2 := kk.hexp(lB, dsB, hc.in, hc.out, 12345, hc.s, bias, mx, skipLogit, v)
						if hm != ht {
							t.Fatalf("%s hexp max %v vs %v", kk.name, hm, ht)
						}
						for i := range lA {
							if lA[i] != lB[i] || dsA[i] != dsB[i] {
								t.Fatalf("%s hexp lane %d", kk.name, i)
							}
						}
						var w0, w1, w2 float32
						if ht >= mx-skipLogit {
							w0, w1, w2 = kk.expdot(lA, max(mx, ht), skipLogit, v)
						}
						if h0 != w0 || h1 != w1 || h2 != w2 {
							t.Fatalf("%s hexp mx=%v: (%v, %v, %v) vs (%v, %v, %v)", kk.name, mx, h0, h1, h2, w0, w1, w2)
						}
					}
				}
			}
			c0, c1, c2 := g.expdot(l, 0, skipLogit, v)
			f0, f1, f2 := k.expdot(l, 0, skipLogit, v)
			if !close32(c0, f0, 1e-6) || !close32(c1, f1, 1e-6) || !close32(c2, f2, 1e-6) {
				t.Fatalf("%s expdot: (%v, %v, %v) vs (%v, %v, %v)", name, f0, f1, f2, c0, c1, c2)
			}
		}
	}
}

// TestExp32 checks the pure-Go kernels' exponential against math.Exp over
// the range the kernels use it on.
func TestExp32(t *testing.T) {
	worst := 0.0
	for i := 0; i <= 870000; i++ {
		d := float32(-float64(i) * 1e-4)
		got, want := float64(exp32(d)), math.Exp(float64(d))
		worst = max(worst, math.Abs(got-want)/want)
	}
	if worst > 3e-7 {
		t.Fatalf("exp32: largest relative error %.3g, want <= 3e-7", worst)
	}
	if exp32(0) != 1 {
		t.Fatalf("exp32(0) = %v", exp32(0))
	}
	t.Logf("exp32: largest relative error %.3g on [-87, 0]", worst)
}

// reportKernels logs the kernel paths this machine runs and, for each one it
// cannot run, why it is skipped.
func reportKernels(t *testing.T) {
	t.Helper()
	for _, name := range []string{"go", "avx2", "avx512"} {
		if _, err := lookupKernel(name); err != nil {
			t.Logf("kernel %s: skipped: %v", name, err)
		} else {
			t.Logf("kernel %s: tested", name)
		}
	}
}

// TestHexpRowAgrees checks every path's row kernel against hexp and index
// pixel by pixel (hexpRowWith) on the same path, bit for bit: rows of 1 to
// 32 pixels, windows k = 1 to 15, maxima that make pixels exit early,
// raise and keep their maximum, and best logits that are and are not
// beaten; without and with the fused vertical update (of no pixel, some
// and all), whose column sums it also compares.
func TestHexpRowAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, name := range Kernels() {
		kn, _ := lookupKernel(name)
		for _, L := range []int{16, 48, 256} {
			for _, k := range []int{1, 3, 15} {
				for _, n := range []int{1, 5, 32} {
					for _, fuse := range [][2]int{{0, 0}, {min(1, n-1), max(1, n-1)}, {0, n}} {
						hexpRowCase(t, rng, &kn, L, k, n, fuse[0], fuse[1])
					}
				}
			}
		}
	}
}

// hexpRowCase is one case of TestHexpRowAgrees: a row of n pixels, window
// k, L lanes, with the fused update of pixels [f0, f1).
func hexpRowCase(t *testing.T, rng *rand.Rand, kn *kernels, L, k, n, f0, f1 int) {
	t.Helper()
	name := kn.name
	vv := make([]int32, (n+k-1)*L)
	for i := range vv {
		vv[i] = rng.Int32N(1 << 22)
		if i/L%3 == 1 && i%L/16%2 == 0 {
			vv[i] += 1 << 24 // far columns, so that vectors are skipped
		}
	}
	f := f1 - f0
	pn, po, xn, xo := make([]float32, f*L), make([]float32, f*L), make([]float32, f), make([]float32, f)
	for i := range pn {
		pn[i], po[i] = 40*rng.Float32(), 40*rng.Float32()
	}
	for i := range xn {
		xn[i], xo[i] = 40*rng.Float32(), 40*rng.Float32()
	}
	mk := func() *hexpRowOp {
		op := &hexpRowOp{dst: make([]float32, L), dsum: make([]int32, L), vv: slices.Clone(vv),
			zero: make([]int32, L), off: make([]int32, n), mx: make([]float32, n), best: make([]float32, n),
			v: make([]float32, n*L), bias: make([]float32, L), out: make([]rowOut, n), k: k, s: -2e-6, skip: skipLogit,
			f0: f0, f1: f1, pn: pn, po: po, xn: xn, xo: xo, a: 1.25}
		op.bias[L-1] = padLogit
		return op
	}
	a, b := mk(), mk()
	for i := range n {
		a.off[i] = rng.Int32N(1 << 24)
		a.mx[i] = []float32{-200, -30, 0, 5, 80}[i%5]
		a.best[i] = []float32{-1e30, 1e30, -50}[i%3]
	}
	for i := range a.v {
		a.v[i] = 2*rng.Float32() - 1
	}
	for i := range a.dsum {
		a.dsum[i] = rng.Int32N(1 << 24)
	}
	dsum0 := slices.Clone(a.dsum)
	copy(b.off, a.off)
	copy(b.mx, a.mx)
	copy(b.best, a.best)
	copy(b.v, a.v)
	copy(b.dsum, a.dsum)
	kn.runHexpRow(a)
	hexpRowWith(kn, b)
	where := fmt.Sprintf("%s L=%d k=%d n=%d fused [%d, %d)", name, L, k, n, f0, f1)
	for i := range n {
		if a.out[i] != b.out[i] {
			t.Fatalf("%s pixel %d: %+v, pixel by pixel %+v", where, i, a.out[i], b.out[i])
		}
	}
	for i := range a.dsum {
		if a.dsum[i] != b.dsum[i] {
			t.Fatalf("%s: window lane %d %d, pixel by pixel %d", where, i, a.dsum[i], b.dsum[i])
		}
	}
	for i := range a.vv {
		if a.vv[i] != b.vv[i] {
			t.Fatalf("%s: column sum %d lane %d %d, pixel by pixel %d", where, i/L, i%L, a.vv[i], b.vv[i])
		}
	}
	idx, early := 0, 0
	for _, o := range a.out {
		if o.idx >= 0 {
			idx++
		}
		if o.s0 == 0 {
			early++
		}
	}
	if n == 32 && f == 0 && (idx == 0 || idx == n || early == 0 || early == n) {
		t.Fatalf("%s: %d of %d pixels beat their best and %d exit early: the cases are not all covered", where, idx, n, early)
	}
	if f == 0 {
		return
	}
	// The fused update is vupd of each fused column: done first, the row
	// without it gives the same pixels and column sums.
	c := mk()
	c.f0, c.f1 = 0, 0
	for j := range f {
		col := c.vv[(f0+j+k-1)*L : (f0+j+k)*L]
		kn.vupd(col, pn[j*L:(j+1)*L], po[j*L:(j+1)*L], xn[j], xo[j], c.a)
	}
	copy(c.off, a.off)
	copy(c.mx, a.mx)
	copy(c.best, a.best)
	copy(c.v, a.v)
	copy(c.dsum, dsum0)
	kn.runHexpRow(c)
	if !slices.Equal(c.out, a.out) || !slices.Equal(c.vv, a.vv) {
		t.Fatalf("%s: the fused row differs from vupd, then the row", where)
	}
	if slices.Equal(vv, a.vv) {
		t.Fatalf("%s: the fused update changed no column sum", where)
	}
}
