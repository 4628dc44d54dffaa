package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"image/png"
	"io"
	"maps"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"mosaic/model/hands"
	"mosaic/model/machine"
	"mosaic/model/outfile"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

// fingerConfig is one schedule the fingers command samples with: the base
// schedule, or the base with its late steps overridden.
type fingerConfig struct {
	name  string // "schedule" or "k=5"
	lateK int    // 0 for the base schedule
	k     schedule.Patch
	// label names the configuration in tables and on the contact sheet
	// when it is another machine (fingers --versus); "" for the sweep's.
	label string
	// machine is the machine's name in the CSV (els, network, ...).
	machine string
}

// fingerSample is the outcome of one sample under one configuration.
type fingerSample struct {
	seed    uint64
	final   []float64
	count   hands.Result
	nearest int
	dist    float64
	// traj is the base configuration's whole trajectory, kept only with
	// --versus (the theory is scored along the network's trajectories).
	traj *sampler.Trajectory
}

// fingerStats summarises the samples of one configuration.
type fingerStats struct {
	cfg         fingerConfig
	samples     int
	byCount     map[int]int // counts the counter could tell
	unsure      int         // "cannot tell"
	five        int
	wrong       int // told, but not five
	meanNearest float64
}

// notFive is the fraction of samples not counted as five (wrong or cannot tell).
func (s fingerStats) notFive() float64 { return float64(s.samples-s.five) / float64(s.samples) }

// wrongRate is the fraction of wrong counts among the samples the counter
// could tell (NaN when it could tell none).
func (s fingerStats) wrongRate() float64 {
	told := s.samples - s.unsure
	if told == 0 {
		return math.NaN()
	}
	return float64(s.wrong) / float64(told)
}

func summarize(cfg fingerConfig, res []fingerSample) fingerStats {
	st := fingerStats{cfg: cfg, samples: len(res), byCount: map[int]int{}}
	for _, r := range res {
		st.meanNearest += r.dist / float64(len(res))
		switch {
		case !r.count.OK:
			st.unsure++
		case r.count.Fingers == 5:
			st.five++
			st.byCount[5]++
		default:
			st.wrong++
			st.byCount[r.count.Fingers]++
		}
	}
	return st
}

// parseSizes reads a list of odd patch sizes such as "3,5,7,9".
func parseSizes(flagName, s string) ([]int, error) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		k, err := parsePatch(flagName+" entry", f)
		if err != nil {
			return nil, usagef("%s must list odd patch sizes such as 3,5,7,9 (entry %q is not one)", flagName, f)
		}
		out = append(out, k)
	}
	if len(out) == 0 {
		return nil, usagef("%s must list odd patch sizes such as 3,5,7,9", flagName)
	}
	return out, nil
}

// defaultLateSteps is the number of steps i >= 1 with t_i <= 0.25 (5 of 20),
// at least 1.
func defaultLateSteps(n int) int {
	l := 0
	for i := 1; i < n; i++ {
		if 4*i <= n {
			l = i
		}
	}
	return max(l, 1)
}

// grayOf returns a single-channel view of an image [C,H,W] (channels
// averaged) for the finger counter.
func grayOf(x []float64, c, hw int) []float64 {
	if c == 1 {
		return x
	}
	g := make([]float64, hw)
	for ch := 0; ch < c; ch++ {
		for p := range g {
			g[p] += x[ch*hw+p] / float64(c)
		}
	}
	return g
}

// fingersFlags are the fingers command's own flags.
type fingersFlags struct {
	samples                    int
	seed0                      uint64
	csvPath, pngPath, plotPath string
	scale                      int
	latePatch                  string
	lateSteps                  int
	versus                     string
	quiet                      bool
}

