package hugepage

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestAdviseGivesHugePages writes a fresh, advised buffer and reads from
// /proc/self/smaps how much of its mapping the kernel backs with huge
// pages. It is skipped, with the reason, where transparent huge pages are
// off.
func TestAdviseGivesHugePages(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || !(strings.Contains(string(mode), "[madvise]") || strings.Contains(string(mode), "[always]")) {
		t.Skipf("transparent huge pages are off here (%q, %v): the advice cannot be seen", strings.TrimSpace(string(mode)), err)
	}
	buf := make([]float64, 64<<20/8)
	Advise(buf)
	for i := range buf {
		buf[i] = 1
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	huge, err := anonHugeKB(start, start+uintptr(len(buf))*8)
	if err != nil {
		t.Fatal(err)
	}
	// The 2 MB-aligned part of 64 MB is at least 62 MB.
	if huge < 62<<10 {
		t.Errorf("the advised 64 MB buffer has %d kB of huge pages, want at least %d", huge, 62<<10)
	}
}

// anonHugeKB returns the AnonHugePages of the mappings that overlap
// [lo, hi). (The advice splits a mapping: the part before the first
// 2 MB boundary is a mapping of its own.)
func anonHugeKB(lo, hi uintptr) (int, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in, seen, total := false, false, 0
	for sc.Scan() {
		line := sc.Text()
		if fields := strings.Fields(line); len(fields) > 0 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			from, to, ok := strings.Cut(fields[0], "-")
			a, err1 := strconv.ParseUint(from, 16, 64)
			b, err2 := strconv.ParseUint(to, 16, 64)
			in = ok && err1 == nil && err2 == nil && uint64(lo) < b && uint64(hi) > a
			seen = seen || in
			continue
		}
		if in && strings.HasPrefix(line, "AnonHugePages:") {
			kb, err := strconv.Atoi(strings.Fields(line)[1])
			if err != nil {
				return 0, fmt.Errorf("smaps: %q: %w", line, err)
			}
			total += kb
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	if !seen {
		return 0, fmt.Errorf("no mapping of /proc/self/smaps overlaps [%#x, %#x)", lo, hi)
	}
	return total, nil
}

// TestAdviseTakesAnySlice checks that small, empty and unaligned slices
// are accepted (no advice, no fault).
func TestAdviseTakesAnySlice(t *testing.T) {
	Advise([]float32(nil))
	Advise(make([]byte, 3))
	big := make([]byte, 20<<20+5)
	Advise(big[5:])
	Advise(big[1 : 17<<20])
	big[len(big)-1] = 1
}
