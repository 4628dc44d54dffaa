package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"mosaic/internal/palette"
	"mosaic/model/budget"
	"mosaic/model/compare"
	"mosaic/model/dataset"
	"mosaic/model/machine"
	"mosaic/model/outfile"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

const compareUsage = `Usage: mosaic-cli compare --net NET (data flags) [--machines LIST] [--boundary LIST]
                          --preset NAME | --schedule ... | --patch K  [--seeds 1-16]
                          [--csv OUT.csv] [--plot OUT.png]

How much of a trained network each theory explains (SPEC.md, "Trained networks"):
runs the network's own DDIM trajectory from the noise of every seed, feeds the
network's x_i at every step to each machine with that step's patch size, and
prints r^2 = 1 - sum (D_net - D_machine)^2 / sum (D_net - mean D_net)^2 per step
(median and quartiles over the seeds) and the median over all steps and seeds.

` + dataUsage + `
Comparison:
  --net NAME|PATH     the network (a built-in name, see mosaic-cli networks, or a
                      checkpoint file); --class L for a conditional one
  --machines LIST     machines to compare, from els, ls, ideal, wiener, pca-locality
                      (default all five)
  --boundary LIST     boundaries of els and ls, from zeros, circular, reflect
                      (default zeros); each patch machine runs with each
  --tau T, --temperature T   PCA-locality's parameters (defaults 0.02 and 1)
  --seeds LIST        noise seeds: 1-16, or 1,2,5 (default 1-8)
  --csv OUT.csv       one row per seed, step and machine: seed,step,t,k,machine,r2
                      (step is SPEC's index i; k is empty for machines without patches)
  --plot OUT.png      r^2 over t, median per machine
  --quiet             no progress lines

` + scheduleUsage

const calibrateUsage = `Usage: mosaic-cli calibrate --net NET (data flags) --machine els|ls --boundary B
                            [--seeds 1-8] [--kmax K] [--steps N] [--save NAME]

Calibrates a patch-size schedule to a trained network (SPEC.md, "Calibration"):
for every step, the odd k from 1 to --kmax with the highest median r^2 over the
seeds (ties go to the smaller k). Prints it in the presets' format, its r^2 per
step beside the best of the paper's presets, and with --save NAME stores it as a
user preset (in the user's configuration directory) that --preset NAME, the app
and mosaic-cli presets know.

` + dataUsage + `
Calibration:
  --net NAME|PATH     the network (--class L for a conditional one)
  --machine NAME      els or ls (default els)
  --boundary NAME     zeros, circular or reflect (default zeros)
  --seeds LIST        noise seeds: 1-8, or 1,2,5 (default 1-8)
  --kmax K            largest patch size tried (default: the image side, made odd)
  --steps N           sampler steps (default 20)
  --save NAME         save the schedule as a user preset
  --quiet             no progress lines
`

const denoiseUsage = `Usage: mosaic-cli denoise (data and machine flags, or --machine network --net NET)
                          --x X.npy --t T [--patch K] --out D.npy

Evaluates one denoiser once: D(x, t) of the image x ([C,H,W] or [1,C,H,W]) at
time t, written as a float32 .npy of the same shape [C,H,W]. The building block
of compare, and useful on its own.

` + dataUsage + `
` + machineUsage + `
Query:
  --x X.npy           the noisy image x
  --t T               the time, 0 < T <= 1
  --patch K           the patch size (ls and els only)
  --out D.npy         where to write D
`

// parseSeeds reads "1-16", "3" or "1,2,5" (ranges and lists may mix).
func parseSeeds(s string) ([]uint64, error) {
	var out []uint64
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.ParseUint(strings.TrimSpace(lo), 10, 64)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.ParseUint(strings.TrimSpace(hi), 10, 64)
		}
		if err1 != nil || err2 != nil || b < a {
			return nil, usagef("--seeds %q: give seeds such as 1-16 or 1,2,5", s)
		}
		if b-a >= 10000 || len(out) > 10000 {
			return nil, usagef("--seeds %q: at most 10,000 seeds", s)
		}
		for v := a; v <= b; v++ {
			out = append(out, v)
		}
	}
	return out, nil
}

