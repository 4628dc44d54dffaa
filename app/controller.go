package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"mosaic/model/dataset"
	"mosaic/model/machine"
	"mosaic/model/sampler"
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
}

// Ready reports whether step i of the result holds fresh data for x_i.
func (r *Result) Ready(i int) bool {
	return r != nil && i >= 0 && i < len(r.Stale) && r.Traj.X[i] != nil && !r.Stale[i]
}

// Controller owns the current trajectory and computes new ones off the UI
// goroutine. Every request supersedes the previous one: its context is
// cancelled and only the newest request's results reach the UI. Requests
// run one at a time, so rapid changes never pile up work. A change of the
// patch-size schedule at step i branches the current trajectory and
// recomputes only steps i..1; any other change recomputes everything.
type Controller struct {
	lib      *Library
	dispatch func(func())

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

	mu      sync.Mutex
	gen     uint64
	cancel  context.CancelFunc
	running chan struct{} // closed when the current worker exits
	base    *sampler.Trajectory
	baseSet Settings
	baseM   *machine.Machine
	baseD   *dataset.Dataset
	target  *Settings // the settings of the newest request
	shown   *Result   // the last result handed to the UI (dispatch side)

	// cache keeps every evaluation computed, by requests and ahead of
	// time, so that none is computed twice (an undo costs nothing).
	cache *sampler.StepCache
	// recent are the machines of the last requests, newest first; the
	// cache keeps only their evaluations (an entry holds its machine and
	// so its copy of the training set).
	recent []*machine.Machine
	// focus is the step on screen; while no request runs, the evaluations
	// at that step with the patch sizes next to its own are computed
	// ahead (prefetch), so that a one-notch change of that step's patch
	// size shows its first frame at once (and, with a constant patch size,
	// the whole trajectories one notch either side).
	focus    int
	pfCancel context.CancelFunc
	pfDone   chan struct{} // the running prefetch's: cleared, then closed, when it exits
}

// stepCacheSize bounds the evaluations the controller keeps: six 20-step
// trajectories (the one on screen, the one before, the two constant-size
// neighbours and more) and the focus step's neighbours. Each holds D, the
// mosaic map and the effective numbers of one step (about 50 kB at 32x32,
// 200 kB at 64x64).
const stepCacheSize = 128

// cacheMachines is how many machines' evaluations the cache keeps: the
// current one and the two before it (going back and forth between two
// boundaries or machines recomputes nothing), never more than the
// Library keeps built.
const cacheMachines = 3

// prefetchDelay is how long the step on screen must stay put before its
// neighbours are computed ahead: scrubbing moves it every frame.
const prefetchDelay = 150 * time.Millisecond

// prefetchMaxPairs is the largest evaluation computed ahead, in (pixel,
// candidate, image) triples: about 2.5 s on two cores, M = 5,000 at k = 3 (all of MNIST is
// computed only on request).
const prefetchMaxPairs = 5e9

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
	return &Controller{lib: lib, dispatch: dispatch, cache: sampler.NewStepCache(stepCacheSize), focus: -1}
}

// SetFocus tells the controller which step is on screen. When no request
// is running it computes, in the background, that step's evaluations with
// the patch sizes k-2 and k+2 (where the machine allows them), so that a
// one-notch change of that step's patch size needs no computation for its
// first frame. Any request cancels that work.
func (c *Controller) SetFocus(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.focus == i && c.pfDone != nil {
		return
	}
	c.focus = i
	c.prefetch()
}

