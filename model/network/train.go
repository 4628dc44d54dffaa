package network

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"mosaic/model/schedule"
)

// TrainOptions are the settings of a Trainer. Zero values take the
// defaults.
type TrainOptions struct {
	// Batch is the number of images per step (default 64).
	Batch int
	// LR is Adam's learning rate (default 1e-3).
	LR float64
	// Beta1, Beta2 and Eps are Adam's constants (PyTorch's defaults 0.9,
	// 0.999 and 1e-8).
	Beta1, Beta2, Eps float64
	// Seed fixes the batch order, the times and the noise.
	Seed uint64
	// LRDecay, when not 0 or 1, multiplies the learning rate by LRDecay
	// after every step (PyTorch's ExponentialLR stepped per batch, as in the
	// authors' training code): step s (counted from 0) uses LR*LRDecay^s.
	LRDecay float64
}

// DefaultLR is the learning rate when TrainOptions.LR is zero.
const DefaultLR = 1e-3

// DefaultBatch is the batch size when TrainOptions.Batch is zero.
const DefaultBatch = 64

func (o *TrainOptions) fill() error {
	if o.Batch == 0 {
		o.Batch = DefaultBatch
	}
	if o.LR == 0 {
		o.LR = DefaultLR
	}
	if o.Beta1 == 0 {
		o.Beta1 = 0.9
	}
	if o.Beta2 == 0 {
		o.Beta2 = 0.999
	}
	if o.Eps == 0 {
		o.Eps = 1e-8
	}
	switch {
	case o.Batch < 1 || o.Batch > 1<<16:
		return fmt.Errorf("batch %d out of range (1 to 65536)", o.Batch)
	case !(o.LR > 0) || math.IsInf(o.LR, 0):
		return fmt.Errorf("learning rate %v must be a positive number", o.LR)
	case !(o.Beta1 >= 0 && o.Beta1 < 1) || !(o.Beta2 >= 0 && o.Beta2 < 1):
		return fmt.Errorf("Adam betas %v, %v must lie in [0, 1)", o.Beta1, o.Beta2)
	case !(o.Eps > 0):
		return fmt.Errorf("Adam eps %v must be positive", o.Eps)
	case !(o.LRDecay >= 0 && o.LRDecay <= 1):
		return fmt.Errorf("learning rate decay %v must lie in (0, 1]", o.LRDecay)
	}
	if o.LRDecay == 0 {
		o.LRDecay = 1
	}
	return nil
}

// A Trainer trains a MinimalResNet to predict the noise of the paper's
// diffusion: at each step it draws a batch of training images x0, a time t
// uniform in (0, 1] and standard normal noise eta per image, forms
// x_t = a(t) x0 + b(t) eta with the cosine schedule of SPEC.md, and takes
// one Adam step on the mean squared error between the network's
// prediction and eta (the loss of the authors' training code).
//
// Everything random is a function of the seed and the step number: the
// batches walk through a fresh permutation of the images each epoch
// (permutation e drawn from PCG(seed, e)) and the times and noise of step
// s come from PCG(seed, s). Reductions run in a fixed order (backward.go).
// So a run is reproducible for a given seed and GEMM kernel, whatever the
// number of cores, and a run resumed from a checkpoint with its optimizer
// state (SaveState, LoadState) continues exactly as the uninterrupted run.
//
// The Trainer updates its network's weights in place: the network must not
// be used by other goroutines while Step runs.
type Trainer struct {
	net, grad *Net
	opt       TrainOptions
	data      []float32
	m, h, w   int
	labels    []int
	step      int
	adamM     [][]float32
	adamV     [][]float32
	perms     map[int][]int
}

// NewTrainer returns a trainer of net on m images ([m, C, h, w] float32
// values in [-1, 1], row-major) with their labels (needed by conditional
// networks, else ignored; may be nil). The images are used, not copied.
func NewTrainer(net *Net, images []float32, m, h, w int, labels []int, opt TrainOptions) (*Trainer, error) {
	if net.cfg.Arch != "resnet" {
		return nil, fmt.Errorf("train: only MinimalResNet can be trained (not %s) yet", archName(net.cfg.Arch))
	}
	if err := opt.fill(); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if m < 1 {
		return nil, fmt.Errorf("train: no training images")
	}
	if err := net.Check(net.cfg.Channels, h, w); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if len(images) != m*net.cfg.Channels*h*w {
		return nil, fmt.Errorf("train: %d values for %d images of %dx%dx%d", len(images), m, net.cfg.Channels, h, w)
	}
	if net.cfg.Conditional {
		if len(labels) != m {
			return nil, fmt.Errorf("train: a conditional network needs a label per image (%d labels for %d images)", len(labels), m)
		}
		for i, l := range labels {
			if l < 0 || l >= net.cfg.NumClasses {
				return nil, fmt.Errorf("train: image %d has label %d, outside the network's %d classes", i, l, net.cfg.NumClasses)
			}
		}
	} else {
		labels = nil
	}
	g, err := net.zeroLike()
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	tr := &Trainer{net: net, grad: g, opt: opt, data: images, m: m, h: h, w: w, labels: labels, perms: map[int][]int{}}
	tr.adamM = make([][]float32, len(net.params))
	tr.adamV = make([][]float32, len(net.params))
	for i, p := range net.params {
		tr.adamM[i] = make([]float32, len(p.Data))
		tr.adamV[i] = make([]float32, len(p.Data))
	}
	return tr, nil
}