// comparison is what compare and calibrate share: the network, the
// training data and the network's trajectories from the seeds.
type comparison struct {
	net   *machine.Machine
	data  *dataset.Dataset
	seeds []uint64
	trs   []*sampler.Trajectory
}

// newComparison loads the network and the training data (required: the
// machines copy from it) and runs the network's trajectories.
//
// plan completes the memory and time estimate (machines, schedule), which
// is checked once the network and the data's shape are known, before the
// data is loaded.
func newComparison(ctx context.Context, df *dataFlags, netName, seedList string, steps int, set map[string]bool, stderr io.Writer, quiet bool, plan func(*budget.Run)) (*comparison, error) {
	if netName == "" {
		return nil, usagef("no network: give --net NAME (see mosaic-cli networks) or --net CHECKPOINT")
	}
	if df.train == "" && df.dataset == "" {
		return nil, usagef("the machines need the network's training data: give --dataset NAME or --train PATH (with --limit M for the first M images)")
	}
	if steps < 2 || steps > 1000 {
		return nil, usagef("--steps must be from 2 to 1000 (the paper uses 20), not %d", steps)
	}
	seeds, err := parseSeeds(seedList)
	if err != nil {
		return nil, err
	}
	if m, c, h, w, load, ok := df.peek(); ok {
		r := machineRun(machine.Spec{Kind: machine.ELS}, m, c, h, w, load)
		r.Steps, r.Trajectories, r.Kept = steps, len(seeds), len(seeds)
		plan(&r)
		if err := checkBudget(r, stderr, quiet); err != nil {
			return nil, err
		}
	}
	st, err := networkSetup(df, machine.Spec{Kind: machine.Network, Net: netName}, schedule.Constant(steps, 1), set, "")
	if err != nil {
		return nil, err
	}
	d := st.data
	noises := make([][]float64, len(seeds))
	for i, s := range seeds {
		noises[i] = sampler.Noise(s, d.C, d.H, d.W)
	}
	start := time.Now()
	trs, err := compare.Trajectories(ctx, st.m, noises, steps)
	if err != nil {
		return nil, err
	}
	if !quiet {
		fmt.Fprintf(stderr, "network trajectories: %d seeds x %d steps in %.1fs\n", len(seeds), steps, time.Since(start).Seconds())
	}
	return &comparison{net: st.m, data: d, seeds: seeds, trs: trs}, nil
}

// progressPrinter returns a compare.Progress that prints a line at most
// every two seconds (and at the end), or nil when quiet.
func progressPrinter(w io.Writer, what string, quiet bool) compare.Progress {
	if quiet {
		return nil
	}
	start, last := time.Now(), time.Time{}
	return func(done, total int) {
		if now := time.Now(); now.Sub(last) >= 2*time.Second || done == total {
			last = now
			el := now.Sub(start).Seconds()
			eta := ""
			if done > 0 && done < total {
				eta = fmt.Sprintf(", about %.0fs left", el/float64(done)*float64(total-done))
			}
			fmt.Fprintf(w, "%s: %d of %d evaluations, %.1fs%s\n", what, done, total, el, eta)
		}
	}
}

func cmdCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("compare", compareUsage, stderr)
	var df dataFlags
	var sf scheduleFlags
	df.add(fs, "")
	sf.add(fs)
	netName := fs.String("net", "", "network name or checkpoint")
	machines := fs.String("machines", "els,ls,ideal,wiener,pca-locality", "machines to compare")
	boundaries := fs.String("boundary", "zeros", "boundaries of els and ls")
	tau := fs.Float64("tau", machine.DefaultTau, "PCA-locality tau")
	temp := fs.Float64("temperature", machine.DefaultTemperature, "PCA-locality temperature")
	seedList := fs.String("seeds", "1-8", "noise seeds")
	csvPath := fs.String("csv", "", "per-sample CSV")
	plotPath := fs.String("plot", "", "r^2 over t chart")
	quiet := fs.Bool("quiet", false, "no progress lines")
	set, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	specs, err := parseMachineList(*machines, *boundaries, *tau, *temp)
	if err != nil {
		return err
	}
	patch := false
	for _, s := range specs {
		patch = patch || s.Kind.HasPatch()
	}
	var k schedule.Patch
	if patch {
		if k, err = sf.resolve(machine.ELS, stderr); err != nil {
			return err
		}
	} else if k, err = sf.resolve(machine.IS, io.Discard); err != nil {
		return err
	}
	outs, err := planOutputs(stdout, "--csv", *csvPath, "--plot", *plotPath)
	if err != nil {
		return err
	}
	stdout = summaryTo(outs, stdout, stderr)
	cmp, err := newComparison(ctx, &df, *netName, *seedList, len(k), set, stderr, *quiet, func(r *budget.Run) {
		r.K, r.Machines = k, len(specs)
		r.Spec = specs[0]
		for _, s := range specs { // the largest machine's memory
			if !s.Kind.HasPatch() && s.Kind != machine.IS {
				r.Spec = s
			}
		}
	})
	if err != nil {
		return err
	}
	var all []*compare.Scores
	for _, spec := range specs {
		m, err := machine.New(cmp.data, spec)
		if err != nil {
			return err
		}
		if err := prepare(ctx, m, stderr, *quiet); err != nil {
			return err
		}
		if err := m.CheckSchedule(k); err != nil {
			return usagef("%v", err)
		}
		sc, err := compare.Evaluate(ctx, cmp.trs, m, k, progressPrinter(stderr, spec.String(), *quiet))
		if err != nil {
			return err
		}
		all = append(all, sc)
	}
	if *csvPath != "" {
		writeCompareCSV(outs, *csvPath, cmp, all)
	}
	if *plotPath != "" {
		if err := writeR2Plot(outs, *plotPath, cmp, all); err != nil {
			return err
		}
	}
	if err := outs.Commit(ctx); err != nil {
		return err
	}
	printComparison(stdout, cmp, all, k)
	for _, p := range []string{*csvPath, *plotPath} {
		if p != "" {
			fmt.Fprintf(stdout, "wrote     %s\n", p)
		}
	}
	return nil
}

// parseMachineList reads --machines and --boundary: every patch machine
// (els, ls) runs with every boundary; the others once.
func parseMachineList(machines, boundaries string, tau, temp float64) ([]machine.Spec, error) {
	var bounds []machine.Boundary
	for _, b := range strings.Split(boundaries, ",") {
		bb, err := machine.ParseBoundary(b)
		if err != nil {
			return nil, usagef("--boundary: %v", err)
		}
		bounds = append(bounds, bb)
	}
	var out []machine.Spec
	for _, name := range strings.Split(machines, ",") {
		k, err := machine.ParseKind(name)
		if err != nil {
			return nil, usagef("--machines: %v", err)
		}
		switch {
		case k == machine.Network:
			return nil, usagef("--machines: the network is what the machines are compared with; list machines only (els, ls, ideal, wiener, pca-locality)")
		case k.HasPatch():
			for _, b := range bounds {
				out = append(out, machine.Spec{Kind: k, Boundary: b})
			}
		case k == machine.PCALocality:
			s := machine.Spec{Kind: k, Tau: tau, Temperature: temp}
			if err := s.Check(); err != nil || tau <= 0 || temp <= 0 {
				return nil, usagef("PCA-locality: --tau must be in (0, 1] and --temperature positive (got %v, %v)", tau, temp)
			}
			out = append(out, s)
		default:
			out = append(out, machine.Spec{Kind: k})
		}
	}
	return out, nil
}

// fmtR2 prints an r^2 with three decimals ("-" for NaN).
func fmtR2(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.3f", v)
}

