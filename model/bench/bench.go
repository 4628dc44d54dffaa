// Package bench measures the score machines against the project's speed
// targets and prints them as a table (mosaic-cli bench).
package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"mosaic/model/builtin"
	"mosaic/model/dataset"
	"mosaic/model/internal/procfs"
	"mosaic/model/machine"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

// Options selects what Run measures.
type Options struct {
	// Quick limits the run to the small configurations (for smoke tests):
	// M = 500 only, and attribution at M = 500.
	Quick bool
	// Sizes overrides the training-set sizes of the trajectory rows
	// (default 500, 5000, 60000; Quick: 500).
	Sizes []int
	// Kernel forces the vector kernels ("go", "avx2" or "avx512"); empty
	// keeps the fastest this CPU supports.
	Kernel string
	// Seed is the noise seed of the trajectories (default 1).
	Seed uint64
	// Random uses random training images instead of the built-in MNIST.
	Random bool
	// AttributionSize is M for the attribution and mosaic-map rows
	// (default 5000; Quick: 500).
	AttributionSize int
	// Exe is the mosaic-cli binary that the whole-process rows run (one
	// "sample" command per trajectory size, ELS zeros, built-in MNIST, the
	// kernel in use); empty: this process's own executable, which is
	// mosaic-cli when Run is called by "mosaic-cli bench". Those rows are
	// left out with Random data and when Exe is "-".
	Exe string
}

// Targets of issue 4 (2 cores, 32x32, 20 steps), for the trajectory alone.
var targets = map[int]float64{500: 1, 5000: 10, 60000: 150}

// processTargets are issue 14's targets for the whole process (start-up,
// loading the data, the trajectory and writing the frames).
var processTargets = map[int]float64{500: 1, 5000: 8, 60000: 100}

const attributionTarget = 0.020

// Run measures the targets and writes a table to w.
func Run(ctx context.Context, w io.Writer, o Options) error {
	if o.Kernel != "" {
		if err := machine.SetKernel(o.Kernel); err != nil {
			return err
		}
	}
	o = o.withDefaults()
	preset, err := schedule.Lookup("mnist-resnet-zeros")
	if err != nil {
		return err
	}
	full, err := trainingSet(max(slices.Max(o.Sizes), o.AttributionSize), o.Random)
	if err != nil {
		return err
	}
	exe := o.Exe
	if exe == "" && !o.Random {
		exe, _ = os.Executable()
	}
	if exe == "-" || o.Random || full.Name == "random" {
		exe = ""
	}
	tab := newTable(w)
	tab.header(full.Name, preset)
	for _, m := range o.Sizes {
		if exe, err = tab.trajectories(ctx, subset(full, m), preset, o.Seed, exe); err != nil {
			return err
		}
	}
	return tab.attribution(ctx, subset(full, o.AttributionSize), preset, o.Seed)
}

// withDefaults returns o with the seed, the sizes and the attribution size
// filled in.
func (o Options) withDefaults() Options {
	if o.Seed == 0 {
		o.Seed = 1
	}
	if len(o.Sizes) == 0 {
		o.Sizes = []int{500, 5000, 60000}
		if o.Quick {
			o.Sizes = []int{500}
		}
	}
	if o.AttributionSize <= 0 {
		o.AttributionSize = 5000
		if o.Quick {
			o.AttributionSize = 500
		}
	}
	return o
}

// table writes the rows of Run's table.
type table struct{ w io.Writer }

const tableFormat = "%-58s %6v %9v %8v %8v %8v %8v %4v\n"

func newTable(w io.Writer) *table { return &table{w: w} }

// header writes the machine, the data, the column legend and the column
// titles.
func (t *table) header(data string, preset schedule.Preset) {
	fmt.Fprintf(t.w, "mosaic bench: %s, %d CPUs (GOMAXPROCS %d), kernel %s, data %s, 32x32, schedule %s = %v\n",
		cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), machine.Kernel(), data, preset.Name, preset.K)
	fmt.Fprintln(t.w, "seconds: wall clock; cpu s: user+system time of the process; ns/pair: wall time per (pixel, centre, image) pair; peak MB: process peak RSS (VmHWM)")
	fmt.Fprintln(t.w, "trajectory rows: the trajectory alone, in this process; whole-process rows: a separate mosaic-cli sample run of the same trajectory (start-up, data, frames), its own CPU time and peak RSS")
	fmt.Fprintln(t.w, targetNote(machine.Kernel()))
	fmt.Fprintf(t.w, tableFormat, "configuration", "M", "seconds", "cpu s", "ns/pair", "peak MB", "target s", "met")
}

// targetNote says whose the targets are, and, with any kernel but
// AVX-512's, that they were set for a machine that has it.
func targetNote(kernel string) string {
	note := "targets: issue 4's for the trajectory alone, issue 14's for the whole process, both on 2 cores"
	if kernel != "avx512" {
		note += fmt.Sprintf("; issue 14's assume the AVX-512 kernels, and this run uses %s, so a NO here is expected", kernel)
	}
	return note
}

