package gaussian

import (
	"context"
	"sync"

	"mosaic/model/dataset"
)

// cacheSize is how many training sets' statistics stay in memory. One
// entry of a 32x32 RGB set (n = 3072) holds a 75 MB eigenvector matrix.
const cacheSize = 4

// cache keeps the statistics of the most recently used training sets,
// keyed by the data set's identity (a data set is never modified once
// loaded). A slot is locked while its statistics are computed, so that two
// machines on one data set compute them once; a waiter can still give up
// when its context is cancelled.
var cache struct {
	mu      sync.Mutex
	entries []*cacheEntry // most recently used last
}

type cacheEntry struct {
	data  *dataset.Dataset
	lock  chan struct{} // held (full) while computing
	stats *Stats
}

// For returns the statistics of a training set, computing them on the
// first call for that data set and returning the cached result afterwards.
// progress (may be nil) receives the fraction done while computing; it is
// not called when the result is cached.
func For(ctx context.Context, d *dataset.Dataset, progress func(float64)) (*Stats, error) {
	e := entryFor(d)
	select {
	case e.lock <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-e.lock }()
	if e.stats != nil {
		return e.stats, nil
	}
	s, err := Compute(ctx, d.Pixels, d.M, d.Size(), progress)
	if err != nil {
		return nil, err
	}
	e.stats = s
	return s, nil
}

// Cached returns the statistics of d if they are in the cache, or nil.
func Cached(d *dataset.Dataset) *Stats {
	e := entryFor(d)
	select {
	case e.lock <- struct{}{}:
		defer func() { <-e.lock }()
		return e.stats
	default:
		return nil // being computed
	}
}

// entryFor finds or makes the cache slot of d, marking it most recently
// used and evicting the least recently used slot beyond cacheSize.
func entryFor(d *dataset.Dataset) *cacheEntry {
	cache.mu.Lock()
	defer cache.mu.Unlock()
	for i, e := range cache.entries {
		if e.data == d {
			cache.entries = append(append(cache.entries[:i:i], cache.entries[i+1:]...), e)
			return e
		}
	}
	e := &cacheEntry{data: d, lock: make(chan struct{}, 1)}
	cache.entries = append(cache.entries, e)
	if len(cache.entries) > cacheSize {
		cache.entries = append([]*cacheEntry(nil), cache.entries[len(cache.entries)-cacheSize:]...)
	}
	return e
}
