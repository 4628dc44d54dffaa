package par

import (
	"sync/atomic"
	"testing"
)

func TestRangeCoversEveryIndexOnce(t *testing.T) {
	for _, tc := range []struct{ count, cost int }{{0, 1}, {1, 1 << 20}, {7, 1}, {1000, 1 << 10}, {1001, 1 << 10}} {
		hits := make([]int32, tc.count)
		Range(tc.count, tc.cost, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				atomic.AddInt32(&hits[i], 1)
			}
		})
		for i, h := range hits {
			if h != 1 {
				t.Fatalf("count %d cost %d: index %d visited %d times", tc.count, tc.cost, i, h)
			}
		}
	}
}

func TestEachCallsEveryIndexOnce(t *testing.T) {
	for _, count := range []int{0, 1, 2, 7, 1000} {
		hits := make([]int32, count)
		Each(count, func(i int) { atomic.AddInt32(&hits[i], 1) })
		for i, h := range hits {
			if h != 1 {
				t.Fatalf("count %d: index %d called %d times", count, i, h)
			}
		}
	}
}
