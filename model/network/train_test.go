package network

import (
	"context"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"mosaic/model/schedule"
)

// toyData returns m images [1, s, s] of bright squares of random size and
// place on a dark background, in [-1, 1], and their labels (big or small).
func toyData(m, s int, seed uint64) ([]float32, []int) {
	rng := newRand(seed)
	x := make([]float32, m*s*s)
	labels := make([]int, m)
	for i := range m {
		img := x[i*s*s : (i+1)*s*s]
		fill(img, -1)
		size := 2 + rng.IntN(s/2)
		y0, x0 := rng.IntN(s-size+1), rng.IntN(s-size+1)
		for y := y0; y < y0+size; y++ {
			for xx := x0; xx < x0+size; xx++ {
				img[y*s+xx] = 1
			}
		}
		if size > s/4+1 {
			labels[i] = 1
		}
	}
	return x, labels
}

// heldOutLoss is the mean squared noise prediction error on the images at
// the fixed times ts, with noise from a fixed seed.
func heldOutLoss(t *testing.T, net *Net, x []float32, m, s int, labels []int, ts []float64) float64 {
	t.Helper()
	rng := newRand(99)
	total := 0.0
	for _, tt := range ts {
		a, b := schedule.A(tt), schedule.B(tt)
		eta := make([]float32, len(x))
		xt := make([]float32, len(x))
		for i := range x {
			eta[i] = float32(rng.NormFloat64())
			xt[i] = float32(a*float64(x[i]) + b*float64(eta[i]))
		}
		var class []int
		if net.cfg.Conditional {
			class = labels
		}
		eps, err := net.Eps(context.Background(), xt, m, s, s, []float64{tt}, class)
		if err != nil {
			t.Fatal(err)
		}
		for i := range eps {
			d := float64(eps[i] - eta[i])
			total += d * d
		}
	}
	return total / float64(len(ts)*len(x))
}

func trainSteps(t *testing.T, tr *Trainer, steps int) []float64 {
	t.Helper()
	var losses []float64
	for range steps {
		l, err := tr.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		losses = append(losses, l)
	}
	return losses
}

func sameWeights(t *testing.T, a, b *Net, what string) {
	t.Helper()
	for i, p := range a.params {
		q := b.params[i]
		if p.Name != q.Name || !slices.Equal(p.Data, q.Data) {
			t.Fatalf("%s: tensor %s differs", what, p.Name)
		}
	}
}

