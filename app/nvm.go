package app

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"mosaic/app/internal/worker"
	mcompare "mosaic/model/compare"
	"mosaic/model/machine"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

// Network vs machine (issue 13, SPEC.md "Trained networks and how well a
// theory explains them"): a machine is evaluated along a trained network's
// own trajectory, D_mach(x_i^net, t_i, k_i) at every step, and scored
// against the network's D_net(x_i^net) by r^2. The nvm runner does that
// work off the UI goroutine, on three workers that each supersede their
// previous job: the machine of side B along the network (streamed, the
// step on screen first), the r^2 chart of every machine (after B, cached
// per network, data, seed and schedule), and the calibration of B's patch
// sizes. The evaluations share one cache, so the chart never recomputes
// what side B has computed.

// nvmCacheSize bounds the evaluations kept along network trajectories:
// five machines over a 20-step trajectory, twice.
const nvmCacheSize = 256

// chartCacheSize is how many r^2 charts stay cached.
const chartCacheSize = 8

// calibrationSeeds is how many seeds the Calibrate action fits: the
// current seed and the ones after it.
const calibrationSeeds = 3

// calibrationKMax is the largest patch size the Calibrate action tries
// (the paper's MNIST ResNet schedules reach 15; a larger k costs more and
// rarely wins).
const calibrationKMax = 21

// nvm runs the machine side of Network vs machine. Its callbacks run on the
// dispatch (UI) goroutine.
type nvm struct {
	lib   *Library
	cache *sampler.StepCache

	// OnResult receives B's result along the network: a snapshot per
	// evaluated step, with Reference and R2 set.
	OnResult func(*Result)
	OnError  func(error)
	// OnPrepare reports a machine's one-time preparation (see Controller).
	OnPrepare func(what string, frac float64)
	// OnChart receives the r^2 chart as it fills in (Complete at the end);
	// OnChartError its failure.
	OnChart      func(*R2Chart)
	OnChartError func(error)
	// OnCalibrated receives a finished calibration, OnCalProgress its
	// progress, OnCalError its failure (not a cancellation).
	OnCalibrated  func(*Calibrated)
	OnCalProgress func(done, total int)
	OnCalError    func(error)

	run   worker.Worker // B along the network
	chart worker.Worker // the r^2 chart
	cal   worker.Worker // calibration

	mu     sync.Mutex
	charts map[string]*R2Chart // complete charts by chartKey
	order  []string            // chart keys, oldest first
}

func newNVM(lib *Library, dispatch func(func())) *nvm {
	return &nvm{
		lib: lib, cache: sampler.NewStepCache(nvmCacheSize), charts: map[string]*R2Chart{},
		run:   worker.Worker{Dispatch: dispatch, Serial: true},
		chart: worker.Worker{Dispatch: dispatch, Serial: true},
		cal:   worker.Worker{Dispatch: dispatch, Serial: true},
	}
}

// Cancel stops all three workers.
func (n *nvm) Cancel() {
	n.run.Cancel()
	n.chart.Cancel()
	n.cal.Cancel()
}

// Wait blocks until no work runs (tests and shutdown).
func (n *nvm) Wait() {
	n.run.Wait()
	n.chart.Wait()
	n.cal.Wait()
}

// isNetworkResult reports whether res is a complete trajectory of a
// trained network (what Network vs machine compares against).
func isNetworkResult(res *Result) bool {
	return res != nil && res.Complete && res.Traj.Complete() && res.Machine != nil && res.Machine.Spec().Kind == machine.Network
}

// alongOrder lists the steps N-1..1 with focus (the step on screen) first,
// so that its r^2 is the first to arrive.
func alongOrder(n, focus int) []int {
	focus = StepOf(focus)
	out := make([]int, 0, n-1)
	if focus >= 1 && focus < n {
		out = append(out, focus)
	}
	for i := n - 1; i >= 1; i-- {
		if i != focus {
			out = append(out, i)
		}
	}
	return out
}