func (f *fingersFlags) add(fs *flag.FlagSet) {
	fs.IntVar(&f.samples, "samples", 20, "number of samples")
	fs.Uint64Var(&f.seed0, "seed", 1, "seed of the first sample")
	fs.StringVar(&f.csvPath, "csv", "", "per-sample CSV")
	fs.StringVar(&f.pngPath, "png", "", "contact sheet PNG")
	fs.IntVar(&f.scale, "scale", 4, "contact sheet upscaling")
	fs.StringVar(&f.latePatch, "late-patch", "", "late patch sizes, e.g. 3,5,7,9")
	fs.IntVar(&f.lateSteps, "late-steps", 0, "number of late steps to override")
	fs.StringVar(&f.plotPath, "plot", "", "chart PNG of the sweep")
	fs.StringVar(&f.versus, "versus", "", "with --machine network: a theory sampled from the same seeds")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress lines")
}

// check validates the flags that need no data and returns the late patch
// sizes of the sweep (nil: no sweep); set holds the flags given.
func (f *fingersFlags) check(set map[string]bool) ([]int, error) {
	if f.samples < 1 {
		return nil, usagef("--samples must be at least 1, e.g. --samples 20")
	}
	if f.scale < 1 || f.scale > 64 {
		return nil, usagef("--scale must be an integer from 1 to 64, e.g. --scale 4")
	}
	if f.versus != "" && f.latePatch != "" {
		return nil, usagef("--versus and --late-patch together: compare a network with a theory, or sweep one machine's late patch sizes, one at a time")
	}
	if f.latePatch != "" {
		return parseSizes("--late-patch", f.latePatch)
	}
	if set["late-steps"] {
		return nil, usagef("--late-steps needs --late-patch, e.g. --late-patch 3,5,7,9 --late-steps 5")
	}
	if f.plotPath != "" {
		return nil, usagef("--plot charts the --late-patch sweep: add --late-patch 3,5,7,9")
	}
	return nil, nil
}

func cmdFingers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("fingers", fingersUsage, stderr)
	var df dataFlags
	var mf machineFlags
	var sf scheduleFlags
	var ff fingersFlags
	df.add(fs, hands.Name)
	mf.add(fs)
	sf.add(fs)
	ff.add(fs)
	set, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	late, err := ff.check(set)
	if err != nil {
		return err
	}
	outs, err := planOutputs(stdout, "--csv", ff.csvPath, "--png", ff.pngPath, "--plot", ff.plotPath)
	if err != nil {
		return err
	}
	summary := summaryTo(outs, stdout, stderr)
	stdout = summary
	setupSched := &sf
	if ff.versus != "" {
		if k, err := machine.ParseKind(mf.kind); err != nil || k != machine.Network {
			return usagef("--versus sets a theory beside a network: give --machine network --net NET (and --versus els, with the theory's --boundary and --preset)")
		}
		// The schedule belongs to the theory; the network takes only
		// its number of steps.
		setupSched = &scheduleFlags{steps: sf.steps}
	}
	setupSet := set
	if ff.versus != "" {
		// --tau and --temperature are the theory's (newVersus).
		setupSet = maps.Clone(set)
		delete(setupSet, "tau")
		delete(setupSet, "temperature")
	}
	st, err := newSetup(&df, &mf, setupSched, setupSet, "", ff.samples*(1+len(late)), stderr, ff.quiet)
	if err != nil {
		return err
	}
	var vs *versusRun
	if ff.versus != "" {
		if vs, err = newVersus(ctx, st, &ff, &mf, &sf, set, stderr); err != nil {
			return err
		}
	}
	configs, nLate, err := fingerConfigs(st, late, ff.lateSteps, set["late-steps"])
	if err != nil {
		return err
	}
	d := st.data
	if d.C != 1 && d.C != 3 {
		return fmt.Errorf("the finger counter needs gray or RGB images, not %d channels", d.C)
	}
	fmt.Fprintf(stdout, "machine   %v\n", st.m.Spec())
	fmt.Fprintf(stdout, "data      %s\n", describe(d))
	if st.m.Spec().Kind.HasPatch() {
		fmt.Fprintf(stdout, "schedule  %s (N=%d)\n", fmtSchedule(st.k), len(st.k))
	} else {
		fmt.Fprintf(stdout, "steps     %d\n", len(st.k))
	}
	if late != nil {
		fmt.Fprintf(stdout, "sweep     late steps %d..1 (t <= %.2f) with patch sizes %v\n", nLate, schedule.Time(nLate, len(st.k)), late)
	}
	fmt.Fprintf(stdout, "samples   %d, seeds %d..%d\n\n", ff.samples, ff.seed0, ff.seed0+uint64(ff.samples)-1)
	results, err := sampleFingers(ctx, st, configs, nLate, &ff, stderr)
	if err != nil {
		return err
	}
	stats := make([]fingerStats, len(configs))
	for ci, cfg := range configs {
		stats[ci] = summarize(cfg, results[ci])
	}
	if vs != nil {
		if err := vs.run(ctx, st, &ff, results[0], stderr); err != nil {
			return err
		}
		configs[0].label, configs[0].machine = "network", "network"
		vcfg := fingerConfig{name: vs.m.Spec().String(), k: vs.k, label: vs.m.Spec().String(), machine: vs.m.Spec().Kind.String()}
		configs = append(configs, vcfg)
		results = append(results, vs.samples)
		stats = append(stats, summarize(vcfg, vs.samples))
	}
	if err := writeDistribution(stdout, stats, nLate, late != nil); err != nil {
		return err
	}
	if vs != nil {
		if err := vs.report(stdout, st, stats[0], results[0]); err != nil {
			return err
		}
	}
	return writeFingersOutputs(ctx, outs, stdout, &ff, st, configs, results, stats, nLate)
}

