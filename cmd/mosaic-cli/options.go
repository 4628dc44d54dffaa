package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"mosaic/model/builtin"
	"mosaic/model/dataset"
	"mosaic/model/hands"
	"mosaic/model/machine"
	"mosaic/model/npy"
	"mosaic/model/schedule"
)

// dataFlags select the training set.
type dataFlags struct {
	train, labels, dataset string
	defaultDataset         string
	size, limit, class     int
}

func (d *dataFlags) add(fs *flag.FlagSet, defaultDataset string) {
	d.defaultDataset = defaultDataset
	fs.StringVar(&d.train, "train", "", "training images (.npy, IDX or folder)")
	fs.StringVar(&d.labels, "labels", "", "labels for --train (.npy or IDX)")
	fs.StringVar(&d.dataset, "dataset", "", "built-in data set: mnist, fashion or hands")
	fs.IntVar(&d.size, "size", builtin.DefaultSize, "image size of --dataset")
	fs.IntVar(&d.limit, "limit", 0, "keep the first M images (0 = all)")
	fs.IntVar(&d.class, "class", -1, "keep only the images with this label")
}

// load reads the training set and applies --class and --limit. Flag mistakes
// are usage errors; unreadable files are failures.
func (d *dataFlags) load(set map[string]bool) (*dataset.Dataset, error) {
	if d.train != "" && d.dataset != "" {
		return nil, usagef("give either --train PATH or --dataset NAME, not both")
	}
	name := d.dataset
	if d.train == "" && name == "" {
		name = d.defaultDataset
	}
	if d.train == "" && name == "" {
		return nil, usagef("no training data: give --train PATH (a .npy, an IDX file or a folder of images) or --dataset mnist|fashion|hands")
	}
	if d.limit < 0 {
		return nil, usagef("--limit must be a number of images >= 0 (0 keeps all), e.g. --limit 100")
	}
	if set["class"] && d.class < 0 {
		return nil, usagef("--class must be a label >= 0, e.g. --class 3")
	}
	var full *dataset.Dataset
	if d.train != "" {
		if set["size"] {
			return nil, usagef("--size applies to --dataset only; resize your own images before using --train")
		}
		ds, err := dataset.Load(d.train, d.labels)
		if err != nil {
			return nil, err
		}
		full = ds
	} else {
		if d.labels != "" {
			return nil, usagef("--labels applies to --train only: the built-in data sets have their own labels")
		}
		name = strings.ToLower(strings.TrimSpace(name))
		known := builtin.Names()
		ok := false
		for _, n := range known {
			ok = ok || n == name
		}
		if !ok {
			return nil, usagef("unknown --dataset %q: use one of %s, or --train PATH for your own images", d.dataset, strings.Join(known, ", "))
		}
		switch {
		case name == hands.Name && d.size != 32 && d.size != 64:
			return nil, usagef("--size %d is not available for hands: use --size 32 or --size 64", d.size)
		case name != hands.Name && (d.size < 1 || d.size > builtin.MaxSize):
			return nil, usagef("--size must be an image side from 1 to %d (at most %dx%d), such as 32 (the paper's) or 28 (native), not %d", builtin.MaxSize, builtin.MaxSize, builtin.MaxSize, d.size)
		}
		// Only the kept images are decoded and resized.
		ds, err := builtin.LoadSubset(name, d.size, d.class, d.limit)
		if err != nil {
			if d.class >= 0 && errors.Is(err, dataset.ErrNoClass) {
				return nil, usagef("--class %d: %v", d.class, err)
			}
			return nil, err
		}
		return ds, nil
	}
	ds, err := full.Subset(d.class, d.limit)
	if err != nil {
		if d.class >= 0 {
			return nil, usagef("--class %d: %v", d.class, err)
		}
		return nil, err
	}
	return ds, nil
}

// machineFlags select the machine.
type machineFlags struct {
	kind, boundary string
	tau, temp      float64
	net            string
}

func (m *machineFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&m.kind, "machine", "els", machine.KindList())
	fs.StringVar(&m.net, "net", "", "network: a checkpoint (.pt, .safetensors) for --machine network")
	fs.StringVar(&m.boundary, "boundary", "zeros", machine.BoundaryList())
	fs.Float64Var(&m.tau, "tau", machine.DefaultTau, "pca-locality: neighbourhood threshold in (0, 1]")
	fs.Float64Var(&m.temp, "temperature", machine.DefaultTemperature, "pca-locality: softmax temperature > 0")
}

