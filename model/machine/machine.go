package machine

import (
	"context"
	"fmt"

	"mosaic/model/dataset"
	"mosaic/model/schedule"
)

// Source is one (training image, centre pixel) pair and its weight: the
// answer to "where did this pixel come from".
type Source struct {
	// Image is the index mu of the training image in the machine's data.
	Image int
	// Row and Col are the centre q of the training patch.
	Row, Col int
	// Weight is the normalised softmax weight w_p(mu, q).
	Weight float64
}

// Step is the result of one evaluation of the denoiser on a whole image.
type Step struct {
	// D is the denoised estimate D(x, t), shape [C, H, W].
	D []float64
	// Heaviest holds, for every pixel (row-major, H*W entries), the source
	// with the largest weight: the mosaic map of SPEC.md's attribution.
	Heaviest []Source
	// Effective holds, for every pixel, the effective number of contributing
	// patches exp(-sum w log w).
	Effective []float64
}

// engine evaluates one denoising step. Implementations must agree with the
// plain reference in the tests to 1e-5.
type engine interface {
	// step fills out (whose slices are allocated by the caller) for the
	// noisy image x at signal scale a and noise scale b with patch size k.
	step(ctx context.Context, x []float64, a, b float64, k int, out *Step) error
	// pixel returns the normalised weights of every candidate of pixel
	// (r, c), in candidate order, and the denoised value of the pixel.
	pixel(x []float64, a, b float64, k, r, c int) ([]Source, []float64, error)
}

// newLocalEngine builds the production engine of a local machine: the
// box-sum engine of fast.go, whose vector kernels (pure Go or AVX2) are
// chosen at run time (kernel.go). It is a variable so that the choice of
// implementation stays in one place.
var newLocalEngine = func(d *dataset.Dataset, r Rule) engine { return newFastEngine(d, r) }

// attributer is implemented by engines that can summarise one pixel's
// weights without listing every candidate.
type attributer interface {
	attribute(x []float64, a, b float64, k, r, c, topK int, labels []int) *Attribution
}

// Machine is a score machine bound to one training set.
type Machine struct {
	spec Spec
	rule Rule
	data *dataset.Dataset
	eng  engine
	net  *networkEngine // for Network machines (eng is nil)
}

// New binds a machine to a training set. The data must already be
// restricted to the wanted class (class-conditioning restricts the training
// set, SPEC.md) and must hold at least one image.
func New(data *dataset.Dataset, spec Spec) (*Machine, error) {
	if data == nil || data.M == 0 {
		return nil, fmt.Errorf("machine %v: the training set is empty", spec)
	}
	if len(data.Pixels) != data.M*data.Size() {
		return nil, fmt.Errorf("machine %v: training set %q has %d values for shape [%d,%d,%d,%d]", spec, data.Name, len(data.Pixels), data.M, data.C, data.H, data.W)
	}
	if err := spec.Check(); err != nil {
		return nil, err
	}
	spec = spec.Normalized()
	m := &Machine{spec: spec, data: data}
	switch spec.Kind {
	case IS:
		m.eng = newIdealEngine(data)
	case Wiener:
		m.eng = newWienerEngine(data)
	case PCALocality:
		m.eng = newPCAEngine(data, spec.Tau, spec.Temperature)
	case Network:
		return nil, fmt.Errorf("a network machine is made with NewNetwork from a loaded network, not from a training set")
	case LS, ELS:
		r, err := RuleFor(spec)
		if err != nil {
			return nil, err
		}
		m.rule = r
		m.eng = newLocalEngine(data, r)
	default:
		return nil, fmt.Errorf("unknown machine kind %d", int(spec.Kind))
	}
	return m, nil
}

// Prepare does the one-time work a machine needs before its first step, so
// that a caller can show its progress (fraction done, 0 to 1, called on the
// calling goroutine) instead of a silent first step: the covariance and its
// eigendecomposition for Wiener and PCA-locality. It returns at once when
// there is nothing to do or the work is cached; steps call it themselves.
func (m *Machine) Prepare(ctx context.Context, progress func(float64)) error {
	if p, ok := m.eng.(preparer); ok {
		return p.prepare(ctx, progress)
	}
	return nil
}

// preparer is implemented by engines with one-time work (Prepare).
type preparer interface {
	prepare(ctx context.Context, progress func(float64)) error
}

