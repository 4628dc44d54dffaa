package main

import (
	"context"
	"fmt"
	"image/png"
	"io"
	"time"

	"mosaic/model/budget"
	"mosaic/model/dataset"
	"mosaic/model/machine"
	"mosaic/model/network"
	"mosaic/model/npy"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

// setup is what sample and fingers share: a machine bound to its training
// set and a checked schedule.
type setup struct {
	data *dataset.Dataset
	m    *machine.Machine
	k    schedule.Patch
	info network.Info // a network's, for the memory estimate
}

// newSetup loads the data, builds the machine and resolves the schedule.
// noise is the --noise file, if any: a network without training data takes
// its image shape from it. trajectories is the number of trajectories the
// command will run (one at a time): with the data's shape it gives the
// memory and time estimate, checked before the data is loaded when its
// shape can be told from a header, and again once it is loaded.
func newSetup(df *dataFlags, mf *machineFlags, sf *scheduleFlags, set map[string]bool, noise string, trajectories int, stderr io.Writer, quiet bool) (*setup, error) {
	spec, err := mf.spec(set)
	if err != nil {
		return nil, err
	}
	k, err := sf.resolve(spec.Kind, stderr)
	if err != nil {
		return nil, err
	}
	run := func(m, c, h, w int, load int64) budget.Run {
		r := machineRun(spec, m, c, h, w, load)
		r.K, r.Trajectories, r.Output = k, trajectories, int64(2*len(k))*int64(c*h*w)*4
		return r
	}
	if spec.Kind == machine.Network {
		st, err := networkSetup(df, spec, k, set, noise)
		if err != nil {
			return nil, err
		}
		r := run(st.data.M, st.data.C, st.data.H, st.data.W, 0)
		r.NetParams, r.NetWidth, r.NetLayers = st.info.Params, st.info.EmbDim, st.info.Layers
		if err := checkBudget(r, stderr, quiet); err != nil {
			return nil, err
		}
		return st, nil
	}
	peeked := false
	if m, c, h, w, load, ok := df.peek(); ok {
		if err := checkBudget(run(m, c, h, w, load), stderr, quiet); err != nil {
			return nil, err
		}
		peeked = true
	}
	ds, err := df.load(set)
	if err != nil {
		return nil, err
	}
	if !peeked {
		if err := checkBudget(run(ds.M, ds.C, ds.H, ds.W, 0), stderr, quiet); err != nil {
			return nil, err
		}
	}
	m, err := newMachine(ds, spec, k)
	if err != nil {
		return nil, err
	}
	return &setup{data: ds, m: m, k: k}, nil
}

// newMachine returns the machine of spec on ds, checked against the
// patch-size schedule k (an unusable patch size is a usage error).
func newMachine(ds *dataset.Dataset, spec machine.Spec, k []int) (*machine.Machine, error) {
	m, err := machine.New(ds, spec)
	if err != nil {
		return nil, err
	}
	if err := m.CheckSchedule(k); err != nil {
		return nil, usagef("%v", err)
	}
	return m, nil
}

// prepare does a machine's one-time work (the covariance and its
// eigendecomposition for Wiener and PCA-locality), printing its progress
// to w unless quiet.
func prepare(ctx context.Context, m *machine.Machine, w io.Writer, quiet bool) error {
	var progress func(float64)
	if !quiet && !m.Spec().Kind.HasPatch() && m.Spec().Kind != machine.IS {
		last := -1
		start := time.Now()
		progress = func(f float64) {
			if pct := int(f * 10); pct != last {
				last = pct
				fmt.Fprintf(w, "covariance and eigendecomposition (%d values): %3.0f%% %.1fs\n", m.Data().Size(), f*100, time.Since(start).Seconds())
			}
		}
	}
	if err := m.Prepare(ctx, progress); err != nil {
		return fmt.Errorf("%v: %w", m.Spec(), err)
	}
	return nil
}

// stepPrinter returns a sampler progress callback that prints one line per
// step to w, prefixed by prefix, or nil when quiet.
func stepPrinter(w io.Writer, prefix string, quiet bool, local bool) sampler.Progress {
	if quiet {
		return nil
	}
	last := time.Now()
	return func(i, done, total int, tr *sampler.Trajectory) {
		now := time.Now()
		k := ""
		if local {
			k = fmt.Sprintf(" k=%d", tr.K[i])
		}
		fmt.Fprintf(w, "%sstep %d/%d t=%.2f%s %.2fs\n", prefix, i, tr.N-1, tr.Time(i), k, now.Sub(last).Seconds())
		last = now
	}
}

func cmdSample(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sample", sampleUsage, stderr)
	var df dataFlags
	var mf machineFlags
	var sf scheduleFlags
	df.add(fs, "")
	mf.add(fs)
	sf.add(fs)
	noisePath := fs.String("noise", "", "initial noise .npy")
	seed := fs.Uint64("seed", 0, "noise seed")
	frames := fs.String("frames", "", "write x_{N-1}..x_0 here")
	denoised := fs.String("denoised", "", "write D_{N-1}..D_1 here")
	pngPath := fs.String("png", "", "write the final image here")
	scale := fs.Int("scale", 8, "PNG upscaling factor")
	quiet := fs.Bool("quiet", false, "no progress lines")
	set, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *noisePath != "" && set["seed"] {
		return usagef("give either --noise Z.npy or --seed S, not both")
	}
	if *noisePath == "" && !set["seed"] {
		return usagef("no initial noise: give --seed S (e.g. --seed 1) or --noise Z.npy (shape [C,H,W])")
	}
	if *scale < 1 || *scale > 64 {
		return usagef("--scale must be an integer from 1 to 64, e.g. --scale 8")
	}
	outs, err := planOutputs(stdout, "--frames", *frames, "--denoised", *denoised, "--png", *pngPath)
	if err != nil {
		return err
	}
	summary := summaryTo(outs, stdout, stderr)
	st, err := newSetup(&df, &mf, &sf, set, *noisePath, 1, stderr, *quiet)
	if err != nil {
		return err
	}
	d := st.data
	var noise []float64
	if *noisePath != "" {
		if noise, err = readImage(*noisePath, "the noise", d.C, d.H, d.W); err != nil {
			return err
		}
	} else {
		noise = sampler.Noise(*seed, d.C, d.H, d.W)
	}
	local := st.m.Spec().Kind.HasPatch()
	start := time.Now()
	if err := prepare(ctx, st.m, stderr, *quiet); err != nil {
		return err
	}
	tr, err := sampler.Run(ctx, st.m, noise, st.k, stepPrinter(stderr, "", *quiet, local))
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	n := tr.N
	for i := n - 1; i >= 0; i-- {
		if err := finite(fmt.Sprintf("x_%d", i), tr.X[i]); err != nil {
			return err
		}
	}

	// The outputs are written together (and only if all succeed) before
	// the summary.
	var lines []string
	if *frames != "" {
		shape := []int{n, d.C, d.H, d.W}
		parts := make([][]float64, 0, n)
		for i := n - 1; i >= 0; i-- {
			parts = append(parts, tr.X[i])
		}
		outs.Put(*frames, func(w io.Writer) error { return npy.WriteFloat32Parts(w, shape, parts...) })
		lines = append(lines, fmt.Sprintf("wrote     %s %v (x_%d .. x_0)", *frames, shape, n-1))
	}
	if *denoised != "" {
		shape := []int{n - 1, d.C, d.H, d.W}
		parts := make([][]float64, 0, n-1)
		for i := n - 1; i >= 1; i-- {
			parts = append(parts, tr.D(i))
		}
		outs.Put(*denoised, func(w io.Writer) error { return npy.WriteFloat32Parts(w, shape, parts...) })
		lines = append(lines, fmt.Sprintf("wrote     %s %v (D_%d .. D_1)", *denoised, shape, n-1))
	}
	if *pngPath != "" {
		img, err := imageOf(tr.Final(), d.C, d.H, d.W, *scale)
		if err != nil {
			return err
		}
		outs.Put(*pngPath, func(w io.Writer) error { return png.Encode(w, img) })
		lines = append(lines, fmt.Sprintf("wrote     %s (%dx%d)", *pngPath, d.W**scale, d.H**scale))
	}
	if err := outs.Commit(ctx); err != nil {
		return err
	}

	fmt.Fprintf(summary, "machine   %v\n", st.m.Spec())
	fmt.Fprintf(summary, "data      %s\n", describe(d))
	if local {
		fmt.Fprintf(summary, "schedule  %s (N=%d)\n", fmtSchedule(tr.K), n)
	} else {
		fmt.Fprintf(summary, "steps     %d\n", n)
	}
	if d.M > 0 {
		mu, dist := nearest(d, tr.Final())
		lbl := ""
		if d.Labels != nil {
			lbl = fmt.Sprintf(" (label %s)", d.ClassName(d.Labels[mu]))
		}
		fmt.Fprintf(summary, "nearest   training image %d%s at L2 distance %.4g\n", mu, lbl, dist)
	}
	fmt.Fprintf(summary, "time      %.2fs\n", elapsed.Seconds())
	for _, l := range lines {
		fmt.Fprintln(summary, l)
	}
	return nil
}
