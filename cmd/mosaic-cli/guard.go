package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"mosaic/model/budget"
	"mosaic/model/machine"
	"mosaic/model/outfile"
	"mosaic/model/schedule"
)

// maxSteps bounds --steps before anything is allocated; the memory
// estimate (budget) then says whether the run fits.
const maxSteps = 1_000_000

// maxInput bounds the absolute values of a noise or query image: standard
// normal noise stays within +-7 even over a billion values, and an image
// x_t = a x_0 + b eta within +-8. Beyond about 1e4 the float32 engine of the
// local machines loses the distances (docs/engine.md), so absurd values are
// refused instead of giving NaN.
const maxInput = 100

// minTime is the smallest time t whose noise scale b(t) does not round to
// zero in float64 (a weight exp(-d / 2b^2) needs b > 0), rounded up to two
// significant figures.
var minTime = func() float64 {
	lo, hi := 0.0, 1e-3 // b(lo) = 0 < b(hi)
	for range 200 {
		mid := (lo + hi) / 2
		if schedule.B(mid) > 0 {
			hi = mid
		} else {
			lo = mid
		}
	}
	e := math.Pow(10, math.Floor(math.Log10(hi))-1)
	return math.Ceil(hi/e) * e
}()

// planOutputs checks the output paths (flag, path pairs) before any
// computation: a bad one is a usage error naming the flag.
func planOutputs(stdout io.Writer, flagPaths ...string) (*outfile.Set, error) {
	set, err := outfile.Plan(stdout, flagPaths...)
	var pe *outfile.PathError
	if errors.As(err, &pe) {
		return nil, usagef("%v", err)
	}
	return set, err
}

// summaryTo returns where a command prints its summary: standard output,
// unless an output file goes there.
func summaryTo(set *outfile.Set, stdout, stderr io.Writer) io.Writer {
	if set != nil && set.ToStdout() {
		return stderr
	}
	return stdout
}

// checkBudget estimates a run before it loads or allocates anything big:
// it refuses one that cannot fit in memory, with the estimate, the memory
// available and what to change, and warns on stderr about one that takes
// minutes.
func checkBudget(run budget.Run, stderr io.Writer, quiet bool) error {
	e := budget.For(run)
	if err := budget.Check(e); err != nil {
		return fmt.Errorf("%v: %s", err, advice(e))
	}
	if w := budget.Warning(e); w != "" && !quiet {
		fmt.Fprintf(stderr, "note: %s\n", w)
	}
	return nil
}

// checkOneEvaluation checks the budget of one evaluation of machine spec
// at patch size k on the data the flags name (weights, denoise), when the
// data's shape can be told before loading it.
func checkOneEvaluation(df *dataFlags, spec machine.Spec, k int, stderr io.Writer) error {
	m, c, h, w, load, ok := df.peek()
	if !ok {
		return nil
	}
	r := machineRun(spec, m, c, h, w, load)
	r.Patch, r.Evaluations = k, 1
	return checkBudget(r, stderr, false)
}

// advice says which flags shrink the largest part of an estimate.
func advice(e budget.Estimate) string {
	switch e.Largest().Knob {
	case "data":
		return "use fewer or smaller training images (a smaller --limit, --class, or --size with --dataset)"
	case "steps":
		return "use fewer --steps (the paper uses 20), fewer seeds or samples"
	case "size":
		return "use smaller images (--size with --dataset), or a patch machine (els, ls), which needs no n x n matrices"
	}
	return "use less data, smaller images or fewer steps"
}

// peek returns the shape of the training data the flags name without
// loading it (built-in sets from their labels, files from their headers),
// and the memory the loading needs; ok is false when it cannot be told
// beforehand (folders, the procedural hands).
func (d *dataFlags) peek() (m, c, h, w int, load int64, ok bool) {
	var sh budget.Shape
	if d.train != "" {
		sh, ok = budget.PeekFile(d.train, d.limit)
	} else {
		name := strings.ToLower(strings.TrimSpace(d.dataset))
		if name == "" {
			name = d.defaultDataset
		}
		sh, ok = budget.PeekBuiltin(name, d.size, d.class, d.limit)
	}
	return sh.M, sh.C, sh.H, sh.W, sh.Load, ok
}

// finite reports the first NaN or infinite value of a result before it is
// written: never write NaN and succeed.
func finite(what string, vals []float64) error {
	for i, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s holds a non-finite value (%v at index %d): nothing was written; the inputs are beyond what the engine resolves (report this with the command line)", what, v, i)
		}
	}
	return nil
}

// fmtSchedule prints a schedule for a summary line: in full when short,
// else as runs ("3 x 99999, 5"), and cut after about 200 characters.
func fmtSchedule(k schedule.Patch) string {
	if len(k) <= 40 {
		return fmt.Sprint(k)
	}
	var runs []string
	for i := 0; i < len(k); {
		j := i
		for j < len(k) && k[j] == k[i] {
			j++
		}
		if j-i == 1 {
			runs = append(runs, fmt.Sprint(k[i]))
		} else {
			runs = append(runs, fmt.Sprintf("%d x %d", k[i], j-i))
		}
		i = j
	}
	s := "[" + strings.Join(runs, ", ") + "]"
	if len(s) > 200 {
		s = s[:200] + " ...]"
	}
	return s
}

// machineRun is the part of a budget.Run the machine flags give.
func machineRun(spec machine.Spec, m, c, h, w int, load int64) budget.Run {
	return budget.Run{Spec: spec, M: m, C: c, H: h, W: w, Load: load}
}
