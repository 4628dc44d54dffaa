package machine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"mosaic/model/dataset"
	"mosaic/model/schedule"
)

// localTol is the tolerance of the hand-worked and invariance checks of the
// local machines: the production (fast) engine keeps the training set and
// the per-pair sums in float32, so it agrees with exact values to ~1e-7,
// not to the last float64 bit.
const localTol = 1e-6

// allSpecs lists every machine and boundary the package offers.
func allSpecs() []Spec {
	var out []Spec
	out = append(out, Spec{Kind: IS, Boundary: Zeros})
	for _, k := range []Kind{LS, ELS} {
		for _, b := range []Boundary{Zeros, Circular, Reflect} {
			out = append(out, Spec{Kind: k, Boundary: b})
		}
	}
	return out
}

func mustMachine(t *testing.T, d *dataset.Dataset, s Spec) *Machine {
	t.Helper()
	m, err := New(d, s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestHandWorkedCases checks values worked out on paper.
func TestHandWorkedCases(t *testing.T) {
	tt := 0.5
	a, b := schedule.A(tt), schedule.B(tt)
	T := 2 * b * b

	// IS with two 1x1x2 images phi1 = (1, 0), phi2 = (0, 1) and x = (1, 0):
	// d1 = (1-a)^2, d2 = 1 + a^2, w1 = 1 / (1 + exp(-(d2-d1)/T)).
	d := &dataset.Dataset{Name: "two", M: 2, C: 1, H: 1, W: 2, Pixels: []float64{1, 0, 0, 1}}
	step, err := mustMachine(t, d, Spec{Kind: IS, Boundary: Zeros}).Step(context.Background(), []float64{1, 0}, tt, 1)
	if err != nil {
		t.Fatal(err)
	}
	d1, d2 := (1-a)*(1-a), 1+a*a
	w1 := 1 / (1 + math.Exp(-(d2-d1)/T))
	if math.Abs(step.D[0]-w1) > 1e-12 || math.Abs(step.D[1]-(1-w1)) > 1e-12 {
		t.Errorf("IS D = %v, want (%v, %v)", step.D, w1, 1-w1)
	}

	// ELS (zeros) with k = 1 on a 1x2 image: m = 0, so every position is
	// interior and each pixel copies from both positions of the one image
	// phi = (0, 1). For x = (0.2, 0.9): pixel 0 weights exp(-(0.2)^2/T) on
	// value 0 and exp(-(0.2-a)^2/T) on value 1.
	d = &dataset.Dataset{Name: "one", M: 1, C: 1, H: 1, W: 2, Pixels: []float64{0, 1}}
	x := []float64{0.2, 0.9}
	step, err = mustMachine(t, d, Spec{Kind: ELS, Boundary: Zeros}).Step(context.Background(), x, tt, 1)
	if err != nil {
		t.Fatal(err)
	}
	for p, xv := range x {
		e0, e1 := math.Exp(-xv*xv/T), math.Exp(-(xv-a)*(xv-a)/T)
		want := e1 / (e0 + e1)
		if math.Abs(step.D[p]-want) > localTol {
			t.Errorf("ELS k=1 pixel %d: D = %v, want %v", p, step.D[p], want)
		}
		wEff := math.Exp(-(e0/(e0+e1))*math.Log(e0/(e0+e1)) - want*math.Log(want))
		if math.Abs(step.Effective[p]-wEff) > localTol {
			t.Errorf("effective = %v, want %v", step.Effective[p], wEff)
		}
	}
	// LS (zeros) k = 1 copies only the same position: D = phi exactly.
	step, _ = mustMachine(t, d, Spec{Kind: LS, Boundary: Zeros}).Step(context.Background(), x, tt, 1)
	if step.D[0] != 0 || step.D[1] != 1 {
		t.Errorf("LS k=1 with one image: D = %v, want (0, 1)", step.D)
	}

	// LS (zeros) k = 3 on a 1x2 image with phi^1 = (1, 0), phi^2 = (0, 1),
	// x = (1, 0), pixel 0: the patches are rows (0, x0, x1) against
	// (0, a phi0, a phi1), so the distances are d1 = (1-a)^2 and
	// d2 = 1 + a^2 as for IS, and D[0] = w1*1 + w2*0.
	d = &dataset.Dataset{Name: "two", M: 2, C: 1, H: 1, W: 2, Pixels: []float64{1, 0, 0, 1}}
	step, _ = mustMachine(t, d, Spec{Kind: LS, Boundary: Zeros}).Step(context.Background(), []float64{1, 0}, tt, 3)
	if math.Abs(step.D[0]-w1) > localTol {
		t.Errorf("LS k=3 pixel 0: %v, want %v", step.D[0], w1)
	}
}

// engineCase is one implementation under test with its tolerance: the
// direct engine computes in float64 and must agree to 1e-9; the fast engine
// keeps the training set and the per-pair sums in float32 and the distances
// in scaled integers, once per kernel path: 1e-4 on these random cases (see
// TestRealDataWithinBriefTolerance for why, and for the brief's 1e-5 on
// real data).
type engineCase struct {
	name   string
	kernel string // "" for the direct engine
	tol    float64
}

func engineCases() []engineCase {
	out := []engineCase{{"direct", "", 1e-9}}
	for _, k := range Kernels() {
		out = append(out, engineCase{"fast/" + k, k, 1e-4})
	}
	return out
}

// use installs the engine of case ec into m.
func (ec engineCase) use(t *testing.T, m *Machine) {
	t.Helper()
	if m.spec.Kind == IS {
		return
	}
	if ec.kernel == "" {
		m.eng = newDirectEngine(m.data, m.rule)
		return
	}
	if err := SetKernel(ec.kernel); err != nil {
		t.Fatal(err)
	}
	m.eng = newFastEngine(m.data, m.rule)
}

// TestProductionMatchesReference compares every engine and kernel path with
// the plain reference on small random cases, for every machine, boundary and
// a range of patch sizes including k >= H, k = 1 and C = 3.
func TestProductionMatchesReference(t *testing.T) {
	defer SetKernel(Kernels()[len(Kernels())-1])
	for _, ec := range engineCases() {
		t.Run(ec.name, func(t *testing.T) { testMatchesReference(t, ec) })
	}
}

func testMatchesReference(t *testing.T, ec engineCase) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := []struct{ m, c, h, w int }{{4, 1, 6, 5}, {3, 2, 5, 7}, {2, 3, 4, 4}, {11, 1, 7, 6}}
	tol := ec.tol
	worst := 0.0
	defer func() { t.Logf("%s: largest |D - reference| = %.2g", ec.name, worst) }()
	for _, sh := range shapes {
		d := randomData(rng, sh.m, sh.c, sh.h, sh.w, 2)
		for _, s := range allSpecs() {
			m := mustMachine(t, d, s)
			ec.use(t, m)
			for _, k := range []int{1, 3, 5, 7, 9} {
				if m.CheckPatch(k) != nil {
					continue
				}
				for _, tt := range []float64{0.05, 0.5, 0.95} {
					x := randomImage(rng, d.Size())
					for i := range x {
						x[i] = schedule.A(tt)*d.Pixels[i] + schedule.B(tt)*x[i]
					}
					name := fmt.Sprintf("%v/%dx%dx%d/k=%d/t=%v", s, sh.c, sh.h, sh.w, k, tt)
					got, err := m.Step(context.Background(), x, tt, k)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					want := refDenoise(d, s.Kind, s.Boundary, x, schedule.A(tt), schedule.B(tt), k)
					for i := range want {
						worst = max(worst, math.Abs(got.D[i]-want[i]))
						if math.Abs(got.D[i]-want[i]) > tol {
							t.Fatalf("%s: D[%d] = %v, reference %v", name, i, got.D[i], want[i])
						}
					}
					// The by-products agree with the reference weights.
					r, c := rng.IntN(d.H), rng.IntN(d.W)
					ref := refWeights(d, s.Kind, s.Boundary, x, schedule.A(tt), schedule.B(tt), k, r, c)
					at, err := m.Attribute(x, tt, k, r, c, 3)
					if err != nil {
						t.Fatal(err)
					}
					if at.Candidates != len(ref) {
						t.Fatalf("%s: %d candidates, reference %d", name, at.Candidates, len(ref))
					}
					h, best := refEntropy(ref)
					if math.Abs(at.Effective-math.Exp(h)) > tol*math.Exp(h) {
						t.Fatalf("%s: effective %v, reference %v", name, at.Effective, math.Exp(h))
					}
					if e := got.Effective[r*d.W+c]; math.Abs(e-math.Exp(h)) > tol*math.Exp(h) {
						t.Fatalf("%s: step effective %v, reference %v", name, e, math.Exp(h))
					}
					if hv := got.Heaviest[r*d.W+c]; math.Abs(hv.Weight-best.Weight) > tol {
						t.Fatalf("%s: heaviest %+v, reference %+v", name, hv, best)
					}
					topTol := 1e-12
					if ec.kernel != "" {
						topTol = tol
					}
					if math.Abs(at.Top[0].Weight-best.Weight) > topTol {
						t.Fatalf("%s: top %+v, reference %+v", name, at.Top[0], best)
					}
					for cc := range d.C {
						if math.Abs(at.Value[cc]-want[cc*d.H*d.W+r*d.W+c]) > tol {
							t.Fatalf("%s: attribution value %v, reference %v", name, at.Value, want[cc*d.H*d.W+r*d.W+c])
						}
					}
					// Weights lists the same candidates as the reference.
					ws, _, err := m.Weights(x, tt, k, r, c)
					if err != nil {
						t.Fatal(err)
					}
					for i := range ws {
						if ws[i].Image != ref[i].Image || ws[i].Row != ref[i].Row || ws[i].Col != ref[i].Col || math.Abs(ws[i].Weight-ref[i].Weight) > tol {
							t.Fatalf("%s: weight %d = %+v, reference %+v", name, i, ws[i], ref[i])
						}
					}
				}
			}
		}
	}
}

func TestWeightsSumToOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	d := randomData(rng, 5, 1, 6, 6, 1)
	x := randomImage(rng, d.Size())
	for _, s := range allSpecs() {
		m := mustMachine(t, d, s)
		for _, k := range []int{1, 3, 5} {
			for _, p := range [][2]int{{0, 0}, {2, 3}, {5, 1}} {
				w, _, err := m.Weights(x, 0.3, k, p[0], p[1])
				if err != nil {
					t.Fatal(err)
				}
				sum := 0.0
				for _, s := range w {
					if s.Weight < 0 {
						t.Fatalf("negative weight %v", s)
					}
					sum += s.Weight
				}
				if math.Abs(sum-1) > 1e-12 {
					t.Errorf("%v k=%d p=%v: weights sum to %v", s, k, p, sum)
				}
			}
		}
	}
}

