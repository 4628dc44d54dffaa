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
	"math"
	"path/filepath"
	"slices"
	"strings"
)

// Kind selects the machine: IS, LS, ELS, or one of the other theories of
// SPEC.md (Wiener, PCA-locality).
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
	// Wiener is the Gaussian machine: the exact posterior mean if the data
	// were Gaussian with the training set's mean and covariance.
	Wiener
	// PCALocality is the machine of Lukoianov et al. (2025): each value is
	// a softmax-weighted average of the training images at the same
	// location, with distances over a neighbourhood read off the Wiener
	// filter.
	PCALocality
	// Network is a trained network's denoiser (NewNetwork): no theory, the
	// thing the theories are compared with.
	Network
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

// The command-line names of the kinds and boundaries, and the boundaries'
// display titles: the one mapping between names, titles and values that
// the command lines and the app use (String, Title, ParseKind,
// ParseBoundary, KindList, BoundaryList).
var (
	kindNames      = []string{"ideal", "ls", "els", "wiener", "pca-locality", "network"}
	boundaryNames  = []string{"zeros", "circular", "reflect"}
	boundaryTitles = []string{"zeros", "circular", "reflect (extension)"}
)

// String returns the command-line name of the kind ("ideal", "ls", "els",
// "wiener", "pca-locality").
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Title returns the short display name ("IS", "LS", "ELS", "Wiener",
// "PCA-locality").
func (k Kind) Title() string {
	switch k {
	case IS:
		return "IS"
	case LS:
		return "LS"
	case ELS:
		return "ELS"
	case Wiener:
		return "Wiener"
	case PCALocality:
		return "PCA-locality"
	case Network:
		return "Network"
	}
	return k.String()
}

// Kinds lists every machine kind in display order (the theories, then a
// trained network).
func Kinds() []Kind { return []Kind{IS, LS, ELS, Wiener, PCALocality, Network} }

// HasPatch reports whether the machine uses a patch size (and a boundary):
// true for LS and ELS. IS, Wiener and PCA-locality look at the whole image
// (PCA-locality through a neighbourhood read off the data, not a square
// patch), so the patch-size schedule does not apply to them.
func (k Kind) HasPatch() bool { return k == LS || k == ELS }

// Weighted reports whether the machine's estimate is a softmax-weighted
// average of training data, so that a pixel has weights to attribute
// (every kind but Wiener, a linear filter of x, and a network).
func (k Kind) Weighted() bool { return k != Wiener && k != Network }

// KindTitles lists the display titles of Kinds, in that order.
func KindTitles() []string {
	var out []string
	for _, k := range Kinds() {
		out = append(out, k.Title())
	}
	return out
}

// KindList is the command-line names of every kind, for help texts and
// messages: "ideal, ls, els, wiener, pca-locality or network".
func KindList() string { return orList(kindNames) }

// String returns the command-line name of the boundary.
func (b Boundary) String() string {
	if b >= 0 && int(b) < len(boundaryNames) {
		return boundaryNames[b]
	}
	return fmt.Sprintf("Boundary(%d)", int(b))
}

// Title returns the display title of the boundary: its name, with
// "(extension)" for Reflect, which SPEC.md does not define.
func (b Boundary) Title() string {
	if b >= 0 && int(b) < len(boundaryTitles) {
		return boundaryTitles[b]
	}
	return b.String()
}

// Boundaries lists every boundary in display order.
func Boundaries() []Boundary { return []Boundary{Zeros, Circular, Reflect} }

// BoundaryTitles lists the display titles of Boundaries, in that order.
func BoundaryTitles() []string { return slices.Clone(boundaryTitles) }

// BoundaryList is the command-line names of every boundary, for help texts
// and messages: "zeros, circular or reflect".
func BoundaryList() string { return orList(boundaryNames) }

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// ParseKind reads a kind's command-line name ("ideal" or "is", "ls", "els",
// "wiener", "pca-locality", "network") or its display title (Title),
// case-insensitively.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ideal", "is":
		return IS, nil
	case "ls", "local":
		return LS, nil
	case "els":
		return ELS, nil
	case "wiener", "gaussian":
		return Wiener, nil
	case "pca-locality", "pca", "pcalocality", "pca_locality":
		return PCALocality, nil
	case "network", "net":
		return Network, nil
	}
	return 0, fmt.Errorf("unknown machine %q: use %s", s, KindList())
}

