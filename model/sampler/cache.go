package sampler

import (
	"context"
	"encoding/binary"
	"hash/maphash"
	"math"
	"slices"
	"sync"

	"mosaic/model/machine"
)

// StepCache remembers machine evaluations, so that an evaluation that was
// computed once (by an earlier run, or ahead of time while the app is
// idle) is never computed again. An entry is found by the machine, the
// time t, the patch size k and the content of the noisy image x, compared
// in full: a hit is always the exact evaluation of (m, x, t, k). Machines are deterministic,
// so a cached step is bit-identical to a fresh one.
//
// The cache holds at most its capacity of entries and forgets the least
// recently used first. It is safe for concurrent use; the steps it returns
// are shared and must not be modified.
type StepCache struct {
	mu      sync.Mutex
	max     int
	seed    maphash.Seed
	entries []cacheEntry // least recently used first
	hits    int
}

type cacheEntry struct {
	m    *machine.Machine
	t    float64
	k    int
	sum  uint64
	x    []float64 // a private copy
	step *machine.Step
}

// NewStepCache returns an empty cache of the given capacity (at least 1).
func NewStepCache(capacity int) *StepCache {
	return &StepCache{max: max(1, capacity), seed: maphash.MakeSeed()}
}

func (c *StepCache) hash(x []float64) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	var b [8]byte
	for _, v := range x {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		h.Write(b[:])
	}
	return h.Sum64()
}

// find returns the index of the entry of (m, x, t, k) or -1; c.mu is held.
func (c *StepCache) find(m *machine.Machine, x []float64, sum uint64, t float64, k int) int {
	for i, e := range c.entries {
		if e.m == m && e.k == k && e.t == t && e.sum == sum && slices.Equal(e.x, x) {
			return i
		}
	}
	return -1
}

// Get returns the cached evaluation of machine m at (x, t, k), or nil.
func (c *StepCache) Get(m *machine.Machine, x []float64, t float64, k int) *machine.Step {
	if c == nil {
		return nil
	}
	return c.get(m, x, c.hash(x), t, k)
}

func (c *StepCache) get(m *machine.Machine, x []float64, sum uint64, t float64, k int) *machine.Step {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := c.find(m, x, sum, t, k)
	if i < 0 {
		return nil
	}
	e := c.entries[i]
	c.entries = append(append(c.entries[:i], c.entries[i+1:]...), e) // most recent last
	c.hits++
	return e.step
}

// Put stores the evaluation s of machine m at (x, t, k). It copies x.
func (c *StepCache) Put(m *machine.Machine, x []float64, t float64, k int, s *machine.Step) {
	if c == nil || s == nil {
		return
	}
	c.put(m, x, c.hash(x), t, k, s)
}

func (c *StepCache) put(m *machine.Machine, x []float64, sum uint64, t float64, k int, s *machine.Step) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if i := c.find(m, x, sum, t, k); i >= 0 {
		c.entries = append(c.entries[:i], c.entries[i+1:]...)
	}
	if len(c.entries) >= c.max {
		c.entries = append(c.entries[:0], c.entries[len(c.entries)-c.max+1:]...)
	}
	c.entries = append(c.entries, cacheEntry{m: m, t: t, k: k, sum: sum, x: slices.Clone(x), step: s})
}

// Step returns the evaluation of machine m at (x, t, k) from the cache, or
// computes and stores it. cached reports a hit. A nil cache computes.
func (c *StepCache) Step(ctx context.Context, m *machine.Machine, x []float64, t float64, k int) (s *machine.Step, cached bool, err error) {
	if c == nil {
		s, err = m.Step(ctx, x, t, k)
		return s, false, err
	}
	sum := c.hash(x) // once for the lookup and the store
	if s := c.get(m, x, sum, t, k); s != nil {
		return s, true, nil
	}
	if s, err = m.Step(ctx, x, t, k); err != nil {
		return nil, false, err
	}
	c.put(m, x, sum, t, k, s)
	return s, false, nil
}

// Retain drops the entries of every machine not in keep. A cache entry
// holds its machine (and so the machine's copy of the training set); an
// owner that stops using a machine calls Retain so that the memory can go.
func (c *StepCache) Retain(keep ...*machine.Machine) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = slices.DeleteFunc(c.entries, func(e cacheEntry) bool { return !slices.Contains(keep, e.m) })
}

// Len returns the number of cached evaluations.
func (c *StepCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Hits returns how many lookups found their evaluation in the cache.
func (c *StepCache) Hits() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits
}