func TestIdealAtSmallTimeIsNearestTrainingImage(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	d := randomData(rng, 8, 1, 4, 4, 1)
	m := mustMachine(t, d, Spec{Kind: IS, Boundary: Zeros})
	for trial := range 5 {
		x := randomImage(rng, d.Size())
		tt := 0.02
		a := schedule.A(tt)
		best, bestDist := -1, math.Inf(1)
		for mu := range d.M {
			s := 0.0
			for i, v := range x {
				s += (v - a*d.Image(mu)[i]) * (v - a*d.Image(mu)[i])
			}
			if s < bestDist {
				best, bestDist = mu, s
			}
		}
		step, err := m.Step(context.Background(), x, tt, 1)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range step.D {
			if math.Abs(v-d.Image(best)[i]) > 1e-9 {
				t.Fatalf("trial %d: D differs from nearest image %d at %d: %v vs %v", trial, best, i, v, d.Image(best)[i])
			}
		}
		if step.Heaviest[0].Image != best {
			t.Errorf("heaviest image %d, want %d", step.Heaviest[0].Image, best)
		}
	}
}

func TestLSEqualsBoundaryBrokenELSWhenPatchCoversImage(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	d := randomData(rng, 4, 2, 5, 5, 1)
	ls, els := mustMachine(t, d, Spec{Kind: LS, Boundary: Zeros}), mustMachine(t, d, Spec{Kind: ELS, Boundary: Zeros})
	x := randomImage(rng, d.Size())
	for _, k := range []int{5, 7, 11} {
		a, _ := ls.Step(context.Background(), x, 0.4, k)
		b, _ := els.Step(context.Background(), x, 0.4, k)
		for i := range a.D {
			if math.Abs(a.D[i]-b.D[i]) > 1e-12 {
				t.Fatalf("k=%d: LS %v != ELS %v at %d", k, a.D[i], b.D[i], i)
			}
		}
	}
	// And they differ for small k, so the test above can fail.
	a, _ := ls.Step(context.Background(), x, 0.4, 3)
	b, _ := els.Step(context.Background(), x, 0.4, 3)
	if math.Abs(a.D[12]-b.D[12]) < 1e-6 {
		t.Error("LS and ELS agree at the centre pixel for k=3; expected them to differ")
	}
}

