//go:build !unix

package outfile

func umask() uint32 { return 0 }

// writable cannot be asked beforehand on this system: the write itself
// reports a refusal.
func writable(path string, dir bool) bool { return true }
