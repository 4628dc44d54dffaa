package main

import (
	"testing"

	fyneapp "fyne.io/fyne/v2/app"
)

// TestDeclareFyneDo checks that the desktop app declares the fyne.Do
// migration and keeps the rest of its metadata.
func TestDeclareFyneDo(t *testing.T) {
	a := fyneapp.NewWithID("io.github.mosaic.test")
	before := a.Metadata()
	declareFyneDo(a)
	m := a.Metadata()
	if !m.Migrations["fyneDo"] {
		t.Fatalf("migrations %v: fyneDo not declared", m.Migrations)
	}
	if m.ID != before.ID || m.Name != before.Name || m.Version != before.Version {
		t.Errorf("metadata changed: %+v, was %+v", m, before)
	}
}
