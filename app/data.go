package app

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"mosaic/model/builtin"
	"mosaic/model/dataset"
	"mosaic/model/machine"
	"mosaic/model/network"
)

// BuiltinNames returns the built-in data sets (model/builtin registers the
// procedural hands beside MNIST and Fashion-MNIST).
func BuiltinNames() []string { return builtin.Names() }

// IsBuiltin reports whether name is a built-in data set rather than a path.
func IsBuiltin(name string) bool {
	return slices.Contains(BuiltinNames(), strings.ToLower(strings.TrimSpace(name)))
}

// machineKey identifies a machine: the same key always builds the same one.
type machineKey struct {
	dataset, labels    string
	size, class, limit int
	spec               machine.Spec
}

// machineEntry is one cached machine, built once.
type machineEntry struct {
	once sync.Once
	m    *machine.Machine
	full *dataset.Dataset
	err  error
	used uint64
}

// Library loads data sets and builds machines, caching both so that a
// machine (and any costly engine data it builds) is reused for the same
// (dataset, class, limit, spec). It is safe for concurrent use.
type Library struct {
	mu       sync.Mutex
	machines map[machineKey]*machineEntry
	files    map[[2]string]*fileEntry
	nets     map[string]*netEntry
	// subsets are the training sets of the last settings (class and limit
	// applied), newest last, so that the machines of one data set share
	// one copy and do not decode a built-in set again each.
	subsets []*subsetEntry
	clock   uint64
	// Keep is how many machines stay cached (least recently used go).
	Keep int
	// load reads a data set file or folder; dataset.Load by default.
	load func(path, labels string) (*dataset.Dataset, error)
}

// netEntry is one network checkpoint, loaded once.
type netEntry struct {
	once sync.Once
	net  *network.Net
	err  error
}

// subsetKey identifies a training set: the data set, class and limit.
type subsetKey struct {
	dataset, labels    string
	size, class, limit int
}

// subsetEntry is one training set, loaded once.
type subsetEntry struct {
	key       subsetKey
	once      sync.Once
	full, sub *dataset.Dataset
	err       error
}

// keepSubsets is how many training sets the library keeps loaded.
const keepSubsets = 2

type fileEntry struct {
	once sync.Once
	ds   *dataset.Dataset
	err  error
}

// NewLibrary returns an empty library keeping up to 6 machines.
func NewLibrary() *Library {
	return &Library{machines: map[machineKey]*machineEntry{}, files: map[[2]string]*fileEntry{}, nets: map[string]*netEntry{}, Keep: 6, load: dataset.Load}
}

// Dataset returns the whole data set the settings name (before the class
// and limit restriction).
func (l *Library) Dataset(s Settings) (*dataset.Dataset, error) {
	if IsBuiltin(s.Dataset) {
		return builtin.Load(s.Dataset, s.Size)
	}
	l.mu.Lock()
	k := [2]string{s.Dataset, s.Labels}
	e := l.files[k]
	if e == nil {
		e = &fileEntry{}
		l.files[k] = e
	}
	l.mu.Unlock()
	e.once.Do(func() {
		e.ds, e.err = l.load(s.Dataset, s.Labels)
		if e.err == nil {
			e.err = e.ds.Validate()
		}
	})
	if e.err != nil {
		l.mu.Lock()
		delete(l.files, k) // let the user retry after fixing the file
		l.mu.Unlock()
	}
	return e.ds, e.err
}

// training returns the training set of the settings (class and limit
// applied) and a description of the whole data set for its labels and class
// names. For a built-in set only the kept images are decoded, so the default
// of 500 MNIST digits does not pay for resizing all 60,000; the description
// then carries labels but no pixels. The last keepSubsets training sets are
// kept: every machine over the same data shares them (the machines of
// Network vs machine's r^2 chart are built one after the other).
func (l *Library) training(s Settings) (full, sub *dataset.Dataset, err error) {
	k := subsetKey{s.Dataset, s.Labels, s.Size, s.Class, s.Limit}
	l.mu.Lock()
	var e *subsetEntry
	for i, x := range l.subsets {
		if x.key == k {
			e = x
			l.subsets = append(append(l.subsets[:i:i], l.subsets[i+1:]...), e) // newest last
			break
		}
	}
	if e == nil {
		e = &subsetEntry{key: k}
		l.subsets = append(l.subsets, e)
		if len(l.subsets) > keepSubsets {
			l.subsets = l.subsets[len(l.subsets)-keepSubsets:]
		}
	}
	l.mu.Unlock()
	e.once.Do(func() { e.full, e.sub, e.err = l.loadTraining(s) })
	if e.err != nil {
		l.mu.Lock()
		l.subsets = slices.DeleteFunc(l.subsets, func(x *subsetEntry) bool { return x == e }) // retry later
		l.mu.Unlock()
	}
	return e.full, e.sub, e.err
}