func TestCircularELSCommutesWithShifts(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	d := randomData(rng, 3, 2, 6, 7, 1)
	m := mustMachine(t, d, Spec{Kind: ELS, Boundary: Circular})
	x := randomImage(rng, d.Size())
	shift := func(img []float64, dr, dc int) []float64 {
		out := make([]float64, len(img))
		for c := range d.C {
			for r := range d.H {
				for col := range d.W {
					out[c*d.H*d.W+((r+dr)%d.H)*d.W+(col+dc)%d.W] = img[c*d.H*d.W+r*d.W+col]
				}
			}
		}
		return out
	}
	for _, k := range []int{1, 3, 5} {
		base, _ := m.Step(context.Background(), x, 0.6, k)
		for _, sh := range [][2]int{{1, 0}, {0, 3}, {4, 5}} {
			got, _ := m.Step(context.Background(), shift(x, sh[0], sh[1]), 0.6, k)
			want := shift(base.D, sh[0], sh[1])
			for i := range want {
				if math.Abs(got.D[i]-want[i]) > localTol {
					t.Fatalf("k=%d shift %v: D(shift x) != shift D(x) at %d: %v vs %v", k, sh, i, got.D[i], want[i])
				}
			}
		}
	}
}

func TestOneImageTrainingSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	d := randomData(rng, 1, 1, 6, 6, 1)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range d.Pixels {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	x := randomImage(rng, d.Size())
	for _, s := range allSpecs() {
		m := mustMachine(t, d, s)
		for _, k := range []int{1, 3, 5} {
			step, err := m.Step(context.Background(), x, 0.5, k)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range step.D {
				switch s.Kind {
				case IS, LS:
					if math.Abs(v-d.Pixels[i]) > localTol {
						t.Fatalf("%v k=%d: D[%d] = %v, want the image's %v", s, k, i, v, d.Pixels[i])
					}
				case ELS:
					if v < lo-localTol || v > hi+localTol {
						t.Fatalf("%v k=%d: D[%d] = %v outside [%v, %v]", s, k, i, v, lo, hi)
					}
				}
			}
		}
	}
}

