package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"text/tabwriter"
	"time"

	"mosaic/model/compare"
	"mosaic/model/hands"
	"mosaic/model/machine"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

// versusRun is the second machine of fingers --versus: sampled from the
// same seeds as the network, and scored along the network's trajectories.
type versusRun struct {
	m       *machine.Machine
	k       schedule.Patch
	samples []fingerSample
	scores  *compare.Scores
	trs     []*sampler.Trajectory // the network's trajectories, one per seed
	seeds   []uint64
}

// newVersus builds the --versus machine on the network's training data st.data
// with the schedule sf resolves for it, checked against the memory budget.
func newVersus(ctx context.Context, st *setup, ff *fingersFlags, mf *machineFlags, sf *scheduleFlags, set map[string]bool, stderr io.Writer) (*versusRun, error) {
	// The machine flags other than --machine and --net (--boundary, --tau,
	// --temperature) belong to the theory.
	if _, err := machine.ParseKind(ff.versus); err != nil {
		return nil, usagef("--versus: %v", err)
	}
	vf := *mf
	vf.kind, vf.net = ff.versus, ""
	vset := maps.Clone(set)
	delete(vset, "net")
	spec, err := vf.spec(vset)
	if err != nil {
		return nil, err
	}
	kind := spec.Kind
	if kind == machine.Network {
		return nil, usagef("--versus network: give a theory to set beside the network (els, ls, ideal, wiener or pca-locality)")
	}
	if st.data.M == 0 {
		return nil, usagef("--versus %s copies from the network's training data: give --dataset NAME or --train PATH", kind)
	}
	k, err := sf.resolve(kind, stderr)
	if err != nil {
		return nil, err
	}
	d := st.data
	r := machineRun(spec, d.M, d.C, d.H, d.W, 0)
	r.K, r.Trajectories = k, ff.samples
	if err := checkBudget(r, stderr, ff.quiet); err != nil {
		return nil, err
	}
	m, err := newMachine(d, spec, k)
	if err != nil {
		return nil, err
	}
	if err := prepare(ctx, m, stderr, ff.quiet); err != nil {
		return nil, err
	}
	return &versusRun{m: m, k: k}, nil
}

// run samples the versus machine from the seeds of the network's samples
// and counts their fingers, then scores the machine along the network's own
// trajectories (r^2 per step, SPEC's comparison), which net holds (the
// network's samples, with their trajectories).
func (v *versusRun) run(ctx context.Context, st *setup, ff *fingersFlags, net []fingerSample, stderr io.Writer) error {
	d := st.data
	local := v.m.Spec().Kind.HasPatch()
	noises := make([][]float64, ff.samples)
	start := time.Now()
	for s := range noises {
		seed := ff.seed0 + uint64(s)
		v.seeds = append(v.seeds, seed)
		noises[s] = sampler.Noise(seed, d.C, d.H, d.W)
		prefix := fmt.Sprintf("%s sample %d/%d seed %d: ", v.m.Spec().Kind, s+1, ff.samples, seed)
		tr, err := sampler.Run(ctx, v.m, noises[s], v.k, stepPrinter(stderr, prefix, ff.quiet, local))
		if err != nil {
			return err
		}
		if err := finite(fmt.Sprintf("the %s sample of seed %d", v.m.Spec().Kind, seed), tr.Final()); err != nil {
			return err
		}
		cnt := hands.Count(grayOf(tr.Final(), d.C, d.H*d.W), d.H, d.W)
		mu, dist := nearest(d, tr.Final())
		v.samples = append(v.samples, fingerSample{seed: seed, final: tr.Final(), count: cnt, nearest: mu, dist: dist})
		if !ff.quiet {
			fmt.Fprintf(stderr, "%sfingers %s\n", prefix, describeCount(cnt))
		}
	}
	if !ff.quiet {
		fmt.Fprintf(stderr, "%d %s samples in %.1fs\n", ff.samples, v.m.Spec().Kind, time.Since(start).Seconds())
	}
	for _, smp := range net {
		v.trs = append(v.trs, smp.traj)
	}
	var err error
	v.scores, err = compare.Evaluate(ctx, v.trs, v.m, v.k, progressPrinter(stderr, "r^2 along the network's trajectories", ff.quiet))
	return err
}

// agreement is the 2x2 table of fingers --versus: how many seeds the network
// and the machine each draw with five fingers or not (a count the counter
// cannot tell is "not five").
type agreement struct {
	bothFive, netOnlyFive, machOnlyFive, neither int
}

func agree(net, mach []fingerSample) agreement {
	var a agreement
	for i := range net {
		nf := net[i].count.OK && net[i].count.Fingers == 5
		mf := mach[i].count.OK && mach[i].count.Fingers == 5
		switch {
		case nf && mf:
			a.bothFive++
		case nf:
			a.netOnlyFive++
		case mf:
			a.machOnlyFive++
		default:
			a.neither++
		}
	}
	return a
}

// report prints the versus machine's counts beside the network's, the 2x2
// table and the r^2 of the machine along the network's trajectories.
func (v *versusRun) report(w io.Writer, st *setup, netStats fingerStats, netSamples []fingerSample) error {
	vs := summarize(fingerConfig{name: v.m.Spec().String(), label: v.m.Spec().String(), k: v.k}, v.samples)
	name := v.m.Spec().Kind.Title()
	fmt.Fprintf(w, "\nnetwork against %v from the same %d seeds (schedule %s):\n", v.m.Spec(), len(v.samples), fmtSchedule(v.k))
	fmt.Fprintf(w, "  network  not five %5.1f%% (%d of %d), wrong among told %s\n", 100*netStats.notFive(), netStats.samples-netStats.five, netStats.samples, pct(netStats.wrongRate()))
	fmt.Fprintf(w, "  %-7s  not five %5.1f%% (%d of %d), wrong among told %s\n", name, 100*vs.notFive(), vs.samples-vs.five, vs.samples, pct(vs.wrongRate()))
	a := agree(netSamples, v.samples)
	fmt.Fprintf(w, "\nsame seed, both counted (\"not five\" includes hands the counter cannot tell):\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\t%s five\t%s not five\t\n", name, name)
	fmt.Fprintf(tw, "network five\t%d\t%d\t\n", a.bothFive, a.netOnlyFive)
	fmt.Fprintf(tw, "network not five\t%d\t%d\t\n", a.machOnlyFive, a.neither)
	if err := tw.Flush(); err != nil {
		return err
	}
	if n := a.machOnlyFive + a.neither; n > 0 {
		fmt.Fprintf(w, "of the %d seeds where the network's hand is not five, %s's is not five either on %d\n", n, name, a.neither)
	}
	fmt.Fprintf(w, "\nr^2 of %v along the network's own trajectories:\n", v.m.Spec())
	printComparison(w, &comparison{net: st.m, data: st.data, seeds: v.seeds, trs: v.trs}, []*compare.Scores{v.scores}, v.k)
	return nil
}