// loadTraining loads the training set of s (see training).
func (l *Library) loadTraining(s Settings) (full, sub *dataset.Dataset, err error) {
	if IsBuiltin(s.Dataset) {
		if sub, err = builtin.LoadSubset(s.Dataset, s.Size, s.Class, s.Limit); err != nil {
			return nil, nil, err
		}
		labels, names, err := builtin.Labels(s.Dataset)
		if err != nil {
			return nil, nil, err
		}
		full = &dataset.Dataset{Name: sub.Name, M: len(labels), C: sub.C, H: sub.H, W: sub.W, Labels: labels, ClassNames: names}
		return full, sub, nil
	}
	if full, err = l.Dataset(s); err != nil {
		return nil, nil, err
	}
	sub, err = full.Subset(s.Class, s.Limit)
	return full, sub, err
}

// Machine returns the machine of the settings, building it on first use.
// The second result describes the full data set (for class names and
// labels; see training).
func (l *Library) Machine(s Settings) (*machine.Machine, *dataset.Dataset, error) {
	spec, err := s.Spec()
	if err != nil {
		return nil, nil, err
	}
	// Spec is normalised: machines without patches have no boundary.
	key := machineKey{s.Dataset, s.Labels, s.Size, s.Class, s.Limit, spec}
	l.mu.Lock()
	e := l.machines[key]
	if e == nil {
		e = &machineEntry{}
		l.machines[key] = e
	}
	l.clock++
	e.used = l.clock
	l.evict(key)
	l.mu.Unlock()
	e.once.Do(func() {
		var full, sub *dataset.Dataset
		full, sub, e.err = l.training(s)
		if e.err != nil {
			return
		}
		e.full = full
		if spec.Kind == machine.Network {
			e.m, e.err = l.networkMachine(spec, sub, s.Class)
			return
		}
		e.m, e.err = machine.New(sub, spec)
	})
	if e.err != nil {
		l.mu.Lock()
		if l.machines[key] == e {
			delete(l.machines, key)
		}
		l.mu.Unlock()
		return nil, nil, e.err
	}
	return e.m, e.full, nil
}

// Network returns a built-in network by name or the network of a
// checkpoint file, loading it once.
func (l *Library) Network(path string) (*network.Net, error) {
	l.mu.Lock()
	e := l.nets[path]
	if e == nil {
		e = &netEntry{}
		l.nets[path] = e
	}
	l.mu.Unlock()
	e.once.Do(func() { e.net, e.err = network.Open(path) })
	if e.err != nil {
		l.mu.Lock()
		delete(l.nets, path) // let the user retry after fixing the file
		l.mu.Unlock()
	}
	return e.net, e.err
}

// networkMachine builds the Network machine of spec over the training set
// sub (which gives the image shape; a network trained at another size is
// refused). class is the settings' class: the label a conditional network
// is given.
func (l *Library) networkMachine(spec machine.Spec, sub *dataset.Dataset, class int) (*machine.Machine, error) {
	net, err := l.Network(spec.Net)
	if err != nil {
		return nil, err
	}
	info := net.Info()
	name := filepath.Base(spec.Net)
	if err := info.FitsImage(name, sub.H, sub.W); err != nil {
		return nil, fmt.Errorf("%w (the data set's size): pick data of that size", err)
	}
	class, err = info.ClassFor(name, class)
	if err != nil {
		return nil, fmt.Errorf("%w: choose a class in the Class control", err)
	}
	return machine.NewNetwork(net, sub, spec, class)
}

// evict drops the least recently used machines beyond Keep (never keep).
func (l *Library) evict(keep machineKey) {
	for len(l.machines) > max(l.Keep, 1) {
		var oldest machineKey
		var t uint64 = ^uint64(0)
		for k, e := range l.machines {
			if k != keep && e.used < t {
				oldest, t = k, e.used
			}
		}
		delete(l.machines, oldest)
	}
}

// Cached reports how many machines the library holds.
func (l *Library) Cached() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.machines)
}

// ClassChoices returns the labels of a data set with their names, for the
// class selector ("unconditional" is the caller's).
func ClassChoices(d *dataset.Dataset) []string {
	var out []string
	for _, c := range d.Classes() {
		name := d.ClassName(c)
		if name == fmt.Sprint(c) {
			out = append(out, name)
		} else {
			out = append(out, fmt.Sprintf("%d %s", c, name))
		}
	}
	return out
}