func TestBadInputIsAnErrorNotAPanic(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	d := randomData(rng, 2, 1, 4, 4, 1)
	els := mustMachine(t, d, Spec{Kind: ELS, Boundary: Circular})
	x := randomImage(rng, d.Size())
	if _, err := els.Step(context.Background(), x, 0.5, 4); !errors.Is(err, ErrPatchSize) || !strings.Contains(err.Error(), "odd") {
		t.Errorf("even k: %v", err)
	}
	if _, err := els.Step(context.Background(), x, 0.5, 5); !errors.Is(err, ErrPatchSize) || !strings.Contains(err.Error(), "patch size 5 is larger than the 4x4 image") || !strings.Contains(err.Error(), "k <= 4") {
		t.Errorf("k > H for circular ELS: %v", err)
	}
	if _, err := els.Step(context.Background(), x[:3], 0.5, 3); err == nil {
		t.Error("wrong image size accepted")
	}
	if _, err := els.Step(context.Background(), x, 0, 3); err == nil {
		t.Error("t = 0 accepted")
	}
	if _, _, err := els.Weights(x, 0.5, 3, 4, 0); err == nil {
		t.Error("pixel outside accepted")
	}
	if _, err := New(&dataset.Dataset{Name: "empty"}, Spec{Kind: ELS, Boundary: Zeros}); err == nil {
		t.Error("empty training set accepted")
	}
	zeros := mustMachine(t, d, Spec{Kind: ELS, Boundary: Zeros})
	if _, err := zeros.Step(context.Background(), x, 0.5, 9); err != nil {
		t.Errorf("k > H is allowed for zeros (it becomes LS): %v", err)
	}
}

