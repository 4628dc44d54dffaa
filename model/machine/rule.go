package machine

import (
	"errors"
	"fmt"
)

// Pad is how a patch is completed outside the image.
type Pad int

const (
	// PadZeros fills with 0.
	PadZeros Pad = iota
	// PadCircular wraps around (index mod size).
	PadCircular
	// PadReflect mirrors without repeating the edge (numpy "reflect").
	PadReflect
	// PadNone means patches never leave the image: the candidate centres are
	// restricted to positions whose whole window is inside.
	PadNone
)

// Candidates is the rule that gives a pixel p its candidate centres q.
type Candidates int

const (
	// SamePosition: q = p only (LS).
	SamePosition Candidates = iota
	// AllInterior: every q whose whole k x k window lies inside (ELS circular).
	AllInterior
	// SameClass: every q with class(q) = class(p) (boundary-broken ELS).
	SameClass
)

// Rule is the complete description of a local machine (SPEC.md's table):
// how the query patch P_p(x) and the training patches P_q(phi) are padded and
// which centres q each pixel may copy.
type Rule struct {
	PadX, PadPhi Pad
	Candidates   Candidates
}

// RuleFor returns the rule of a local machine.
//
// The rows of SPEC.md's table are LS/zeros, ELS/circular and ELS/zeros. The
// extensions are defined the same way: LS with circular or reflect padding
// pads both images with that mode and keeps q = p; ELS with reflect padding
// is treated like boundary-broken ELS (both images reflect-padded, q in the
// class of p), because a reflect-padded CNN, like a zero-padded one, can tell
// where the border is and so loses translation equivariance there.
func RuleFor(s Spec) (Rule, error) {
	switch {
	case s.Kind == LS && s.Boundary == Zeros:
		return Rule{PadZeros, PadZeros, SamePosition}, nil
	case s.Kind == LS && s.Boundary == Circular:
		return Rule{PadCircular, PadCircular, SamePosition}, nil
	case s.Kind == LS && s.Boundary == Reflect:
		return Rule{PadReflect, PadReflect, SamePosition}, nil
	case s.Kind == ELS && s.Boundary == Circular:
		return Rule{PadCircular, PadNone, AllInterior}, nil
	case s.Kind == ELS && s.Boundary == Zeros:
		return Rule{PadZeros, PadZeros, SameClass}, nil
	case s.Kind == ELS && s.Boundary == Reflect:
		return Rule{PadReflect, PadReflect, SameClass}, nil
	}
	return Rule{}, fmt.Errorf("%v is not a local machine", s)
}

// PadIndex maps a possibly out-of-range index i of an axis of length n to an
// index inside [0, n) under the padding mode, or -1 when the padded value is
// zero (PadZeros, and PadNone, which should never be asked outside).
func PadIndex(i, n int, p Pad) int {
	if i >= 0 && i < n {
		return i
	}
	switch p {
	case PadCircular:
		i %= n
		if i < 0 {
			i += n
		}
		return i
	case PadReflect:
		if n == 1 {
			return 0
		}
		period := 2 * (n - 1)
		i %= period
		if i < 0 {
			i += period
		}
		if i >= n {
			i = period - i
		}
		return i
	}
	return -1
}

// AxisClass returns the boundary class of index i on an axis of length n for
// half-width m: i itself on the border bands (i < m or i >= n-m), or -1 for
// the interior (SPEC.md, rowclass/colclass).
func AxisClass(i, n, m int) int {
	if i < m || i >= n-m {
		return i
	}
	return -1
}

// AxisCandidates returns the candidate centre indices along one axis of
// length n for a pixel at index i, patch half-width m, under the rule.
func AxisCandidates(i, n, m int, c Candidates) []int {
	switch c {
	case SamePosition:
		return []int{i}
	case AllInterior:
		var out []int
		for q := m; q < n-m; q++ {
			out = append(out, q)
		}
		return out
	default: // SameClass
		if AxisClass(i, n, m) >= 0 {
			return []int{i}
		}
		var out []int
		for q := m; q < n-m; q++ {
			out = append(out, q)
		}
		return out
	}
}

// ErrPatchSize is wrapped by the error of a patch size a machine cannot
// use: even or below 1, or, for circular ELS, larger than the image. Its
// text begins the message, which says which and what to use instead.
var ErrPatchSize = errors.New("patch size")

// checkPatch reports whether patch size k is usable for this rule on an
// H x W image.
func checkPatch(k, h, w int, r Rule) error {
	if k < 1 || k%2 == 0 {
		return fmt.Errorf("%w %d is invalid: it must be odd and >= 1", ErrPatchSize, k)
	}
	if r.Candidates == AllInterior && (k > h || k > w) {
		return fmt.Errorf("%w %d is larger than the %dx%d image: circular ELS needs a whole training window inside the image, so use k <= %d", ErrPatchSize, k, h, w, min(h, w))
	}
	return nil
}
