// Package budget estimates, before anything is loaded or allocated, the
// memory and the time a computation needs, so that the command line and the
// app can refuse a run that cannot fit in the machine's memory (with the
// estimate, the memory there is and what to change) and warn about one that
// will take minutes.
//
// The estimates are deliberately simple sums of the big arrays (documented on
// Run and in For); they are meant to be right within a factor of about 1.5,
// which is what deciding "fits or not" needs.
package budget

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"

	"mosaic/model/internal/procfs"
	"mosaic/model/machine"
	"mosaic/model/schedule"
)

// Run describes a computation.
type Run struct {
	// Spec is the machine. For a Network machine, NetParams and NetWidth
	// describe the network.
	Spec machine.Spec
	// M, C, H, W are the training images kept in memory (M = 0: none, e.g.
	// a network without data) and the image shape.
	M, C, H, W int
	// Steps is the number of sampler steps N of one trajectory, and K its
	// patch-size schedule, or nil for the constant patch size Patch (so that
	// a run of a billion steps can be estimated without its schedule).
	// Without steps, the run is Evaluations single evaluations at patch size
	// Patch (denoise, weights).
	Steps       int
	K           schedule.Patch
	Patch       int
	Evaluations int
	// Trajectories is the number of trajectories run (at least 1) and Kept
	// how many of them are held in memory at once (at least 1).
	Trajectories, Kept int
	// Machines is the number of machines each trajectory is evaluated with
	// (compare; at least 1).
	Machines int
	// Load is the extra memory the loading of the data needs at its peak
	// (raw file contents and decoded copies; see LoadBytes).
	Load int64
	// Output is the memory of the output arrays built after the run.
	Output int64
	// NetParams and NetWidth describe a Network machine (the number of
	// parameters, the width of its layers), NetLayers its depth.
	NetParams, NetWidth, NetLayers int
}

// Part is one item of an estimate.
type Part struct {
	What  string
	Bytes int64
	// Knob says what shrinks this part: "data" (fewer or smaller images),
	// "steps" (fewer steps or trajectories), "size" (smaller images).
	Knob string
}

// Estimate is what a run needs.
type Estimate struct {
	// Parts are the large arrays, largest first; Bytes is the estimated
	// peak, including the Go runtime's overhead.
	Parts []Part
	Bytes int64
	// Pairs is the number of (pixel, training patch) pair evaluations of a
	// patch machine (0 for the others).
	Pairs float64
	// Seconds is the estimated wall time on this machine.
	Seconds float64
}

// SlowSeconds is the estimated wall time above which a warning is due.
const SlowSeconds = 60

// Figures of the engines, measured on two cores (docs/engine.md).
const (
	nsPerPairSIMD   = 0.7   // ELS/LS pair, AVX2 or AVX-512
	nsPerPairGo     = 14.0  // the pure Go kernels
	nsPerValueIS    = 3.5   // IS: per training value per step
	secPerEigenN3   = 2e-9  // eigendecomposition, per n^3
	secPerCovMN2    = 5e-10 // covariance, per M n^2
	secPerFilterN3  = 5e-10 // PCA-locality's filter F_t, per n^3 and step
	secPerNetMAC    = 3e-11 // network forward pass, per parameter and pixel
	runtimeOverhead = 0.3   // garbage and the Go runtime, share of the live arrays
	baseBytes       = 40 << 20
)