// fingerConfigs returns the base schedule's configuration and one per late
// patch size, and the number of late steps they override (lateSteps when
// given, else defaultLateSteps).
func fingerConfigs(st *setup, late []int, lateSteps int, given bool) ([]fingerConfig, int, error) {
	n := len(st.k)
	if !st.m.Spec().Kind.HasPatch() && late != nil {
		return nil, 0, usagef("--late-patch changes patch sizes, which the %s machine does not have: use --machine ls or els", st.m.Spec().Kind)
	}
	nLate := lateSteps
	if !given {
		nLate = defaultLateSteps(n)
	} else if nLate < 1 || nLate > n-1 {
		return nil, 0, usagef("--late-steps must be from 1 to %d (the number of steps minus one), e.g. --late-steps %d", n-1, defaultLateSteps(n))
	}
	configs := []fingerConfig{{name: "schedule", k: st.k, machine: st.m.Spec().Kind.String()}}
	for _, v := range late {
		if err := st.m.CheckPatch(v); err != nil {
			return nil, 0, usagef("--late-patch: %v", err)
		}
		k := append(schedule.Patch(nil), st.k...)
		for i := 1; i <= nLate; i++ {
			k[i] = v
		}
		configs = append(configs, fingerConfig{name: fmt.Sprintf("k=%d", v), lateK: v, k: k, machine: configs[0].machine})
	}
	return configs, nLate, nil
}

