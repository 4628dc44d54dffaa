package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"text/tabwriter"

	"mosaic/model/budget"
	"mosaic/model/compare"
	"mosaic/model/machine"
	"mosaic/model/npy"
	"mosaic/model/schedule"
)

// checkOutput reports an output path that cannot be written before any
// computation (see outfile.Plan): a directory, a folder that does not exist
// or cannot be written, a read-only file.
func checkOutput(path string) error {
	_, err := planOutputs(nil, "", path)
	return err
}

// presetName is what schedule.SaveUserPreset accepts.
var presetName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// checkSave checks a --save NAME before calibrating: the name, and that the
// user presets file can be read (and so rewritten).
func checkSave(name string) error {
	if !presetName.MatchString(name) {
		return usagef("--save %q: use lower-case letters, digits and '-' (e.g. my-mnist-els), at most 63", name)
	}
	for _, p := range schedule.Presets() {
		if p.Name == name {
			return usagef("--save %q is one of the paper's presets: choose another name", name)
		}
	}
	if _, err := schedule.UserPresets(); err != nil {
		return fmt.Errorf("--save: %w", err)
	}
	if path, err := schedule.UserPresetsPath(); err == nil {
		if _, err := os.Stat(path); err == nil {
			return checkOutput(path)
		}
	}
	return nil
}

func cmdCalibrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("calibrate", calibrateUsage, stderr)
	var df dataFlags
	df.add(fs, "")
	netName := fs.String("net", "", "network name or checkpoint")
	kind := fs.String("machine", "els", "els or ls")
	boundary := fs.String("boundary", "zeros", machine.BoundaryList())
	seedList := fs.String("seeds", "1-8", "noise seeds")
	kmax := fs.Int("kmax", 0, "largest patch size")
	steps := fs.Int("steps", schedule.DefaultSteps, "sampler steps")
	save := fs.String("save", "", "save as a user preset")
	quiet := fs.Bool("quiet", false, "no progress lines")
	set, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	k, err := machine.ParseKind(*kind)
	if err != nil || !k.HasPatch() {
		return usagef("--machine %q: calibration fits a patch size, so use els or ls", *kind)
	}
	b, err := machine.ParseBoundary(*boundary)
	if err != nil {
		return usagef("--boundary: %v", err)
	}
	if set["kmax"] && (*kmax < 1 || *kmax > 255) {
		return usagef("--kmax must be an odd size from 1 to 255, e.g. --kmax 15")
	}
	if *save != "" {
		if err := checkSave(*save); err != nil {
			return err
		}
	}
	tried := 0
	for k := 1; k <= max(*kmax, 1) || (*kmax == 0 && k <= 31); k += 2 {
		tried++
	}
	cmp, err := newComparison(ctx, &df, *netName, *seedList, *steps, set, stderr, *quiet, func(r *budget.Run) {
		r.Spec, r.Patch, r.Machines = machine.Spec{Kind: k, Boundary: b}, 3, tried+len(schedule.Presets())
	})
	if err != nil {
		return err
	}
	d := cmp.data
	m, err := machine.New(d, machine.Spec{Kind: k, Boundary: b})
	if err != nil {
		return err
	}
	top := *kmax
	if top == 0 {
		top = compare.DefaultKMax(d.H, d.W)
	}
	cal, err := compare.Calibrate(ctx, cmp.trs, m, top, progressPrinter(stderr, "calibrating "+m.Spec().String(), *quiet))
	if err != nil {
		return err
	}
	// The paper's presets, for comparison: the best one overall.
	var best *compare.Scores
	var bestName string
	for _, p := range schedule.Presets() {
		pk := p.K.Resample(*steps)
		if m.CheckSchedule(pk) != nil {
			continue
		}
		sc, err := compare.Evaluate(ctx, cmp.trs, m, pk, nil)
		if err != nil {
			return err
		}
		if best == nil || sc.Overall() > best.Overall() {
			best, bestName = sc, p.Name
		}
	}
	calScores, err := compare.Evaluate(ctx, cmp.trs, m, cal.K, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "network   %v\nmachine   %v\ndata      %s\nseeds     %d\n\n", cmp.net.Spec(), m.Spec(), describe(d), len(cmp.seeds))
	fmt.Fprintf(stdout, "calibrated k0,...,k%d: %s\n", *steps-1, cal.K)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "step\tt\tk\tmedian r^2\t")
	var bestSteps []compare.Summary
	if best != nil {
		bestSteps = best.PerStep()
		fmt.Fprintf(tw, "%s k\t%s r^2\t", bestName, bestName)
	}
	fmt.Fprintln(tw)
	for i := *steps - 1; i >= 1; i-- {
		fmt.Fprintf(tw, "%d\t%.2f\t%d\t%s\t", i, schedule.Time(i, *steps), cal.K[i], fmtR2(cal.Best[i]))
		if best != nil {
			fmt.Fprintf(tw, "%d\t%s\t", best.K[i], fmtR2(bestSteps[i].Median))
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintf(tw, "overall median\t\t\t%s\t", fmtR2(calScores.Overall()))
	if best != nil {
		fmt.Fprintf(tw, "\t%s\t", fmtR2(best.Overall()))
	}
	fmt.Fprintln(tw)
	tw.Flush()
	if *save != "" {
		note := fmt.Sprintf("calibrated: %v against %v, %d seeds, median r^2 %s", m.Spec(), cmp.net.Spec(), len(cmp.seeds), fmtR2(calScores.Overall()))
		p := schedule.UserPreset{Preset: schedule.Preset{Name: *save, Dataset: d.Name, Arch: filepath.Base(*netName), Boundary: b.String(), K: cal.K}, Note: note}
		if err := schedule.SaveUserPreset(p); err != nil {
			return usagef("--save: %v", err)
		}
		path, _ := schedule.UserPresetsPath()
		fmt.Fprintf(stdout, "saved     preset %s in %s (use --preset %s)\n", *save, path, *save)
	}
	return nil
}

func cmdDenoise(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("denoise", denoiseUsage, stderr)
	var df dataFlags
	var mf machineFlags
	df.add(fs, "")
	mf.add(fs)
	var qf queryFlags
	qf.add(fs)
	out := fs.String("out", "", "output .npy")
	set, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	spec, err := mf.spec(set)
	if err != nil {
		return err
	}
	t, k, err := qf.parse(spec.Kind)
	if err != nil {
		return err
	}
	if *out == "" {
		return usagef("no output: give --out D.npy")
	}
	outs, err := planOutputs(stdout, "--out", *out)
	if err != nil {
		return err
	}
	stdout = summaryTo(outs, stdout, stderr)
	var st *setup
	if spec.Kind == machine.Network {
		st, err = networkSetup(&df, spec, schedule.Constant(2, 1), set, qf.x)
	} else {
		if err := checkOneEvaluation(&df, spec, k, stderr); err != nil {
			return err
		}
		ds, lerr := df.load(set)
		if lerr != nil {
			return lerr
		}
		m, merr := machine.New(ds, spec)
		if merr != nil {
			return merr
		}
		st, err = &setup{data: ds, m: m}, nil
	}
	if err != nil {
		return err
	}
	d := st.data
	x, err := readImage(qf.x, "the image --x", d.C, d.H, d.W)
	if err != nil {
		return err
	}
	if err := st.m.CheckPatch(k); err != nil {
		return usagef("--patch: %v", err)
	}
	if err := prepare(ctx, st.m, stderr, false); err != nil {
		return err
	}
	res, err := st.m.Step(ctx, x, t, k)
	if err != nil {
		return err
	}
	if err := finite("D", res.D); err != nil {
		return err
	}
	outs.Put(*out, func(w io.Writer) error { return npy.WriteFloat32(w, []int{d.C, d.H, d.W}, res.D) })
	if err := outs.Commit(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "machine   %v\nt         %g\nwrote     %s [%d,%d,%d]\n", st.m.Spec(), t, *out, d.C, d.H, d.W)
	return nil
}
