package worker

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"mosaic/app/internal/uiqueue"
)

func TestNewerJobSupersedesOlder(t *testing.T) {
	q := &uiqueue.Queue{}
	w := &Worker{Dispatch: q.Do}
	release := make(chan struct{})
	var got []string
	oldCtx := make(chan context.Context, 1)
	g1 := w.Start(func(j *Job) {
		oldCtx <- j.Context()
		<-release
		j.Deliver(func() { got = append(got, "old") })
	})
	ctx := <-oldCtx // the first job is running
	g2 := w.Start(func(j *Job) { j.Deliver(func() { got = append(got, "new") }) })
	if g2 <= g1 || w.Gen() != g2 {
		t.Fatalf("generations %d then %d, current %d", g1, g2, w.Gen())
	}
	close(release)
	w.Wait()
	q.Drain()
	if len(got) != 1 || got[0] != "new" {
		t.Fatalf("delivered %v, want only the newest job's", got)
	}
	if ctx.Err() == nil {
		t.Error("the superseded job's context was not cancelled")
	}
	if w.Busy() {
		t.Error("busy after Wait")
	}
}

func TestSerialRunsOneAtATimeAndSkipsSuperseded(t *testing.T) {
	w := &Worker{Dispatch: func(f func()) { f() }, Serial: true}
	var running, most atomic.Int32
	var ran atomic.Int32
	release := make(chan struct{})
	job := func(block bool) func(*Job) {
		return func(j *Job) {
			n := running.Add(1)
			if n > most.Load() {
				most.Store(n)
			}
			ran.Add(1)
			if block {
				<-release
			}
			running.Add(-1)
		}
	}
	w.Start(job(true))
	for !w.Busy() || ran.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	w.Start(job(false)) // superseded before it can start
	w.Start(job(false))
	close(release)
	w.Wait()
	if most.Load() != 1 {
		t.Errorf("%d jobs ran at once", most.Load())
	}
	if ran.Load() != 2 {
		t.Errorf("%d jobs ran, want 2 (the first and the newest)", ran.Load())
	}
}

func TestCancelDropsDeliveries(t *testing.T) {
	q := &uiqueue.Queue{}
	w := &Worker{Dispatch: q.Do}
	delivered := false
	started := make(chan struct{})
	proceed := make(chan struct{})
	w.Start(func(j *Job) {
		close(started)
		<-proceed
		if j.Current() {
			t.Error("current after Cancel")
		}
		j.Deliver(func() { delivered = true })
	})
	<-started
	w.Cancel()
	close(proceed)
	w.Wait()
	q.Drain()
	if delivered {
		t.Error("a cancelled job's result reached the UI")
	}
}

func TestProgressDropsOvertakenReports(t *testing.T) {
	q := &uiqueue.Queue{}
	w := &Worker{Dispatch: q.Do}
	var shown []int
	w.Start(func(j *Job) {
		j.Deliver(func() { shown = append(shown, 0) })
		for i := 1; i <= 5; i++ {
			j.Progress(func() { shown = append(shown, i) })
		}
	})
	w.Wait()
	if n := q.Drain(); n != 6 {
		t.Fatalf("%d functions dispatched, want 6", n)
	}
	if len(shown) != 2 || shown[0] != 0 || shown[1] != 5 {
		t.Fatalf("shown %v, want the delivery and the newest report", shown)
	}
}

func TestWaitIdleStopsWithItsContext(t *testing.T) {
	w := &Worker{Dispatch: func(f func()) { f() }}
	release := make(chan struct{})
	w.Start(func(*Job) { <-release })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if w.WaitIdle(ctx) {
		t.Error("idle while a job runs")
	}
	close(release)
	if !w.WaitIdle(context.Background()) || w.Busy() {
		t.Error("not idle after the job returned")
	}
}
