package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"mosaic/model/network"
)

const trainUsage = `Usage: mosaic-cli train (data flags) --out NET.safetensors [network and training flags]

Trains a MinimalResNet (the paper's ResNet backbone) to predict the noise of
the cosine schedule of SPEC.md: at each step a batch of training images x0,
a time t uniform in (0, 1] and standard normal noise eta per image give
x_t = a(t) x0 + b(t) eta, and Adam takes one step on the mean squared error
between the network's prediction and eta. The result is a checkpoint that
mosaic-cli sample --machine network --net NET.safetensors runs.

` + dataUsage + `
Network (ignored with --resume, which keeps the checkpoint's):
  --arch NAME         resnet (MinimalResNet; unet is not trainable yet)
  --width W           emb_dim, the width of every layer: a multiple of 8 (default 32)
  --layers L          residual layers (default 6; with the 3x3 up-projection the
                      receptive field is 2L+3 pixels: 15 for 6 layers)
  --padding MODE      zeros or circular (default zeros)
  --norm              GroupNorm(8) after every hidden convolution and before the
                      down-projection (default: none, as the paper's MNIST ResNets)
  --conditional       class-conditional: a learned class embedding; needs labels

Training:
  --steps N           train until step N, counting the steps of a resumed run
                      (default 10000)
  --batch B           images per step (default 64)
  --lr R              Adam's learning rate (default 0.001; betas 0.9, 0.999, eps 1e-8)
  --lr-decay G        multiply the learning rate by G after every step (default 1:
                      constant; the authors' code uses 0.99995 per step)
  --seed S            seeds the initial weights, batch order, times and noise (default 1)

Checkpoints:
  --out NET           the checkpoint to write, a .safetensors file; NET.json (the
                      hyper-parameters, with image_size) and NET.adam (Adam's moments
                      and the step count, a safetensors file) are written beside it.
                      An existing NET is not overwritten unless it is the --resume one.
  --init NET          start a new run from NET's weights (fine-tuning): its network
                      (width, layers, norm, conditional) is kept, --padding may change
                      it (padding has no weights); Adam, the step count and the
                      learning rate start afresh. NET itself is not changed.
  --resume NET        continue training NET: its weights, and with NET.adam beside it
                      its optimizer state, step count, batch, lr and seed, so that the
                      run continues exactly as if never stopped (same kernel path).
                      Without NET.adam, Adam starts afresh at step 0. --out defaults to NET.
  --checkpoint-every M  write the checkpoint every M minutes (default 5; 0: only at the
                      end and on Ctrl-C). Ctrl-C writes it too, then stops
                      (exit status 1, "interrupted").
  --log FILE.csv      append step,loss,seconds to a CSV, one row per progress line
  --quiet             no progress lines on stderr (one every 5 seconds otherwise:
                      step, mean loss and samples/s since the last line, ETA)

The run is deterministic for a given seed and GEMM kernel (MOSAIC_KERNEL=go|avx2|avx512).

Example:
  mosaic-cli train --dataset mnist --width 32 --layers 6 --padding zeros \
      --steps 20000 --batch 64 --out mnist-resnet-zeros.safetensors
`

// progressEvery is how often train prints a progress line.
var progressEvery = 5 * time.Second

// adamPath is the optimizer state file beside a checkpoint: NET with its
// extension replaced by .adam.
func adamPath(net string) string {
	return strings.TrimSuffix(net, filepath.Ext(net)) + ".adam"
}