// Along evaluates the machine of settings s along the network result net
// (complete), step focus first, superseding the previous request.
func (n *nvm) Along(net *Result, s Settings, focus int) {
	requested := time.Now()
	n.run.Start(func(j *worker.Job) {
		if err := n.along(j, net, s, focus, requested); err != nil && !errors.Is(err, context.Canceled) {
			j.Deliver(func() {
				if n.OnError != nil {
					n.OnError(err)
				}
			})
		}
	})
}

// machine returns the prepared machine of s, with its schedule.
func (n *nvm) machine(j *worker.Job, s Settings) (*machine.Machine, *Result, schedule.Patch, error) {
	m, data, err := n.lib.Machine(s)
	if err != nil {
		return nil, nil, nil, err
	}
	k, err := s.Schedule()
	if err != nil {
		return nil, nil, nil, err
	}
	if err := m.CheckSchedule(k); err != nil {
		return nil, nil, nil, err
	}
	what := fmt.Sprintf("%v: covariance and eigendecomposition of %d training images", m.Spec(), m.Data().M)
	var last time.Time
	err = m.Prepare(j.Context(), func(f float64) {
		if now := time.Now(); f >= 1 || now.Sub(last) >= 100*time.Millisecond {
			last = now
			j.Deliver(func() {
				if n.OnPrepare != nil {
					n.OnPrepare(what, f)
				}
			})
		}
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("preparing %v: %w", m.Spec(), err)
	}
	return m, &Result{Machine: m, Data: data}, k, nil
}

// along is one request of Along.
func (n *nvm) along(j *worker.Job, net *Result, s Settings, focus int, requested time.Time) error {
	if !isNetworkResult(net) {
		return errors.New("Network vs machine needs the network's complete trajectory on side A")
	}
	m, proto, k, err := n.machine(j, s)
	if err != nil {
		return err
	}
	nt := net.Traj
	if len(k) != nt.N {
		return fmt.Errorf("the schedule has %d entries for the network's %d steps", len(k), nt.N)
	}
	tr := &sampler.Trajectory{N: nt.N, C: nt.C, H: nt.H, W: nt.W, K: slices.Clone(k),
		X: make([][]float64, nt.N), Steps: make([]*machine.Step, nt.N), Eps: make([][]float64, nt.N)}
	copy(tr.X[1:], nt.X[1:]) // the machine sees the network's x_i; its x_0 is its own D_1
	r2 := make([]float64, nt.N)
	for i := range r2 {
		r2[i] = math.NaN()
	}
	order := alongOrder(nt.N, focus)
	for done, i := range order {
		st, _, err := n.cache.Step(j.Context(), m, nt.X[i], nt.Time(i), k[i])
		if err != nil {
			return err
		}
		t := nt.Time(i)
		a, b := schedule.A(t), schedule.B(t)
		eps := make([]float64, len(st.D))
		for p, x := range nt.X[i] {
			eps[p] = (x - a*st.D[p]) / b
		}
		tr.Steps[i], tr.Eps[i] = st, eps
		if i == 1 {
			tr.X[0] = st.D
		}
		r2[i] = mcompare.R2(nt.Steps[i].D, st.D)
		res := &Result{Gen: j.Gen(), Settings: s, Traj: snapshot(tr), Stale: make([]bool, nt.N),
			Machine: m, Data: proto.Data, Done: done + 1, Total: len(order), From: nt.N - 1,
			Complete: done+1 == len(order), Reference: net, R2: slices.Clone(r2)}
		if done == 0 {
			res.FirstR2 = time.Since(requested)
		}
		show := func() {
			if n.OnResult != nil {
				n.OnResult(res)
			}
		}
		if done == 0 || res.Complete {
			j.Deliver(show)
		} else {
			j.Progress(show)
		}
	}
	return nil
}

// R2Chart is r^2 of every machine along one network trajectory: the
// content of the "r² over t" chart.
type R2Chart struct {
	// Key identifies the network, data, seed and schedule (chartKey).
	Key  string
	Seed uint64
	// Names[j] is machine j's title; R2[j][i] its r^2 at step i (NaN at
	// i = 0 and where not computed yet).
	Names []string
	R2    [][]float64
	// Done of Total evaluations are finished.
	Done, Total int
	Complete    bool
}

// chartMachines lists the settings of the machines the chart compares:
// IS, LS and ELS (with s's boundary), Wiener and PCA-locality.
func chartMachines(s Settings) []Settings {
	var out []Settings
	for _, name := range []string{"ideal", "ls", "els", "wiener", "pca-locality"} {
		v := s
		v.Machine = name
		out = append(out, v)
	}
	return out
}

// chartKey identifies a chart: the network result (its settings name the
// network, data, seed and steps) and what the machines take from s.
func chartKey(net *Result, s Settings) string {
	k, _ := s.Schedule()
	a := net.Settings
	b, _ := machine.ParseBoundary(s.Boundary)
	return fmt.Sprintf("%q|%q|%q|%d|%d|%d|%d|%d|%v|%v|%v|%v", a.Network, a.Dataset, a.Labels, a.Size, a.Limit, a.Class,
		a.Seed, a.Steps, []int(k), b, s.Tau, s.Temperature)
}

// CachedChart returns the complete chart of (net, s) if it is cached.
func (n *nvm) CachedChart(net *Result, s Settings) *R2Chart {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.charts[chartKey(net, s)]
}

// Chart computes the r^2 chart of (net, s) once B's evaluations along the
// network have finished, delivering it as it fills in; a cached chart is
// delivered at once. It supersedes the previous chart request.
func (n *nvm) Chart(net *Result, s Settings) {
	key := chartKey(net, s)
	if ch := n.CachedChart(net, s); ch != nil {
		n.chart.Cancel()
		n.chart.Start(func(j *worker.Job) {
			j.Deliver(func() {
				if n.OnChart != nil {
					n.OnChart(ch)
				}
			})
		})
		return
	}
	n.chart.Start(func(j *worker.Job) {
		if !n.run.WaitIdle(j.Context()) {
			return
		}
		ch, err := n.chartWork(j, net, s, key)
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				j.Deliver(func() {
					if n.OnChartError != nil {
						n.OnChartError(err)
					}
				})
			}
			return
		}
		n.mu.Lock()
		if _, ok := n.charts[key]; !ok {
			n.order = append(n.order, key)
		}
		n.charts[key] = ch
		for len(n.order) > chartCacheSize {
			delete(n.charts, n.order[0])
			n.order = n.order[1:]
		}
		n.mu.Unlock()
	})
}