// spec returns the machine the flags name; set holds the flags given on
// the command line (parseFlags), so that --tau with another machine is
// reported instead of ignored.
func (m *machineFlags) spec(set map[string]bool) (machine.Spec, error) {
	k, err := machine.ParseKind(m.kind)
	if err != nil {
		return machine.Spec{}, usagef("--machine: %v", err)
	}
	b, err := machine.ParseBoundary(m.boundary)
	if err != nil {
		return machine.Spec{}, usagef("--boundary: %v", err)
	}
	if k != machine.PCALocality {
		for _, f := range []string{"tau", "temperature"} {
			if set[f] {
				return machine.Spec{}, usagef("--%s applies only to --machine pca-locality, not %s", f, k)
			}
		}
	}
	if set["net"] && k != machine.Network {
		return machine.Spec{}, usagef("--net applies only to --machine network, not %s", k)
	}
	spec := machine.Spec{Kind: k, Boundary: b, Net: m.net}
	if k == machine.Network && m.net == "" {
		return machine.Spec{}, usagef("--machine network needs --net PATH: a checkpoint file (.pt as saved by torch.save, or a state_dict .pt / .safetensors with its .json beside it)")
	}
	if k == machine.PCALocality {
		// Zero would mean "the default" in a Spec; on the command line it
		// is a value to refuse.
		if m.tau <= 0 || m.tau > 1 || math.IsNaN(m.tau) {
			return machine.Spec{}, usagef("--tau: tau = %v is outside (0, 1]: it is a fraction of the largest entry of G (default %v)", m.tau, machine.DefaultTau)
		}
		if !(m.temp > 0) || math.IsInf(m.temp, 0) {
			return machine.Spec{}, usagef("--temperature: temperature = %v must be a positive number (default %v)", m.temp, machine.DefaultTemperature)
		}
		spec.Tau, spec.Temperature = m.tau, m.temp
	}
	return spec, nil
}

// scheduleFlags select the patch-size schedule and the number of steps.
type scheduleFlags struct {
	patch, sched, preset string
	steps                int
}

func (s *scheduleFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&s.patch, "patch", "", "constant patch size K (odd)")
	fs.StringVar(&s.sched, "schedule", "", "patch size per step, k0,...,k(N-1)")
	fs.StringVar(&s.preset, "preset", "", "calibrated schedule name (see mosaic-cli presets)")
	fs.IntVar(&s.steps, "steps", schedule.DefaultSteps, "number of sampler steps N")
}

// queryFlags name one evaluation of a denoiser: the noisy image, the time
// and the patch size (weights and denoise).
type queryFlags struct{ x, t, patch string }

func (q *queryFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&q.x, "x", "", "noisy image .npy")
	fs.StringVar(&q.t, "t", "", "time in (0, 1]")
	fs.StringVar(&q.patch, "patch", "", "patch size K")
}

// parse checks the query for a machine of the given kind and returns the
// time and the patch size (1 for machines without patches, which ignore
// it).
func (q *queryFlags) parse(kind machine.Kind) (t float64, k int, err error) {
	if q.x == "" {
		return 0, 0, usagef("no image: give --x X.npy, the noisy image [C,H,W] (e.g. a frame saved by sample --frames)")
	}
	if q.t == "" {
		return 0, 0, usagef("no time: give --t T with 0 < T <= 1, e.g. --t 0.5")
	}
	t, err = strconv.ParseFloat(q.t, 64)
	if err != nil || !(t > 0 && t <= 1) || math.IsNaN(t) {
		return 0, 0, usagef("--t must be a time with 0 < T <= 1, e.g. --t 0.5 (got %q)", q.t)
	}
	if t < minTime {
		return 0, 0, usagef("--t %s is too small: below t = %.2g the noise scale b(t) rounds to 0 and every weight is 0/0; use --t %.2g or more", q.t, minTime, minTime)
	}
	k = 1
	if q.patch != "" {
		if k, err = parsePatch("--patch", q.patch); err != nil {
			return 0, 0, err
		}
	} else if kind.HasPatch() {
		return 0, 0, usagef("the %s machine needs a patch size: give --patch K, e.g. --patch 5", kind)
	}
	return t, k, nil
}

// parsePatch reads one patch size given on the command line.
func parsePatch(flagName, s string) (int, error) {
	k, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || k < 1 || k%2 == 0 {
		return 0, usagef("%s must be an odd integer such as 3 or 5 (got %q)", flagName, s)
	}
	return k, nil
}