// For estimates a run.
func For(r Run) Estimate {
	n := int64(r.C) * int64(r.H) * int64(r.W)
	hw := int64(r.H) * int64(r.W)
	m := int64(r.M)
	nn := float64(n) * float64(n)
	steps := r.Steps
	if r.K != nil {
		steps = len(r.K)
	}
	evals := int64(max(steps-1, 0))
	if steps == 0 {
		evals = int64(max(r.Evaluations, 1))
	}
	traj := int64(max(r.Trajectories, 1))
	kept := int64(max(r.Kept, 1))
	machines := int64(max(r.Machines, 1))
	kind := r.Spec.Kind
	var e Estimate
	add := func(what string, b float64, knob string) {
		if b > 0 {
			e.Parts = append(e.Parts, Part{What: what, Bytes: clamp(b), Knob: knob})
		}
	}
	add("training images (float64)", float64(m)*float64(n)*8, "data")
	switch kind {
	case machine.LS, machine.ELS:
		lanes := (m + 15) / 16 * 16
		add("the engine's float32 copy of the images", float64(lanes)*float64(n)*4, "data")
		add("the engine's per-pixel sums", float64((m+255)/256)*float64(hw)*72*4, "data")
	case machine.Wiener, machine.PCALocality:
		add("covariance and eigenvectors (3 n x n float64, n = C*H*W)", 3*nn*8, "size")
		if kind == machine.PCALocality {
			add("PCA-locality's filter and neighbourhood (per step, n x n)", nn*8*1.5, "size")
		}
	case machine.Network:
		add("network parameters", float64(r.NetParams)*8, "")
		add("network activations", 16*float64(max(r.NetWidth, 1))*float64(max(r.NetLayers, 1))*float64(hw)*8*float64(kept), "size")
	}
	if steps > 0 {
		// x_i, D_i, eps_i per step, and the mosaic map (32 bytes per pixel)
		// and effective numbers per evaluated step.
		per := float64(steps)*float64(n)*8*3 + float64(steps)*float64(hw)*40
		add("trajectories (frames, denoised, by-products per step)", per*float64(kept), "steps")
	}
	add("output arrays", float64(r.Output), "steps")
	var live float64
	for _, p := range e.Parts {
		live += float64(p.Bytes)
	}
	live = max(live, float64(r.Load)+float64(m)*float64(n)*8)
	if r.Load > 0 {
		add("loading the data (file contents and decoded copies)", float64(r.Load), "data")
	}
	e.Bytes = clamp(live*(1+runtimeOverhead) + baseBytes)
	sortParts(e.Parts)

	// Time.
	var sec float64
	switch kind {
	case machine.LS, machine.ELS:
		pairs := 0.0
		if r.K != nil {
			perK := map[int]float64{}
			for i := 1; i < steps; i++ {
				p, ok := perK[r.K[i]]
				if !ok {
					p = float64(Pairs(r.Spec, r.M, r.H, r.W, r.K[i]))
					perK[r.K[i]] = p
				}
				pairs += p
			}
		} else {
			pairs = float64(evals) * float64(Pairs(r.Spec, r.M, r.H, r.W, max(r.Patch, 1)))
		}
		pairs *= float64(traj) * float64(machines)
		e.Pairs = pairs
		ns := nsPerPairSIMD
		if machine.Kernel() == "go" {
			ns = nsPerPairGo
		}
		sec = pairs * ns * 1e-9
	case machine.IS:
		sec = float64(evals*traj*machines) * float64(m) * float64(n) * nsPerValueIS * 1e-9
	case machine.Wiener, machine.PCALocality:
		sec = secPerEigenN3*nn*float64(n) + secPerCovMN2*float64(m)*nn
		if kind == machine.PCALocality {
			sec += float64(evals*traj*machines) * (secPerFilterN3*nn*float64(n) + float64(m)*float64(n)*10e-9)
		} else {
			sec += float64(evals*traj*machines) * float64(n) * float64(n) * 2e-9
		}
	case machine.Network:
		sec = float64(evals*traj) * float64(r.NetParams) * float64(hw) * secPerNetMAC
	}
	cores := float64(min(max(runtime.NumCPU(), 1), 64))
	e.Seconds = sec * 2 / cores
	return e
}

func clamp(b float64) int64 {
	if b >= math.MaxInt64/2 || math.IsNaN(b) {
		return math.MaxInt64 / 2
	}
	return int64(b)
}

func sortParts(p []Part) {
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && p[j].Bytes > p[j-1].Bytes; j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}

// Pairs returns the (pixel, training patch) pairs one step of a local
// machine weighs at patch size k (machine.Machine.Pairs, without a machine).
func Pairs(spec machine.Spec, m, h, w, k int) int64 {
	rule, err := machine.RuleFor(spec)
	if err != nil || k < 1 {
		return 0
	}
	mm := k / 2
	var rows, cols int64
	// Interior rows and columns all have the same count; the border ones
	// are counted one by one.
	axis := func(n int) int64 {
		var s int64
		for i := 0; i < n; i++ {
			if i > mm && i < n-1-mm && n > 4*mm+4 {
				s += int64(len(machine.AxisCandidates(mm+1, n, mm, rule.Candidates)))
				continue
			}
			s += int64(len(machine.AxisCandidates(i, n, mm, rule.Candidates)))
		}
		return s
	}
	rows, cols = axis(h), axis(w)
	return int64(m) * rows * cols
}