// chartWork computes a chart on job j.
func (n *nvm) chartWork(j *worker.Job, net *Result, s Settings, key string) (*R2Chart, error) {
	if !isNetworkResult(net) {
		return nil, errors.New("the r² chart needs the network's complete trajectory")
	}
	nt := net.Traj
	ms := chartMachines(s)
	ch := &R2Chart{Key: key, Seed: net.Settings.Seed, Total: len(ms) * (nt.N - 1)}
	for _, v := range ms {
		spec, err := v.Spec()
		if err != nil {
			return nil, err
		}
		ch.Names = append(ch.Names, spec.String())
		row := make([]float64, nt.N)
		for i := range row {
			row[i] = math.NaN()
		}
		ch.R2 = append(ch.R2, row)
	}
	deliver := func(final bool) {
		c := *ch
		c.R2 = make([][]float64, len(ch.R2))
		for j, r := range ch.R2 {
			c.R2[j] = slices.Clone(r)
		}
		f := func() {
			if n.OnChart != nil {
				n.OnChart(&c)
			}
		}
		if final {
			j.Deliver(f)
		} else {
			j.Progress(f)
		}
	}
	for mi, v := range ms {
		m, _, k, err := n.machine(j, v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ch.Names[mi], err)
		}
		for i := nt.N - 1; i >= 1; i-- {
			st, _, err := n.cache.Step(j.Context(), m, nt.X[i], nt.Time(i), k[i])
			if err != nil {
				return nil, err
			}
			ch.R2[mi][i] = mcompare.R2(nt.Steps[i].D, st.D)
			ch.Done++
			deliver(false)
		}
	}
	ch.Complete = true
	deliver(true)
	return ch, nil
}

