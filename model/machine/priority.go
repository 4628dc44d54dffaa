package machine

import "sync/atomic"

// workerNice is how much the threads that run a step's work items lower
// their priority (0: not at all); see SetWorkerNice.
var workerNice atomic.Int32

// maxNice is the largest nice value, the lowest priority, a thread can
// have.
const maxNice = 19

// SetWorkerNice makes the steps that start from now on run their work
// items on threads whose nice value is n above the process's own (capped
// at 19; n <= 0, the default: the process's own priority). The desktop app
// sets it, so that the machines use every core that is idle yet yield to
// the UI goroutine, the OpenGL driver's threads and the X server on a
// machine with few cores: the window's first frame and every scrubbing
// step get the CPU first. Results do not depend on it.
//
// Only Linux gives a thread its own nice value (setpriority(2)); elsewhere
// it has no effect. A thread is lowered only for the duration of one
// goroutine of a step, which ends locked to it, so that Go retires the
// thread instead of handing its low priority to other goroutines.
func SetWorkerNice(n int) { workerNice.Store(int32(min(max(n, 0), maxNice))) }

// lowerWorkerPriority lowers the calling goroutine's thread as
// SetWorkerNice asks, if it asks. If it did, the goroutine is locked to its
// thread and must end without unlocking.
func lowerWorkerPriority() {
	if n := workerNice.Load(); n > 0 {
		lowerThreadPriority(int(n))
	}
}
