package machine

import (
	"runtime"
	"syscall"
)

// threadNice returns the nice value of the calling thread. (The raw
// getpriority system call returns 20 - nice.)
func threadNice() (int, error) {
	raw, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	return 20 - raw, err
}

// lowerThreadPriority locks the calling goroutine to its OS thread and
// raises that thread's nice value by n (to at most 19). It reports whether
// it did; if not, the goroutine is left unlocked. It leaves the process's
// main thread alone: that is the UI's in a GUI program, and Go cannot
// retire it (a goroutine that ends locked to it parks it for good).
func lowerThreadPriority(n int) bool {
	runtime.LockOSThread()
	tid := syscall.Gettid()
	cur, err := threadNice()
	if err == nil && tid == syscall.Getpid() {
		err = syscall.EPERM
	}
	if err == nil {
		err = syscall.Setpriority(syscall.PRIO_PROCESS, tid, min(cur+n, maxNice))
	}
	if err != nil {
		runtime.UnlockOSThread()
		return false
	}
	return true
}
