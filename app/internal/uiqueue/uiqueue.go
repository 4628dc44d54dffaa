// Package uiqueue stands in for Fyne's UI goroutine in tests. Workers post
// functions with Do (where the app would call fyne.Do) and the test
// goroutine runs them with Drain, so widgets are touched by one goroutine
// only. The test driver's own fyne.Do runs functions on the calling
// goroutine, which would race with the test.
package uiqueue

import (
	"sync"
	"testing"
	"time"
)

// Queue collects posted functions; its zero value is ready to use. Do never
// blocks the posting worker.
type Queue struct {
	mu    sync.Mutex
	funcs []func()
}

// Do posts f to run on the test goroutine.
func (q *Queue) Do(f func()) {
	q.mu.Lock()
	q.funcs = append(q.funcs, f)
	q.mu.Unlock()
}

// Drain runs everything posted so far (and anything those functions post)
// and returns how many functions ran.
func (q *Queue) Drain() int {
	n := 0
	for {
		q.mu.Lock()
		fs := q.funcs
		q.funcs = nil
		q.mu.Unlock()
		if len(fs) == 0 {
			return n
		}
		for _, f := range fs {
			f()
		}
		n += len(fs)
	}
}

// DrainUntil runs posted functions until cond holds, failing the test with
// "timed out waiting for <what>" after timeout.
func (q *Queue) DrainUntil(t testing.TB, what string, cond func() bool, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for q.Drain(); !cond(); q.Drain() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