// rowPeak writes one row with the peak RSS given (a child process's).
func (t *table) rowPeak(name string, m int, wall, cpu float64, pairs int64, target, peak float64) {
	ns := "-"
	if pairs > 0 {
		ns = fmt.Sprintf("%.3f", wall*1e9/float64(pairs))
	}
	met := "-"
	if target > 0 {
		met = map[bool]string{true: "yes", false: "NO"}[wall <= target]
	}
	fmt.Fprintf(t.w, tableFormat, name, m, fmt.Sprintf("%.3f", wall), fmt.Sprintf("%.2f", cpu), ns, fmt.Sprintf("%.0f", peak), fmtTarget(target), met)
}

// row writes one row measured in this process.
func (t *table) row(name string, m int, wall, cpu float64, pairs int64, target float64) {
	t.rowPeak(name, m, wall, cpu, pairs, target, peakRSS())
}

// trajectories writes the rows of one training-set size: the ELS zeros and
// circular trajectories in this process and, unless exe is "", the zeros
// one as a whole mosaic-cli process. It returns exe, or "" once a whole
// process failed (the later sizes leave it out).
func (t *table) trajectories(ctx context.Context, d *dataset.Dataset, preset schedule.Preset, seed uint64, exe string) (string, error) {
	m := d.M
	for _, b := range []machine.Boundary{machine.Zeros, machine.Circular} {
		mc, err := machine.New(d, machine.Spec{Kind: machine.ELS, Boundary: b})
		if err != nil {
			return exe, err
		}
		var pairs int64
		for i := 1; i < len(preset.K); i++ {
			pairs += mc.Pairs(preset.K[i])
		}
		noise := sampler.Noise(seed, 1, d.H, d.W)
		c0, t0 := cpuTime(), time.Now()
		if _, err := sampler.Run(ctx, mc, noise, preset.K, nil); err != nil {
			return exe, err
		}
		wall, cpu := time.Since(t0).Seconds(), cpuTime()-c0
		t.row(fmt.Sprintf("trajectory ELS %v", b), m, wall, cpu, pairs, targets[m])
		if b != machine.Zeros || exe == "" {
			continue
		}
		// The same trajectory as a whole process: start-up, loading the
		// built-in data, the trajectory and writing the frames.
		wall, cpu, peak, err := runProcess(ctx, exe, m, seed, machine.Kernel())
		if err != nil {
			fmt.Fprintf(t.w, "whole process, M = %d: not measured: %v\n", m, err)
			exe = ""
			continue
		}
		t.rowPeak("whole process: mosaic-cli sample, ELS zeros", m, wall, cpu, pairs, processTargets[m], peak)
	}
	return exe, nil
}

// attribution writes the rows of the attribution and the mosaic map: ELS
// zeros at the last step (t = 0.05, k = 3, the largest candidate set: ~900
// centres for an interior pixel) on d.
func (t *table) attribution(ctx context.Context, d *dataset.Dataset, preset schedule.Preset, seed uint64) error {
	mc, err := machine.New(d, machine.Spec{Kind: machine.ELS, Boundary: machine.Zeros})
	if err != nil {
		return err
	}
	tr, err := sampler.New(sampler.Noise(seed, 1, d.H, d.W), 1, d.H, d.W, preset.K)
	if err != nil {
		return err
	}
	if err := tr.Resume(ctx, mc, tr.N-1, nil); err != nil {
		return err
	}
	x, tt, k := tr.X[1], tr.Time(1), preset.K[1]
	var times []float64
	c0 := cpuTime()
	for range 5 {
		t0 := time.Now()
		if _, err := mc.Attribute(x, tt, k, d.H/2, d.W/2, 10); err != nil {
			return err
		}
		times = append(times, time.Since(t0).Seconds())
	}
	target := 0.0
	if d.M == 5000 {
		target = attributionTarget
	}
	t.row(fmt.Sprintf("attribution top-10, pixel (16,16), k=%d, t=%.2f, median of 5", k, tt), d.M, median(times), (cpuTime()-c0)/5, mc.Pairs(k)/int64(d.H*d.W), target)
	// The mosaic map is a by-product of the step: time the step and the
	// extraction of the map from it.
	c0, t0 := cpuTime(), time.Now()
	st, err := mc.Step(ctx, x, tt, k)
	if err != nil {
		return err
	}
	stepWall := time.Since(t0).Seconds()
	t1 := time.Now()
	mosaic := make([]int, len(st.Heaviest))
	for i, s := range st.Heaviest {
		mosaic[i] = s.Image
	}
	mapWall := time.Since(t1).Seconds()
	t.row(fmt.Sprintf("one step + mosaic map, k=%d, t=%.2f (map: +%.0f us)", k, tt, mapWall*1e6), d.M, stepWall, cpuTime()-c0, mc.Pairs(k), 0)
	return nil
}

func fmtTarget(t float64) string {
	if t == 0 {
		return "-"
	}
	return strconv.FormatFloat(t, 'g', -1, 64)
}