func TestCancellation(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	d := randomData(rng, 3, 1, 8, 8, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, s := range allSpecs() {
		if _, err := mustMachine(t, d, s).Step(ctx, randomImage(rng, d.Size()), 0.5, 3); err == nil {
			t.Errorf("%v: cancelled step returned no error", s)
		}
	}
}

func TestPadIndexMatchesReference(t *testing.T) {
	for n := 1; n <= 5; n++ {
		for i := -12; i < 12; i++ {
			if got, want := PadIndex(i, n, PadReflect), refReflect(i, n); got != want {
				t.Errorf("reflect(%d, %d) = %d, want %d", i, n, got, want)
			}
		}
	}
	// numpy.pad([a b c d], 2, 'reflect') = [c b a b c d c b]
	for i, want := range []int{2, 1, 0, 1, 2, 3, 2, 1} {
		if got := PadIndex(i-2, 4, PadReflect); got != want {
			t.Errorf("reflect index %d = %d, want %d", i-2, got, want)
		}
	}
	if PadIndex(-1, 4, PadCircular) != 3 || PadIndex(4, 4, PadZeros) != -1 {
		t.Error("circular/zeros padding")
	}
}

func TestTopSourcesOrdersHeaviestFirst(t *testing.T) {
	src := []Source{{0, 0, 0, 0.1}, {1, 0, 0, 0.5}, {2, 0, 0, 0.2}, {3, 0, 0, 0.2}}
	top := topSources(src, 3)
	if len(top) != 3 || top[0].Image != 1 || top[1].Image != 2 || top[2].Image != 3 {
		t.Errorf("top = %+v", top)
	}
}

// TestStepIsDeterministic checks that a step gives bit-identical results
// whatever the number of workers (the sampler and re-runs rely on it).
func TestStepIsDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	d := randomData(rng, 40, 1, 9, 9, 1)
	x := randomImage(rng, d.Size())
	for _, s := range allSpecs() {
		m := mustMachine(t, d, s)
		want, err := m.Step(context.Background(), x, 0.3, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, procs := range []int{1, 3} {
			old := runtime.GOMAXPROCS(procs)
			got, err := m.Step(context.Background(), x, 0.3, 3)
			runtime.GOMAXPROCS(old)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want.D {
				if got.D[i] != want.D[i] || got.Effective[i] != want.Effective[i] {
					t.Fatalf("%v with %d workers: D[%d] = %v, was %v", s, procs, i, got.D[i], want.D[i])
				}
			}
		}
	}
}

// TestReusedBuffersChangeNothing checks that a machine which has already
// run steps, and reuses their softmax states and workers (some of them
// made for a bigger patch than the step needs, some left by a cancelled
// step), gives bit for bit what a fresh machine gives.
func TestReusedBuffersChangeNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	d := randomData(rng, 600, 1, 9, 9, 2) // two chunks of images
	type call struct {
		t float64
		k int
		x []float64
	}
	var calls []call
	for _, c := range []call{{t: 0.6, k: 7}, {t: 0.2, k: 3}, {t: 0.05, k: 5}, {t: 0.9, k: 9}} {
		c.x = randomImage(rng, d.Size())
		calls = append(calls, c)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	ctx := context.Background()
	for _, s := range allSpecs() {
		used := mustMachine(t, d, s)
		for i, c := range calls {
			if i == 2 {
				if _, err := used.Step(cancelled, c.x, c.t, c.k); err == nil {
					t.Fatalf("%v: cancelled step returned no error", s)
				}
			}
			got, err := used.Step(ctx, c.x, c.t, c.k)
			if err != nil {
				t.Fatal(err)
			}
			want, err := mustMachine(t, d, s).Step(ctx, c.x, c.t, c.k)
			if err != nil {
				t.Fatal(err)
			}
			for p := range want.D {
				if got.D[p] != want.D[p] || got.Effective[p] != want.Effective[p] {
					t.Fatalf("%v, step %d (k = %d): D[%d] = %v, effective %v; a fresh machine gives %v, %v",
						s, i, c.k, p, got.D[p], got.Effective[p], want.D[p], want.Effective[p])
				}
			}
			for p := range want.Heaviest {
				if got.Heaviest[p] != want.Heaviest[p] {
					t.Fatalf("%v, step %d (k = %d): heaviest source of pixel %d = %+v; a fresh machine gives %+v",
						s, i, c.k, p, got.Heaviest[p], want.Heaviest[p])
				}
			}
		}
	}
}

func TestSortHelpersOrderHeaviestFirstWithStableTies(t *testing.T) {
	iw := []ImageWeight{{Image: 4, Weight: 0.2}, {Image: 1, Weight: 0.5}, {Image: 2, Weight: 0.2}}
	SortImageWeights(iw)
	if iw[0].Image != 1 || iw[1].Image != 2 || iw[2].Image != 4 {
		t.Errorf("SortImageWeights: %+v", iw)
	}
	src := []Source{{Image: 3, Row: 1, Col: 0, Weight: 0.1}, {Image: 3, Row: 0, Col: 2, Weight: 0.1}, {Image: 9, Weight: 0.7}}
	SortSources(src)
	if src[0].Image != 9 || src[1].Row != 0 || src[2].Row != 1 {
		t.Errorf("SortSources: %+v", src)
	}
}

// TestManyChunksMatchReference runs the fast engine on a training set of
// three chunks (M = 1,100: two full chunks and one of 76 images padded
// with padLogit lanes), so that the softmax states of several chunks are
// merged and the padding lanes are weighed, against the plain reference:
// D everywhere, and the effective number and the heaviest candidate of
// one pixel, on every kernel path.
func TestManyChunksMatchReference(t *testing.T) {
	defer SetKernel(Kernels()[len(Kernels())-1])
	rng := rand.New(rand.NewPCG(5, 6))
	const m = 1100
	if m <= 2*chunkLanes {
		t.Fatalf("M = %d does not make three chunks of %d", m, chunkLanes)
	}
	d := randomData(rng, m, 1, 6, 6, 2)
	specs := []Spec{{Kind: ELS, Boundary: Zeros}, {Kind: ELS, Boundary: Circular}, {Kind: LS, Boundary: Zeros}}
	for _, kn := range Kernels() {
		ec := engineCase{name: "fast/" + kn, kernel: kn, tol: 1e-4}
		for _, s := range specs {
			mc := mustMachine(t, d, s)
			ec.use(t, mc)
			for _, k := range []int{3, 5} {
				for _, tt := range []float64{0.1, 0.7} {
					x := randomImage(rng, d.Size())
					for i := range x {
						x[i] = schedule.A(tt)*d.Pixels[(m-1)*d.Size()+i] + schedule.B(tt)*x[i] // near the last chunk's image
					}
					name := fmt.Sprintf("%s/%v/k=%d/t=%v", kn, s, k, tt)
					got, err := mc.Step(context.Background(), x, tt, k)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					want := refDenoise(d, s.Kind, s.Boundary, x, schedule.A(tt), schedule.B(tt), k)
					for i := range want {
						if math.Abs(got.D[i]-want[i]) > ec.tol {
							t.Fatalf("%s: D[%d] = %v, reference %v", name, i, got.D[i], want[i])
						}
					}
					r, c := rng.IntN(d.H), rng.IntN(d.W)
					ref := refWeights(d, s.Kind, s.Boundary, x, schedule.A(tt), schedule.B(tt), k, r, c)
					h, best := refEntropy(ref)
					if e := got.Effective[r*d.W+c]; math.Abs(e-math.Exp(h)) > ec.tol*math.Exp(h) {
						t.Fatalf("%s: effective %v, reference %v", name, e, math.Exp(h))
					}
					if hv := got.Heaviest[r*d.W+c]; math.Abs(hv.Weight-best.Weight) > ec.tol || (best.Weight > 0.5 && hv.Image != best.Image) {
						t.Fatalf("%s: heaviest %+v, reference %+v", name, hv, best)
					}
				}
			}
		}
	}
}

// TestMaxWorkers: a step limited to one goroutine gives the bits of a step
// on every core (the items' states are merged in item order), and the
// limit bounds the workers.
func TestMaxWorkers(t *testing.T) {
	defer SetMaxWorkers(0)
	rng := rand.New(rand.NewPCG(7, 8))
	d := randomData(rng, 40, 1, 9, 9, 1)
	mc := mustMachine(t, d, Spec{Kind: ELS, Boundary: Zeros})
	x := randomImage(rng, d.Size())
	steps := make([]*Step, 2)
	for i, n := range []int{1, 0} {
		SetMaxWorkers(n)
		if got, want := workers(16), map[int]int{1: 1, 0: min(16, runtime.GOMAXPROCS(0))}[n]; got != want {
			t.Fatalf("SetMaxWorkers(%d): %d workers for 16 items, want %d", n, got, want)
		}
		s, err := mc.Step(context.Background(), x, 0.3, 5)
		if err != nil {
			t.Fatal(err)
		}
		steps[i] = s
	}
	for i := range steps[0].D {
		if steps[0].D[i] != steps[1].D[i] || steps[0].Effective[i] != steps[1].Effective[i] || steps[0].Heaviest[i] != steps[1].Heaviest[i] {
			t.Fatalf("pixel %d: one worker %v, every core %v", i, steps[0].D[i], steps[1].D[i])
		}
	}
}
