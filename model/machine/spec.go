// Package machine implements the score machines of SPEC.md: the ideal score
// machine (IS), the local score machine (LS) and the equivariant local score
// machine (ELS), with zeros, circular and reflect boundaries, and the
// attribution that says which training patches drove a pixel.
//
// A Machine is bound to one training set. Its Step method evaluates the
// denoiser D(x, t) for a whole image and returns, alongside D, the per-pixel
// by-products the app shows (heaviest source patch, effective number of
// patches) at no extra cost. Attribute returns the full weight picture of one
// pixel. The inner loops live behind the engine interface so that a faster
// implementation can replace them without touching callers; the plain,
// obviously-correct reference lives in the tests.
package machine

import (
	"fmt"
	"strings"
)

// Kind selects the machine: IS, LS or ELS.
type Kind int

const (
	// IS is the ideal score machine: one softmax weight per training image.
	IS Kind = iota
	// LS is the local score machine: each pixel copies the same location of
	// every training image, weighted by patch similarity.
	LS
	// ELS is the equivariant local score machine: each pixel copies the
	// centre pixel of matching patches from anywhere its class allows.
	ELS
)

// Boundary selects how patches are completed where they leave the image.
type Boundary int

const (
	// Zeros pads with zeros (and, for ELS, breaks equivariance near the
	// border: the paper's model of zero-padded CNNs).
	Zeros Boundary = iota
	// Circular wraps around.
	Circular
	// Reflect mirrors without repeating the edge pixel (numpy's "reflect").
	// It is an extension of SPEC.md; see Rule.
	Reflect
)

var kindNames = []string{"ideal", "ls", "els"}
var boundaryNames = []string{"zeros", "circular", "reflect"}

// String returns the command-line name of the kind ("ideal", "ls", "els").
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Title returns the short display name ("IS", "LS", "ELS").
func (k Kind) Title() string {
	switch k {
	case IS:
		return "IS"
	case LS:
		return "LS"
	case ELS:
		return "ELS"
	}
	return k.String()
}

// String returns the command-line name of the boundary.
func (b Boundary) String() string {
	if b >= 0 && int(b) < len(boundaryNames) {
		return boundaryNames[b]
	}
	return fmt.Sprintf("Boundary(%d)", int(b))
}

// ParseKind reads "ideal" (or "is"), "ls" or "els", case-insensitively.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ideal", "is":
		return IS, nil
	case "ls", "local":
		return LS, nil
	case "els":
		return ELS, nil
	}
	return 0, fmt.Errorf("unknown machine %q: use ideal, ls or els", s)
}

// ParseBoundary reads "zeros", "circular" or "reflect", case-insensitively.
func ParseBoundary(s string) (Boundary, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "zeros", "zero":
		return Zeros, nil
	case "circular", "wrap":
		return Circular, nil
	case "reflect":
		return Reflect, nil
	}
	return 0, fmt.Errorf("unknown boundary %q: use zeros, circular or reflect", s)
}

// Spec names a machine: its kind and its boundary. The boundary is ignored
// by IS, which has no patches.
type Spec struct {
	Kind     Kind
	Boundary Boundary
}

// String renders the spec for display, e.g. "ELS (zeros)" or "IS".
func (s Spec) String() string {
	if s.Kind == IS {
		return "IS"
	}
	return s.Kind.Title() + " (" + s.Boundary.String() + ")"
}

// Extension reports whether the spec is one of the project's extensions of
// SPEC.md rather than a machine the paper defines (LS with circular or
// reflect padding, ELS with reflect padding).
func (s Spec) Extension() bool {
	switch s.Kind {
	case LS:
		return s.Boundary != Zeros
	case ELS:
		return s.Boundary == Reflect
	}
	return false
}
