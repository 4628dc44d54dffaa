package machine

import (
	"slices"
	"testing"
)

// TestNamesAndTitles checks the one mapping between kinds and boundaries
// and their names and titles: every name and title parses back, the lists
// match, and the messages name every choice.
func TestNamesAndTitles(t *testing.T) {
	for _, k := range Kinds() {
		for _, s := range []string{k.String(), k.Title()} {
			if got, err := ParseKind(s); err != nil || got != k {
				t.Errorf("ParseKind(%q) = %v, %v; want %v", s, got, err, k)
			}
		}
	}
	for _, b := range Boundaries() {
		for _, s := range []string{b.String(), b.Title()} {
			if got, err := ParseBoundary(s); err != nil || got != b {
				t.Errorf("ParseBoundary(%q) = %v, %v; want %v", s, got, err, b)
			}
		}
	}
	if got := KindTitles(); !slices.Equal(got, []string{"IS", "LS", "ELS", "Wiener", "PCA-locality", "Network"}) {
		t.Errorf("KindTitles() = %q", got)
	}
	if got := BoundaryTitles(); !slices.Equal(got, []string{"zeros", "circular", "reflect (extension)"}) {
		t.Errorf("BoundaryTitles() = %q", got)
	}
	if got := KindList(); got != "ideal, ls, els, wiener, pca-locality or network" {
		t.Errorf("KindList() = %q", got)
	}
	if got := BoundaryList(); got != "zeros, circular or reflect" {
		t.Errorf("BoundaryList() = %q", got)
	}
	if _, err := ParseKind("nope"); err == nil || err.Error() != `unknown machine "nope": use ideal, ls, els, wiener, pca-locality or network` {
		t.Errorf("ParseKind(nope): %v", err)
	}
	if _, err := ParseBoundary("nope"); err == nil || err.Error() != `unknown boundary "nope": use zeros, circular or reflect` {
		t.Errorf("ParseBoundary(nope): %v", err)
	}
}