// checkWritable reports, as a usage error, an output path whose folder
// cannot take a new file (missing, not a folder, read-only).
func checkWritable(path string) error {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return usagef("--out %s is a directory: give a file name such as %s", path, filepath.Join(path, "net.safetensors"))
	}
	dir := filepath.Dir(path)
	if info, err := os.Stat(dir); err != nil {
		return usagef("--out %s: the folder %s does not exist", path, dir)
	} else if !info.IsDir() {
		return usagef("--out %s: %s is not a folder", path, dir)
	}
	f, err := os.CreateTemp(dir, ".mosaic-train-check*")
	if err != nil {
		return usagef("--out %s: cannot write in %s: %v", path, dir, err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

func cmdTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("train", trainUsage, stderr)
	var df dataFlags
	df.add(fs, "")
	arch := fs.String("arch", "resnet", "resnet")
	width := fs.Int("width", 32, "emb_dim")
	layers := fs.Int("layers", 6, "residual layers")
	padding := fs.String("padding", "zeros", "zeros or circular")
	norm := fs.Bool("norm", false, "GroupNorm")
	conditional := fs.Bool("conditional", false, "class-conditional")
	steps := fs.Int("steps", 10000, "total steps")
	batchSize := fs.Int("batch", network.DefaultBatch, "batch size")
	lr := fs.Float64("lr", network.DefaultLR, "learning rate")
	decay := fs.Float64("lr-decay", 1, "learning rate factor per step")
	seed := fs.Uint64("seed", 1, "seed")
	out := fs.String("out", "", "checkpoint to write")
	resume := fs.String("resume", "", "checkpoint to continue")
	initFrom := fs.String("init", "", "checkpoint whose weights start a new run")
	every := fs.Float64("checkpoint-every", 5, "minutes between checkpoints")
	logPath := fs.String("log", "", "CSV of the loss")
	quiet := fs.Bool("quiet", false, "no progress lines")
	set, err := parseFlags(fs, args)
	if err != nil {
		return err
	}

	// Flags that need no data.
	switch strings.ToLower(*arch) {
	case "resnet", "minimalresnet":
	case "unet", "minimalunet":
		return usagef("--arch unet: training the UNet is not supported yet; use --arch resnet")
	default:
		return usagef("--arch %q: use resnet (the UNet is not trainable yet)", *arch)
	}
	if *resume != "" && *initFrom != "" {
		return usagef("--init and --resume together: --resume continues a run, --init starts a new one from a network's weights; give one")
	}
	if *initFrom != "" {
		for _, f := range []string{"arch", "width", "layers", "norm", "conditional"} {
			if set[f] {
				return usagef("--%s with --init: the network of %s is kept (only --padding may change); leave --%s out", f, *initFrom, f)
			}
		}
	}
	if *resume == "" {
		switch {
		case *width < 8 || *width > 1024 || *width%8 != 0:
			return usagef("--width %d: the width must be a multiple of 8 from 8 to 1024 (every embedding MLP has a GroupNorm of 8 groups), e.g. --width 32", *width)
		case *layers < 0 || *layers > 100:
			return usagef("--layers %d: give 0 to 100 residual layers (default 6)", *layers)
		case *padding != "zeros" && *padding != "circular":
			return usagef("--padding %q: use zeros or circular", *padding)
		}
	} else {
		for _, f := range []string{"arch", "width", "layers", "padding", "norm", "conditional"} {
			if set[f] {
				return usagef("--%s with --resume: the checkpoint's network is kept; leave --%s out (or train a new network with --out)", f, f)
			}
		}
	}
	switch {
	case *steps < 1:
		return usagef("--steps %d: train at least 1 step (it is the total, counting resumed steps)", *steps)
	case *batchSize < 1 || *batchSize > 4096:
		return usagef("--batch %d: give 1 to 4096 images per step (default %d)", *batchSize, network.DefaultBatch)
	case !(*lr > 0) || math.IsInf(*lr, 0) || *lr > 1:
		return usagef("--lr %v: the learning rate must lie in (0, 1], e.g. --lr 0.001", *lr)
	case !(*decay > 0 && *decay <= 1):
		return usagef("--lr-decay %v: give a factor per step in (0, 1], e.g. 0.99995 (1: constant)", *decay)
	case !(*every >= 0) || math.IsInf(*every, 0):
		return usagef("--checkpoint-every %v: give minutes >= 0 (0: only at the end and on Ctrl-C)", *every)
	}
	if *out == "" {
		if *resume == "" {
			return usagef("no output: give --out NET.safetensors (the trained network is written there)")
		}
		*out = *resume
	}
	if !strings.EqualFold(filepath.Ext(*out), ".safetensors") {
		return usagef("--out %s: the checkpoint is a safetensors file; give a name ending in .safetensors", *out)
	}
	if err := checkWritable(*out); err != nil {
		return err
	}
	if _, err := os.Stat(*out); err == nil && (*resume == "" || !sameFile(*out, *resume)) {
		return usagef("--out %s exists: give another path, or --resume %s to continue training it", *out, *out)
	}
	if *logPath != "" {
		if err := checkOutput(*logPath); err != nil {
			return err
		}
	}

	ds, err := df.load(set)
	if err != nil {
		return err
	}
	if ds.M < 1 {
		return usagef("the training set is empty")
	}

	var net *network.Net
	var state *network.TrainState
	if *resume != "" {
		if net, err = network.Load(*resume); err != nil {
			return err
		}
		info := net.Info()
		if info.Arch != "resnet" {
			return usagef("--resume %s is a %s: only MinimalResNet can be trained yet", *resume, info.Arch)
		}
		if err := net.Check(ds.C, ds.H, ds.W); err != nil {
			return usagef("--resume %s does not fit %s: %v", *resume, describe(ds), err)
		}
		if err := info.FitsImage(*resume, ds.H, ds.W); err != nil {
			return usagef("--resume %v (%s holds %dx%d images): use data of that size (e.g. --size %d)", err, ds.Name, ds.H, ds.W, info.ImageSize)
		}
		if st, err := network.ReadState(adamPath(*resume)); err == nil {
			state = &st
			for _, c := range []struct {
				flag      string
				given, at string
			}{
				{"batch", fmt.Sprint(*batchSize), fmt.Sprint(st.Batch)},
				{"lr", fmt.Sprint(*lr), fmt.Sprint(st.LR)},
				{"seed", fmt.Sprint(*seed), fmt.Sprint(st.Seed)},
				{"lr-decay", fmt.Sprint(*decay), fmt.Sprint(max(st.LRDecay, 0) + b2f(st.LRDecay == 0))},
			} {
				if set[c.flag] && c.given != c.at {
					return usagef("--%s %s with --resume: the run was saved with --%s %s, which resuming keeps (leave --%s out)", c.flag, c.given, c.flag, c.at, c.flag)
				}
			}
			if st.Step >= *steps {
				return usagef("--resume %s is at step %d already: give --steps above %d to train further", *resume, st.Step, st.Step)
			}
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		} else {
			fmt.Fprintf(stderr, "note: no optimizer state %s: Adam starts afresh at step 0 from the checkpoint's weights\n", adamPath(*resume))
		}
	} else if *initFrom != "" {
		from, err := network.Load(*initFrom)
		if err != nil {
			return err
		}
		cfg := from.Config()
		if cfg.Arch != "resnet" {
			return usagef("--init %s is a %s: only MinimalResNet can be trained yet", *initFrom, from.Info().Arch)
		}
		if set["padding"] {
			cfg.Mode = *padding
		}
		if n := cfg.ImageSize; n > 0 && (ds.H != n || ds.W != n) {
			fmt.Fprintf(stderr, "note: %s was trained on %dx%d images; fine-tuning it on %dx%d ones\n", *initFrom, n, n, ds.H, ds.W)
		}
		cfg.ImageSize = 0
		if ds.H == ds.W {
			cfg.ImageSize = ds.H
		}
		if net, err = network.New(cfg, from.Params(), *initFrom); err != nil {
			return fmt.Errorf("--init %s: %w", *initFrom, err)
		}
	} else {
		cfg := network.Config{Arch: "resnet", Channels: ds.C, EmbDim: *width, NumLayers: *layers, Mode: *padding}
		if *norm {
			cfg.Normalization = "GroupNorm"
		}
		if ds.H == ds.W {
			cfg.ImageSize = ds.H
		}
		if *conditional {
			if ds.Labels == nil {
				return usagef("--conditional needs labels: the built-in data sets have them; with --train give --labels L")
			}
			classes := len(ds.ClassNames)
			for _, l := range ds.Labels {
				classes = max(classes, l+1)
			}
			cfg.Conditional, cfg.NumClasses = true, classes
		}
		if net, err = network.NewRandom(cfg, *seed); err != nil {
			return usagef("%v", err)
		}
	}
	info := net.Info()
	if err := net.Check(ds.C, ds.H, ds.W); err != nil {
		return usagef("%v", err)
	}
	// Activations kept for the backward pass: about 2 per layer plus a few,
	// each batch x width x H x W float32.
	if mem := float64(2*info.Layers+6) * float64(*batchSize*info.EmbDim*ds.H*ds.W) * 4; mem > 16<<30 {
		return usagef("a batch of %d images of %dx%d at width %d needs about %.0f GB for its activations: use a smaller --batch", *batchSize, ds.H, ds.W, info.EmbDim, mem/(1<<30))
	}
	var labels []int
	if info.Conditional {
		if ds.Labels == nil {
			return usagef("%s is class-conditional: its training data needs labels (--labels L with --train)", *resume)
		}
		labels = ds.Labels
		for _, l := range labels {
			if l < 0 || l >= info.NumClasses {
				return usagef("the data has label %d but the network knows classes 0 to %d", l, info.NumClasses-1)
			}
		}
	}
	x := make([]float32, len(ds.Pixels))
	for i, v := range ds.Pixels {
		x[i] = float32(v)
	}
	tr, err := network.NewTrainer(net, x, ds.M, ds.H, ds.W, labels, network.TrainOptions{Batch: *batchSize, LR: *lr, Seed: *seed, LRDecay: *decay})
	if err != nil {
		return usagef("%v", err)
	}
	if state != nil {
		if err := tr.LoadState(adamPath(*resume)); err != nil {
			return err
		}
	}
	opt := tr.Options()

	save := func() error {
		if err := network.SaveSafetensors(*out, tr.Net()); err != nil {
			return err
		}
		return tr.SaveState(adamPath(*out))
	}
	var logw *os.File
	if *logPath != "" {
		if logw, err = os.OpenFile(*logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err != nil {
			return err
		}
		defer logw.Close()
		if st, err := logw.Stat(); err == nil && st.Size() == 0 {
			fmt.Fprintln(logw, "step,loss,seconds")
		}
	}

	desc := describeNet(info)
	fmt.Fprintf(stderr, "training %s on %s\n", desc, describe(ds))
	lrDesc := fmt.Sprintf("lr %g", opt.LR)
	if opt.LRDecay != 1 {
		lrDesc = fmt.Sprintf("lr %g x %g^step (now %.3g)", opt.LR, opt.LRDecay, tr.LR())
	}
	fmt.Fprintf(stderr, "steps %d to %d, batch %d, %s, seed %d, kernel %s; checkpoint %s (+ %s, %s)\n",
		tr.Steps()+1, *steps, opt.Batch, lrDesc, opt.Seed, network.Kernel(), *out, filepath.Base(sidePathOf(*out)), filepath.Base(adamPath(*out)))

	start := time.Now()
	first := tr.Steps()
	lastLine, lastSave := start, start
	var sum float64
	var count int
	report := func(now time.Time) {
		if count == 0 {
			return
		}
		done := tr.Steps() - first
		el := now.Sub(start).Seconds()
		// The rate over the last interval; the ETA from the whole run's.
		rate := float64(count*opt.Batch) / now.Sub(lastLine).Seconds()
		eta := time.Duration(float64(*steps-tr.Steps()) * el / float64(done) * float64(time.Second))
		if !*quiet {
			fmt.Fprintf(stderr, "step %d/%d  loss %.5f  %.1f samples/s  ETA %s\n", tr.Steps(), *steps, sum/float64(count), rate, eta.Round(time.Second))
		}
		if logw != nil {
			fmt.Fprintf(logw, "%d,%.6g,%.1f\n", tr.Steps(), sum/float64(count), el)
		}
		sum, count = 0, 0
		lastLine = now
	}
	for tr.Steps() < *steps {
		loss, err := tr.Step(ctx)
		if err != nil {
			if ctx.Err() != nil {
				report(time.Now())
				if err := save(); err != nil {
					return fmt.Errorf("interrupted, and the checkpoint could not be written: %w", err)
				}
				fmt.Fprintf(stderr, "stopped at step %d of %d: checkpoint written to %s (optimizer state %s); continue with --resume %s --steps %d and the same data flags\n",
					tr.Steps(), *steps, *out, adamPath(*out), *out, *steps)
				return ctx.Err()
			}
			return err
		}
		sum += loss
		count++
		now := time.Now()
		if now.Sub(lastLine) >= progressEvery {
			report(now)
		}
		if *every > 0 && now.Sub(lastSave) >= time.Duration(*every*float64(time.Minute)) {
			if err := save(); err != nil {
				return err
			}
			lastSave = now
			if !*quiet {
				fmt.Fprintf(stderr, "checkpoint: %s at step %d\n", *out, tr.Steps())
			}
		}
	}
	report(time.Now())
	if err := save(); err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(stdout, "trained %s: steps %d to %d in %s (%.1f samples/s)\nwrote %s, %s, %s\n",
		desc, first+1, *steps, el.Round(time.Second), float64((*steps-first)*opt.Batch)/el.Seconds(), *out, sidePathOf(*out), adamPath(*out))
	return nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// sidePathOf is the JSON file SaveSafetensors writes beside a checkpoint.
func sidePathOf(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + ".json"
}

// sameFile reports whether two paths name the same file.
func sameFile(a, b string) bool {
	ia, err1 := os.Stat(a)
	ib, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(ia, ib)
}

// describeNet summarises a network, e.g. "MinimalResNet (width 32, 6
// layers, zeros padding, no GroupNorm, unconditional; 71553 parameters)".
func describeNet(info network.Info) string {
	gn := "no GroupNorm"
	if info.Normalization {
		gn = "GroupNorm"
	}
	cond := "unconditional"
	if info.Conditional {
		cond = fmt.Sprintf("conditional on %d classes", info.NumClasses)
	}
	return fmt.Sprintf("MinimalResNet (width %d, %d layers, %s padding, %s, %s; %d parameters)", info.EmbDim, info.Layers, info.Padding, gn, cond, info.Params)
}
