// Package par splits loops between the cores.
package par

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// minWork is the amount of work (count * cost, in rough inner-loop
// iterations) below which Range runs on the calling goroutine: starting
// goroutines costs a few microseconds.
const minWork = 1 << 15

// Range splits [0, count) into one contiguous part per core and calls fn
// on each part concurrently, returning when all are done. cost is the work
// of one index; when count*cost is small, fn(0, count) runs on the calling
// goroutine instead.
func Range(count, cost int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if count <= 0 {
		return
	}
	if workers < 2 || count < 2 || count*max(cost, 1) < minWork {
		fn(0, count)
		return
	}
	var wg sync.WaitGroup
	step := (count + workers - 1) / workers
	for lo := 0; lo < count; lo += step {
		hi := min(lo+step, count)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}

// Each calls fn(i) for every i in [0, count), on one goroutine per core
// (at most count) that each take the next index as they finish one: for
// items of uneven cost, such as blocks of training images. It returns
// when all are done.
func Each(count int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), count) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= count {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}
