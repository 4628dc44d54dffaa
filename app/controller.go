package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"mosaic/app/internal/worker"
	"mosaic/model/dataset"
	"mosaic/model/machine"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

// Result is what the UI shows: a trajectory snapshot that no goroutine
// modifies any more, and how far its computation has come. While a
// recompute runs, the rows it has not reached yet are taken from the
// trajectory that was on screen (when it has the same shape) and marked
// Stale, so the old picture stays usable until the new one replaces it.
type Result struct {
	// Gen is the request this result belongs to (increasing).
	Gen uint64
	// Settings produced the fresh part of Traj.
	Settings Settings
	// Traj is complete where computed; rows not computed yet are nil or
	// taken from the previous trajectory (see Stale).
	Traj *sampler.Trajectory
	// Stale[i] says that x_i, or D_i and eps_i, still come from the
	// previous trajectory (the patch sizes K are always the new ones).
	Stale []bool
	// Machine computed the trajectory; Data is its full data set.
	Machine *machine.Machine
	Data    *dataset.Dataset
	// Done of Total steps of this request are computed; From is the step
	// the request started at (N-1 for a full run).
	Done, Total, From int
	// Complete reports that the whole request has finished.
	Complete bool

	// Reference is the trained network's result whose x_t this machine
	// was evaluated along (Network vs machine: Traj.X[i] are the network's
	// for i >= 1, x_0 is the machine's D_1); nil for a machine's own
	// trajectory. R2[i] is then r^2 of the machine's D_i against the
	// network's (NaN where not computed), and FirstR2, on the first
	// snapshot, the time from the request to it.
	Reference *Result
	R2        []float64
	FirstR2   time.Duration
}

// Ready reports whether step i of the result holds fresh data for x_i.
func (r *Result) Ready(i int) bool {
	return r != nil && i >= 0 && i < len(r.Stale) && r.Traj.X[i] != nil && !r.Stale[i]
}

// Controller computes trajectories off the UI goroutine and owns the one
// it last computed (the base that later requests branch from). Every
// request supersedes the previous one: its context is cancelled and only
// the newest request's results reach the UI. Requests run one at a time,
// so rapid changes never pile up work. A change of the patch-size schedule
// at step i branches the base trajectory and recomputes only steps i..1;
// any other change recomputes everything.
type Controller struct {
	lib *Library

	// OnResult receives every new snapshot (one per computed step), on the
	// dispatch goroutine.
	OnResult func(*Result)
	// OnError receives a failed request's error; the previous result stays.
	OnError func(error)
	// OnPrepare, if set, receives the progress (0 to 1) of a machine's
	// one-time preparation (the covariance eigendecomposition of Wiener and
	// PCA-locality), described by what, on the dispatch goroutine.
	OnPrepare func(what string, frac float64)
	// OnTiming, if set, receives the timings of each request: the time from
	// the request to its first fresh step and to its completion, both
	// measured when the dispatched result is handed over.
	OnTiming func(t Timing)

	req   worker.Worker // the requests (serial)
	ahead worker.Worker // the work computed ahead while idle (serial)

	mu     sync.Mutex
	base   *baseRun  // what the last request computed, as far as it got
	target *Settings // the newest request's settings, to ignore repeats
	shown  *Result   // the last result handed to the UI (dispatch side)

	// cache keeps every evaluation computed, by requests and ahead of
	// time, so that none is computed twice (an undo costs nothing).
	cache *sampler.StepCache
	// recent are the machines of the last requests, newest first; the
	// cache keeps only their evaluations (an entry holds its machine and
	// so its copy of the training set).
	recent []*machine.Machine
	// upcoming are settings whose whole trajectories ComputeAhead computes
	// first (a tour's next scenes; see PrepareAhead).
	upcoming []Settings
}

// baseRun is a trajectory with what computed it: the settings, the machine
// and its full data set. Its slices are a snapshot (see snapshot).
type baseRun struct {
	traj *sampler.Trajectory
	set  Settings
	m    *machine.Machine
	data *dataset.Dataset
}

// stepCacheSize bounds the evaluations the controller keeps: six 20-step
// trajectories (the one on screen, the one before, the two constant-size
// neighbours and more) and the focus step's neighbours. Each holds D, the
// mosaic map and the effective numbers of one step (32x32 images: tens of
// kB).
const stepCacheSize = 128