// printComparison writes the per-step table and the overall medians.
func printComparison(w io.Writer, cmp *comparison, all []*compare.Scores, k schedule.Patch) {
	d := cmp.data
	fmt.Fprintf(w, "network   %v\n", cmp.net.Spec())
	fmt.Fprintf(w, "data      %s\n", describe(d))
	fmt.Fprintf(w, "seeds     %d (%d..%d)\n\n", len(cmp.seeds), cmp.seeds[0], cmp.seeds[len(cmp.seeds)-1])
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "step\tt\tk\t")
	for _, sc := range all {
		fmt.Fprintf(tw, "%s\t", sc.Machine.Spec())
	}
	fmt.Fprintln(tw)
	sums := make([][]compare.Summary, len(all))
	for j, sc := range all {
		sums[j] = sc.PerStep()
	}
	n := len(k)
	for i := n - 1; i >= 1; i-- {
		fmt.Fprintf(tw, "%d\t%.2f\t%d\t", i, schedule.Time(i, n), k[i])
		for j := range all {
			s := sums[j][i]
			fmt.Fprintf(tw, "%s [%s, %s]\t", fmtR2(s.Median), fmtR2(s.Q1), fmtR2(s.Q3))
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprint(tw, "overall median\t\t\t")
	for _, sc := range all {
		fmt.Fprintf(tw, "%s\t", fmtR2(sc.Overall()))
	}
	fmt.Fprintln(tw)
	tw.Flush()
	fmt.Fprintln(w, "\nper step: median [first quartile, third quartile] of r^2 over the seeds")
}

// writeCompareCSV writes one row per seed, step and machine, atomically.
func writeCompareCSV(outs *outfile.Set, path string, cmp *comparison, all []*compare.Scores) {
	outs.Put(path, func(out io.Writer) error {
		cw := csv.NewWriter(out)
		cw.Write([]string{"seed", "step", "t", "k", "machine", "r2"})
		for _, sc := range all {
			name := sc.Machine.Spec().String()
			for s, row := range sc.R2 {
				n := len(row)
				for i := n - 1; i >= 1; i-- {
					k := ""
					if sc.K != nil {
						k = strconv.Itoa(sc.K[i])
					}
					cw.Write([]string{strconv.FormatUint(cmp.seeds[s], 10), strconv.Itoa(i), strconv.FormatFloat(schedule.Time(i, n), 'f', 4, 64),
						k, name, strconv.FormatFloat(row[i], 'g', 8, 64)})
				}
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// writeR2Plot charts the median r^2 over t, one line per machine.
func writeR2Plot(outs *outfile.Set, path string, cmp *comparison, all []*compare.Scores) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("How much of %s each theory explains (%d seeds)", cmp.net.Spec(), len(cmp.seeds))
	p.X.Label.Text = "t"
	p.Y.Label.Text = "median r^2"
	p.Add(plotter.NewGrid())
	lo := 0.0
	seen := map[string]bool{}
	for _, sc := range all {
		var pts plotter.XYs
		for i, s := range sc.PerStep() {
			if i >= 1 && !math.IsNaN(s.Median) {
				pts = append(pts, plotter.XY{X: schedule.Time(i, len(sc.R2[0])), Y: s.Median})
				lo = min(lo, s.Median)
			}
		}
		if len(pts) == 0 {
			continue
		}
		l, sh, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		// A theory has one colour (as in the app); a second line of the
		// same theory (another boundary) is dashed.
		kind := sc.Machine.Spec().Kind.String()
		c := palette.Theory(kind)
		l.Color, l.Width = c, vg.Points(2)
		if seen[kind] {
			l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		}
		seen[kind] = true
		sh.Color, sh.Shape = c, draw.CircleGlyph{}
		p.Add(l, sh)
		p.Legend.Add(fmt.Sprintf("%s (median %s)", sc.Machine.Spec(), fmtR2(sc.Overall())), l)
	}
	p.Legend.Top, p.Legend.Left = true, false // r^2 falls as t grows: the top right is free (as in the app)
	p.X.Min, p.X.Max = 0, 1
	p.Y.Min, p.Y.Max = math.Max(lo, -1), 1.02
	wt, err := p.WriterTo(8*vg.Inch, 5*vg.Inch, "png")
	if err != nil {
		return err
	}
	outs.Put(path, func(w io.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	})
	return nil
}