// resolve returns the schedule of N = --steps entries. For the machines
// without patches (IS, Wiener, PCA-locality) a schedule is optional (its
// entries are ignored). Notes (such as
// resampling a preset) go to stderr.
func (s *scheduleFlags) resolve(kind machine.Kind, stderr io.Writer) (schedule.Patch, error) {
	n := s.steps
	if n < 2 || n > maxSteps {
		return nil, usagef("--steps must be at least 2 and at most %d (the paper uses 20), not %d", maxSteps, n)
	}
	given := 0
	for _, v := range []string{s.patch, s.sched, s.preset} {
		if v != "" {
			given++
		}
	}
	if given > 1 {
		return nil, usagef("give only one of --patch K, --schedule k0,...,k(N-1) and --preset NAME")
	}
	var k schedule.Patch
	switch {
	case given == 0:
		if kind.HasPatch() {
			return nil, usagef("the %s machine needs patch sizes: give --patch K (e.g. --patch 5), --schedule k0,...,k%d (%d entries) or --preset NAME (see mosaic-cli presets)", kind, n-1, n)
		}
		return schedule.Constant(n, 1), nil
	case s.patch != "":
		p, err := parsePatch("--patch", s.patch)
		if err != nil {
			return nil, err
		}
		k = schedule.Constant(n, p)
	case s.sched != "":
		p, err := schedule.Parse(s.sched)
		if err != nil {
			return nil, usagef("--schedule: %v", err)
		}
		if len(p) != n {
			return nil, usagef("--schedule has %d entries but %d steps need %d (one per step, k0,...,k%d; entry 0 is never used): give %d entries or set --steps %d", len(p), n, n, n-1, n, len(p))
		}
		k = p
	default:
		p, err := schedule.Lookup(s.preset)
		if err != nil {
			return nil, usagef("--preset: %v", err)
		}
		k = p.K
		if len(k) != n {
			k = k.Resample(n)
			fmt.Fprintf(stderr, "preset %s is calibrated for %d steps; resampled by time to --steps %d: %s\n", p.Name, len(p.K), n, fmtSchedule(k))
		}
	}
	if !kind.HasPatch() {
		fmt.Fprintf(stderr, "note: the %s machine has no patches; the patch sizes are ignored\n", kind)
	}
	return k, nil
}

// readImage reads a single image [C,H,W] from a .npy file of shape [C,H,W]
// or [1,C,H,W] (or [H,W] when C = 1), checking it against the data shape.
func readImage(path, what string, c, h, w int) ([]float64, error) {
	a, err := npy.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sh := a.Shape
	ok := false
	switch len(sh) {
	case 2:
		ok = c == 1 && sh[0] == h && sh[1] == w
	case 3:
		ok = sh[0] == c && sh[1] == h && sh[2] == w
	case 4:
		ok = sh[0] == 1 && sh[1] == c && sh[2] == h && sh[3] == w
	}
	if !ok {
		return nil, fmt.Errorf("%s: %s has shape %v but the training images are [C,H,W] = [%d,%d,%d]: give an array of shape [%d,%d,%d] or [1,%d,%d,%d]", path, what, sh, c, h, w, c, h, w, c, h, w)
	}
	if a.Kind == npy.Bool {
		return nil, fmt.Errorf("%s: %s holds bool values (dtype %s): give float values", path, what, a.DType)
	}
	for i, v := range a.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: %s holds a NaN or infinite value at index %d", path, what, i)
		}
		if math.Abs(v) > maxInput {
			return nil, fmt.Errorf("%s: %s holds %g at index %d: values must be within +-%d (standard normal noise stays within +-7; was the array scaled?)", path, what, v, i, maxInput)
		}
	}
	return a.Data, nil
}

// nearest returns the training image closest to img in Euclidean distance
// and that distance.
func nearest(ds *dataset.Dataset, img []float64) (int, float64) {
	best, bestD := -1, math.Inf(1)
	for mu := 0; mu < ds.M; mu++ {
		s := 0.0
		for j, v := range ds.Image(mu) {
			d := img[j] - v
			s += d * d
			if s >= bestD {
				break
			}
		}
		if s < bestD {
			best, bestD = mu, s
		}
	}
	return best, math.Sqrt(bestD)
}

// describe summarises a training set, e.g. "hands: 100 images [1,32,32]".
func describe(ds *dataset.Dataset) string {
	if ds.M == 0 {
		return fmt.Sprintf("none (a network needs no training data), images [%d,%d,%d]", ds.C, ds.H, ds.W)
	}
	return fmt.Sprintf("%s: %d images [%d,%d,%d]", ds.Name, ds.M, ds.C, ds.H, ds.W)
}