// sampleFingers draws the samples of every configuration: each seed's
// trajectory under the base schedule, branched at step nLate for the
// others. It returns the samples of each configuration, counted.
func sampleFingers(ctx context.Context, st *setup, configs []fingerConfig, nLate int, ff *fingersFlags, stderr io.Writer) ([][]fingerSample, error) {
	d, m := st.data, st.m
	local := m.Spec().Kind.HasPatch()
	results := make([][]fingerSample, len(configs))
	record := func(ci int, seed uint64, final []float64) fingerSample {
		cnt := hands.Count(grayOf(final, d.C, d.H*d.W), d.H, d.W)
		mu, dist := nearest(d, final)
		s := fingerSample{seed: seed, final: final, count: cnt, nearest: mu, dist: dist}
		results[ci] = append(results[ci], s)
		return s
	}
	start := time.Now()
	for s := 0; s < ff.samples; s++ {
		seed := ff.seed0 + uint64(s)
		prefix := fmt.Sprintf("sample %d/%d seed %d: ", s+1, ff.samples, seed)
		noise := sampler.Noise(seed, d.C, d.H, d.W)
		tStart := time.Now()
		tr, err := sampler.Run(ctx, m, noise, st.k, stepPrinter(stderr, prefix, ff.quiet, local))
		if err != nil {
			return nil, err
		}
		if err := finite(fmt.Sprintf("the sample of seed %d", seed), tr.Final()); err != nil {
			return nil, err
		}
		r := record(0, seed, tr.Final())
		if ff.versus != "" {
			results[0][len(results[0])-1].traj = tr
		}
		if !ff.quiet {
			fmt.Fprintf(stderr, "%sfingers %s, nearest distance %.3g, %.2fs\n", prefix, describeCount(r.count), r.dist, time.Since(tStart).Seconds())
		}
		for ci := 1; ci < len(configs); ci++ {
			cfg := configs[ci]
			br, err := tr.Branch(nLate, cfg.k)
			if err != nil {
				return nil, err
			}
			p := prefix + cfg.name + " "
			if err := br.Resume(ctx, m, nLate, stepPrinter(stderr, p, ff.quiet, local)); err != nil {
				return nil, err
			}
			r := record(ci, seed, br.Final())
			if !ff.quiet {
				fmt.Fprintf(stderr, "%sfingers %s\n", p, describeCount(r.count))
			}
		}
	}
	if !ff.quiet {
		fmt.Fprintf(stderr, "%d samples in %.1fs\n", ff.samples*len(configs), time.Since(start).Seconds())
	}
	return results, nil
}

// describeCount says what the counter found: a number of fingers, or why
// it cannot tell.
func describeCount(r hands.Result) string {
	if !r.OK {
		return "cannot tell (" + r.Reason + ")"
	}
	return strconv.Itoa(r.Fingers)
}

// writeFingersOutputs writes the CSV, the contact sheet and the sweep chart
// that were asked for, together, and says so on stdout.
func writeFingersOutputs(ctx context.Context, outs *outfile.Set, stdout io.Writer, ff *fingersFlags, st *setup, configs []fingerConfig, results [][]fingerSample, stats []fingerStats, nLate int) error {
	d := st.data
	if ff.csvPath != "" {
		if err := writeFingersCSV(outs, ff.csvPath, configs, results, d.Labels, d.ClassName); err != nil {
			return err
		}
	}
	if ff.pngPath != "" {
		sheet, err := contactSheet(fingerBlocks(configs, results, stats, nLate), d.C, d.H, d.W, ff.scale, min(ff.samples, 10))
		if err != nil {
			return err
		}
		outs.Put(ff.pngPath, func(w io.Writer) error { return png.Encode(w, sheet) })
	}
	if ff.plotPath != "" {
		if err := writeSweepPlot(outs, ff.plotPath, stats, nLate, len(st.k)); err != nil {
			return err
		}
	}
	if err := outs.Commit(ctx); err != nil {
		return err
	}
	for _, p := range []string{ff.csvPath, ff.pngPath, ff.plotPath} {
		if p != "" {
			fmt.Fprintf(stdout, "wrote %s\n", p)
		}
	}
	return nil
}

// fingerBlocks lays out the contact sheet: one block of badged tiles per
// configuration, titled when there is a sweep.
func fingerBlocks(configs []fingerConfig, results [][]fingerSample, stats []fingerStats, nLate int) []sheetBlock {
	var blocks []sheetBlock
	for ci, cfg := range configs {
		b := sheetBlock{}
		if len(configs) > 1 {
			b.title = "base schedule"
			if cfg.label != "" {
				b.title = cfg.label
			} else if ci > 0 {
				b.title = fmt.Sprintf("late steps %d..1 with k=%d", nLate, cfg.lateK)
			}
			b.title += fmt.Sprintf(": %d of %d not five", stats[ci].samples-stats[ci].five, stats[ci].samples)
		}
		for _, r := range results[ci] {
			t := tile{x: r.final, badge: "?", color: colorUnsure}
			if r.count.OK {
				t.badge, t.color = strconv.Itoa(r.count.Fingers), colorWrong
				if r.count.Fingers == 5 {
					t.color = colorFive
				}
			}
			b.tiles = append(b.tiles, t)
		}
		blocks = append(blocks, b)
	}
	return blocks
}