// cacheMachines is how many machines' evaluations the cache keeps: the
// current one and the two before it (going back and forth between two
// boundaries or machines recomputes nothing), never more than the
// Library keeps built.
const cacheMachines = 3

// aheadDelay is how long the step on screen must stay put before its
// neighbours are computed ahead: scrubbing moves it every frame.
const aheadDelay = 150 * time.Millisecond

// aheadMaxPairs is the largest evaluation computed ahead, in (pixel,
// candidate) pairs, as machine.Pairs counts them (all of MNIST at a small
// k is computed only on request).
const aheadMaxPairs = 5e9

// Timing is the measured latency of one request.
type Timing struct {
	Gen        uint64
	Kind       Change
	From       int
	Requested  time.Time
	FirstFrame time.Duration // request to first fresh step handed to the UI
	Complete   time.Duration // request to last step handed to the UI
}

// NewController returns a controller loading data and machines from lib
// and handing results over with dispatch (fyne.Do in the app).
func NewController(lib *Library, dispatch func(func())) *Controller {
	c := &Controller{lib: lib, cache: sampler.NewStepCache(stepCacheSize)}
	c.req = worker.Worker{Dispatch: dispatch, Serial: true}
	c.ahead = worker.Worker{Dispatch: dispatch, Serial: true}
	return c
}

// ComputeAhead asks the controller to compute, once no request is running
// and step i has stayed on screen for aheadDelay, what a one-notch change
// would need: step i's evaluations with the patch sizes k-2 and k+2 (where
// the machine allows them) and, when the schedule is one constant patch
// size, the whole trajectories with that size -2 and +2 (a lecturer's
// slider). Anything above aheadMaxPairs per evaluation, or a machine
// without patches (which ignores k), is left to the request. A newer
// ComputeAhead, any request and Cancel stop that work. The owner of the
// step on screen calls it when the step changes and when a request
// completes.
func (c *Controller) ComputeAhead(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ahead.Start(func(j *worker.Job) {
		ctx := j.Context()
		if !c.req.WaitIdle(ctx) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(aheadDelay):
		}
		c.mu.Lock()
		upcoming := c.upcoming
		c.mu.Unlock()
		for _, s := range upcoming {
			if c.precompute(ctx, s) != nil {
				return // cancelled
			}
		}
		for _, job := range c.aheadJobs(i) {
			if job(ctx) != nil {
				return // cancelled
			}
		}
	})
}

// PrepareAhead sets the settings whose whole trajectories ComputeAhead
// computes into the cache before anything else (the next scenes of a
// tour, so that they appear at once); none clears them. It does not start
// the work: ComputeAhead does.
func (c *Controller) PrepareAhead(ss ...Settings) {
	c.mu.Lock()
	c.upcoming = ss
	c.mu.Unlock()
}

// precompute computes the whole trajectory of s into the cache, showing
// nothing, and makes the cache keep its machine's evaluations beside the
// current machine's. Settings that are invalid or fail to load are
// skipped (the request reports why when they are asked for). It returns
// only the context's error.
func (c *Controller) precompute(ctx context.Context, s Settings) error {
	if s.Validate() != nil {
		return nil
	}
	m, _, err := c.lib.Machine(s)
	if err != nil {
		return ctx.Err()
	}
	k, _ := s.Schedule()
	if m.CheckSchedule(k) != nil {
		return nil
	}
	if err := m.Prepare(ctx, func(float64) {}); err != nil {
		return ctx.Err()
	}
	c.mu.Lock()
	if !slices.Contains(c.recent, m) {
		c.recent = slices.Insert(c.recent, min(1, len(c.recent)), m)
		c.recent = c.recent[:min(len(c.recent), cacheMachines)]
		c.cache.Retain(c.recent...)
	}
	c.mu.Unlock()
	d := m.Data()
	tr, err := sampler.New(sampler.Noise(s.Seed, d.C, d.H, d.W), d.C, d.H, d.W, k)
	if err != nil {
		return nil
	}
	if err := tr.ResumeCached(ctx, m, tr.N-1, nil, c.cache); err != nil {
		return ctx.Err()
	}
	return nil
}