// prefetch starts computing, while the controller is idle, what a
// one-notch change would need; c.mu is held. That is the focus step with
// k-2 and k+2 and, when the schedule is one constant patch size, the whole
// trajectories with that size -2 and +2 (a lecturer's slider). Anything
// above prefetchMaxPairs per evaluation, or a machine without patches
// (which ignores k), is left
// to the request.
func (c *Controller) prefetch() {
	c.stopPrefetch()
	base, set, m := c.base, c.baseSet, c.baseM
	if c.running != nil || base == nil || m == nil || !m.Spec().Kind.HasPatch() {
		return
	}
	var jobs []func(ctx context.Context) error
	if i := c.focus; i >= 1 && i < base.N && base.X[i] != nil && m.Pairs(base.K[i]) <= prefetchMaxPairs {
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
	if set.Mode == ScheduleConstant {
		noise := base.X[base.N-1]
		for _, kk := range []int{set.Constant + 2, set.Constant - 2} {
			s := set
			s.Constant = kk
			k, err := s.Schedule()
			if err != nil || m.CheckSchedule(k) != nil || int64(len(k))*m.Pairs(kk) > 2*prefetchMaxPairs {
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
	}
	if len(jobs) == 0 {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.pfCancel = cancel
	done := make(chan struct{})
	prev := c.pfDone
	c.pfDone = done
	go func() {
		defer func() {
			c.mu.Lock()
			if c.pfDone == done {
				c.pfDone = nil
			}
			c.mu.Unlock()
			close(done)
		}()
		if prev != nil {
			<-prev // cancelled above; one prefetch at a time
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(prefetchDelay):
		}
		for _, job := range jobs {
			if job(ctx) != nil {
				return // cancelled
			}
		}
	}()
}

// WaitPrefetch blocks until the background computation started by
// SetFocus has finished or been cancelled (for tests and measurements).
func (c *Controller) WaitPrefetch() { c.waitOn(&c.pfDone) }

// waitOn blocks until the channel in *ch (read under c.mu) is nil: each
// worker clears its channel under c.mu before closing it.
func (c *Controller) waitOn(ch *chan struct{}) {
	for {
		c.mu.Lock()
		d := *ch
		c.mu.Unlock()
		if d == nil {
			return
		}
		<-d
	}
}

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
	if c.running != nil && c.target != nil {
		if k, _ := Compare(*c.target, s); k == ChangeNone {
			return ChangeNone, nil // being computed right now
		}
	}
	kind, from := ChangeAll, s.Steps-1
	if c.base != nil {
		kind, from = Compare(c.baseSet, s)
	}
	if kind == ChangeNone && c.base != nil && c.base.Complete() {
		return ChangeNone, nil
	}
	c.target = &s
	if kind == ChangeNone {
		kind = ChangeSchedule // resume whatever is unfinished
		from = 1
	}
	if c.cancel != nil {
		c.cancel()
	}
	c.stopPrefetch()
	c.gen++
	gen := c.gen
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	prev := c.running
	done := make(chan struct{})
	c.running = done
	base, baseM, baseD := c.base, c.baseM, c.baseD
	go func() {
		defer close(done)
		if prev != nil {
			<-prev // one computation at a time
		}
		ok := c.work(ctx, gen, s, kind, from, base, baseM, baseD, time.Now())
		c.mu.Lock()
		if c.running == done {
			c.running = nil
			if ok {
				c.prefetch() // idle: compute the focus step's neighbours
			}
		}
		c.mu.Unlock()
	}()
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
	if c.cancel != nil {
		c.cancel()
		c.cancel = nil
	}
	c.stopPrefetch()
	c.gen++
	gen := c.gen
	c.base, c.baseSet, c.baseM, c.baseD = snap, s, m, data
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
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if c.cancel != nil {
		c.cancel()
	}
	c.stopPrefetch()
}

// stopPrefetch cancels the work ahead, if any; c.mu is held.
func (c *Controller) stopPrefetch() {
	if c.pfCancel != nil {
		c.pfCancel()
		c.pfCancel = nil
	}
}

// Wait blocks until no request is running (for tests and shutdown).
func (c *Controller) Wait() { c.waitOn(&c.running) }

// current reports whether gen is still the newest request.
func (c *Controller) current(gen uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen == gen
}

// work runs one request on a worker goroutine and reports whether it
// completed.
func (c *Controller) work(ctx context.Context, gen uint64, s Settings, kind Change, from int, base *sampler.Trajectory, baseM *machine.Machine, baseD *dataset.Dataset, requested time.Time) bool {
	if ctx.Err() != nil {
		return false
	}
	fail := func(err error) {
		if errors.Is(err, context.Canceled) {
			return
		}
		c.dispatch(func() {
			if c.current(gen) && c.OnError != nil {
				c.OnError(err)
			}
		})
	}
	m, data := baseM, baseD
	if kind == ChangeAll || m == nil {
		var err error
		if m, data, err = c.lib.Machine(s); err != nil {
			fail(err)
			return false
		}
	}
	k, _ := s.Schedule()
	if err := m.CheckSchedule(k); err != nil {
		fail(err)
		return false
	}
	if err := m.Prepare(ctx, c.prepareReporter(gen, m)); err != nil {
		fail(fmt.Errorf("preparing %v: %w", m.Spec(), err))
		return false
	}
	c.mu.Lock()
	c.recent = append([]*machine.Machine{m}, slices.DeleteFunc(c.recent, func(r *machine.Machine) bool { return r == m })...)
	c.recent = c.recent[:min(len(c.recent), cacheMachines)]
	c.cache.Retain(c.recent...)
	c.mu.Unlock()
	var work *sampler.Trajectory
	var err error
	if kind == ChangeSchedule && base != nil {
		// Resume from the highest changed step, or from where the base
		// run had got to if it never reached that step.
		lo := base.N - 1
		for lo > 0 && base.X[lo-1] != nil {
			lo--
		}
		if lo > from {
			from = lo
		}
		work, err = base.Branch(from, k)
	}
	if work == nil || err != nil {
		d := m.Data()
		from = len(k) - 1
		work, err = sampler.New(sampler.Noise(s.Seed, d.C, d.H, d.W), d.C, d.H, d.W, k)
		if err != nil {
			fail(err)
			return false
		}
	}
	c.mu.Lock()
	if c.gen == gen {
		c.base, c.baseSet, c.baseM, c.baseD = snapshot(work), s, m, data
	}
	c.mu.Unlock()
	timing := Timing{Gen: gen, Kind: kind, From: from, Requested: requested}
	// Steps taken from the cache arrive faster than the UI can draw them:
	// a snapshot that a newer one of the same request has already
	// overtaken in the dispatch queue is dropped (every snapshot holds all
	// the steps before it), so the UI draws only the newest. The first
	// snapshot of a request is always drawn.
	var latest atomic.Int64
	err = work.ResumeCached(ctx, m, from, func(i, done, total int, tr *sampler.Trajectory) {
		snap := snapshot(tr)
		c.mu.Lock()
		if c.gen == gen {
			c.base = snap
		}
		c.mu.Unlock()
		res := &Result{Gen: gen, Settings: s, Traj: snap, Machine: m, Data: data,
			Done: done, Total: total, From: from, Complete: done == total}
		seq := latest.Add(1)
		c.dispatch(func() {
			if !c.current(gen) || (latest.Load() != seq && done > 1) {
				return
			}
			c.show(res)
			if timing.FirstFrame == 0 {
				timing.FirstFrame = time.Since(requested)
			}
			if res.Complete {
				timing.Complete = time.Since(requested)
				if c.OnTiming != nil {
					c.OnTiming(timing)
				}
			}
		})
	}, c.cache)
	if err != nil {
		fail(fmt.Errorf("computing the trajectory: %w", err))
		return false
	}
	return true
}

// prepareReporter returns the progress callback of m.Prepare for request
// gen: it hands at most ten updates a second to OnPrepare.
func (c *Controller) prepareReporter(gen uint64, m *machine.Machine) func(float64) {
	what := fmt.Sprintf("%v: covariance and eigendecomposition of %d training images (%d values each)", m.Spec(), m.Data().M, m.Data().Size())
	var last time.Time
	return func(f float64) {
		now := time.Now()
		if f < 1 && now.Sub(last) < 100*time.Millisecond {
			return
		}
		last = now
		c.dispatch(func() {
			if c.current(gen) && c.OnPrepare != nil {
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
