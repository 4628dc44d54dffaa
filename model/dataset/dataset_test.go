package dataset

import (
	"errors"
	"testing"
)

// TestSubsetNoClass checks the error of a class without images: it wraps
// ErrNoClass and names the classes present.
func TestSubsetNoClass(t *testing.T) {
	d := &Dataset{Name: "tiny", M: 3, C: 1, H: 1, W: 1, Pixels: []float64{0, 0.5, 1}, Labels: []int{1, 3, 1}}
	s, err := d.Subset(1, -1)
	if err != nil || s.M != 2 {
		t.Fatalf("class 1: %v, %v", s, err)
	}
	_, err = d.Subset(2, -1)
	if !errors.Is(err, ErrNoClass) || err.Error() != `dataset "tiny" has no images of class 2 (classes present: [1 3])` {
		t.Errorf("class 2: %v", err)
	}
}