// aheadJobs lists the evaluations ComputeAhead(i) computes, from the base
// trajectory.
func (c *Controller) aheadJobs(i int) []func(ctx context.Context) error {
	c.mu.Lock()
	b := c.base
	c.mu.Unlock()
	if b == nil || b.m == nil || !b.m.Spec().Kind.HasPatch() {
		return nil
	}
	base, set, m := b.traj, b.set, b.m
	var jobs []func(ctx context.Context) error
	if i >= 1 && i < base.N && base.X[i] != nil && m.Pairs(base.K[i]) <= aheadMaxPairs {
		x, t, k := base.X[i], base.Time(i), base.K[i]
		for _, kk := range []int{k + 2, k - 2} {
			if m.CheckPatch(kk) == nil {
				jobs = append(jobs, func(ctx context.Context) error {
					_, _, err := c.cache.Step(ctx, m, x, t, kk)
					return err
				})
			}
		}
	}
	if set.Mode != ScheduleConstant {
		return jobs
	}
	noise := base.X[base.N-1]
	for _, kk := range []int{set.Constant + 2, set.Constant - 2} {
		s := set
		s.Constant = kk
		k, err := s.Schedule()
		if err != nil || m.CheckSchedule(k) != nil || int64(len(k))*m.Pairs(kk) > 2*aheadMaxPairs {
			continue
		}
		jobs = append(jobs, func(ctx context.Context) error {
			tr, err := sampler.New(noise, base.C, base.H, base.W, k)
			if err != nil {
				return err
			}
			return tr.ResumeCached(ctx, m, tr.N-1, nil, c.cache)
		})
	}
	return jobs
}

// WaitAhead blocks until the work started by ComputeAhead has finished or
// been cancelled (for tests and measurements).
func (c *Controller) WaitAhead() { c.ahead.Wait() }

// CacheHits returns how many steps were taken from the cache of
// evaluations instead of being computed.
func (c *Controller) CacheHits() int { return c.cache.Hits() }

// Current returns the last result handed to the UI (dispatch side only).
func (c *Controller) Current() *Result { return c.shown }

// Request starts computing the trajectory of s, cancelling any running
// request. Invalid settings are rejected at once with the reason; load
// errors arrive through OnError. It returns what will be recomputed.
func (c *Controller) Request(s Settings) (Change, error) {
	if err := s.Validate(); err != nil {
		return ChangeNone, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.req.Busy() && c.target != nil {
		if k, _ := Compare(*c.target, s); k == ChangeNone {
			return ChangeNone, nil // being computed right now
		}
	}
	kind, from := ChangeAll, s.Steps-1
	if c.base != nil {
		kind, from = Compare(c.base.set, s)
		if kind == ChangeSchedule && c.base.m != nil && !c.base.m.Spec().Kind.HasPatch() && c.base.traj.Complete() {
			// The machine ignores the patch sizes (a network, say, whose
			// schedule is side B's in Network vs machine): the trajectory
			// is the same.
			return ChangeNone, nil
		}
	}
	if kind == ChangeNone && c.base != nil && c.base.traj.Complete() {
		return ChangeNone, nil
	}
	c.target = &s
	if kind == ChangeNone {
		kind = ChangeSchedule // resume whatever is unfinished
		from = 1
	}
	c.ahead.Cancel()
	base := c.base
	c.req.Start(func(j *worker.Job) { c.work(j, s, kind, from, base, time.Now()) })
	return kind, nil
}

// Adopt shows a complete trajectory computed elsewhere (a sample of the
// hands gallery) as the result of settings s, without recomputing it: any
// running request is cancelled, tr becomes the base that later requests
// branch from (a schedule change re-runs only the steps it affects), and
// the result is handed to OnResult at once. m must be the machine of s
// (data is its full data set) and tr must have been sampled by it from
// sampler.Noise(s.Seed, ...) with s's schedule; Adopt checks what it can
// (completeness, shape, schedule) and refuses the rest. Call it on the
// dispatch (UI) goroutine; tr is not modified.
func (c *Controller) Adopt(s Settings, m *machine.Machine, data *dataset.Dataset, tr *sampler.Trajectory) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if m == nil || tr == nil || !tr.Complete() {
		return errors.New("only a complete trajectory with its machine can be shown without recomputing")
	}
	d := m.Data()
	if tr.C != d.C || tr.H != d.H || tr.W != d.W {
		return fmt.Errorf("the trajectory is %dx%dx%d but the machine's images are %dx%dx%d", tr.C, tr.H, tr.W, d.C, d.H, d.W)
	}
	k, err := s.Schedule()
	if err != nil {
		return err
	}
	if !slices.Equal([]int(k), []int(tr.K)) {
		return errors.New("the trajectory was sampled with another patch-size schedule")
	}
	snap := snapshot(tr)
	c.mu.Lock()
	c.req.Cancel()
	c.ahead.Cancel()
	gen := c.req.Gen()
	c.base = &baseRun{traj: snap, set: s, m: m, data: data}
	c.target = &s
	c.mu.Unlock()
	total := tr.N - 1
	c.show(&Result{Gen: gen, Settings: s, Traj: snap, Machine: m, Data: data,
		Done: total, Total: total, From: tr.N - 1, Complete: true})
	return nil
}

