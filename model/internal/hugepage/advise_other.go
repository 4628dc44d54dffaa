//go:build !linux

package hugepage

// Advise does nothing outside Linux.
func Advise[E any](s []E) {}