// Spec returns the machine's kind and boundary.
func (m *Machine) Spec() Spec { return m.spec }

// Data returns the training set the machine copies from.
func (m *Machine) Data() *dataset.Dataset { return m.data }

// CheckPatch reports whether patch size k can be used with this machine on
// its image size. The machines without patches (IS, Wiener, PCA-locality)
// ignore k.
func (m *Machine) CheckPatch(k int) error {
	if !m.spec.Kind.HasPatch() {
		return nil
	}
	if err := checkPatch(k, m.data.H, m.data.W, m.rule); err != nil {
		return fmt.Errorf("%v: %w", m.spec, err)
	}
	return nil
}

// CheckSchedule checks every entry of a schedule that the sampler will use
// (entries 1 .. N-1).
func (m *Machine) CheckSchedule(k schedule.Patch) error {
	for i := 1; i < len(k); i++ {
		if err := m.CheckPatch(k[i]); err != nil {
			return fmt.Errorf("step %d: %w", i, err)
		}
	}
	return nil
}

func (m *Machine) checkInput(x []float64, t float64) error {
	if len(x) != m.data.Size() {
		return fmt.Errorf("image has %d values but the training images are [%d,%d,%d] (%d values)", len(x), m.data.C, m.data.H, m.data.W, m.data.Size())
	}
	if !(t > 0 && t <= 1) {
		return fmt.Errorf("time t = %v is outside (0, 1]: the denoiser is defined only where there is noise", t)
	}
	return nil
}

// Step evaluates the denoiser at time t with patch size k for the noisy
// image x ([C, H, W]) and returns D with its per-pixel by-products.
func (m *Machine) Step(ctx context.Context, x []float64, t float64, k int) (*Step, error) {
	if err := m.checkInput(x, t); err != nil {
		return nil, err
	}
	if err := m.CheckPatch(k); err != nil {
		return nil, err
	}
	hw := m.data.H * m.data.W
	out := &Step{D: make([]float64, len(x)), Heaviest: make([]Source, hw), Effective: make([]float64, hw)}
	if m.net != nil {
		if err := m.net.step(ctx, x, t, out); err != nil {
			return nil, err
		}
		return out, nil
	}
	if err := m.eng.step(ctx, x, schedule.A(t), schedule.B(t), k, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Weights returns the normalised weight of every candidate (mu, q) of pixel
// (r, c) at time t with patch size k, in candidate order (image-major), and
// the denoised value of that pixel (a C-vector). For IS, every image is one
// candidate at position (r, c).
func (m *Machine) Weights(x []float64, t float64, k, r, c int) ([]Source, []float64, error) {
	if err := m.checkPixel(x, t, k, r, c); err != nil {
		return nil, nil, err
	}
	if m.net != nil {
		return nil, nil, ErrNoWeights
	}
	return m.eng.pixel(x, schedule.A(t), schedule.B(t), k, r, c)
}

func (m *Machine) checkPixel(x []float64, t float64, k, r, c int) error {
	if err := m.checkInput(x, t); err != nil {
		return err
	}
	if err := m.CheckPatch(k); err != nil {
		return err
	}
	if r < 0 || r >= m.data.H || c < 0 || c >= m.data.W {
		return fmt.Errorf("pixel (%d, %d) is outside the %dx%d image", r, c, m.data.H, m.data.W)
	}
	return nil
}

// Pairs returns the number of (pixel, candidate) pairs one evaluation of
// the denoiser with patch size k weighs, a candidate being one training
// image at one centre: M times the sum over pixels of |S(p)|. It is the
// unit of work of the engines (the benchmarks report time per pair).
func (m *Machine) Pairs(k int) int64 {
	d := m.data
	switch m.spec.Kind {
	case IS, PCALocality:
		return int64(d.M) * int64(d.H*d.W)
	case Wiener, Network:
		return 0
	}
	mm := k / 2
	var rows, cols int64
	for r := range d.H {
		rows += int64(len(AxisCandidates(r, d.H, mm, m.rule.Candidates)))
	}
	for c := range d.W {
		cols += int64(len(AxisCandidates(c, d.W, mm, m.rule.Candidates)))
	}
	return int64(d.M) * rows * cols
}