// writeDistribution prints the table of finger counts per configuration and
// the not-five fractions.
func writeDistribution(w io.Writer, stats []fingerStats, nLate int, sweep bool) error {
	seen := map[int]bool{5: true}
	for _, s := range stats {
		for c := range s.byCount {
			seen[c] = true
		}
	}
	var counts []int
	for c := range seen {
		counts = append(counts, c)
	}
	sort.Ints(counts)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	if sweep {
		fmt.Fprint(tw, "late steps\tsamples\t")
	} else {
		fmt.Fprint(tw, "machine\tsamples\t")
	}
	for _, c := range counts {
		fmt.Fprintf(tw, "%d fingers\t", c)
	}
	fmt.Fprint(tw, "cannot tell\tnot five\twrong (of told)\tmean nearest\t\n")
	for _, s := range stats {
		name := "base schedule"
		if s.cfg.label != "" {
			name = s.cfg.label
		} else if !sweep && s.cfg.machine != "" {
			name = s.cfg.machine
		} else if s.cfg.lateK > 0 {
			name = fmt.Sprintf("k=%d", s.cfg.lateK)
		}
		fmt.Fprintf(tw, "%s\t%d\t", name, s.samples)
		for _, c := range counts {
			fmt.Fprintf(tw, "%d\t", s.byCount[c])
		}
		fmt.Fprintf(tw, "%d\t%.1f%%\t%s\t%.3f\t\n", s.unsure, 100*s.notFive(), pct(s.wrongRate()), s.meanNearest)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	b := stats[0]
	fmt.Fprintf(w, "\nnot five: %d of %d samples (%.1f%%): %d with a wrong count, %d the counter cannot tell\n",
		b.samples-b.five, b.samples, 100*b.notFive(), b.wrong, b.unsure)
	if sweep {
		fmt.Fprintf(w, "sweep over the patch size of steps %d..1:\n", nLate)
		for _, s := range stats[1:] {
			fmt.Fprintf(w, "  k=%-3d not five %5.1f%% (%+.1f points vs the base schedule), wrong among told %s\n",
				s.cfg.lateK, 100*s.notFive(), 100*(s.notFive()-b.notFive()), pct(s.wrongRate()))
		}
	}
	return nil
}

func pct(f float64) string {
	if math.IsNaN(f) {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*f)
}

// writeFingersCSV writes one row per sample (and configuration): seed,
// fingers (empty when the counter cannot tell), nearest_distance, then
// late_k (empty for the base schedule), nearest_image, nearest_label, ok and
// reason.
func writeFingersCSV(outs *outfile.Set, path string, configs []fingerConfig, results [][]fingerSample, labels []int, className func(int) string) error {
	outs.Put(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write([]string{"seed", "fingers", "nearest_distance", "late_k", "nearest_image", "nearest_label", "ok", "reason", "machine"})
		for ci, cfg := range configs {
			for _, r := range results[ci] {
				fingers := ""
				if r.count.OK {
					fingers = strconv.Itoa(r.count.Fingers)
				}
				lateK := ""
				if cfg.lateK > 0 {
					lateK = strconv.Itoa(cfg.lateK)
				}
				label := ""
				if labels != nil {
					label = className(labels[r.nearest])
				}
				cw.Write([]string{strconv.FormatUint(r.seed, 10), fingers, strconv.FormatFloat(r.dist, 'g', 8, 64),
					lateK, strconv.Itoa(r.nearest), label, strconv.FormatBool(r.count.OK), r.count.Reason, cfg.machine})
			}
		}
		cw.Flush()
		return cw.Error()
	})
	return nil
}
