// Package procfs reads the "Key: value" lines of Linux's /proc files
// (/proc/meminfo, /proc/PID/status).
package procfs

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// Field returns the value of the first line of file path that starts with
// key followed by a colon, trimmed of spaces, or ok = false when the file
// cannot be read or has no such line.
func Field(path, key string) (value string, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, found := strings.CutPrefix(sc.Text(), key+":"); found {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// Bytes returns a field given in kB ("MemAvailable:  123456 kB") in bytes.
func Bytes(path, key string) (int64, bool) {
	v, ok := Field(path, key)
	if !ok {
		return 0, false
	}
	kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(v, "kB")), 10, 64)
	if err != nil {
		return 0, false
	}
	return kb * 1024, true
}
