package gallery

import (
	"fmt"
	"sort"

	"mosaic/model/hands"
)

// Tally is a distribution of finger counts: how many images had each count,
// and how many the counter could not read.
type Tally struct {
	// Fingers maps a digit count (thumb included, 5 for a normal hand) to
	// the number of images with that count.
	Fingers map[int]int
	// Unknown is the number of images the counter could not tell ("?").
	Unknown int
	// Total is the number of images counted (the sum of Fingers and Unknown).
	Total int
}

// NewTally counts the results.
func NewTally(results []hands.Result) Tally {
	t := Tally{Fingers: map[int]int{}}
	for _, r := range results {
		t.Add(r)
	}
	return t
}

// Add counts one more result.
func (t *Tally) Add(r hands.Result) {
	if t.Fingers == nil {
		t.Fingers = map[int]int{}
	}
	t.Total++
	if !r.OK {
		t.Unknown++
		return
	}
	t.Fingers[r.Fingers]++
}

// Five returns the number of images with exactly five digits.
func (t Tally) Five() int { return t.Fingers[5] }

// NotFive returns the fraction of counted images that do not show five
// digits (unreadable ones included: a hand the counter cannot read is not a
// good hand), or 0 when nothing was counted.
func (t Tally) NotFive() float64 {
	if t.Total == 0 {
		return 0
	}
	return float64(t.Total-t.Five()) / float64(t.Total)
}

// Counts returns the digit counts present, in increasing order.
func (t Tally) Counts() []int {
	out := make([]int, 0, len(t.Fingers))
	for k, n := range t.Fingers {
		if n > 0 {
			out = append(out, k)
		}
	}
	sort.Ints(out)
	return out
}

// Summary describes the tally in one line, e.g.
// "24 hands: 18 with five digits, 6 not five (25%), of which 2 unreadable".
func (t Tally) Summary() string {
	if t.Total == 0 {
		return "no hands counted yet"
	}
	s := fmt.Sprintf("%d hands: %d with five digits, %d not five (%s)", t.Total, t.Five(), t.Total-t.Five(), Percent(t.NotFive()))
	if t.Unknown > 0 {
		s += fmt.Sprintf(", of which %d unreadable", t.Unknown)
	}
	return s
}

// BadgeText is the text of a sample's badge: the digit count, or "?" when
// the counter could not tell.
func BadgeText(r hands.Result) string {
	if !r.OK {
		return "?"
	}
	return fmt.Sprint(r.Fingers)
}

// Percent formats a fraction as a percentage, with one decimal within 10%
// of either end (so that 1 in 400 reads "0.3%" or "99.8%", never a
// misleading "0%" or "100%") and none in between.
func Percent(f float64) string {
	if f > 0 && f < 0.1 || f > 0.9 && f < 1 {
		return fmt.Sprintf("%.1f%%", 100*f)
	}
	return fmt.Sprintf("%.0f%%", 100*f)
}
