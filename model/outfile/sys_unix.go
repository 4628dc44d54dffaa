//go:build unix

package outfile

import (
	"strconv"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"mosaic/model/internal/procfs"
)

var umaskOnce = sync.OnceValue(func() uint32 {
	// Linux tells the umask in /proc/self/status; elsewhere it can only be
	// read by setting it, and it is set back at once.
	if v, ok := procfs.Field("/proc/self/status", "Umask"); ok {
		if m, err := strconv.ParseUint(v, 8, 32); err == nil {
			return uint32(m)
		}
	}
	m := syscall.Umask(0o022)
	syscall.Umask(m)
	return uint32(m)
})

// umask returns the process's file-mode creation mask.
func umask() uint32 { return umaskOnce() }

// writable reports whether the process may write path (a file) or create
// files in it (a folder), by the kernel's own check.
func writable(path string, dir bool) bool {
	mode := uint32(unix.W_OK)
	if dir {
		mode |= unix.X_OK
	}
	return unix.Access(path, mode) == nil
}
