package machine

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The main goroutine keeps the main thread, as in the desktop app, where
// Fyne locks it for the UI: lowerThreadPriority leaves the main thread
// alone, so a pool goroutine started there would run at normal priority.
func init() { runtime.LockOSThread() }

// lockedNice returns the nice value of the calling goroutine's thread,
// read while the goroutine is locked to it.
func lockedNice(t *testing.T) int {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	n, err := threadNice()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// threadsAtNice counts the process's threads whose nice value is nice,
// from /proc/self/task/*/stat (field 19).
func threadsAtNice(t *testing.T, nice int) int {
	t.Helper()
	stats, err := filepath.Glob("/proc/self/task/*/stat")
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // the thread has exited
		}
		s := string(b)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // fields 3 on
		if n, err := strconv.Atoi(fields[16]); err == nil && n == nice {
			count++
		}
	}
	return count
}

// TestWorkerNiceLowersOnlyTheWorkers: with SetWorkerNice(3) every work
// item of a step runs on a thread 3 nicer than the process, the calling
// goroutine's thread keeps its priority, the lowered threads are retired
// once the step is done rather than handed to other goroutines, and the
// step's bits are those of a step at normal priority.
func TestWorkerNiceLowersOnlyTheWorkers(t *testing.T) {
	base := lockedNice(t)
	if base+3 > maxNice {
		t.Skipf("the test process already runs at nice %d", base)
	}
	if threadsAtNice(t, base+3) != 0 {
		t.Skipf("a thread of this process already runs at nice %d", base+3)
	}
	defer SetWorkerNice(0)
	// seen runs a pool's items with SetWorkerNice(n) and returns the nice
	// value each ran at.
	seen := func(n int) []int {
		SetWorkerNice(n)
		wp := &pool{ctx: context.Background(), wks: make([]*worker, max(2, runtime.GOMAXPROCS(0)))}
		got := make([]int, 64)
		wp.run(len(got), func(_ *worker, i int) {
			v, err := threadNice()
			if err != nil {
				v = -100
			}
			got[i] = v
			time.Sleep(100 * time.Microsecond) // so that every goroutine of the pool gets items
		})
		return got
	}
	for i, v := range seen(3) {
		if v != base+3 {
			t.Fatalf("SetWorkerNice(3): item %d ran at nice %d, want %d", i, v, base+3)
		}
	}
	if got := lockedNice(t); got != base {
		t.Fatalf("the caller's thread is at nice %d after the step, want %d", got, base)
	}
	deadline := time.Now().Add(5 * time.Second)
	for threadsAtNice(t, base+3) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d threads still run at nice %d after the step: lowered threads were not retired", threadsAtNice(t, base+3), base+3)
		}
		time.Sleep(time.Millisecond)
	}
	for i, v := range seen(0) {
		if v != base {
			t.Fatalf("SetWorkerNice(0): item %d ran at nice %d, want %d", i, v, base)
		}
	}
	SetWorkerNice(25)
	if got := workerNice.Load(); got != maxNice {
		t.Fatalf("SetWorkerNice(25) stored %d, want it capped at %d", got, maxNice)
	}

	rng := rand.New(rand.NewPCG(9, 10))
	d := randomData(rng, 40, 1, 9, 9, 1)
	mc := mustMachine(t, d, Spec{Kind: ELS, Boundary: Zeros})
	x := randomImage(rng, d.Size())
	steps := make([]*Step, 2)
	for i, n := range []int{0, 3} {
		SetWorkerNice(n)
		s, err := mc.Step(context.Background(), x, 0.3, 5)
		if err != nil {
			t.Fatal(err)
		}
		steps[i] = s
	}
	for i := range steps[0].D {
		if steps[0].D[i] != steps[1].D[i] || steps[0].Effective[i] != steps[1].Effective[i] {
			t.Fatalf("pixel %d: %v at normal priority, %v on lowered threads", i, steps[0].D[i], steps[1].D[i])
		}
	}
}