// Calibrated is the outcome of the Calibrate action: the schedule that
// mcompare.Calibrate fitted to the network for B's machine, and the overall
// median r^2 over the seeds before (the schedule in use) and after.
type Calibrated struct {
	Machine       machine.Spec
	Seeds         []uint64
	KMax          int
	Old           schedule.Patch
	Cal           *mcompare.Calibration
	Before, After float64
}

// calibrationPlan returns the seeds and the largest patch size the
// Calibrate action uses for settings s (A's seed first) on h x w images.
func calibrationPlan(seed uint64, h, w int) ([]uint64, int) {
	seeds := make([]uint64, calibrationSeeds)
	for i := range seeds {
		seeds[i] = seed + uint64(i)
	}
	return seeds, min(mcompare.DefaultKMax(h, w), calibrationKMax)
}

// Calibrate fits the patch-size schedule of B's machine (settings s) to
// the network of net (complete, seed net.Settings.Seed) on the seeds of
// calibrationPlan, superseding a running calibration.
func (n *nvm) Calibrate(net *Result, s Settings) {
	n.cal.Start(func(j *worker.Job) {
		c, err := n.calibrate(j, net, s)
		j.Deliver(func() {
			switch {
			case err == nil:
				if n.OnCalibrated != nil {
					n.OnCalibrated(c)
				}
			case !errors.Is(err, context.Canceled):
				if n.OnCalError != nil {
					n.OnCalError(err)
				}
			}
		})
	})
}

// CancelCalibration stops a running calibration.
func (n *nvm) CancelCalibration() { n.cal.Cancel() }

func (n *nvm) calibrate(j *worker.Job, net *Result, s Settings) (*Calibrated, error) {
	if !isNetworkResult(net) {
		return nil, errors.New("calibration needs the network's complete trajectory on side A")
	}
	ctx := j.Context()
	nt := net.Traj
	seeds, kmax := calibrationPlan(net.Settings.Seed, nt.H, nt.W)
	m, _, old, err := n.machine(j, s)
	if err != nil {
		return nil, err
	}
	if !m.Spec().Kind.HasPatch() {
		return nil, fmt.Errorf("%v has no patch size to calibrate: choose LS or ELS on side B", m.Spec())
	}
	noises := make([][]float64, 0, len(seeds)-1)
	for _, sd := range seeds[1:] {
		noises = append(noises, sampler.Noise(sd, nt.C, nt.H, nt.W))
	}
	more, err := mcompare.Trajectories(ctx, net.Machine, noises, nt.N)
	if err != nil {
		return nil, err
	}
	trs := append([]*sampler.Trajectory{nt}, more...)
	sizes := 0
	for k := 1; k <= kmax; k += 2 {
		if m.CheckPatch(k) == nil {
			sizes++
		}
	}
	per := len(trs) * (nt.N - 1)
	total := (sizes + 2) * per
	report := func(offset int) mcompare.Progress {
		return func(done, _ int) {
			d := offset + done
			j.Progress(func() {
				if n.OnCalProgress != nil {
					n.OnCalProgress(d, total)
				}
			})
		}
	}
	before, err := mcompare.Evaluate(ctx, trs, m, old, report(0))
	if err != nil {
		return nil, err
	}
	cal, err := mcompare.Calibrate(ctx, trs, m, kmax, report(per))
	if err != nil {
		return nil, err
	}
	after, err := mcompare.Evaluate(ctx, trs, m, cal.K, report((sizes+1)*per))
	if err != nil {
		return nil, err
	}
	return &Calibrated{Machine: m.Spec(), Seeds: seeds, KMax: kmax, Old: old, Cal: cal,
		Before: before.Overall(), After: after.Overall()}, nil
}