// Cancel stops the running request and any work ahead, keeping what is
// on screen.
func (c *Controller) Cancel() {
	c.req.Cancel()
	c.ahead.Cancel()
}

// Wait blocks until no request is running (for tests and shutdown).
func (c *Controller) Wait() { c.req.Wait() }

// work runs one request on the request worker: it gets the machine ready,
// starts the trajectory (branched from base or from the noise) and streams
// its steps to the UI.
func (c *Controller) work(j *worker.Job, s Settings, kind Change, from int, base *baseRun, requested time.Time) {
	fail := func(err error) {
		if !errors.Is(err, context.Canceled) {
			j.Deliver(func() {
				if c.OnError != nil {
					c.OnError(err)
				}
			})
		}
	}
	m, data, err := c.machineFor(j, s, kind, base)
	if err != nil {
		fail(err)
		return
	}
	k, _ := s.Schedule()
	tr, from, err := startTrajectory(s, m, k, kind, from, base)
	if err != nil {
		fail(err)
		return
	}
	c.mu.Lock()
	if j.Current() {
		c.base = &baseRun{traj: snapshot(tr), set: s, m: m, data: data}
	}
	c.mu.Unlock()
	if err := c.stream(j, s, tr, from, m, data, Timing{Gen: j.Gen(), Kind: kind, From: from, Requested: requested}); err != nil {
		fail(fmt.Errorf("computing the trajectory: %w", err))
	}
}

// machineFor returns the machine of s (the base's for a schedule change),
// checked against s's schedule and prepared, and makes the evaluation
// cache keep its steps.
func (c *Controller) machineFor(j *worker.Job, s Settings, kind Change, base *baseRun) (*machine.Machine, *dataset.Dataset, error) {
	var m *machine.Machine
	var data *dataset.Dataset
	if base != nil {
		m, data = base.m, base.data
	}
	if kind == ChangeAll || m == nil {
		var err error
		if m, data, err = c.lib.Machine(s); err != nil {
			return nil, nil, err
		}
	}
	k, _ := s.Schedule()
	if err := m.CheckSchedule(k); err != nil {
		return nil, nil, err
	}
	if err := m.Prepare(j.Context(), c.prepareReporter(j, m)); err != nil {
		return nil, nil, fmt.Errorf("preparing %v: %w", m.Spec(), err)
	}
	c.mu.Lock()
	c.recent = append([]*machine.Machine{m}, slices.DeleteFunc(c.recent, func(r *machine.Machine) bool { return r == m })...)
	c.recent = c.recent[:min(len(c.recent), cacheMachines)]
	c.cache.Retain(c.recent...)
	c.mu.Unlock()
	return m, data, nil
}

// startTrajectory returns the trajectory a request computes and the step
// it starts at: the base branched at from for a schedule change (or at
// the step the base run got to, if it never reached from), otherwise a
// new one from the seed's noise.
func startTrajectory(s Settings, m *machine.Machine, k schedule.Patch, kind Change, from int, base *baseRun) (*sampler.Trajectory, int, error) {
	if kind == ChangeSchedule && base != nil {
		lo := base.traj.N - 1
		for lo > 0 && base.traj.X[lo-1] != nil {
			lo--
		}
		from = max(from, lo)
		if tr, err := base.traj.Branch(from, k); err == nil {
			return tr, from, nil
		}
	}
	d := m.Data()
	tr, err := sampler.New(sampler.Noise(s.Seed, d.C, d.H, d.W), d.C, d.H, d.W, k)
	return tr, len(k) - 1, err
}

