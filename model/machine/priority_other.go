//go:build !linux

package machine

// lowerThreadPriority does nothing where threads have no nice value of
// their own.
func lowerThreadPriority(int) bool { return false }