// Net returns the network being trained (its weights change with each
// Step).
func (tr *Trainer) Net() *Net { return tr.net }

// Steps returns the number of steps taken (counting those before a resumed
// optimizer state).
func (tr *Trainer) Steps() int { return tr.step }

// Options returns the trainer's settings with the defaults filled in.
func (tr *Trainer) Options() TrainOptions { return tr.opt }

// batchIndices returns the images of step s: positions s*B to s*B+B-1 of
// the concatenated epoch permutations.
func (tr *Trainer) batchIndices(s int) []int {
	idx := make([]int, tr.opt.Batch)
	for j := range idx {
		pos := s*tr.opt.Batch + j
		e := pos / tr.m
		p, ok := tr.perms[e]
		if !ok {
			for old := range tr.perms {
				if old < e-1 {
					delete(tr.perms, old)
				}
			}
			p = rand.New(rand.NewPCG(tr.opt.Seed, 0x65706f6368<<20^uint64(e))).Perm(tr.m)
			tr.perms[e] = p
		}
		idx[j] = p[pos%tr.m]
	}
	return idx
}

// Batch holds the inputs of one training step.
type batch struct {
	x0, eta []float32
	t       []float64
	class   []int
}

// drawBatch returns the images, times and noise of step s.
func (tr *Trainer) drawBatch(s int) batch {
	c := tr.net.cfg.Channels
	size := c * tr.h * tr.w
	idx := tr.batchIndices(s)
	b := batch{x0: make([]float32, len(idx)*size), eta: make([]float32, len(idx)*size), t: make([]float64, len(idx))}
	rng := rand.New(rand.NewPCG(tr.opt.Seed^0x6e6f697365, uint64(s)))
	for j, mu := range idx {
		copy(b.x0[j*size:(j+1)*size], tr.data[mu*size:(mu+1)*size])
		b.t[j] = 1 - rng.Float64() // uniform in (0, 1]
	}
	for i := range b.eta {
		b.eta[i] = float32(rng.NormFloat64())
	}
	if tr.labels != nil {
		b.class = make([]int, len(idx))
		for j, mu := range idx {
			b.class[j] = tr.labels[mu]
		}
	}
	return b
}

// Step takes one optimisation step and returns the batch's loss (before
// the update). A cancelled ctx stops before the step and leaves the
// weights as they were.
func (tr *Trainer) Step(ctx context.Context) (float64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	b := tr.drawBatch(tr.step)
	for _, p := range tr.grad.params {
		clear(p.Data)
	}
	loss, err := tr.net.lossGrad(b, len(b.t), tr.h, tr.w, tr.grad)
	if err != nil {
		return 0, fmt.Errorf("train: %w", err)
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, fmt.Errorf("train: the loss diverged (%v) at step %d: try a smaller learning rate", loss, tr.step+1)
	}
	tr.adamStep()
	tr.step++
	return loss, nil
}

// lossGrad adds to g the gradient of the batch's mean squared noise
// prediction error and returns that error.
func (n *Net) lossGrad(b batch, nImg, h, w int, g *Net) (float64, error) {
	xt := make([]float32, len(b.x0))
	size := len(b.x0) / nImg
	for i := range nImg {
		a, s := schedule.A(b.t[i]), schedule.B(b.t[i])
		for j := i * size; j < (i+1)*size; j++ {
			xt[j] = float32(a*float64(b.x0[j]) + s*float64(b.eta[j]))
		}
	}
	e, err := n.embed(nImg, b.t, b.class)
	if err != nil {
		return 0, err
	}
	r := newRun()
	defer r.release()
	c := n.resnetForwardCache(r, xt, e, nImg, h, w)
	c.class = b.class
	dout := make([]float32, len(c.out))
	loss := 0.0
	scale := 2 / float64(len(c.out))
	for j, v := range c.out {
		d := float64(v) - float64(b.eta[j])
		loss += d * d
		dout[j] = float32(scale * d)
	}
	n.resnetBackward(r, newTrainScratch(r), c, dout, g)
	return loss / float64(len(c.out)), nil
}

// LR returns the learning rate of the next step.
func (tr *Trainer) LR() float64 {
	if tr.opt.LRDecay == 1 {
		return tr.opt.LR
	}
	return tr.opt.LR * math.Pow(tr.opt.LRDecay, float64(tr.step))
}

// adamStep applies one Adam update (PyTorch's formulation, without weight
// decay) with the gradients in tr.grad.
func (tr *Trainer) adamStep() {
	o := tr.opt
	t := float64(tr.step + 1)
	bc1 := 1 - math.Pow(o.Beta1, t)
	bc2 := 1 - math.Pow(o.Beta2, t)
	stepSize := tr.LR() / bc1
	sqrtBC2 := math.Sqrt(bc2)
	for i, p := range tr.net.params {
		g := tr.grad.params[i].Data
		m, v := tr.adamM[i], tr.adamV[i]
		for j, gj := range g {
			gd := float64(gj)
			mj := o.Beta1*float64(m[j]) + (1-o.Beta1)*gd
			vj := o.Beta2*float64(v[j]) + (1-o.Beta2)*gd*gd
			m[j], v[j] = float32(mj), float32(vj)
			denom := math.Sqrt(float64(v[j]))/sqrtBC2 + o.Eps
			p.Data[j] = float32(float64(p.Data[j]) - stepSize*float64(m[j])/denom)
		}
	}
}