// TestTrainLowersLoss trains tiny networks (conditional and not, with and
// without GroupNorm, both paddings) on toy squares and checks that the
// held-out noise prediction error falls well below its value at the random
// initialisation.
func TestTrainLowersLoss(t *testing.T) {
	const m, s = 64, 8
	x, labels := toyData(m, s, 1)
	hx, hl := toyData(32, s, 2)
	ts := []float64{0.1, 0.3, 0.5, 0.7}
	for _, cfg := range []Config{
		{Arch: "resnet", Channels: 1, EmbDim: 16, NumLayers: 3, Mode: "zeros"},
		{Arch: "resnet", Channels: 1, EmbDim: 16, NumLayers: 3, Mode: "circular", Normalization: "GroupNorm", Conditional: true, NumClasses: 2},
	} {
		t.Run(cfgName(cfg), func(t *testing.T) {
			net, err := NewRandom(cfg, 1)
			if err != nil {
				t.Fatal(err)
			}
			before := heldOutLoss(t, net, hx, 32, s, hl, ts)
			tr, err := NewTrainer(net, x, m, s, s, labels, TrainOptions{Batch: 16, LR: 3e-3, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			losses := trainSteps(t, tr, 300)
			after := heldOutLoss(t, net, hx, 32, s, hl, ts)
			t.Logf("held-out loss %.4f -> %.4f; batch loss of the first 20 steps %.4f, last 20 %.4f", before, after, mean(losses[:20]), mean(losses[280:]))
			if !(after < 0.5*before) {
				t.Errorf("held-out loss %.4f after 300 steps, %.4f before: not halved", after, before)
			}
		})
	}
}

func mean(v []float64) float64 {
	s := 0.0
	for _, a := range v {
		s += a
	}
	return s / float64(len(v))
}

// TestTrainAdamFirstStep checks the first Adam step against its closed
// form: with bias correction, every weight moves by lr * g / (|g| + eps).
func TestTrainAdamFirstStep(t *testing.T) {
	x, _ := toyData(8, 6, 3)
	net, err := NewRandom(Config{Arch: "resnet", Channels: 1, EmbDim: 8, NumLayers: 1, Mode: "zeros"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	before := make([][]float32, len(net.params))
	for i, p := range net.params {
		before[i] = slices.Clone(p.Data)
	}
	tr, err := NewTrainer(net, x, 8, 6, 6, nil, TrainOptions{Batch: 4, LR: 0.01, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	trainSteps(t, tr, 1)
	for i, p := range net.params {
		for j, v := range p.Data {
			g := float64(tr.grad.params[i].Data[j])
			want := float64(before[i][j]) - 0.01*g/(math.Abs(g)+1e-8)
			if math.Abs(float64(v)-want) > 1e-6 {
				t.Fatalf("%s[%d] = %v after one step with gradient %v, want %v", p.Name, j, v, g, want)
			}
		}
	}
}

// TestTrainDeterministic checks that two runs with the same seed give the
// same weights bit for bit, with one core or two, and that another seed
// gives others.
func TestTrainDeterministic(t *testing.T) {
	x, labels := toyData(20, 8, 4)
	cfg := Config{Arch: "resnet", Channels: 1, EmbDim: 16, NumLayers: 2, Mode: "zeros", Normalization: "GroupNorm", Conditional: true, NumClasses: 2}
	run := func(seed uint64, procs int) *Net {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		net, err := NewRandom(cfg, 3)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := NewTrainer(net, x, 20, 8, 8, labels, TrainOptions{Batch: 12, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		trainSteps(t, tr, 7)
		return net
	}
	eachKernel(t, func(t *testing.T) {
		a := run(1, 2)
		sameWeights(t, a, run(1, 2), "same seed")
		sameWeights(t, a, run(1, 1), "one core against two")
		c := run(2, 2)
		if slices.Equal(a.params[0].Data, c.params[0].Data) {
			t.Errorf("seeds 1 and 2 gave the same weights")
		}
	})
}

// TestTrainResume checks that saving the weights and the optimizer state
// after 5 steps, loading both and taking 4 more steps gives the weights of
// 9 uninterrupted steps, bit for bit, and that a state saved with other
// weights is refused.
func TestTrainResume(t *testing.T) {
	x, labels := toyData(20, 8, 5)
	cfg := Config{Arch: "resnet", Channels: 1, EmbDim: 16, NumLayers: 2, Mode: "circular", Conditional: true, NumClasses: 2, ImageSize: 8}
	opt := TrainOptions{Batch: 8, LR: 2e-3, Seed: 11, LRDecay: 0.9}
	full, err := NewRandom(cfg, 4)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(full, x, 20, 8, 8, labels, opt)
	if err != nil {
		t.Fatal(err)
	}
	trainSteps(t, tr, 9)

	part, err := NewRandom(cfg, 4)
	if err != nil {
		t.Fatal(err)
	}
	tr1, err := NewTrainer(part, x, 20, 8, 8, labels, opt)
	if err != nil {
		t.Fatal(err)
	}
	trainSteps(t, tr1, 5)
	dir := t.TempDir()
	path := filepath.Join(dir, "net.safetensors")
	if err := SaveSafetensors(path, part); err != nil {
		t.Fatal(err)
	}
	if err := tr1.SaveState(path + ".adam"); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	// The loaded checkpoint computes what the trained weights compute.
	xt := x[:3*64]
	want, err := part.Eps(context.Background(), xt, 3, 8, 8, []float64{0.2, 0.5, 0.9}, []int{0, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	got, err := loaded.Eps(context.Background(), xt, 3, 8, 8, []float64{0.2, 0.5, 0.9}, []int{0, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("the loaded checkpoint's forward pass differs from the trained network's")
	}
	if loaded.cfg.ImageSize != 8 {
		t.Errorf("image_size %d after loading, want 8", loaded.cfg.ImageSize)
	}
	tr2, err := NewTrainer(loaded, x, 20, 8, 8, labels, TrainOptions{Seed: 999, Batch: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr2.LoadState(path + ".adam"); err != nil {
		t.Fatal(err)
	}
	if tr2.Steps() != 5 || tr2.Options() != tr1.Options() {
		t.Fatalf("resumed at step %d with %+v, want step 5 with %+v", tr2.Steps(), tr2.Options(), tr1.Options())
	}
	trainSteps(t, tr2, 4)
	sameWeights(t, full, loaded, "resumed against uninterrupted")

	// The state now belongs to other weights.
	if err := tr.LoadState(path + ".adam"); err == nil {
		t.Errorf("LoadState accepted the moments of other weights")
	}
}

// TestTrainerArguments checks NewTrainer's refusals.
func TestTrainerArguments(t *testing.T) {
	x, _ := toyData(4, 8, 6)
	res, _ := NewRandom(Config{Arch: "resnet", Channels: 1, EmbDim: 8, NumLayers: 1, Mode: "zeros"}, 1)
	cond, _ := NewRandom(Config{Arch: "resnet", Channels: 1, EmbDim: 8, NumLayers: 1, Mode: "zeros", Conditional: true, NumClasses: 2}, 1)
	unet, _ := NewRandom(Config{Arch: "unet", Channels: 1, EmbDim: 8, FSizes: []int{8, 8}, Mode: "zeros"}, 1)
	for _, c := range []struct {
		name   string
		net    *Net
		x      []float32
		m      int
		labels []int
		opt    TrainOptions
	}{
		{"unet", unet, x, 4, nil, TrainOptions{}},
		{"no images", res, nil, 0, nil, TrainOptions{}},
		{"wrong length", res, x[:10], 4, nil, TrainOptions{}},
		{"no labels", cond, x, 4, nil, TrainOptions{}},
		{"label out of range", cond, x, 4, []int{0, 1, 2, 0}, TrainOptions{}},
		{"negative lr", res, x, 4, nil, TrainOptions{LR: -1}},
		{"negative batch", res, x, 4, nil, TrainOptions{Batch: -1}},
	} {
		if _, err := NewTrainer(c.net, c.x, c.m, 8, 8, c.labels, c.opt); err == nil {
			t.Errorf("%s: no error", c.name)
		} else {
			t.Logf("%s: %v", c.name, err)
		}
	}
}