// runProcess times "exe sample" on the first m built-in MNIST digits (ELS
// zeros, the mnist-resnet-zeros preset, MOSAIC_KERNEL=kernel), the command
// of issue 14, and returns its wall and CPU seconds and peak RSS in MB.
func runProcess(ctx context.Context, exe string, m int, seed uint64, kernel string) (wall, cpu, peakMB float64, err error) {
	dir, err := os.MkdirTemp("", "mosaic-bench-")
	if err != nil {
		return 0, 0, 0, err
	}
	defer os.RemoveAll(dir)
	cmd := exec.CommandContext(ctx, exe, "sample", "--dataset", "mnist", "--limit", strconv.Itoa(m), "--machine", "els",
		"--boundary", "zeros", "--preset", "mnist-resnet-zeros", "--seed", strconv.FormatUint(seed, 10), "--frames", filepath.Join(dir, "f.npy"))
	cmd.Env = append(os.Environ(), "MOSAIC_KERNEL="+kernel)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	if err = cmd.Start(); err != nil {
		return 0, 0, 0, fmt.Errorf("%s sample: %w", exe, err)
	}
	// The child's own peak RSS, read from /proc while it runs: the rusage
	// of a child started from this process reports this process's peak
	// (Linux carries the parent's high-water mark into the child's at
	// exec), 700 MB when the bench has loaded 60,000 digits.
	done := make(chan struct{})
	polled := make(chan float64, 1)
	go func() {
		peak := 0.0
		status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if v, ok := vmHWM(status); ok {
				peak = max(peak, v)
			}
			select {
			case <-done:
				polled <- peak
				return
			case <-tick.C:
			}
		}
	}()
	err = cmd.Wait()
	wall = time.Since(t0).Seconds()
	close(done)
	peakMB = <-polled
	if err != nil {
		return 0, 0, 0, fmt.Errorf("%s sample: %v: %s", exe, err, strings.TrimSpace(out.String()))
	}
	ps := cmd.ProcessState
	cpu = (ps.UserTime() + ps.SystemTime()).Seconds()
	if peakMB == 0 { // no /proc: the rusage, an upper bound
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			peakMB = float64(ru.Maxrss) / 1024 // kB on Linux
		}
	}
	return wall, cpu, peakMB, nil
}

// vmHWM returns the peak resident set (VmHWM) in MB from a /proc status
// file.
func vmHWM(status string) (float64, bool) {
	b, ok := procfs.Bytes(status, "VmHWM")
	return float64(b) / (1 << 20), ok
}

// trainingSet returns at least m images: the first m of the built-in MNIST
// at 32x32 (only those are decoded), or random images when it is
// unavailable or random data was asked for.
func trainingSet(m int, random bool) (*dataset.Dataset, error) {
	if !random {
		d, err := builtin.LoadSubset("mnist", 32, -1, m)
		if err == nil && d.M >= m {
			return d, nil
		}
		if err == nil {
			m = max(m, d.M)
		}
	}
	rng := rand.New(rand.NewPCG(7, 11))
	d := &dataset.Dataset{Name: "random", M: m, C: 1, H: 32, W: 32, Pixels: make([]float64, m*1024)}
	for i := range d.Pixels {
		d.Pixels[i] = 2*rng.Float64() - 1
	}
	return d, nil
}

// subset returns the first m images of d (sharing its pixels).
func subset(d *dataset.Dataset, m int) *dataset.Dataset {
	m = min(m, d.M)
	s := *d
	s.M = m
	s.Pixels = d.Pixels[:m*d.Size()]
	if d.Labels != nil {
		s.Labels = d.Labels[:m]
	}
	s.Name = fmt.Sprintf("%s[:%d]", d.Name, m)
	return &s
}

// cpuTime returns the user+system CPU seconds of the process.
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// peakRSS returns the process's peak resident set in MB (VmHWM), or the
// Go runtime's total obtained memory where /proc is unavailable.
func peakRSS() float64 {
	if v, ok := vmHWM("/proc/self/status"); ok {
		return v
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.Sys) / (1 << 20)
}

// cpuModel returns the CPU's model name, with its family and model numbers
// (virtual machines often report only "AMD EPYC"), and the AVX-512 subsets
// the kernels need when present.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	var name, family, model, flags string
	for _, l := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			if name != "" {
				break // the first processor is enough
			}
			continue
		}
		switch strings.TrimSpace(k) {
		case "model name":
			name = strings.TrimSpace(v)
		case "cpu family":
			family = strings.TrimSpace(v)
		case "model":
			model = strings.TrimSpace(v)
		case "flags":
			flags = " " + strings.TrimSpace(v) + " "
		}
	}
	if name == "" {
		return runtime.GOARCH
	}
	if family != "" && model != "" {
		name += fmt.Sprintf(" (family %s model %s)", family, model)
	}
	if strings.Contains(flags, " avx512f ") {
		name += " with AVX-512"
	}
	return name
}
