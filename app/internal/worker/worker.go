// Package worker is the one hand-off between Mosaic's UI goroutine and the
// goroutines that compute for it. A Worker runs each job on its own
// goroutine; starting a job supersedes the older ones (their contexts are
// cancelled and whatever they still deliver is dropped), and a job hands
// its results to the UI goroutine through Deliver and Progress, which run
// there (fyne.Do unless Dispatch says otherwise) only while the job is
// still the newest.
//
// The app's compute Controller (trajectories and the work computed ahead),
// the pixel Inspector, the hands gallery and the region-trace panel all
// use it.
package worker

import (
	"context"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
)

// Worker runs jobs off the UI goroutine. The zero value is ready to use.
// Start, Cancel and the accessors may be called from any goroutine.
type Worker struct {
	// Dispatch runs a function on the UI goroutine; nil means fyne.Do.
	// Tests inject a queue that they drain themselves.
	Dispatch func(func())
	// Serial makes each job wait until the previous one has returned
	// before it starts, so that superseded work never competes with the
	// newest for the CPU; a job superseded while it waits never runs.
	Serial bool

	mu     sync.Mutex
	gen    uint64
	cancel context.CancelFunc
	last   chan struct{} // closed when the newest job's goroutine returns
	active int           // goroutines started and not returned
	idle   chan struct{} // closed (and replaced) when active drops to 0
}

// Job is one piece of work handed to Start.
type Job struct {
	w   *Worker
	ctx context.Context
	gen uint64
	seq atomic.Uint64 // the newest Progress report
}

// Start supersedes any older job and runs run on a new goroutine. It
// returns the job's generation (increasing: each Start and Cancel makes a
// new one).
func (w *Worker) Start(run func(j *Job)) uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.supersede()
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	j := &Job{w: w, ctx: ctx, gen: w.gen}
	prev := w.last
	done := make(chan struct{})
	w.last = done
	if w.active == 0 {
		w.idle = make(chan struct{})
	}
	w.active++
	go func() {
		defer w.exit(done)
		if w.Serial && prev != nil {
			<-prev
		}
		if ctx.Err() != nil {
			return // superseded before it started
		}
		run(j)
	}()
	return j.gen
}

// exit marks a job's goroutine as returned.
func (w *Worker) exit(done chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	close(done)
	w.active--
	if w.active == 0 {
		close(w.idle)
	}
}

// supersede cancels the newest job and makes a new generation; w.mu is
// held.
func (w *Worker) supersede() {
	w.gen++
	if w.cancel != nil {
		w.cancel()
		w.cancel = nil
	}
}

// Cancel supersedes every job without starting a new one: their contexts
// are cancelled and nothing more of theirs reaches the UI.
func (w *Worker) Cancel() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.supersede()
}

// Gen returns the current generation: the newest job's, or a later one
// after Cancel.
func (w *Worker) Gen() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.gen
}

// Busy reports whether a job's goroutine is still running (superseded
// ones included: they may still be returning).
func (w *Worker) Busy() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.active > 0
}

// Wait blocks until no job's goroutine is running. It is for tests,
// measurements and shutdown; do not call it on the UI goroutine while a
// job may be waiting for the UI.
func (w *Worker) Wait() { w.WaitIdle(context.Background()) }

// WaitIdle blocks until no job's goroutine is running, or ctx is done; it
// reports whether the worker became idle.
func (w *Worker) WaitIdle(ctx context.Context) bool {
	for {
		w.mu.Lock()
		idle, active := w.idle, w.active
		w.mu.Unlock()
		if active == 0 {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-idle:
		}
	}
}

// dispatch runs f on the UI goroutine.
func (w *Worker) dispatch(f func()) {
	if w.Dispatch != nil {
		w.Dispatch(f)
		return
	}
	fyne.Do(f)
}

// Context is cancelled when the job is superseded.
func (j *Job) Context() context.Context { return j.ctx }

// Gen is the job's generation (see Start).
func (j *Job) Gen() uint64 { return j.gen }

// Current reports whether the job is still the newest (not superseded).
func (j *Job) Current() bool {
	j.w.mu.Lock()
	defer j.w.mu.Unlock()
	return j.w.gen == j.gen
}

// Deliver runs f on the UI goroutine if, when it gets there, the job is
// still the newest.
func (j *Job) Deliver(f func()) {
	j.w.dispatch(func() {
		if j.Current() {
			f()
		}
	})
}

// Progress is Deliver for reports that replace each other (a progress
// value, a snapshot that holds everything before it): f is also dropped
// when a later Progress of the same job was posted before f reached the
// UI goroutine, so a UI that lags draws only the newest report.
func (j *Job) Progress(f func()) {
	seq := j.seq.Add(1)
	j.w.dispatch(func() {
		if j.seq.Load() == seq && j.Current() {
			f()
		}
	})
}