// ParseBoundary reads a boundary's command-line name ("zeros", "circular",
// "reflect") or its display title (Title), case-insensitively.
func ParseBoundary(s string) (Boundary, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	for _, b := range Boundaries() {
		if name == b.String() || name == b.Title() {
			return b, nil
		}
	}
	switch name {
	case "zero":
		return Zeros, nil
	case "wrap":
		return Circular, nil
	}
	return 0, fmt.Errorf("unknown boundary %q: use %s", s, BoundaryList())
}

// Default parameters of the PCA-locality machine (SPEC.md).
const (
	DefaultTau         = 0.02
	DefaultTemperature = 1.0
)

// Spec names a machine: its kind, its boundary and, for PCA-locality, its
// two parameters. The boundary is ignored by the machines without patches
// (IS, Wiener, PCA-locality).
type Spec struct {
	Kind     Kind
	Boundary Boundary
	// Tau is PCA-locality's neighbourhood threshold, relative to the
	// largest entry of G; 0 means DefaultTau. Other kinds ignore it.
	Tau float64
	// Temperature divides PCA-locality's logits; 0 means
	// DefaultTemperature. Other kinds ignore it.
	Temperature float64
	// Net names a Network machine's network (a built-in name or a file);
	// other kinds ignore it.
	Net string
}

// Normalized returns the spec with the defaults filled in and the fields
// that its kind ignores cleared, so that two specs that name the same
// machine compare equal.
func (s Spec) Normalized() Spec {
	if !s.Kind.HasPatch() {
		s.Boundary = Zeros
	}
	if s.Kind != Network {
		s.Net = ""
	}
	if s.Kind != PCALocality {
		s.Tau, s.Temperature = 0, 0
		return s
	}
	if s.Tau == 0 {
		s.Tau = DefaultTau
	}
	if s.Temperature == 0 {
		s.Temperature = DefaultTemperature
	}
	return s
}

// Check reports parameters that cannot define a machine.
func (s Spec) Check() error {
	n := s.Normalized()
	if n.Kind < IS || n.Kind > Network {
		return fmt.Errorf("unknown machine kind %d", int(n.Kind))
	}
	if n.Kind == PCALocality {
		if !(n.Tau > 0 && n.Tau <= 1) {
			return fmt.Errorf("PCA-locality: tau = %v is outside (0, 1]: it is a fraction of the largest entry of G (default %v)", s.Tau, DefaultTau)
		}
		if !(n.Temperature > 0) || math.IsInf(n.Temperature, 0) {
			return fmt.Errorf("PCA-locality: temperature = %v must be a positive number (default %v)", s.Temperature, DefaultTemperature)
		}
	}
	return nil
}

// String renders the spec for display, e.g. "ELS (zeros)", "IS" or
// "PCA-locality (tau 0.05)".
func (s Spec) String() string {
	n := s.Normalized()
	switch {
	case n.Kind == Network:
		if n.Net == "" {
			return n.Kind.Title()
		}
		return n.Kind.Title() + " (" + filepath.Base(n.Net) + ")"
	case n.Kind == PCALocality:
		var params []string
		if n.Tau != DefaultTau {
			params = append(params, fmt.Sprintf("tau %g", n.Tau))
		}
		if n.Temperature != DefaultTemperature {
			params = append(params, fmt.Sprintf("temperature %g", n.Temperature))
		}
		if len(params) == 0 {
			return n.Kind.Title()
		}
		return n.Kind.Title() + " (" + strings.Join(params, ", ") + ")"
	case !n.Kind.HasPatch():
		return n.Kind.Title()
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