// MemAvailable returns the memory the system can give a new computation
// without swapping (Linux's MemAvailable), or ok = false when it cannot be
// told. It is a variable so that tests can set the machine's memory.
var MemAvailable = func() (bytes int64, ok bool) { return procfs.Bytes("/proc/meminfo", "MemAvailable") }

// TooBig is the refusal of a run that does not fit in memory.
type TooBig struct {
	Estimate  Estimate
	Available int64
}

func (e *TooBig) Error() string {
	return fmt.Sprintf("this run needs about %s of memory (%s) but %s is available", Bytes(e.Estimate.Bytes), e.Estimate.Breakdown(3), Bytes(e.Available))
}

// Largest returns the largest part of the estimate.
func (e Estimate) Largest() Part {
	if len(e.Parts) == 0 {
		return Part{}
	}
	return e.Parts[0]
}

// Breakdown lists the n largest parts, e.g. "training images (float64)
// 120 GB, ...".
func (e Estimate) Breakdown(n int) string {
	var parts []string
	for i, p := range e.Parts {
		if i == n {
			break
		}
		parts = append(parts, p.What+" "+Bytes(p.Bytes))
	}
	return strings.Join(parts, ", ")
}

// Check refuses an estimate that does not fit in the memory available
// (MemAvailable): the error is a *TooBig. When the memory cannot be told,
// nothing is refused.
func Check(e Estimate) error {
	avail, ok := MemAvailable()
	if !ok {
		return nil
	}
	if e.Bytes > avail {
		return &TooBig{Estimate: e, Available: avail}
	}
	return nil
}

// Warning returns a note for a run that will use much of the memory or take
// minutes, or "" when there is nothing to say.
func Warning(e Estimate) string {
	var notes []string
	if avail, ok := MemAvailable(); ok && e.Bytes > avail/4 && e.Bytes > 256<<20 {
		notes = append(notes, fmt.Sprintf("needs about %s of memory (%s available)", Bytes(e.Bytes), Bytes(avail)))
	}
	if e.Seconds > SlowSeconds {
		notes = append(notes, "will take about "+Duration(e.Seconds))
	}
	if len(notes) == 0 {
		return ""
	}
	return "this run " + strings.Join(notes, " and ") + " (estimate)"
}

// ErrTooBig matches every *TooBig with errors.Is.
var ErrTooBig = errors.New("does not fit in memory")

// Is lets errors.Is(err, ErrTooBig) match.
func (e *TooBig) Is(target error) bool { return target == ErrTooBig }

// Bytes prints a size with two significant figures: "126 GB", "4.2 GB",
// "820 MB".
func Bytes(b int64) string {
	f := float64(b)
	units := []string{"B", "kB", "MB", "GB", "TB", "PB", "EB"}
	i := 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	if f >= 10 || i == 0 {
		return fmt.Sprintf("%.0f %s", f, units[i])
	}
	return fmt.Sprintf("%.1f %s", f, units[i])
}

// Duration prints an estimated time: "40 seconds", "12 minutes", "3.5 hours",
// "9 days".
func Duration(s float64) string {
	switch {
	case s < 90:
		return fmt.Sprintf("%.0f seconds", s)
	case s < 90*60:
		return fmt.Sprintf("%.0f minutes", s/60)
	case s < 48*3600:
		return fmt.Sprintf("%.1f hours", s/3600)
	case s < 3650*86400:
		return fmt.Sprintf("%.0f days", s/86400)
	}
	return "more than ten years"
}

// LoadBytes estimates the peak memory of loading values array values stored
// with bytesPerValue bytes each: the file contents, their float64 decoding
// and the data set's own float64 copy.
func LoadBytes(values int64, bytesPerValue int) int64 {
	return clamp(float64(values) * float64(bytesPerValue+16))
}