// stream computes the steps of tr from from down, handing a snapshot to
// the UI after each. Steps taken from the cache arrive faster than the UI
// can draw them: a snapshot that a newer one of the same request has
// already overtaken in the dispatch queue is dropped (every snapshot holds
// all the steps before it), so the UI draws only the newest. The first
// snapshot of a request is always drawn.
func (c *Controller) stream(j *worker.Job, s Settings, tr *sampler.Trajectory, from int, m *machine.Machine, data *dataset.Dataset, timing Timing) error {
	return tr.ResumeCached(j.Context(), m, from, func(i, done, total int, tr *sampler.Trajectory) {
		snap := snapshot(tr)
		c.mu.Lock()
		if j.Current() {
			c.base = &baseRun{traj: snap, set: s, m: m, data: data}
		}
		c.mu.Unlock()
		res := &Result{Gen: j.Gen(), Settings: s, Traj: snap, Machine: m, Data: data,
			Done: done, Total: total, From: from, Complete: done == total}
		show := func() {
			c.show(res)
			if timing.FirstFrame == 0 {
				timing.FirstFrame = time.Since(timing.Requested)
			}
			if res.Complete {
				timing.Complete = time.Since(timing.Requested)
				if c.OnTiming != nil {
					c.OnTiming(timing)
				}
			}
		}
		if done == 1 {
			j.Deliver(show)
		} else {
			j.Progress(show)
		}
	}, c.cache)
}

// prepareReporter returns the progress callback of m.Prepare for job j:
// it hands at most ten updates a second to OnPrepare.
func (c *Controller) prepareReporter(j *worker.Job, m *machine.Machine) func(float64) {
	what := fmt.Sprintf("%v: covariance and eigendecomposition of %d training images (%d values each)", m.Spec(), m.Data().M, m.Data().Size())
	var last time.Time
	return func(f float64) {
		now := time.Now()
		if f < 1 && now.Sub(last) < 100*time.Millisecond {
			return
		}
		last = now
		j.Deliver(func() {
			if c.OnPrepare != nil {
				c.OnPrepare(what, f)
			}
		})
	}
}

// show merges a fresh snapshot with what is on screen and hands it over.
func (c *Controller) show(res *Result) {
	res.Stale = make([]bool, res.Traj.N)
	old := c.shown
	if old != nil && old.Traj.N == res.Traj.N && old.Traj.C == res.Traj.C && old.Traj.H == res.Traj.H && old.Traj.W == res.Traj.W && !res.Complete {
		tr := res.Traj
		merged := *tr
		merged.X = append([][]float64(nil), tr.X...)
		merged.Steps = append([]*machine.Step(nil), tr.Steps...)
		merged.Eps = append([][]float64(nil), tr.Eps...)
		for i := range tr.N {
			if tr.X[i] == nil && old.Traj.X[i] != nil {
				merged.X[i] = old.Traj.X[i]
				res.Stale[i] = true
			}
			if i > 0 && tr.Steps[i] == nil && old.Traj.Steps[i] != nil {
				merged.Steps[i], merged.Eps[i] = old.Traj.Steps[i], old.Traj.Eps[i]
				res.Stale[i] = true
			}
		}
		res.Traj = &merged
	}
	c.shown = res
	if c.OnResult != nil {
		c.OnResult(res)
	}
}

// snapshot copies the slice headers of a trajectory, so that later writes
// by Resume into tr do not reach the copy (the per-step data themselves
// are never modified once written).
func snapshot(tr *sampler.Trajectory) *sampler.Trajectory {
	s := *tr
	s.K = append(tr.K[:0:0], tr.K...)
	s.X = append([][]float64(nil), tr.X...)
	s.Steps = append([]*machine.Step(nil), tr.Steps...)
	s.Eps = append([][]float64(nil), tr.Eps...)
	return &s
}
